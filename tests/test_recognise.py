"""Open-vocabulary recognition (our own sentences, in the styles of news and releases): names
that no list holds, where they start and end, what they are called in full."""

from __future__ import annotations

import pytest

from shienmap.graph.ontology import default_ontology
from shienmap.loaders.analyse import analyse
from shienmap.loaders.mentions import finder_for
from shienmap.loaders.normalise import normalise_text
from shienmap.loaders.pipeline import extract_text


def bodies(text):
    return [m.name for m in finder_for(default_ontology()).find(text) if m.label == "機関"]


@pytest.mark.parametrize(("text", "expected"), [
    # a name no list holds, typed by its head noun; its left edge from the analyser
    ("地元に本店を置く丸亀信用金庫が協定を結んだ。", ["丸亀信用金庫"]),
    ("取引先が多い伊予三島商工会議所は", ["伊予三島商工会議所"]),
    ("おととし四万十町商工会と協定", ["四万十町商工会"]),
    # a person's name or a title is never part of a name
    ("佐藤一郎唐津商工会議所会頭は述べた。", ["唐津商工会議所"]),
    ("高岡信用金庫(理事長 山本次郎)は", ["高岡信用金庫"]),
    # two bodies written back to back
    ("中小機構九州本部熊本県信用保証協会", ["中小企業基盤整備機構九州本部", "熊本県信用保証協会"]),
    # short heads expand to the full name; legal forms are dropped
    ("丸亀信金と四国銀", ["丸亀信用金庫", "四国銀行"]),
    ("米沢商議所", ["米沢商工会議所"]),
    ("公益財団法人やまがた産業支援財団と", ["やまがた産業支援財団"]),
    ("株式会社荘内銀行は", ["荘内銀行"]),
    # a kana name the analyser takes apart
    ("、みやまえ商工会の会長", ["みやまえ商工会"]),
    # branches are bodies of their own, named with the institution in full
    ("日本公庫鶴岡支店と", ["日本政策金融公庫鶴岡支店"]),
    ("日本政策金融公庫(日本公庫)盛岡支店との間で", ["日本政策金融公庫盛岡支店"]),
    # a prefecture's body of a kind: written in full, by an alias, by the prefecture's office
    ("岩手県保証協会", ["岩手県信用保証協会"]),
    ("島根県よろず支援拠点", ["島根県よろず支援拠点"]),
    ("福岡県庁で開かれた", ["福岡県"]),
    ("奈良同友会", ["奈良県中小企業家同友会"]),
    # names that share one head written once
    ("酒田と鶴岡の両信金が", ["酒田信用金庫", "鶴岡信用金庫"]),
    ("米沢、長井、南陽をはじめとする5つの商工会", ["米沢商工会", "長井商工会", "南陽商工会"]),
    # not names: generic words, counts, kinds in general
    ("地元信金と県内の信用組合", []),
    ("大阪府内8商工会議所", []),
])
def test_bodies(text, expected):
    assert bodies(text) == expected


def test_registry_names_and_short_forms():
    """Every deposit-taking institution is known with the short form documents use."""
    onto = default_ontology()
    assert onto.institution("しののめ信金").name == "しののめ信用金庫"
    assert onto.institution("北都銀").name == "北都銀行"
    assert onto.institution("北都銀行").bank_class == "地方銀行"
    assert sum(1 for i in onto.institutions.values() if i.type == "信用金庫") >= 254


def test_municipalities_are_all_known():
    onto = default_ontology()
    assert onto.region("四万十町").parent == "高知県"
    assert onto.region("府中市") is None  # two prefectures have one: the name alone is ambiguous
    assert onto.region("広島県府中市").parent == "広島県"
    assert sum(1 for r in onto.regions.values() if r.level == "市区町村") >= 1741


def test_analyser_marks_persons_and_verbs():
    tokens = {t.surface: t for t in analyse("佐藤一郎会頭が本店を置く")}
    assert tokens["佐藤"].is_person and tokens["置く"].breaks_name


def resolved(text, publisher=None):
    ext = extract_text("t.txt", normalise_text(text), publisher=publisher)
    return {(f.relation.type, f.relation.source.name, f.relation.target.name) for f in ext.facts
            if f.relation.type != "連携"}


def test_author_from_the_publisher_line():
    """当協会 in a 保証協会's own release is that 保証協会."""
    got = resolved("当協会は、山形県商工会連合会と覚書を締結しました。\n",
                   publisher="山形県信用保証協会")
    assert got == {("協定", "山形県信用保証協会", "山形県商工会連合会")}


def test_short_form_in_a_headline_resolves_by_the_full_name():
    text = ("荘銀・北都銀が包括提携\n"
            "荘内銀行と北都銀行は、事業承継の支援で提携した。\n")
    got = resolved(text)
    assert ("協定", "荘内銀行", "北都銀行") in got or ("協定", "北都銀行", "荘内銀行") in got


def test_bracketed_short_form():
    text = ("やまなし産業支援機構(以下、機構)と甲府信用金庫は協定を結んだ。\n"
            "機構は甲府信用金庫の職員をトレーニーとして受け入れる。\n")
    got = resolved(text)
    assert ("出向", "甲府信用金庫", "やまなし産業支援機構") in got


def test_kind_in_a_document_about_one_prefecture():
    """保証協会 in an article about 秋田県 is 秋田県信用保証協会."""
    text = ("秋田県の秋田銀行と秋田県信用保証協会は協定を締結した。\n"
            "今後は保証協会が把握した事業者を秋田銀行に紹介する。\n")
    got = resolved(text)
    assert ("紹介", "秋田県信用保証協会", "秋田銀行") in got
