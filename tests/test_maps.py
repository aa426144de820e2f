"""Maps in a real headless Chromium (Debian's chromium, driven by Playwright), offline.

Each map is opened from disk with networking disabled; the tests wait for vis-network to draw
and check what a person would see: a non-blank canvas, the expected nodes and edges in the
page's data, no console errors, no request leaving the file. Screenshots go to
test-artifacts/ for a human look.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from shienmap.cli import main
from shienmap.graph.store import write_graph
from shienmap.loaders.pipeline import build_graph
from shienmap.queries.case import make_case
from shienmap.queries.routing import route
from shienmap.visualisations.network_map import map_subgraph, render_map, write_map

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("SHIENMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path, shot: str | None = None) -> dict:
    """Open a map from disk with the network cut; return what the page shows."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    page = ctx.new_page()
    requests, errors, dialogs = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.shienmapDrawn === true", timeout=30_000)
    info = page.evaluate("""() => {
        const c = document.querySelector('#mynetwork canvas');
        const ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        for (let i = 0; i < d.length; i += 4 * 7) {
            if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) ink++;
        }
        return {nodes: network.body.data.nodes.length, edges: network.body.data.edges.length,
                ink: ink, pwned: window.pwned === true,
                images: document.querySelectorAll('img').length,
                legend: document.getElementById('shienmap-legend').innerText,
                titles: network.body.data.edges.get().map(e => e.title)};
    }""")
    if shot:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / shot))
    ctx.close()
    info.update(requests=[r for r in requests if not r.startswith("file:")], errors=errors,
                dialogs=dialogs)
    return info


def test_page_has_no_remote_resources(corpus_graph, tmp_path):
    page = render_map(map_subgraph(corpus_graph[0]))
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"https?://", page)
    assert "vis.Network" in page and 'charset="utf-8"' in page.lower()


def test_national_map_in_the_browser(browser, corpus_graph, tmp_path):
    g = corpus_graph[0]
    sub = map_subgraph(g)
    path = write_map(render_map(sub), tmp_path / "national.html")
    info = open_offline(browser, path, "map-national.png")
    assert info["nodes"] == sub.number_of_nodes() and info["edges"] == sub.number_of_edges()
    assert info["ink"] > 2000, "the canvas is blank"
    assert info["errors"] == [] and info["requests"] == []
    assert "紹介" in info["legend"] and "金融機関" in info["legend"]
    assert any("[001_" in t and "件数" in t for t in info["titles"])  # count table evidence


def test_region_and_relation_views(browser, corpus_graph, tmp_path):
    g = corpus_graph[0]
    sub = map_subgraph(g, region="栃木県", relations=("紹介",))
    assert {k for _, _, k in sub.edges(keys=True)} == {"紹介"}
    assert "機関:栃木県信用保証協会" in sub
    path = write_map(render_map(sub), tmp_path / "tochigi.html")
    info = open_offline(browser, path, "map-tochigi-referrals.png")
    assert info["edges"] == sub.number_of_edges() and info["ink"] > 500


def test_route_view_highlights_the_answer(browser, corpus_graph, tmp_path):
    g = corpus_graph[0]
    result = route(g, make_case(g, "長野県", ["経営課題が不明確"], "諏訪信用金庫"))
    sub = map_subgraph(g, route=result)
    assert result.answers[0].id in sub and "機関:諏訪信用金庫" in sub
    page = render_map(sub)
    assert "#e53935" in page
    info = open_offline(browser, write_map(page, tmp_path / "route.html"), "map-route.png")
    assert info["errors"] == [] and info["ink"] > 500
    assert "経路" in info["legend"]


def test_names_and_quotes_from_documents_are_text(browser, tmp_path):
    doc = tmp_path / "docs" / "evil.txt"
    doc.parent.mkdir()
    doc.write_text("<img src=x onerror=\"window.pwned=true\">八十二銀行は<script>window.pwned="
                   "true;alert(1)</script>長野県信用保証協会に案件を紹介する。", encoding="utf-8")
    g, _ = build_graph([doc.parent])
    page = render_map(map_subgraph(g))
    info = open_offline(browser, write_map(page, tmp_path / "evil.html"), "map-escaping.png")
    assert not info["pwned"] and info["dialogs"] == [] and info["images"] == 0
    assert any("<script>" in t for t in info["titles"])  # shown as text in the tooltip


def test_map_command(corpus_graph, tmp_path, capsys):
    path = write_graph(corpus_graph[0], tmp_path / "g.json")
    out = tmp_path / "m.html"
    assert main(["map", "--graph", str(path), "--out", str(out), "--region", "栃木県",
                 "--route-from", "信用金庫", "--topic", "事業承継"]) == 0
    text = out.read_text(encoding="utf-8")  # the data is embedded as JSON (\\uXXXX escapes)
    assert json.dumps("栃木県事業承継・引継ぎ支援センター")[1:-1] in text
    assert main(["map", "--graph", str(path), "--out", str(out), "--route-from", "信用金庫"]) == 1
    assert "needs --region and --topic" in capsys.readouterr().err
