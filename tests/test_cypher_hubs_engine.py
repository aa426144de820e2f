"""Hubs on the server: which engine computes betweenness and PageRank (Neo4j GDS when the
server has it, else this process), the scale GDS figures are brought to, and what FalkorDB's
own algorithms compute (not the same measures: kept on the client, README "Which operations
run where")."""

from __future__ import annotations

import json
import os

import igraph
import networkx as nx
import pytest

from national import small_national
from shienmap.cli import main
from shienmap.graph.cypher import FALKORDB, CypherStore
from shienmap.queries.cypher_backend import CLIENT, GDS, CypherBackend, gds_to_networkx
from shienmap.queries.hubs import betweenness, hubs, relation_graph

BETWEENNESS_TOLERANCE = 1e-12  # both exact Brandes: only the order of additions differs
# NetworkX's PageRank stops at an L1 change below 1e-6·n, so its own figures are off by up to
# ~3e-5 a node here (measured against a run to 1e-15); GDS's, normalised, agree with that
# converged run to 1e-13.
PAGERANK_TOLERANCE = 1e-4
# the hub score divides PageRank by its largest value (about 0.02 here), which magnifies that
# error: up to 5e-4 measured on the 0.02 national graph
HUB_SCORE_TOLERANCE = 1e-3


def gds_style(h: nx.DiGraph, d: float = 0.85, rounds: int = 500) -> tuple[dict, dict]:
    """The figures GDS returns, by its documented definitions: betweenness summed over ordered
    pairs and not normalised; weighted PageRank ``(1-d) + d·Σ score·w/w_out`` with the rank of
    dangling nodes not redistributed."""
    nodes = list(h)
    index = {x: i for i, x in enumerate(nodes)}
    raw = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in h.edges()],
                       directed=True).betweenness(directed=True)
    out = {x: sum(w for _, _, w in h.out_edges(x, data="weight")) for x in nodes}
    rank = dict.fromkeys(nodes, 1.0)
    for _ in range(rounds):
        rank = {v: (1 - d) + d * sum(rank[u] * w / out[u] for u, _, w in h.in_edges(v,
                                                                              data="weight"))
                for v in nodes}
    return {x: raw[index[x]] for x in nodes}, rank


@pytest.fixture(scope="module", params=["corpus", "national 0.02"])
def graph(request, corpus_graph):
    return corpus_graph[0] if request.param == "corpus" else small_national()


def test_gds_figures_on_the_networkx_scale(graph):
    h, _ = relation_graph(graph)
    between, rank = gds_to_networkx(h, *gds_style(h))
    ours = betweenness(h)
    theirs = nx.pagerank(h, weight="weight")
    converged = nx.pagerank(h, weight="weight", tol=1e-15, max_iter=10_000)
    assert max(abs(between[x] - ours[x]) for x in h) <= BETWEENNESS_TOLERANCE
    assert max(abs(rank[x] - converged[x]) for x in h) <= 1e-10
    assert max(abs(rank[x] - theirs[x]) for x in h) <= PAGERANK_TOLERANCE
    assert sum(1 for x in h if ours[x]) > 5  # not a trivial comparison


def same_ranking(got: list, expected: list, top: int = 20) -> None:
    """The same top ``top`` in the same order; further down, two rows may swap only where
    their hub scores are closer than NetworkX's own PageRank error makes them."""
    assert [r.id for r in got[:top]] == [r.id for r in expected[:top]]
    assert {r.id for r in got} == {r.id for r in expected}
    score = {r.id: r.hub_score for r in expected}
    for a, b in zip(got, expected, strict=True):
        assert abs(score[a.id] - b.hub_score) <= 2 * HUB_SCORE_TOLERANCE, (a.id, b.id)
        assert abs(a.hub_score - score[a.id]) <= HUB_SCORE_TOLERANCE


def test_ranking_with_gds_figures_is_the_same(graph):
    expected = hubs(graph)
    got = hubs(graph, centrality=lambda h: gds_to_networkx(h, *gds_style(h)))
    same_ranking(got, expected)


def _falkordb(store: CypherStore) -> bool:
    return store.dialect.name == "falkordb"


def test_falkordb_hubs_are_computed_here_and_say_why(cypher_store, corpus_graph):
    if not _falkordb(cypher_store):
        pytest.skip("FalkorDB only")
    backend = CypherBackend(cypher_store)
    assert {"algo.betweenness", "algo.pageRank"} <= backend.procedures()
    rows = backend.hubs()
    assert backend.engine.name == CLIENT and backend.engine.reason == "falkordb_differs"
    assert "algo.betweenness" in backend.engine.detail
    assert [(r.id, round(r.hub_score, 9)) for r in rows] == [
        (r.id, round(r.hub_score, 9)) for r in hubs(corpus_graph[0])]


def test_falkordb_algorithms_still_differ(cypher_store, corpus_graph):
    """Why FalkorDB's algorithms are not used (FalkorDB 4.16): its betweenness follows each
    stored relation one way (協定, 同行訪問 and 連携 count both ways in hubs), and its
    PageRank is unweighted. If this fails, a newer FalkorDB may compute the same measures:
    look again at CypherBackend.hub_engine."""
    if not _falkordb(cypher_store):
        pytest.skip("FalkorDB only")
    h, _ = relation_graph(corpus_graph[0])
    n = h.number_of_nodes()
    rows = cypher_store.run(
        "MATCH (cur:`_shienmap` {id: 'current'}) "
        "CALL algo.betweenness({nodeLabels: ['機関'], relationshipTypes: $relations, "
        "samplingSize: $sources}) YIELD node, score "
        "WITH cur, node, score WHERE node._push = cur.push RETURN node.id AS id, score",
        relations=["紹介", "出向", "協定", "同行訪問", "連携"], sources=100_000)
    theirs = {r["id"]: r["score"] / ((n - 1) * (n - 2)) for r in rows}
    ours = betweenness(h)
    assert max(abs(theirs.get(x, 0.0) - ours[x]) for x in h) > 1e-3
    assert sum(1 for x in h if theirs.get(x)) < sum(1 for x in h if ours[x])


def test_gds_parity(cypher_store, corpus_graph):
    """On Neo4j with GDS: the server's figures equal NetworkX's within the tolerances above,
    and the ranking is the same."""
    if _falkordb(cypher_store):
        pytest.skip("Neo4j only (NEO4J_URI)")
    backend = CypherBackend(cypher_store)
    if backend.hub_engine().name != GDS:
        pytest.skip(f"no GDS on {os.environ.get('NEO4J_URI')}: {backend.hub_engine().detail}")
    got = backend.hubs()
    assert backend.engine.name == GDS
    expected = hubs(corpus_graph[0])
    same_ranking(got, expected)
    theirs = {r.id: r for r in got}
    for b in expected:
        assert abs(theirs[b.id].betweenness - b.betweenness) <= 1e-9
        assert abs(theirs[b.id].pagerank - b.pagerank) <= PAGERANK_TOLERANCE
    regional = backend.hubs(region="栃木県")  # GDS is for the national ranking only
    assert backend.engine.name == CLIENT
    assert [r.id for r in regional] == [r.id for r in hubs(corpus_graph[0], region="栃木県")]
    assert [r.id for r in backend.hubs(engine="client")] == [r.id for r in expected]


def test_hubs_command_names_its_engine(falkordb_servers, corpus_graph, capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_USER", "falkordb")
    monkeypatch.setenv("NEO4J_PASSWORD", "")

    def run(*args: str) -> str:
        server = falkordb_servers()  # one per command: it connects and disconnects
        CypherStore(server.uri, "falkordb", "", dialect=FALKORDB).push(corpus_graph[0])
        assert main(["hubs", "--backend", "cypher", "--uri", server.uri, "--top", "3",
                     *args]) == 0
        return capsys.readouterr().out

    rows = json.loads(run("--json"))
    assert [r["engine"] for r in rows] == [CLIENT] * 3
    assert "Computed by: this process" in run("--lang", "en")
