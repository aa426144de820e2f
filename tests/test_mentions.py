"""Mentions: gazetteer, proper name + kind suffix, region + kind (our own sentences)."""

from __future__ import annotations

import pytest

from shienmap.graph.ontology import default_ontology
from shienmap.loaders.mentions import finder_for


def parties(text):
    return [(m.name, m.label) for m in finder_for(default_ontology()).find(text) if m.is_party]


@pytest.mark.parametrize(("text", "expected"), [
    ("栃木県信用保証協会と八十二銀行", [("栃木県信用保証協会", "機関"), ("八十二銀行", "機関")]),
    ("東京信用保証協会", [("東京信用保証協会", "機関")]),
    ("新潟県事業承継・引継ぎ支援センター", [("新潟県事業承継・引継ぎ支援センター", "機関")]),
    ("埼玉県信用金庫", [("埼玉縣信用金庫", "機関")]),
    ("中小企業再生支援協議会", [("中小企業活性化協議会", "機関種別")]),
    ("のと共栄信用金庫、浜松いわた信用金庫", [("のと共栄信用金庫", "機関"),
                                          ("浜松いわた信用金庫", "機関")]),
    ("県内の信用金庫", [("信用金庫", "機関種別")]),
    ("全ての信用金庫及び信用組合", [("信用金庫", "機関種別"), ("信用組合", "機関種別")]),
    ("地方銀行と第二地方銀行", [("銀行", "機関種別"), ("銀行", "機関種別")]),
    ("かかりつけ医である商工会", [("商工会", "機関種別")]),
    ("運営する千葉県庁", [("千葉県", "機関")]),  # a prefecture's office is the prefecture
    ("体制を強化県庁", [("都道府県", "機関種別")]),
    ("長野県信用金庫協会が幹事", [("長野県信用金庫協会", "機関")]),  # an association of 信金
    ("A銀行とB信金", [("銀行", "機関種別"), ("信用金庫", "機関種別")]),
])
def test_party_mentions(text, expected):
    assert parties(text) == expected


def test_region_of_a_named_institution():
    found = finder_for(default_ontology()).find("桐生信用金庫としずおか焼津信用金庫")
    assert [m.region for m in found] == ["桐生市", "焼津市"]


def test_topics_and_programmes():
    found = finder_for(default_ontology()).find("405事業で知財と事業承継を支援する「応援隊事業」")
    assert [(m.name, m.label) for m in found] == [
        ("405事業", "事業"), ("知的財産", "課題"), ("事業承継", "課題"), ("応援隊事業", "事業")]
