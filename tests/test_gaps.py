"""Gaps: expected links between kinds, per prefecture, from the graph's own kind-level edges;
and per-document coverage beside the hub scores."""

from __future__ import annotations

import pytest

from shienmap.graph.schema import INSTITUTION_RELATIONS, KIND
from shienmap.queries.coverage import corpus_shares, document_coverage
from shienmap.queries.gaps import (
    GapError,
    expectations,
    gaps,
    pair_summary,
    prefecture_summary,
    resolve_kind,
)
from shienmap.queries.hubs import hubs

GUARANTEE_TO_COUNCIL = ("紹介", "信用保証協会", "中小企業活性化協議会")


@pytest.fixture(scope="module")
def cells(corpus_graph):
    return gaps(corpus_graph[0])


def _cell(cells, prefecture, relation, a, b):
    return next(c for c in cells if c.prefecture == prefecture and
                (c.expectation.relation, c.expectation.kind_a, c.expectation.kind_b)
                == (relation, a, b))


def test_expectations_are_the_graphs_kind_level_relations(corpus_graph):
    g = corpus_graph[0]
    stated = set()
    for u, v, k in g.edges(keys=True):
        if k in INSTITUTION_RELATIONS and g.nodes[u]["label"] == g.nodes[v]["label"] == KIND:
            a, b = g.nodes[u]["name"], g.nodes[v]["name"]
            stated.add((k, a, b) if k in ("紹介", "出向") else (k, *sorted((a, b))))
    found = {(x.relation, x.kind_a, x.kind_b) for x in expectations(g)}
    assert found == stated and GUARANTEE_TO_COUNCIL in found
    assert all(x.statements for x in expectations(g))  # each rests on a quoted statement


def test_every_prefecture_and_expectation_has_a_cell(corpus_graph, cells):
    assert len(cells) == 47 * len(expectations(corpus_graph[0]))
    assert [c.prefecture for c in cells[:2]] == ["北海道", "青森県"]  # JIS order


def test_a_documented_link_with_its_evidence_and_date(cells):
    c = _cell(cells, "静岡県", *GUARANTEE_TO_COUNCIL)
    assert c.documented and c.latest == "2025"
    assert "001_eb38d82ed57d49b5.txt" in c.documents
    assert any(link["source"] == "機関:静岡県信用保証協会" and
               link["target"] == "機関:静岡県中小企業活性化協議会" and link.get("count")
               for link in c.links)


def test_a_link_no_document_records(cells):
    c = _cell(cells, "北海道", "紹介", "商工団体", "下請かけこみ寺")
    assert not c.documented and c.links == [] and c.latest is None


def test_direction_counts_for_referrals(corpus_graph):
    cells = gaps(corpus_graph[0], kinds=("中小企業活性化協議会", "信用保証協会"),
                 relations=("紹介",))
    forward = [c for c in cells if c.expectation.kind_a == "信用保証協会"]
    backward = [c for c in cells if c.expectation.kind_a == "中小企業活性化協議会"]
    assert sum(c.documented for c in forward) > 40
    assert not any(c.documented for c in backward)  # nobody documents the reverse flow


def test_kinds_by_alias_and_broader_statements_cover_narrower_kinds(corpus_graph):
    cells = gaps(corpus_graph[0], kinds=("信金", "事業承継・引継ぎ支援センター"))
    keys = {(c.expectation.relation, c.expectation.kind_a, c.expectation.kind_b,
             c.expectation.expected) for c in cells}
    # センター -> 金融機関 is stated nationally, so it covers 信用金庫
    assert ("紹介", "事業承継・引継ぎ支援センター", "信用金庫", True) in keys
    tochigi = [c for c in cells if c.prefecture == "栃木県" and c.documented]
    assert any(c.expectation.kind_a == "信用金庫" for c in tochigi)


def test_bad_arguments_name_what_is_wrong(corpus_graph):
    with pytest.raises(GapError, match="unknown institution kind"):
        resolve_kind("存在しない機関")
    with pytest.raises(GapError, match="unknown relation"):
        gaps(corpus_graph[0], relations=("連絡",))
    with pytest.raises(GapError, match="unknown prefecture"):
        gaps(corpus_graph[0], region="どこか")


def test_summaries_per_pair_and_per_prefecture(cells):
    pairs = {r.expectation.key: r for r in pair_summary(cells)}
    row = pairs["信用保証協会→中小企業活性化協議会 (紹介)"]
    assert "静岡県" in row.documented and len(row.documented) + len(row.missing) == 47
    prefs = {r.prefecture: r for r in prefecture_summary(cells)}
    assert prefs["長野県"].share > prefs["北海道"].share > 0
    assert len(prefs) == 47


def test_region_keeps_one_prefecture(corpus_graph):
    cells = gaps(corpus_graph[0], region="諏訪市")
    assert {c.prefecture for c in cells} == {"長野県"}


def test_coverage_shows_the_corpus_bias_behind_a_hub(corpus_graph):
    g = corpus_graph[0]
    top = hubs(g, top=1)[0]
    cov = document_coverage(g)[top.id]
    doc, share = cov.top
    assert top.name == "関東経済産業局" and doc == "004_9550a01beb1aaad8.txt" and share > 0.9
    kinds = document_coverage(g, level="機関種別")
    assert kinds["機関種別:中小企業活性化協議会"].documents == 5
    shares = corpus_shares(document_coverage(g))
    assert abs(sum(shares.values()) - 1) < 1e-9 and len(shares) == 5
