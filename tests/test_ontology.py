"""The ontology data: complete, consistent, and resolving aliases and former names."""

from __future__ import annotations

import shutil

import pytest

from shienmap.graph.ontology import OntologyError, default_ontology, load_ontology
from shienmap.graph.schema import CATEGORIES
from shienmap.graph.schema import fold as fold_name


@pytest.fixture(scope="module")
def onto():
    return default_ontology()


def test_all_47_prefectures_with_jis_codes(onto):
    prefs = [r for r in onto.regions.values() if r.level == "都道府県"]
    assert len(prefs) == 47
    assert sorted(int(p.code) for p in prefs) == list(range(1, 48))
    assert onto.regions["北海道"].code == "01" and onto.regions["沖縄県"].code == "47"
    assert onto.region_chain("桐生市") == ["桐生市", "群馬県", "関東", "全国"]


@pytest.mark.parametrize(("alias", "kind"), [
    ("中小企業再生支援協議会", "中小企業活性化協議会"),
    ("再生支援協議会", "中小企業活性化協議会"),
    ("事業引継ぎ支援センター", "事業承継・引継ぎ支援センター"),
    ("事業承継・引継支援センター", "事業承継・引継ぎ支援センター"),
    ("保証協会", "信用保証協会"),
    ("信金", "信用金庫"),
    ("商工会・商工会議所", "商工団体"),
    ("ＩＴベンダー", "IT専門家"),
])
def test_kind_aliases_and_former_names(onto, alias, kind):
    assert onto.kind(alias).name == kind


def test_variant_spellings_are_one_institution(onto):
    assert onto.institution("埼玉県信用金庫").name == "埼玉縣信用金庫"
    assert fold_name("埼玉縣信用金庫") == fold_name("埼玉県信用金庫")
    assert onto.institution("商工中金").name == "商工組合中央金庫"


def test_fifty_one_credit_guarantee_corporations(onto):
    names = [n for n, (k, _) in onto.instances.items() if k == "信用保証協会"]
    assert len(names) == 51
    assert {"東京信用保証協会", "横浜市信用保証協会", "名古屋市信用保証協会",
            "北海道信用保証協会"} <= set(names)
    assert onto.instance_name("信用保証協会", "川崎市") == "川崎市信用保証協会"
    assert onto.instance_name("中小企業活性化協議会", "川崎市") == "神奈川県中小企業活性化協議会"


def test_every_fact_of_reference_data_names_its_source(onto):
    for k in onto.kinds.values():
        assert k.category in CATEGORIES
        if k.per_prefecture:
            assert k.per_prefecture_source, k.name
    for m in onto.mandates:  # who handles which topic, on what authority
        assert m.source and m.role in ("専門", "対応"), m
    for kind in ("中小企業活性化協議会", "よろず支援拠点", "事業承継・引継ぎ支援センター",
                 "信用保証協会"):
        assert onto.kinds[kind].per_prefecture


def test_kind_hierarchy(onto):
    assert onto.kind_ancestors("信用金庫") == ["信用金庫", "地域金融機関", "金融機関"]


def test_inconsistent_data_is_rejected(tmp_path):
    from shienmap.graph.ontology import DATA_DIR

    for f in DATA_DIR.glob("*.toml"):
        shutil.copy(f, tmp_path / f.name)
    kinds = tmp_path / "kinds.toml"
    kinds.write_text(kinds.read_text(encoding="utf-8").replace(
        'parent = "地域金融機関"', 'parent = "存在しない種別"', 1), encoding="utf-8")
    with pytest.raises(OntologyError, match="存在しない種別"):
        load_ontology(tmp_path)
