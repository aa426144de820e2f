"""The graph built from the reference corpus and from our own documents: extraction quality
against hand annotations, evidence that points at the right text, the node-link contract,
and byte-identical output for the same input."""

from __future__ import annotations

import json
import tomllib

import pytest

from conftest import ANNOTATIONS, FIXTURES, OWN_DOCS
from shienmap.graph.ontology import default_ontology
from shienmap.graph.schema import INSTITUTION_RELATIONS, LABELS
from shienmap.graph.store import read_graph, to_node_link, write_graph
from shienmap.loaders.evaluate import edge_key, format_scores, load_gold, party_id, score
from shienmap.loaders.pipeline import build_graph, normalised_document

# Floors set a little under what the extractor measured when they were set (see the
# loaders issue's closing note); a drop below them is a regression worth a look.
FLOORS = {  # type: (precision, recall)
    "紹介": (0.90, 0.85),
    "出向": (0.90, 0.70),
    "協定": (0.85, 0.90),
    "同行訪問": (0.85, 0.85),
    "all": (0.92, 0.85),
}


@pytest.fixture(scope="module")
def corpus_scores(corpus_graph, corpus_dir):
    g, _ = corpus_graph
    return score(g, load_gold(ANNOTATIONS / "corpus_edges.toml"), corpus_dir)


def test_annotation_set_covers_all_documents_and_types():
    gold = load_gold(ANNOTATIONS / "corpus_edges.toml")
    assert len(gold) >= 80
    assert {e.type for e in gold} == set(INSTITUTION_RELATIONS)
    assert len({e.doc for e in gold}) == 5


@pytest.mark.parametrize("rtype", list(FLOORS))
def test_precision_and_recall_on_the_corpus(corpus_scores, rtype):
    s = corpus_scores[rtype]
    print("\n" + format_scores(corpus_scores))
    p_floor, r_floor = FLOORS[rtype]
    assert s.precision >= p_floor, f"{rtype} precision {s.precision:.2f}: {s.false_positives}"
    assert s.recall >= r_floor, f"{rtype} recall {s.recall:.2f}: {[m for m in s.missed]}"


def test_table_counts_are_edge_properties(corpus_graph):
    g, _ = corpus_graph
    data = g.edges["機関:茨城県信用保証協会", "機関:茨城県中小企業活性化協議会", "紹介"]
    assert data["count"] == 37 and data["period"] == "2024年度上期"
    data = g.edges["機関:名古屋市信用保証協会", "機関:愛知県中小企業活性化協議会", "紹介"]
    assert data["count"] == 4
    assert not g.has_edge("機関:石川県信用保証協会", "機関:石川県中小企業活性化協議会")


def test_every_evidence_quote_is_at_its_offsets(corpus_graph, corpus_dir):
    g, _ = corpus_graph
    texts = {p.name: normalised_document(p) for p in corpus_dir.glob("*.txt")}
    checked = 0
    for _, _, d in g.edges(data=True):
        for ev in d["evidence"]:
            assert texts[ev["doc"]][ev["start"]:ev["end"]] == ev["quote"]
            checked += 1
    for _, d in g.nodes(data=True):
        for ev in d.get("evidence", []):
            assert texts[ev["doc"]][ev["start"]:ev["end"]] == ev["quote"]
            checked += 1
    assert checked > 1000


def test_every_extracted_fact_has_evidence_or_a_source(corpus_graph):
    g, _ = corpus_graph
    for u, v, d in g.edges(data=True):
        if d["type"] in (*INSTITUTION_RELATIONS, "連携", "参加"):
            assert d["evidence"], (u, v, d["type"])
        else:
            assert d["evidence"] or d.get("reference"), (u, v, d["type"])
    for n, d in g.nodes(data=True):
        if d["label"] == "機関":
            assert d["evidence"] or d.get("source"), n


def test_node_link_contract(corpus_graph, tmp_path):
    g, _ = corpus_graph
    data = to_node_link(g)
    assert set(data) == {"directed", "multigraph", "graph", "nodes", "edges"}
    assert data["directed"] and data["multigraph"]
    required = {"機関": {"id", "name", "type", "region", "aliases"},
                "機関種別": {"id", "name", "category"}, "事業": {"id", "name", "aliases"},
                "地域": {"id", "name", "level"}, "課題": {"id", "name", "aliases"}}
    for n in data["nodes"]:
        assert n["label"] in LABELS
        assert required[n["label"]] <= set(n), n["id"]
    for e in data["edges"]:
        assert {"source", "target", "type", "evidence"} <= set(e)
    path = write_graph(g, tmp_path / "g.json")
    again = read_graph(path)
    assert sorted(again.edges(keys=True)) == sorted(g.edges(keys=True))


def test_same_input_gives_byte_identical_output(corpus_dir, tmp_path, corpus_graph):
    g1, _ = corpus_graph
    g2, _ = build_graph([corpus_dir])
    a = write_graph(g1, tmp_path / "a.json").read_bytes()
    b = write_graph(g2, tmp_path / "b.json").read_bytes()
    assert a == b


def test_ids_come_from_names():
    g, _ = build_graph([OWN_DOCS / "okayama_cp932.txt"])
    assert "機関:岡山県信用保証協会" in g and "機関種別:信用保証協会" in g
    assert g.nodes["機関:岡山県信用保証協会"]["region"] == "地域:岡山県"


def test_aliases_resolve_to_one_node(corpus_graph):
    g, _ = corpus_graph
    names = {d["name"] for _, d in g.nodes(data=True)}
    assert "中小企業再生支援協議会" not in names and "事業引継ぎ支援センター" not in names
    kind = g.nodes["機関種別:中小企業活性化協議会"]
    assert "中小企業再生支援協議会" in kind["aliases"]
    assert any(ev["doc"].startswith("003") for ev in kind["evidence"])  # named by its old name


def test_own_documents_expected_edges(own_graph):
    g, report = own_graph
    assert {d.name for d in report.documents} == {p.name for p in OWN_DOCS.iterdir()
                                                   if p.suffix != ".py"}
    onto = default_ontology()
    with (FIXTURES / "expected_edges.toml").open("rb") as f:
        expected = tomllib.load(f)["edge"]
    got = {}
    for u, v, d in g.edges(data=True):
        if d["type"] in INSTITUTION_RELATIONS:
            got[edge_key(d["type"], u, v)] = d
    want = {edge_key(e["type"], party_id(e["source"], onto), party_id(e["target"], onto)): e
            for e in expected}
    missing = set(want) - set(got)
    extra = set(got) - set(want)
    assert not missing, missing
    assert not extra, extra
    for key, e in want.items():
        assert any(ev["doc"] == e["doc"] for ev in got[key]["evidence"])
        if "count" in e:
            assert got[key]["count"] == e["count"]


def test_build_json_summary(tmp_path, capsys):
    from shienmap.cli import main

    assert main(["build", str(OWN_DOCS), "--out", str(tmp_path / "g.json"), "--json",
                 "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["edges"]["紹介"] >= 8
    assert {d["encoding"] for d in out["documents"]} >= {"cp932", "euc_jp", "pdf", "utf-8"}
