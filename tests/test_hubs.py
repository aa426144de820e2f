"""Hubs: the documents name hubs; the ranking should agree."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from national import small_national
from shienmap.cli import main
from shienmap.graph.ontology import default_ontology
from shienmap.queries.hubs import ROLES, HubError, HubRow, betweenness, hubs, relation_graph


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


# ---------------------------------------------------------------- the compiled engine


def _two_path_roles(h: nx.DiGraph, v: str, cat: dict[str, str]) -> dict[str, int]:
    """The reference: Gould-Fernandez roles by enumerating every two-path u -> v -> w."""
    counts = dict.fromkeys(ROLES, 0)
    for u in h.predecessors(v):
        for w in h.successors(v):
            if u == w:
                continue
            cu, cv, cw = cat[u], cat[v], cat[w]
            if cu == cv == cw:
                counts["coordinator"] += 1
            elif cu == cw:
                counts["itinerant"] += 1
            elif cv == cw:
                counts["gatekeeper"] += 1
            elif cu == cv:
                counts["representative"] += 1
            else:
                counts["liaison"] += 1
    return counts


def _graphs(g):
    """The corpus graph and a small generated one of the national shape."""
    return {"corpus": g, "national 0.02": small_national()}


@pytest.mark.parametrize("which", ["corpus", "national 0.02"])
@pytest.mark.parametrize("level", ["機関", "機関種別"])
def test_roles_from_category_counts_equal_the_two_path_enumeration(g, which, level):
    graph = _graphs(g)[which]
    onto = default_ontology()
    h, _ = relation_graph(graph, level=level)
    cat = {n: onto.category_of(graph.nodes[n]) for n in h}
    rows = {r.id: r for r in hubs(graph, level=level)}
    assert len(rows) == h.number_of_nodes() > 30
    brokers = 0
    for n in h:
        expected = _two_path_roles(h, n, cat)
        assert rows[n].roles == expected, n
        brokers += rows[n].brokerage > 0
    assert brokers > 10  # the comparison covers nodes that broker


@pytest.mark.parametrize("which", ["corpus", "national 0.02"])
@pytest.mark.parametrize("level", ["機関", "機関種別"])
def test_compiled_betweenness_equals_networkx_exact(g, which, level):
    graph = _graphs(g)[which]
    h, _ = relation_graph(graph, level=level)
    ours = betweenness(h)
    theirs = nx.betweenness_centrality(h)
    assert ours.keys() == theirs.keys()
    assert max(abs(ours[n] - theirs[n]) for n in h) < 1e-12
    assert sum(x > 0 for x in theirs.values()) >= 5  # not all zeros
    if which == "corpus":  # the ranking itself is NetworkX's
        rows = hubs(graph, level=level)
        assert [r.id for r in rows] == [r.id for r in _networkx_ranking(graph, level)]


def test_betweenness_in_two_halves_equals_one_pass():
    graph = small_national()
    h, _ = relation_graph(graph)
    one = betweenness(h)
    two = betweenness(h, split_from=10)  # the large-graph path: two processes
    assert max(abs(one[n] - two[n]) for n in h) < 1e-12 and max(one.values()) > 0


@pytest.mark.skipif(tuple(int(x) for x in nx.__version__.split(".")[:2]) < (3, 5),
                    reason="NetworkX before 3.5 scales sampled betweenness otherwise")
@pytest.mark.parametrize("k", [3, 30, 150])
def test_sampled_betweenness_equals_networkx_sampled(g, k):
    h, _ = relation_graph(g, level="機関")
    ours = betweenness(h, k=k, seed=7)
    theirs = nx.betweenness_centrality(h, k=k, seed=7)
    assert max(abs(ours[n] - theirs[n]) for n in h) < 1e-12
    assert k < 150 or sum(x > 0 for x in ours.values()) >= 5


def _networkx_ranking(graph, level):
    """The ranking as it was computed with NetworkX alone (the oracle)."""
    h, _ = relation_graph(graph, level=level)
    between = nx.betweenness_centrality(h)
    rank = nx.pagerank(h, weight="weight")
    degree = {n: float(h.in_degree(n, weight="weight") + h.out_degree(n, weight="weight"))
              for n in h}

    def norm(values):
        m = max(values.values(), default=0.0) or 1.0
        return {n: x / m for n, x in values.items()}

    nb, nr, nd = norm(between), norm(rank), norm(degree)
    score = {n: (nb[n] + nr[n] + nd[n]) / 3 for n in h}
    return sorted((HubRow(n, "", "", "", "", 0, between[n], rank[n], 0, score[n])
                   for n in h), key=lambda r: (-r.hub_score, r.id))
