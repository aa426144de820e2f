"""Maps in a real headless Chromium (Debian's chromium, driven by Playwright), offline.

Each map is opened from disk with networking disabled; the tests wait for vis-network to draw
and check what a person would see and do: a non-blank canvas, the expected nodes and edges in
the page's data, no console errors, no request leaving the file; typing in the search box,
ticking filters, clicking a node (a real mouse click on the canvas) and reading the panel;
where nodes lie; what a route view draws. Screenshots go to test-artifacts/ for a human look.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from chromium import ARGS, CHROMIUM, open_page

from conftest import ROOT
from shienmap.cli import main
from shienmap.documents import Documents
from shienmap.graph.store import write_graph
from shienmap.loaders.pipeline import build_graph
from shienmap.queries.case import make_case
from shienmap.queries.routing import route
from shienmap.visualisations.network_map import map_subgraph, render_map, write_map
from shienmap.visualisations.palette import HIGHLIGHT

ARTIFACTS = ROOT / "test-artifacts"


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
    title_001 = Documents(g)["001_eb38d82ed57d49b5.txt"].label()  # count table evidence
    assert any(title_001 in t and "001_eb38d82ed57d49b5.txt" in t and "件数" in t
               for t in info["titles"])


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
    assert HIGHLIGHT in page
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
    assert "--region と --topic が必要" in capsys.readouterr().err
    assert main(["map", "--graph", str(path), "--out", str(out), "--route-from", "信用金庫",
                 "--lang", "en"]) == 1
    assert "needs --region and --topic" in capsys.readouterr().err
    atlas = tmp_path / "atlas"  # an atlas is of the whole country: a region is refused
    assert main(["map", "--graph", str(path), "--out-dir", str(atlas), "--region", "長野県"]) == 1
    assert "--region・--route-from・--topic とは組み合わせられない" in capsys.readouterr().err
    assert not atlas.exists()


# ---------------------------------------------------------------- what an analyst does


@pytest.fixture(scope="module")
def national_map(corpus_graph, tmp_path_factory) -> Path:
    g = corpus_graph[0]
    return write_map(render_map(map_subgraph(g), built="2025-01-01"),
                     tmp_path_factory.mktemp("maps") / "national.html")


def test_title_block_names_the_graph_its_date_and_documents(browser, corpus_graph, national_map):
    ctx, page = open_page(browser, national_map)
    title = page.inner_text("#shienmap-title")
    ctx.close()
    assert "中小企業支援ネットワーク地図" in title and "2025-01-01" in title
    assert "文書 5 件" in title and "機関" in title and "関係" in title
    docs = Documents(corpus_graph[0])
    for name in docs:  # every document by title, publisher and year, and by file name
        assert docs[name].label() in title and name in title


@pytest.mark.parametrize("typed", ["静岡保証協会", "静岡県保証協会", "静岡県信用保証協会"])
def test_search_finds_a_guarantee_corporation_by_an_alias(browser, national_map, typed):
    ctx, page = open_page(browser, national_map)
    page.fill("#shienmap-search", typed)
    page.press("#shienmap-search", "Enter")
    first = page.get_attribute("#shienmap-results li:first-child button", "data-node")
    selected = page.evaluate("network.getSelectedNodes()")
    heading = page.inner_text("#shienmap-details h2")
    ctx.close()
    assert first == "機関:静岡県信用保証協会"
    assert selected == ["機関:静岡県信用保証協会"] and heading == "静岡県信用保証協会"


def test_a_relation_filter_hides_the_other_types(browser, national_map):
    ctx, page = open_page(browser, national_map)
    for box in page.query_selector_all("#shienmap-relations input"):
        if box.get_attribute("value") != "協定":
            box.uncheck()
    shown = page.evaluate("""() => {
        const e = network.body.data.edges.get(), n = network.body.data.nodes.get();
        return {visible: e.filter(x => !x.hidden).map(x => x.relation),
                hidden: e.filter(x => x.hidden).length,
                nodes: n.filter(x => !x.hidden).map(x => x.id),
                ends: e.filter(x => !x.hidden).flatMap(x => [x.from, x.to])};
    }""")
    ctx.close()
    assert shown["visible"] and set(shown["visible"]) == {"協定"}
    assert shown["hidden"] > 0
    assert set(shown["nodes"]) == set(shown["ends"])  # nodes without an agreement are hidden


def test_kind_and_prefecture_filters_keep_relations_touching_them(browser, national_map):
    ctx, page = open_page(browser, national_map)
    page.select_option("#shienmap-prefecture", "栃木県")
    ends = page.evaluate("""() => network.body.data.edges.get().filter(x => !x.hidden)
        .map(x => [window.shienmap.data.nodes[x.from].group,
                   window.shienmap.data.nodes[x.to].group])""")
    page.select_option("#shienmap-prefecture", "")
    page.select_option("#shienmap-kind", "信用保証協会")
    kinds = page.evaluate("""() => network.body.data.edges.get().filter(x => !x.hidden)
        .map(x => [window.shienmap.data.nodes[x.from].kinds,
                   window.shienmap.data.nodes[x.to].kinds])""")
    ctx.close()
    assert ends and all("栃木県" in pair for pair in ends)
    assert kinds and all("信用保証協会" in a or "信用保証協会" in b for a, b in kinds)


def _click_node(page, node: str) -> None:
    """Zoom to a node and click it with the mouse, as a person would."""
    page.evaluate("""(id) => { const p = network.getPositions([id])[id];
        network.moveTo({position: p, scale: 1.6, animation: false}); }""", node)
    page.wait_for_timeout(100)
    xy = page.evaluate("""(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);
        const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", node)
    page.mouse.click(*xy)


def test_clicking_a_node_lists_all_its_evidence_with_document_titles(browser, corpus_graph,
                                                                     national_map):
    g = corpus_graph[0]
    node = "機関:静岡県信用保証協会"
    evidence = g.nodes[node]["evidence"]
    assert len(evidence) > 3  # more than a tooltip ever showed
    ctx, page = open_page(browser, national_map)
    _click_node(page, node)
    page.wait_for_selector("#shienmap-details h2")
    listed = page.evaluate("""() => Array.from(
        document.querySelectorAll('#shienmap-details > ol.evidence')[0].children).map(li => ({
            quote: li.querySelector('.quote').textContent,
            source: li.querySelector('.source').textContent}))""")
    faded = page.evaluate("""(id) => { const far = network.body.data.nodes.get()
        .filter(n => n.id !== id && !network.getConnectedNodes(id).includes(n.id));
        return far.filter(n => String(n.color.background).startsWith('rgba(200')).length
               / far.length; }""", node)
    ctx.close()
    docs = Documents(g)
    assert len(listed) == len(evidence)
    for ev, item in zip(evidence, listed, strict=True):
        assert item["quote"] == f"「{ev['quote']}」"
        assert docs[ev["doc"]].label() in item["source"] and ev["doc"] in item["source"]
    assert faded == 1.0  # everything outside the neighbourhood is faded


def test_nodes_of_one_prefecture_lie_together_roughly_where_it_is(browser, national_map):
    ctx, page = open_page(browser, national_map)
    placed = page.evaluate("""() => { const pos = network.getPositions();
        return {nodes: Object.keys(pos).map(id => [window.shienmap.data.nodes[id].group,
                                                   pos[id].x, pos[id].y]),
                boxes: window.shienmap.data.groups}; }""")
    ctx.close()
    boxes = {b["name"]: b for b in placed["boxes"]}

    def inside(x, y, b):
        return abs(x - b["x"]) <= b["w"] / 2 and abs(y - b["y"]) <= b["h"] / 2

    for group, x, y in placed["nodes"]:  # every node in its own group's box, no other
        assert inside(x, y, boxes[group]), group
        assert not any(inside(x, y, b) for k, b in boxes.items() if k != group), group
    assert len(boxes) > 40  # the corpus names institutions in (nearly) every prefecture
    # north is up, east is right; national bodies in the middle
    assert boxes["北海道"]["y"] < boxes["東京都"]["y"] < boxes["鹿児島県"]["y"]
    assert boxes["福岡県"]["x"] < boxes["大阪府"]["x"] < boxes["東京都"]["x"]
    assert boxes["青森県"]["y"] < boxes["宮城県"]["y"] < boxes["福島県"]["y"]
    xs = [b["x"] for b in boxes.values()]
    ys = [b["y"] for b in boxes.values()]
    assert min(xs) < boxes["全国"]["x"] < max(xs) and min(ys) < boxes["全国"]["y"] < max(ys)


def test_layout_does_not_depend_on_the_hash_seed(corpus_dir, tmp_path):
    import subprocess
    import sys

    code = ("import json, sys; from shienmap.loaders.pipeline import build_graph; "
            "from shienmap.visualisations.network_map import map_subgraph; "
            "from shienmap.visualisations.layout import geographic_layout; "
            "g, _ = build_graph([sys.argv[1]]); "
            "pos, groups, _ = geographic_layout(map_subgraph(g)); "
            "print(json.dumps([pos, [x.as_dict() for x in groups]], sort_keys=True))")
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.append(subprocess.run([sys.executable, "-c", code, str(corpus_dir)], env=env,
                                   capture_output=True, text=True, check=True).stdout)
    assert outs[0] == outs[1] and len(outs[0]) > 1000


def test_region_map_opens_framed_on_the_region(browser, corpus_graph, national_map, tmp_path):
    sub = map_subgraph(corpus_graph[0], region="長野県")
    path = write_map(render_map(sub), tmp_path / "nagano.html")
    ctx, page = open_page(browser, path)
    framed = page.evaluate("""() => { const c = document.querySelector('#mynetwork canvas')
        .getBoundingClientRect(); const focus = window.shienmap.data.focus;
        const pos = network.getPositions(focus);
        const inside = focus.every(id => { const p = network.canvasToDOM(pos[id]);
            return p.x >= 0 && p.y >= 0 && p.x <= c.width && p.y <= c.height; });
        return {inside: inside, n: focus.length, scale: network.getScale(),
                title: document.title}; }""")
    ctx.close()
    ctx, page = open_page(browser, national_map)
    national_scale = page.evaluate("network.getScale()")
    ctx.close()
    assert framed["n"] > 0 and framed["inside"]
    assert framed["scale"] > 2 * national_scale  # opened on the region, not on all Japan
    assert "長野県" in framed["title"]


ROUTE_CASES = [("栃木県", ["事業承継"], "信用金庫"),
               ("長野県", ["経営課題が不明確"], "諏訪信用金庫"),
               ("北海道", ["経営課題が不明確"], None)]


@pytest.mark.parametrize("region,topics,holder", ROUTE_CASES)
def test_route_view_draws_the_path_of_every_answer(browser, corpus_graph, tmp_path, region,
                                                   topics, holder):
    g = corpus_graph[0]
    result = route(g, make_case(g, region, topics, holder))
    assert result.answers
    path = write_map(render_map(map_subgraph(g, route=result)), tmp_path / "route.html")
    ctx, page = open_page(browser, path)
    drawn = page.evaluate("""() => ({
        edges: network.body.data.edges.get().map(e => [e.from, e.to, e.route || [], !!e.hidden,
                                                        e.color]),
        nodes: network.body.data.nodes.get().map(n => [n.id, n.label, n.color.background]),
        answers: Array.from(document.querySelectorAll('#shienmap-answers li')).map(
            li => li.innerText)})""")
    if region == "栃木県":
        page.screenshot(path=str(ARTIFACTS / "map-route-tochigi.png"))
    errors = page.errors
    ctx.close()
    assert errors == []
    labels = {n: label for n, label, _ in drawn["nodes"]}
    for rank, a in enumerate(result.answers, 1):
        for u, v in zip(a.path, a.path[1:], strict=False):
            hops = [e for e in drawn["edges"] if e[0] == u and e[1] == v and rank in e[2]]
            assert hops, f"answer {rank}: hop {u} -> {v} is not drawn"
            assert not hops[0][3] and hops[0][4] == HIGHLIGHT
        assert labels[a.id].startswith("①②③④⑤⑥⑦⑧⑨⑩"[rank - 1])  # numbered on the map
        said = drawn["answers"][rank - 1]
        assert a.name in said and ("に基づく" in said or "相談する先" in said)
    on_path = {n for a in result.answers for n in a.path}
    faded = [bg for n, _, bg in drawn["nodes"] if n not in on_path]
    assert faded and all(str(bg).startswith("rgba(200") for bg in faded)  # the rest is faded


def test_route_view_says_why_each_answer(browser, corpus_graph, tmp_path):
    g = corpus_graph[0]
    result = route(g, make_case(g, "栃木県", ["事業承継"], "信用金庫"))
    path = write_map(render_map(map_subgraph(g, route=result)), tmp_path / "route.html")
    ctx, page = open_page(browser, path)
    first = page.inner_text("#shienmap-answers li:first-child")
    ctx.close()
    assert "栃木県事業承継・引継ぎ支援センター" in first
    assert "栃木県の事例に基づく: 信用金庫 → 栃木県事業承継・引継ぎ支援センター" in first


def test_english_map(browser, corpus_graph, tmp_path):
    page_html = render_map(map_subgraph(corpus_graph[0], region="栃木県"), lang="en")
    ctx, page = open_page(browser, write_map(page_html, tmp_path / "en.html"))
    text = page.inner_text("#shienmap-panel")
    ctx.close()
    assert "SME support network map: 栃木県" in text and "Filters" in text
    assert "referral (紹介)" in text and "Legend" in text


def test_the_panel_shows_names_quotes_and_titles_as_text(browser, tmp_path):
    """Evidence, document titles and names in the search results and the panel stay text."""
    doc = tmp_path / "docs" / "evil.txt"
    doc.parent.mkdir()
    doc.write_text("title: <img src=x onerror=\"window.pwned=true\">報告\n\n"
                   "<img src=x onerror=\"window.pwned=true\">八十二銀行は<script>window.pwned="
                   "true;alert(1)</script>長野県信用保証協会に案件を紹介する。", encoding="utf-8")
    g, _ = build_graph([doc.parent])
    path = write_map(render_map(map_subgraph(g)), tmp_path / "evil.html")
    ctx, page = open_page(browser, path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.fill("#shienmap-search", "八十二")
    page.press("#shienmap-search", "Enter")
    panel = page.inner_text("#shienmap-panel")
    state = page.evaluate("({pwned: window.pwned === true, "
                          "images: document.querySelectorAll('img').length})")
    ctx.close()
    assert not state["pwned"] and state["images"] == 0 and dialogs == []
    assert "<script>" in panel and "<img src=x" in panel  # the quote and the title, as text
