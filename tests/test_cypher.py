"""The Cypher path: statements linted by Neo4j's parser; push, exports, queries and the
Cypher backend run through the official driver against a real Bolt server (FalkorDB, and
Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import subprocess
import tomllib

import pytest

from conftest import ANNOTATIONS, CI, ROOT
from shienmap.cli import main
from shienmap.graph.cypher import (
    ABORT,
    COUNT_NODES,
    COUNT_RELATIONSHIPS,
    CURRENT,
    FALKORDB,
    GENERATIONS,
    NEO4J,
    SWAP,
    SWITCH,
    CypherStore,
    PushError,
    edge_append_statement,
    export_csv,
    export_statements,
    label_of,
    node_append_statement,
    push_statements,
)
from shienmap.graph.schema import LABELS
from shienmap.graph.store import write_graph
from shienmap.queries.case import CaseError, make_case
from shienmap.queries.cypher_backend import CypherBackend, load_query, query_names
from shienmap.queries.hubs import hubs
from shienmap.queries.routing import route

LINTER = ROOT / "tools" / "cypher-lint"
CASES = tomllib.loads((ANNOTATIONS / "routing_cases.toml").read_text(encoding="utf-8"))["case"]


# ---------------------------------------------------------------- lint


def _lint(statements: list[tuple[str, str]]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (LINTER / "node_modules").is_dir():
        if CI:
            pytest.fail("Cypher linter not installed (.ci/run: npm install in tools/cypher-lint)")
        pytest.skip("Cypher linter not installed: cd tools/cypher-lint && npm install")
    payload = [{"name": n, "query": q, "parameters": sorted(set(re.findall(r"\$(\w+)", q)))}
               for n, q in statements]
    out = subprocess.run([node, str(LINTER / "lint.mjs")], input=json.dumps(payload),
                         capture_output=True, text=True, check=True, timeout=300)
    return [r for r in json.loads(out.stdout) if r["diagnostics"]]


def test_shipped_queries_lint_clean():
    assert len(query_names()) >= 10
    assert _lint([(n, load_query(n)) for n in query_names()]) == []


def test_push_statements_lint_clean(corpus_graph):
    g = corpus_graph[0]
    statements = {q for q, _ in push_statements(g, FALKORDB)}
    statements |= {q for q, _ in push_statements(g, NEO4J)}
    statements |= {SWAP, ABORT, COUNT_NODES, COUNT_RELATIONSHIPS, CURRENT, SWITCH, GENERATIONS,
                   node_append_statement("機関", "evidence_quote"),
                   edge_append_statement("紹介", "機関", "機関", "evidence_quote")}
    statements |= set(NEO4J.schema_statements(list(LABELS)))
    statements |= set(FALKORDB.schema_statements(list(LABELS)))
    assert _lint([(f"push {i}", q) for i, q in enumerate(sorted(statements))]) == []


def test_export_script_lints_clean(corpus_graph, tmp_path):
    statements = export_statements(corpus_graph[0])
    assert len(statements) > 20
    assert _lint([(f"export {i}", q) for i, q in enumerate(statements)]) == []


def test_linter_catches_a_broken_statement():
    assert _lint([("broken", "MATCH (n:`機関` RETURN n")])


# ---------------------------------------------------------------- push


def _dump(store: CypherStore) -> tuple[list, list]:
    nodes = store.run("MATCH (n) WHERE n._push IS NOT NULL "
                      "RETURN n.id AS id, labels(n) AS labels, properties(n) AS p ORDER BY id")
    rels = store.run("MATCH (a)-[r]->(b) WHERE r._push IS NOT NULL RETURN a.id AS s, b.id AS t, "
                     "type(r) AS type, properties(r) AS p ORDER BY s, t, type")
    for row in [*nodes, *rels]:
        row["p"].pop("_push", None)
    return nodes, rels


def test_push_writes_the_whole_graph(cypher_store, corpus_graph):
    g = corpus_graph[0]
    assert cypher_store.counts() == {"nodes": g.number_of_nodes(),
                                     "relationships": g.number_of_edges()}
    [row] = cypher_store.run(
        "MATCH (a:`機関` {id: $s})-[r:`紹介`]->(b:`機関` {id: $t}) RETURN r.count AS count, "
        "r.period AS period, r.evidence_doc AS docs, r.evidence_quote AS quotes",
        s="機関:茨城県信用保証協会", t="機関:茨城県中小企業活性化協議会")
    assert row["count"] == 37 and row["period"] == "2024年度上期"
    data = g.edges["機関:茨城県信用保証協会", "機関:茨城県中小企業活性化協議会", "紹介"]
    assert row["quotes"] == [e["quote"] for e in data["evidence"]]
    labels = {r["l"] for r in cypher_store.run("MATCH (n) WHERE n._push IS NOT NULL "
                                                "RETURN DISTINCT labels(n)[0] AS l")}
    assert labels == set(LABELS)
    assert cypher_store.run("MATCH (c:`_shienmap`) RETURN c.id AS id, c.nodes AS nodes") == [
        {"id": "current", "nodes": g.number_of_nodes()}]  # the pointer, and nothing else


def test_push_is_idempotent(cypher_store, corpus_graph):
    before = _dump(cypher_store)
    cypher_store.push(corpus_graph[0])
    assert _dump(cypher_store) == before


def test_failed_push_leaves_the_previous_graph(cypher_store, corpus_graph):
    before = _dump(cypher_store)
    bad = copy.deepcopy(corpus_graph[0])
    bad.add_node("課題:壊れた", label="課題", name="壊れた", aliases=[], too_big=10**20)
    with pytest.raises(PushError, match="previous graph is unchanged"):
        cypher_store.push(bad)  # fails after the institutions and kinds were written
    assert _dump(cypher_store) == before


# ---------------------------------------------------------------- queries and parity


def test_routing_parity_over_all_cases(cypher_store, corpus_graph):
    g = corpus_graph[0]
    backend = CypherBackend(cypher_store)
    partners = 0
    for c in CASES:
        nx_answers = route(g, make_case(g, c["region"], c["topics"], c.get("holder"))).answers
        cy = backend.route(backend.make_case(c["region"], c["topics"], c.get("holder"))).answers
        key = [(a.id, round(a.score, 9), a.path, a.instance, a.evidence) for a in nx_answers]
        assert [(a.id, round(a.score, 9), a.path, a.instance, a.evidence) for a in cy] == key, c
        partners += sum(a.basis == "partner" for a in cy)
    assert partners  # the holder's own agreements came through the Cypher queries too


def test_evidence_index_parity(cypher_store, corpus_graph):
    """The user's words are read against the same documented sentences in both backends."""
    from shienmap.queries.case import graph_evidence_index

    backend = CypherBackend(cypher_store)
    index = graph_evidence_index(corpus_graph[0])
    assert index and backend._evidence_index() == index


@pytest.mark.parametrize("options", [
    {"level": "機関"}, {"level": "機関種別"}, {"level": "機関", "region": "栃木県"},
    {"level": "機関種別", "relations": ("紹介",)},
])
def test_hubs_parity(cypher_store, corpus_graph, options):
    expected = [(r.id, round(r.hub_score, 9), r.degree) for r in hubs(corpus_graph[0], **options)]
    got = [(r.id, round(r.hub_score, 9), r.degree)
           for r in CypherBackend(cypher_store).hubs(**options)]
    assert got == expected


def test_degree_in_plain_cypher(cypher_store, corpus_graph):
    g = corpus_graph[0]
    relations = ["紹介", "出向", "協定", "同行訪問", "連携"]
    rows = cypher_store.run(load_query("hubs_degree"), relations=relations, top=10)
    for r in rows:
        expected = sum(1 for u, v, k in g.edges(keys=True)
                       if k in relations and r["id"] in (u, v) and u != v
                       and g.nodes[u]["label"] in ("機関", "機関種別")
                       and g.nodes[v]["label"] in ("機関", "機関種別"))
        assert r["degree"] == expected, r["name"]
    assert rows == sorted(rows, key=lambda r: (-r["degree"], r["id"]))


def test_exploration_queries(cypher_store):
    nb = cypher_store.run(load_query("neighbourhood"), name="栃木県信用保証協会")
    assert any(r["relation"] == "紹介" and r["other"] == "栃木県中小企業活性化協議会"
               and r["count"] == 18 for r in nb)
    paths = cypher_store.run(load_query("referral_paths"), source="信用金庫",
                             target="栃木県事業承継・引継ぎ支援センター")
    assert paths[0]["path"] == ["信用金庫", "栃木県事業承継・引継ぎ支援センター"]
    net = cypher_store.run(load_query("region_network"), region="栃木県",
                           relations=["紹介", "協定"])
    assert {("栃木県よろず支援拠点", "栃木県信用保証協会")} <= {(r["source"], r["target"])
                                                        for r in net}
    banks = {r["institution"] for r in cypher_store.run(load_query("kind_in_prefecture"),
                                                       kind="金融機関", prefecture="長野県")}
    assert {"八十二銀行", "諏訪信用金庫"} <= banks


# ---------------------------------------------------------------- security


@pytest.mark.parametrize("evil", [
    "x' OR 1=1 //",
    "`]->(n) DETACH DELETE n //",
    "\"}) MATCH (n) DETACH DELETE n //",
    "$name",
    "機関`) DETACH DELETE (n",
])
def test_user_input_is_only_ever_a_parameter(cypher_store, evil):
    before = cypher_store.counts()
    backend = CypherBackend(cypher_store)
    with pytest.raises(CaseError):
        backend.make_case("群馬県", ["知財"], evil)
    with pytest.raises(CaseError):
        backend.make_case(evil, ["知財"], None)
    with pytest.raises(CaseError):
        backend.make_case("群馬県", [evil], None)
    assert cypher_store.run(load_query("neighbourhood"), name=evil) == []
    assert cypher_store.counts() == before
    with pytest.raises(ValueError):
        label_of(evil)


@pytest.mark.parametrize("value", [
    "it's", "a\\b", "a' MATCH (n) DETACH DELETE n RETURN 1 //", "'", "x\\", "改行\n含む",
    "`]->(n)", "$name", ["it's", {"k": "a'b"}],
])
def test_parameters_arrive_as_the_same_data(cypher_store, value):
    before = cypher_store.counts()
    assert cypher_store.run("RETURN $x AS v", x=value) == [{"v": value}]
    assert cypher_store.counts() == before


# ---------------------------------------------------------------- exports and commands


def test_csv_export_for_neo4j_admin(corpus_graph, tmp_path):
    g = corpus_graph[0]
    files = export_csv(g, tmp_path)
    nodes = rels = 0
    for f in files:
        with f.open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        if f.name.startswith("nodes_"):
            assert rows[0][0] == "id:ID" and rows[0][-1] == ":LABEL"
            nodes += len(rows) - 1
        else:
            assert rows[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
            rels += len(rows) - 1
    assert (nodes, rels) == (g.number_of_nodes() + 1, g.number_of_edges())  # + the pointer


def test_push_command(falkordb_servers, corpus_graph, tmp_path, capsys, monkeypatch):
    server = falkordb_servers()  # its own server: the command connects and disconnects
    path = write_graph(corpus_graph[0], tmp_path / "g.json")
    monkeypatch.setenv("NEO4J_USER", "falkordb")
    monkeypatch.setenv("NEO4J_PASSWORD", "")
    assert main(["neo4j", "push", "--graph", str(path), "--uri", server.uri, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["nodes"] == corpus_graph[0].number_of_nodes()
    assert report["dialect"] == "falkordb"


def test_cypher_backend_commands(falkordb_servers, corpus_graph, capsys, monkeypatch):
    server = falkordb_servers()
    store = CypherStore(server.uri, "falkordb", "", dialect=FALKORDB)
    store.push(corpus_graph[0])
    monkeypatch.setenv("NEO4J_USER", "falkordb")
    monkeypatch.setenv("NEO4J_PASSWORD", "")
    assert main(["route", "--backend", "cypher", "--uri", server.uri, "--region", "栃木県",
                 "--topic", "事業承継", "--holder", "信用金庫", "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)
    assert answers[0]["name"] == "栃木県事業承継・引継ぎ支援センター"


def test_connection_errors_are_clear(tmp_path, corpus_graph, capsys, monkeypatch):
    path = write_graph(corpus_graph[0], tmp_path / "g.json")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret-password")
    code = main(["neo4j", "push", "--graph", str(path), "--uri", "bolt://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 1 and "cannot connect to bolt://127.0.0.1:9" in err
    assert "Traceback" not in err and "secret-password" not in err
    assert os.environ["NEO4J_PASSWORD"] == "secret-password"
