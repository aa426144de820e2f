"""Maps of a graph of the national shape (benchmarks/gen_national.py, small scale, in process):
the overview by prefecture and its counts, the atlas of linked prefecture maps, a region's map
with its strongest outside partners only, the compact page of a large map, and the refusal of
a map too large to draw — opened in a real headless Chromium where a person would look."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from chromium import ARGS, CHROMIUM, draw_seconds, open_page

from national import small_national
from shienmap.cli import main
from shienmap.graph.ontology import default_ontology
from shienmap.graph.schema import INSTITUTION, KIND
from shienmap.graph.store import write_graph
from shienmap.queries.hubs import DEFAULT_RELATIONS
from shienmap.visualisations.aggregate import overview, overview_page
from shienmap.visualisations.limits import Limits
from shienmap.visualisations.network_map import (
    MapTooLarge,
    map_subgraph,
    render_map,
    write_map,
)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def g():
    return small_national(0.02)


def page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    block = re.search(r'id="shienmap-data">(.*?)</script>', text, re.S).group(1)
    return json.loads(block)


def prefecture(g, n: str) -> str | None:
    """Where an institution lies, from its region alone (not the map's grouping)."""
    r = g.nodes[n].get("region")
    return default_ontology().prefecture_of(r.split(":", 1)[1]) if r else None


def test_overview_counts_relations_between_prefectures(g):
    ov = overview(g)
    groups = {d["name"] for d in ov.nodes.values() if d["level"] == "都道府県"}
    assert len(groups) == 47  # one node per prefecture
    between, inside = Counter(), Counter()
    for u, v, k in g.edges(keys=True):
        if k not in DEFAULT_RELATIONS or g.nodes[u]["label"] != INSTITUTION or \
                g.nodes[v]["label"] != INSTITUTION:
            continue
        ends = {prefecture(g, u), prefecture(g, v)}
        if ends == {"東京都", "神奈川県"}:
            between[k] += 1
        if ends == {"東京都"}:
            inside[k] += 1
    assert sum(between.values()) > 0 and sum(inside.values()) > 50
    assert dict(ov.between[("集計:東京都", "集計:神奈川県")]) == dict(between)
    assert dict(ov.inside["集計:東京都"]) == dict(inside)
    drawn = [u for u, v, k in g.edges(keys=True) if k in DEFAULT_RELATIONS
             and g.nodes[u]["label"] in (INSTITUTION, KIND)
             and g.nodes[v]["label"] in (INSTITUTION, KIND)]
    assert ov.relations == len(drawn) == (sum(map(sum, (c.values() for c in ov.between.values())))
                                          + sum(map(sum, (c.values() for c in ov.inside.values()))))


def test_atlas_links_every_prefecture_and_draws(browser, g, tmp_path, capsys):
    path = write_graph(g, tmp_path / "g.json")
    out = tmp_path / "atlas"
    assert main(["map", "--graph", str(path), "--out-dir", str(out), "--relation", "紹介"]) == 0
    assert "都道府県の地図" in capsys.readouterr().out
    data = page_data(out / "index.html")
    prefs = {k: n for k, n in data["nodes"].items() if n["label"] == "集計" and n["link"]}
    assert len(prefs) == 47
    for n in prefs.values():
        linked = out / n["link"]
        assert linked.exists() and n["name"] in page_data(linked)["title"]
    assert "東京都" in {n["name"] for n in data["nodes"].values()}
    _, errors = draw_seconds(browser, out / "index.html")
    assert errors == []
    _, errors = draw_seconds(browser, out / "13.html")
    assert errors == []


def test_overview_page_in_the_browser(browser, g, tmp_path):
    ov = overview(g)
    page = overview_page(ov, built="2025-01-01", links={"東京都": "13.html"})
    assert page == overview_page(ov, built="2025-01-01", links={"東京都": "13.html"})
    path = write_map(page, tmp_path / "overview.html")
    ctx, p = open_page(browser, path)
    errors = p.errors
    drawn = p.evaluate("({nodes: network.body.data.nodes.length,"
                       " edges: network.body.data.edges.length})")
    p.evaluate("window.shienmap.selectNode('集計:東京都', true)")
    panel = p.inner_text("#shienmap-details")
    href = p.get_attribute("#shienmap-details a", "href")
    title = p.inner_text("#shienmap-title")
    ctx.close()
    assert errors == []
    assert drawn == {"nodes": len(ov.nodes), "edges": len(ov.between)}
    assert "都道府県内の関係" in panel and href == "13.html" and "東京都の地図を開く" in panel
    assert "都道府県ごとの集計" in title


def test_region_map_keeps_the_top_partners(g):
    sub = map_subgraph(g, region="東京都", partners=5)
    whole = map_subgraph(g, region="東京都")
    own = {n for n in whole if g.nodes[n]["label"] == INSTITUTION
           and prefecture(g, n) == "東京都"}
    assert own <= set(sub)
    weight = Counter()
    for u, v in whole.edges():
        for x in {u, v} - own:
            weight[x] += 1
    top = sorted(weight, key=lambda x: (-weight[x], x))[:5]
    assert set(sub) - own == set(top)
    omitted = sub.graph["omitted"]
    assert omitted["partners"] == len(weight) - 5
    assert omitted["relations"] == whole.number_of_edges() - sub.number_of_edges()
    assert sum(e for _, _, e in omitted["groups"]) == omitted["relations"]


def test_compact_region_page_draws_and_is_deterministic(browser, g, tmp_path):
    sub = map_subgraph(g, region="東京都", partners=5)
    page = render_map(sub, compact=True, built="2025-01-01")
    assert page == render_map(sub, compact=True, built="2025-01-01")
    assert "機関:" not in page.split('id="shienmap-data"')[0]  # short ids in vis-network's data
    path = write_map(page, tmp_path / "tokyo.html")
    ctx, p = open_page(browser, path)
    errors = p.errors
    drawn = p.evaluate("({nodes: network.body.data.nodes.length,"
                       " edges: network.body.data.edges.length,"
                       " title: network.body.data.edges.get('e0').title,"
                       " omitted: document.getElementById('shienmap-omitted').innerText})")
    ctx.close()
    assert errors == []
    assert drawn["nodes"] == sub.number_of_nodes() and drawn["edges"] == sub.number_of_edges()
    assert "根拠" in drawn["title"] and "省略" in drawn["omitted"]


def test_a_map_too_large_is_refused_in_japanese(g, tmp_path, capsys):
    sub = map_subgraph(g, region="東京都", partners=5)
    with pytest.raises(MapTooLarge, match=r"地図が大きすぎる.*--relation"):
        render_map(sub, limits=Limits(nodes=10, edges=10))
    with pytest.raises(MapTooLarge, match="map too large"):
        render_map(sub, limits=Limits(nodes=10, edges=10), lang="en")


def test_the_atlas_index_gives_the_same_region_maps(g):
    """prefecture_edges (one pass for the atlas) against a scan of every edge per prefecture."""
    from shienmap.visualisations.network_map import prefecture_edges

    index = prefecture_edges(g)
    assert len(index) == 47
    for pref in sorted(index):
        a = map_subgraph(g, region=pref, partners=30)
        b = map_subgraph(g, region=pref, partners=30, edges=index[pref])
        assert list(a.nodes(data=True)) == list(b.nodes(data=True)), pref
        assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True)), pref
        assert a.graph == b.graph, pref


def test_node_sizes_come_from_the_hubs_cache_when_it_exists(g, tmp_path, capsys):
    from shienmap.queries.hub_cache import cached_scores

    path = write_graph(g, tmp_path / "g.json")
    assert cached_scores(path) is None  # nothing computed on the fly
    assert main(["hubs", "--graph", str(path), "--top", "3", "--json"]) == 0
    top = json.loads(capsys.readouterr().out)[0]
    scores = cached_scores(path)
    assert scores[top["id"]] == pytest.approx(top["hub_score"], abs=1e-6)
    sub = map_subgraph(g, region="東京都", partners=5)
    assert render_map(sub, scores=scores) != render_map(sub)  # sized by the cached scores


def test_overview_in_english_and_from_the_command(g, tmp_path, capsys):
    path = write_graph(g, tmp_path / "g.json")
    out = tmp_path / "ov.html"
    assert main(["map", "--graph", str(path), "--overview", "--out", str(out), "--lang", "en",
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    data = page_data(out)
    assert summary["overview"] and summary["nodes"] == len(data["nodes"])
    assert data["title"] == "SME support network map: Japan (totals by prefecture)"
    tokyo = data["nodes"]["集計:東京都"]
    assert tokyo["link"] is None and "shienmap map --region 東京都" in tokyo["facts"][-1]
