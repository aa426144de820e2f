"""Hubs: the documents name hubs; the ranking should agree."""

from __future__ import annotations

import json

import pytest

from shienmap.cli import main
from shienmap.queries.hubs import HubError, hubs


@pytest.fixture(scope="module")
def g(corpus_graph):
    return corpus_graph[0]


def test_documented_hub_kinds_lead_nationally(g):
    # 001/004: 中小企業活性化協議会がハブ; 002: よろず支援拠点のハブ機能
    top = [r.name for r in hubs(g, level="機関種別", top=5)]
    assert "中小企業活性化協議会" in top[:3] and "よろず支援拠点" in top[:3]


def test_documented_regional_hub_leads_in_its_prefecture(g):
    # 000 (7): 栃木県信用保証協会がハブ機能を発揮
    rows = hubs(g, region="栃木県", level="機関")
    assert rows[0].name == "栃木県信用保証協会"
    assert rows[0].out_degree.get("紹介", 0) >= 2


def test_measures_are_consistent(g):
    rows = hubs(g, level="機関種別")
    assert rows == sorted(rows, key=lambda r: (-r.hub_score, r.id))
    assert abs(sum(r.pagerank for r in rows) - 1.0) < 1e-6
    assert all(0 <= r.hub_score <= 1 for r in rows)
    liaison = {r.name: r for r in rows}["よろず支援拠点"]
    assert liaison.brokerage > 0 and liaison.roles["liaison"] >= 0


def test_relation_filter_and_sampling(g):
    referral = hubs(g, level="機関種別", relations=("紹介",))
    assert all(set(r.in_degree) | set(r.out_degree) <= {"紹介"} for r in referral)
    exact = {r.id: r.betweenness for r in hubs(g, level="機関種別")}
    sampled = {r.id: r.betweenness for r in hubs(g, level="機関種別", k=20, seed=1)}
    assert exact.keys() == sampled.keys()


def test_bad_arguments(g):
    with pytest.raises(HubError, match="unknown relation"):
        hubs(g, relations=("友好",))
    with pytest.raises(HubError, match="unknown region"):
        hubs(g, region="ぐんま")


def test_hubs_command(g, tmp_path, capsys):
    from shienmap.graph.store import write_graph

    path = write_graph(g, tmp_path / "g.json")
    assert main(["hubs", "--graph", str(path), "--level", "機関種別", "--json", "--top", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3
    assert set(rows[0]) >= {"id", "name", "label", "type", "degree", "betweenness", "pagerank"}
    assert main(["hubs", "--graph", str(path), "--region", "栃木県"]) == 0
    assert "栃木県信用保証協会" in capsys.readouterr().out
