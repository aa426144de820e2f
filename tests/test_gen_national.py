"""The national-shape generator writes a graph in the project's own format that the
commands accept, with the counts, evidence and regions it promises."""

from __future__ import annotations

import json
from collections import Counter

from national import gen_module, small_national
from shienmap.cli import main
from shienmap.graph.ontology import default_ontology
from shienmap.graph.schema import INSTITUTION, INSTITUTION_RELATIONS
from shienmap.graph.store import read_graph, to_node_link

RELATIONS = (*INSTITUTION_RELATIONS, "連携")


def test_counts_follow_the_scale():
    g = small_national()
    kinds = Counter(d["type"] for _, d in g.nodes(data=True) if d["label"] == INSTITUTION)
    counts = gen_module().COUNTS_AT_1
    for kind in ("商工会", "商工会議所", "信用金庫", "税理士", "認定経営革新等支援機関"):
        assert kinds[kind] >= round(counts[kind] * 0.02), kind
    assert kinds["信用保証協会"] >= 51 and kinds["よろず支援拠点"] == 47  # at every scale
    relations = sum(1 for *_, k in g.edges(keys=True) if k in RELATIONS)
    assert relations == round(gen_module().RELATIONS_AT_1 * 0.02)


def test_every_relation_has_evidence_and_known_ends():
    g = small_national()
    onto = default_ontology()
    docs = {d["name"] for d in g.graph["documents"]}
    crossing = 0
    for u, v, k, d in g.edges(keys=True, data=True):
        if k not in RELATIONS:
            continue
        assert d["type"] == k and d["evidence"], (u, v, k)
        for ev in d["evidence"]:
            assert ev["doc"] in docs and ev["end"] - ev["start"] == len(ev["quote"])
            assert g.nodes[u]["name"] in ev["quote"] and g.nodes[v]["name"] in ev["quote"]
        for r in d.get("regions", []):
            assert onto.region(r.split(":", 1)[1]) is not None
        crossing += len(d.get("regions", [])) > 1
        assert all(g.nodes[t]["label"] == "課題" for t in d["topics"])
    assert 0 < crossing < 0.3 * sum(1 for *_, k in g.edges(keys=True) if k in RELATIONS)


def test_degrees_are_heavy_tailed():
    g = small_national()
    deg = Counter()
    for u, v, k in g.edges(keys=True):
        if k in RELATIONS:
            deg[u] += 1
            deg[v] += 1
    values = sorted(deg.values())
    assert values[len(values) // 2] <= 5 and values[-1] >= 25 * values[len(values) // 2]


def test_same_seed_same_file_other_seed_other_graph(tmp_path):
    gen = gen_module()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert gen.main(["--scale", "0.01", "--out", str(a), "--seed", "5"]) == 0
    assert gen.main(["--scale", "0.01", "--out", str(b), "--seed", "5"]) == 0
    assert a.read_bytes() == b.read_bytes()
    other = to_node_link(gen.generate(0.01, 6))
    assert other["edges"] != to_node_link(read_graph(a))["edges"]


def test_commands_accept_the_generated_graph(tmp_path, capsys):
    path = tmp_path / "national.json"
    assert gen_module().main(["--scale", "0.01", "--out", str(path)]) == 0
    capsys.readouterr()
    assert main(["route", "--graph", str(path), "--region", "群馬県", "--topic", "事業承継",
                 "--holder", "信用金庫", "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)
    assert answers and all(a["id"] for a in answers)
    assert main(["hubs", "--graph", str(path), "--top", "5", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5 and rows[0]["hub_score"] >= rows[-1]["hub_score"]
    out = tmp_path / "map.html"
    assert main(["map", "--graph", str(path), "--region", "群馬県", "--out", str(out)]) == 0
    assert "群馬県" in out.read_text(encoding="utf-8")
