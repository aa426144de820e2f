"""The 異体字 table (graph/data/variants.toml): variant forms of one name fold to one key, and
the table merges no two names the data files keep apart."""

from __future__ import annotations

import tomllib
from collections import defaultdict

import pytest

from shienmap.graph.ontology import default_ontology
from shienmap.graph.schema import VARIANTS, VARIANTS_FILE, fold

ENTRIES = tomllib.loads(VARIANTS_FILE.read_text(encoding="utf-8"))["variant"]


@pytest.mark.parametrize(("written", "same"), [
    ("髙崎信用金庫", "高崎信用金庫"),
    ("宮﨑県信用保証協会", "宮崎県信用保証協会"),
    ("長嵜", "長崎"),
    ("横濱市", "横浜市"),
    ("横濵市", "横浜市"),
    ("濱松", "濵松"),
    ("埼玉縣信用金庫", "埼玉県信用金庫"),
    ("德島県", "徳島県"),
    ("𠮷野", "吉野"),
    ("霞ヶ関", "霞ケ関"),
])
def test_variant_forms_fold_to_one_key(written, same):
    assert fold(written) == fold(same)


def test_distinct_official_names_stay_distinct():
    """鹿嶋市 (茨城県) and 鹿島市 (佐賀県): 嶋 is a variant of 島, but not for these two."""
    assert fold("鹿嶋市") != fold("鹿島市")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["written"] for e in ENTRIES])
def test_every_entry_has_a_source_and_keeps_offsets(entry):
    assert len(entry["written"]) == len(entry["folded"]) == 1 and entry["source"].strip()
    assert VARIANTS[entry["written"]] == entry["folded"]


def test_the_table_merges_no_two_names_of_the_data():
    onto = default_ontology()
    names = {
        "kind": list(onto.kinds), "institution": list(onto.institutions),
        "region": list(onto.regions), "topic": list(onto.topics),
        "programme": list(onto.programmes),
    }
    for label, values in names.items():
        keys: dict[str, set[str]] = defaultdict(set)
        for name in values:
            keys[fold(name)].add(name)
        merged = {k: v for k, v in keys.items() if len(v) > 1}
        assert merged == {}, (label, merged)


@pytest.mark.parametrize(("written", "region"), [("横濱市", "横浜市"), ("德島県", "徳島県"),
                                               ("長﨑県", "長崎県"), ("髙崎市", "高崎市")])
def test_the_ontology_finds_a_name_whatever_variant_is_written(written, region):
    found = default_ontology().region(written)
    assert found is not None and found.name == region
