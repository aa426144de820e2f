"""Push batches: every FalkorDB statement fits the server's message limit, batches are as large
as that limit allows, and values the size estimate must not underrate (floats, ``'``) reach a
real FalkorDB intact without crashing it."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from national import small_national
from shienmap.graph.cypher import (
    BATCH,
    FALKORDB,
    MESSAGE_OVERHEAD,
    NEO4J,
    CypherStore,
    _size,
    push_statements,
)

PUSH_ID = "0" * 32


def _message(query: str, params: dict) -> int:
    return len(query.encode("utf-8")) + _size({**params, "push": PUSH_ID})


@pytest.fixture(scope="module", params=["corpus", "national 0.02"])
def graph(request, corpus_graph):
    return corpus_graph[0] if request.param == "corpus" else small_national()


def test_statements_fit_the_message_limit(graph):
    statements = list(push_statements(graph, FALKORDB))
    assert max(_message(q, p) for q, p in statements) <= FALKORDB.max_message


def test_batches_are_as_large_as_the_limit_allows(graph):
    """A batch ends only when its next row would not fit (or at BATCH rows)."""
    statements = [(q, p) for q, p in push_statements(graph, FALKORDB) if "rows" in p]
    for (q1, p1), (q2, p2) in itertools.pairwise(statements):
        if q1 != q2 or len(p1["rows"]) >= BATCH:
            continue
        budget = FALKORDB.max_message - len(q1.encode("utf-8")) - MESSAGE_OVERHEAD
        fuller = sum(_size(r) + 2 for r in [*p1["rows"], p2["rows"][0]])
        assert fuller > budget


def test_neo4j_batches_take_batch_rows(graph):
    statements = [p for _, p in push_statements(graph, NEO4J) if "rows" in p]
    assert max(len(p["rows"]) for p in statements) == min(
        BATCH, max(len(p["rows"]) for p in statements))
    assert sum(len(p["rows"]) for p in statements) == (graph.number_of_nodes()
                                                       + graph.number_of_edges())


def _awkward_graph() -> nx.MultiDiGraph:
    """Institutions whose properties are many floats and strings full of ' and \\ — what
    FalkorDB writes out longer than their JSON."""
    g = nx.MultiDiGraph()
    for i in range(60):
        g.add_node(f"機関:試験{i}", label="機関", name=f"試験{i}", type="信用金庫",
                   aliases=[f"o'neil's {i} \\ it's" * 3 for _ in range(8)],
                   shares=[0.1 + j / 7 for j in range(40)])
    for i in range(59):
        g.add_edge(f"機関:試験{i}", f"機関:試験{i + 1}", key="紹介", type="紹介",
                   weights=[1 / 3] * 30, period="it's '24")
    return g


def test_awkward_values_reach_falkordb_intact(falkordb_servers):
    server = falkordb_servers()
    store = CypherStore(server.uri, "falkordb", "", dialect=FALKORDB)
    g = _awkward_graph()
    store.push(g)  # a statement over the limit would crash the server here
    assert store.counts() == {"nodes": 60, "relationships": 59}
    [row] = store.run("MATCH (n:`機関` {id: $id}) RETURN n.aliases AS a, n.shares AS s",
                      id="機関:試験7")
    assert row["a"] == g.nodes["機関:試験7"]["aliases"]
    # FalkorDB's Bolt server writes float parameters with six decimals (measured); the
    # graph's own properties hold no floats
    assert row["s"] == pytest.approx(g.nodes["機関:試験7"]["shares"], abs=1e-6)
    big = nx.MultiDiGraph()
    big.add_node("機関:大", label="機関", name="大", type="信用金庫", sizes=[1e200] * 12)
    store.push(big)  # 12 floats of 200 digits: sent in pieces, the server stays up
    [row] = store.run("MATCH (n:`機関` {id: $id}) RETURN size(n.sizes) AS n", id="機関:大")
    assert row["n"] == 12
