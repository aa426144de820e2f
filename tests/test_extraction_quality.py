"""Extraction on text the rules were not written for: the dev set (../shared/devset, retold
press releases and news, read from there, never copied) and our own held-out set
(tests/annotations/heldout). Floors sit a little under the figures measured when they were set
(see the loaders issue's closing note); a drop below one is a regression worth a look.

And a property over every institution the loaders make from the corpus and both sets: no
person's name or title inside a name, no two bodies run together, no sentence fragment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ANNOTATIONS, CORPUS, DEVSET, OWN_DOCS
from shienmap.graph.ontology import default_ontology
from shienmap.graph.schema import INSTITUTION
from shienmap.loaders.evaluate import evaluate_documents
from shienmap.loaders.mentions import name_problems
from shienmap.loaders.pipeline import build_graph

HELDOUT = ANNOTATIONS / "heldout"

needs_devset = pytest.mark.skipif(
    not (DEVSET / "gold_edges.jsonl").is_file(),
    reason=f"dev set not found at {DEVSET} (set SHIENMAP_DEVSET to its folder)")

# (F1 floor per relation type and overall, institution precision and recall floors)
DEVSET_FLOORS = {"紹介": 0.80, "出向": 0.90, "協定": 0.90, "同行訪問": 0.90, "all": 0.90}
DEVSET_INSTITUTIONS = (0.95, 0.93)
HELDOUT_FLOORS = {"紹介": 0.62, "出向": 0.55, "協定": 0.88, "同行訪問": 0.65, "all": 0.78}
HELDOUT_INSTITUTIONS = (0.95, 0.95)


@pytest.fixture(scope="module")
def devset_scores():
    return evaluate_documents(DEVSET / "docs", DEVSET / "gold_edges.jsonl",
                              DEVSET / "gold_entities.jsonl")


@pytest.fixture(scope="module")
def heldout_scores():
    return evaluate_documents(HELDOUT / "docs", HELDOUT / "gold_edges.jsonl",
                              HELDOUT / "gold_entities.jsonl")


def _report(scores) -> str:
    return "\n".join(f"{t}: P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}"
                     for t, s in scores.items())


@needs_devset
@pytest.mark.parametrize("rtype", list(DEVSET_FLOORS))
def test_devset_relations(devset_scores, rtype):
    s = devset_scores[rtype]
    print("\n" + _report(devset_scores))
    assert s.f1 >= DEVSET_FLOORS[rtype], (rtype, s.as_dict(), s.wrong, s.missed)


@needs_devset
def test_devset_institutions(devset_scores):
    s = devset_scores["機関"]
    p_floor, r_floor = DEVSET_INSTITUTIONS
    assert s.precision >= p_floor, s.wrong
    assert s.recall >= r_floor, s.missed


@pytest.mark.parametrize("rtype", list(HELDOUT_FLOORS))
def test_heldout_relations(heldout_scores, rtype):
    s = heldout_scores[rtype]
    print("\n" + _report(heldout_scores))
    assert s.f1 >= HELDOUT_FLOORS[rtype], (rtype, s.as_dict(), s.wrong, s.missed)


def test_heldout_institutions(heldout_scores):
    s = heldout_scores["機関"]
    p_floor, r_floor = HELDOUT_INSTITUTIONS
    assert s.precision >= p_floor, s.wrong
    assert s.recall >= r_floor, s.missed


def test_heldout_set_is_well_formed():
    """Every quote occurs in its document; every end is a gold body of it or a kind."""
    onto = default_ontology()
    edges = [json.loads(x) for x in (HELDOUT / "gold_edges.jsonl").read_text("utf-8").splitlines()
             if x.strip()]
    bodies = {}
    for line in (HELDOUT / "gold_entities.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            e = json.loads(line)
            bodies.setdefault(e["doc"], set()).add(e["name"])
    assert len(edges) >= 150 and len({e["doc"] for e in edges}) >= 25
    for e in edges:
        text = (HELDOUT / "docs" / e["doc"]).read_text("utf-8")
        assert e["quote"] in text, e["id"]
        for end in (e["source"], e["target"]):
            assert end in bodies[e["doc"]] or any(
                onto.kind(end[i:]) for i in range(len(end))), (e["id"], end)


def _sources() -> list[Path]:
    out = [OWN_DOCS, HELDOUT / "docs"]
    if CORPUS.is_dir():
        out.append(CORPUS)
    if (DEVSET / "docs").is_dir():
        out.append(DEVSET / "docs")
    return out


def test_no_person_title_or_two_bodies_in_any_name():
    onto = default_ontology()
    g, _ = build_graph(_sources())
    names = sorted({d["name"] for _, d in g.nodes(data=True) if d["label"] == INSTITUTION})
    assert len(names) > 250
    bad = {n: p for n in names if (p := name_problems(n, onto))}
    assert not bad, bad


@pytest.mark.parametrize(("name", "problem"), [
    ("石渡浩二三島商工会議所", "person"),
    ("北洋銀石井純二頭取", "title"),
    ("中小機構中部本部静岡県信用保証協会", "two bodies"),
    ("置く三重銀行", "starts with"),
    ("と津山商工会議所", "starts with"),
])
def test_name_checker_catches(name, problem):
    """The property above can fail: the checker names each kind of fragment."""
    assert any(problem in p for p in name_problems(name, default_ontology()))


def test_evaluate_command_json(capsys):
    from shienmap.cli import main

    assert main(["evaluate", str(HELDOUT / "docs"), str(HELDOUT / "gold_edges.jsonl"),
                 "--entities", str(HELDOUT / "gold_entities.jsonl"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"紹介", "出向", "協定", "同行訪問", "all", "機関"}
    assert out["all"]["gold"] >= 150 and 0 < out["all"]["f1"] <= 1
    assert {"precision", "recall", "f1", "gold", "predicted", "correct"} <= set(out["協定"])


def test_evaluate_command_names_a_missing_file(capsys, tmp_path):
    from shienmap.cli import main

    assert main(["evaluate", str(HELDOUT / "docs"), str(tmp_path / "gold.jsonl")]) == 1
    assert "gold.jsonl" in capsys.readouterr().err
