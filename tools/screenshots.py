"""Regenerate the README's pictures; none is drawn by hand.

    python tools/screenshots.py [--corpus ../shared/corpus] [--out docs/img]

Builds the graph from the corpus and writes the maps (national, a route view) and, from our own
test documents (tests/fixtures/docs, so that no corpus sentence is pictured), a search and a
click on a body showing its evidence, and opens each in headless Chromium (Debian's
``chromium``, driven by Playwright with no browser download, network off) to take a
screenshot; draws the gaps heat-map with matplotlib.
Writes ``map-national.png``, ``map-evidence.png``, ``map-route.png`` and ``gaps-heatmap.png``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1600, "height": 1000}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def _chromium(path: str | None) -> str:
    found = path or os.environ.get("SHIENMAP_CHROMIUM") or shutil.which("chromium")
    if not found or not Path(found).exists():
        sys.exit("Chromium not found: apt-get install chromium (or give --chromium PATH)")
    return found


def _shoot(browser, html: Path, png: Path, action=None) -> None:
    """Open a map offline, wait until it is drawn, optionally act on it, take a screenshot."""
    ctx = browser.new_context(viewport=VIEWPORT, offline=True)
    page = ctx.new_page()
    page.goto(html.resolve().as_uri())
    page.wait_for_function("window.shienmapDrawn === true", timeout=60_000)
    if action:
        action(page)
        page.wait_for_timeout(300)
    page.screenshot(path=str(png))
    ctx.close()
    print(f"wrote {png}")


def _search_and_show(page) -> None:
    """Find 静岡県中小企業活性化協議会 by a short name, as a person would, and show its
    evidence (the map of our own test documents: the picture quotes none of the corpus)."""
    page.fill("#shienmap-search", "静岡県活性化協議会")
    page.press("#shienmap-search", "Enter")
    page.evaluate("network.moveTo({scale: 1.2, animation: false,"
                  " position: network.getPositions(['機関:静岡県中小企業活性化協議会'])"
                  "['機関:静岡県中小企業活性化協議会']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--chromium", default=None, help="path of the Chromium binary")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from shienmap.loaders.pipeline import build_graph
    from shienmap.queries.case import make_case
    from shienmap.queries.gaps import gaps
    from shienmap.queries.routing import route
    from shienmap.visualisations.heatmap import gap_heatmap, save_figure
    from shienmap.visualisations.network_map import map_subgraph, render_map, write_map

    g, _ = build_graph([args.corpus])
    built = datetime.date.today().isoformat()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        national = write_map(render_map(map_subgraph(g), built=built), Path(tmp) / "n.html")
        own, _ = build_graph([ROOT / "tests" / "fixtures" / "docs"])
        ours = write_map(render_map(map_subgraph(own), built=built), Path(tmp) / "o.html")
        result = route(g, make_case(g, "長野県", ["経営課題が不明確"], "諏訪信用金庫"))
        routed = write_map(render_map(map_subgraph(g, route=result), built=built),
                           Path(tmp) / "r.html")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(args.chromium), args=ARGS)
            _shoot(browser, national, args.out / "map-national.png")
            _shoot(browser, ours, args.out / "map-evidence.png", _search_and_show)
            _shoot(browser, routed, args.out / "map-route.png")
            browser.close()
    heat = save_figure(gap_heatmap(gaps(g), only_documented_pairs=True),
                       args.out / "gaps-heatmap.png")
    print(f"wrote {heat}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
