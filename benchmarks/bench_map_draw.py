"""How large a map vis-network draws in time: maps of growing size cut from a generated national
graph (the ``n`` institutions with most relations and every relation among them), rendered by
``render_map`` and opened in headless Chromium; the time from opening the file to the map drawn
and framed (``window.shienmapDrawn``). Not a test: prints a Markdown table.

    python benchmarks/bench_map_draw.py --graph /tmp/nat01.json --sizes 500 1000 2000 3000
    python benchmarks/bench_map_draw.py --graph /tmp/nat01.json --sizes 250 500 --cut dense

The limit the maps keep (``visualisations/limits.py``) comes from these figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from shienmap.graph.schema import INSTITUTION
from shienmap.graph.store import read_graph
from shienmap.visualisations.limits import Limits
from shienmap.visualisations.network_map import map_subgraph, render_map, write_map

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chromium import ARGS, CHROMIUM, draw_seconds  # noqa: E402


def cut(sub: nx.MultiDiGraph, n: int, how: str) -> nx.MultiDiGraph:
    """``n`` institutions of ``sub`` and the relations among them: those with most relations
    (``dense``: many edges per node) or the first by prefecture, then id (``regional``: whole
    prefectures' networks, about as dense as a prefecture's map)."""
    from shienmap.graph.ontology import default_ontology
    from shienmap.visualisations.layout import group_of

    onto = default_ontology()
    codes = {r.name: r.code or "99" for r in onto.regions.values()}

    def regional(x: str) -> tuple[str, str]:
        return codes.get(group_of(sub, x, onto)[0], "99"), x

    def dense(x: str) -> tuple[int, str]:
        return -sub.degree(x), x

    inst = sorted((x for x in sub if sub.nodes[x]["label"] == INSTITUTION),
                  key=dense if how == "dense" else regional)[:n]
    keep = set(inst)
    out = nx.MultiDiGraph()
    out.graph.update(sub.graph)
    out.add_nodes_from((x, sub.nodes[x]) for x in sub if x in keep)
    out.add_edges_from(e for e in sub.edges(keys=True, data=True)
                       if e[0] in keep and e[1] in keep)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", type=Path, required=True)
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000])
    ap.add_argument("--cut", choices=("dense", "regional"), default="regional")
    ap.add_argument("--page", choices=("auto", "compact", "full"), default="auto",
                    help="the page written (auto: compact from limits.COMPACT_FROM relations)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    whole = map_subgraph(read_graph(args.graph))
    print("| institutions | nodes | edges | render | file | draw in Chromium |")
    print("| --- | --- | --- | --- | --- | --- |")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in args.sizes:
            sub = cut(whole, n, args.cut)
            t0 = time.perf_counter()
            compact = {"auto": None, "compact": True, "full": False}[args.page]
            page = render_map(sub, limits=Limits(10**9, 10**9), compact=compact)  # no limit
            path = write_map(page, Path(tmp) / f"m{n}.html")
            render = time.perf_counter() - t0
            draw, errors = draw_seconds(browser, path)
            print(f"| {n:,} | {sub.number_of_nodes():,} | {sub.number_of_edges():,} | "
                  f"{render:.1f} s | {path.stat().st_size / 2**20:.1f} MiB | {draw:.1f} s"
                  f"{' (errors)' if errors else ''} |", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
