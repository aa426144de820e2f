"""People-facing text: document names, message catalogues, tables that fit, paths in plain
words, search keys and the map's palette."""

from __future__ import annotations

import itertools
import re
import string

import pytest

from shienmap.documents import Documents, reviewed_documents
from shienmap.i18n import LANGS, messages
from shienmap.present.routes import plain_route
from shienmap.present.table import display_width, render_table, truncate, wrap
from shienmap.queries.case import make_case
from shienmap.queries.routing import route
from shienmap.visualisations.palette import (
    CATEGORY_COLOURS,
    HIGHLIGHT,
    RELATION_STYLES,
    lightness,
)
from shienmap.visualisations.search import search_keys

# ---------------------------------------------------------------- documents


def test_documents_are_known_by_title_publisher_and_year(corpus_graph):
    docs = Documents(corpus_graph[0])
    assert sorted(docs) == sorted(d["name"] for d in corpus_graph[0].graph["documents"])
    info = docs["004_9550a01beb1aaad8.txt"]
    assert info.label() == "地域金融機関との連携プログラム2023 (関東経済産業局, 2023)"
    assert info.label_with_file().endswith("[004_9550a01beb1aaad8.txt]")
    for name in docs:  # every corpus document has a title, a publisher and a year
        assert docs[name].title and docs[name].publisher and docs[name].year, name


def test_reviewed_entries_win_and_the_loader_fills_the_rest():
    reviewed = reviewed_documents()
    docs = Documents([{"name": "000_55274fec655c80b9.txt", "title": "はじめに",
                       "publisher": None, "date": None, "source": "https://example.org/x"},
                      {"name": "mine.txt", "title": "自前の文書", "publisher": "某局",
                       "date": "2024-04-01", "source": None}])
    assert docs["000_55274fec655c80b9.txt"].title == reviewed["000_55274fec655c80b9.txt"]["title"]
    assert docs["000_55274fec655c80b9.txt"].source == "https://example.org/x"
    assert docs["mine.txt"].label() == "自前の文書 (某局, 2024)"
    assert docs["unknown.txt"].label() == "unknown.txt"  # named by evidence only


def test_every_corpus_document_has_a_reviewed_entry(corpus_dir):
    names = {p.name for p in corpus_dir.glob("00*_*.txt")}
    entries = reviewed_documents()
    assert names <= set(entries)
    for entry in entries.values():
        assert re.fullmatch(r"\d{4}(-\d\d){0,2}", entry["date"]) and entry["publisher"]


# ---------------------------------------------------------------- catalogues


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_catalogues_have_the_same_messages_and_placeholders():
    ja, en = messages("ja"), messages("en")
    assert ja.names() == en.names()
    for key in ja.names():
        assert _fields(ja.raw(key)) == _fields(en.raw(key)), key


def test_japanese_is_the_default_and_english_on_request(monkeypatch):
    monkeypatch.delenv("SHIENMAP_LANG", raising=False)
    assert messages().lang == "ja" and messages("en").lang == "en"
    assert set(LANGS) == {"ja", "en"}
    with pytest.raises(ValueError, match="unknown language"):
        messages("fr")


# ---------------------------------------------------------------- tables


def test_a_wide_table_fits_the_width_and_wraps_long_text():
    rows = [[1, "栃木県事業承継・引継ぎ支援センター", "栃木県の事例に基づく: 信用金庫 → 栃木県"
             "事業承継・引継ぎ支援センター → 栃木県信用保証協会 → 士業等専門家", "6.10"]]
    text = render_table(["順位", "次の担当", "理由と経路", "点数"], rows, width=60)
    assert max(display_width(line) for line in text.splitlines()) <= 60
    assert "栃木県の事例" in text and len(text.splitlines()) > 3  # wrapped, not cut at once


def test_wrapping_keeps_closing_marks_off_the_start_of_a_line():
    for line in wrap("あいうえおかきくけこ、さしすせそ。たちつてと", 20, 5)[1:]:
        assert line[0] not in "、。"


def test_truncation_marks_what_is_cut():
    assert truncate("栃木県信用保証協会", 8) == "栃木県…"
    assert display_width(truncate("栃木県信用保証協会", 8)) <= 8
    assert truncate("短い", 8) == "短い"


# ---------------------------------------------------------------- paths in plain words


@pytest.fixture(scope="module")
def tochigi(corpus_graph):
    g = corpus_graph[0]
    return g, route(g, make_case(g, "栃木県", ["事業承継"], "信用金庫"))


def test_a_regional_answer_names_the_prefecture_it_rests_on(tochigi):
    g, result = tochigi
    a = result.answers[0]
    plain = plain_route(g, a.path, a.evidence, lang="ja")
    assert plain.text() == "栃木県の事例に基づく: 信用金庫 → 栃木県事業承継・引継ぎ支援センター"
    assert plain.prefectures == ["栃木県"]


def test_kind_hops_are_collapsed_and_the_broader_kind_named(tochigi):
    g, result = tochigi
    general = next(a for a in result.answers if "機関種別:金融機関" in a.path)
    assert general.path[:3] == ["機関種別:信用金庫", "機関種別:地域金融機関", "機関種別:金融機関"]
    plain = plain_route(g, general.path, general.evidence, lang="ja")
    assert plain.chain == ["信用金庫", general.name]  # no 地域金融機関 → 金融機関 hops
    assert plain.via == "金融機関" and "全国に共通する記述" in plain.basis
    assert "based on statements that apply nationwide" in plain_route(
        g, general.path, general.evidence, lang="en").text(messages("en"))


def test_a_kind_brought_down_to_the_region_is_said_by_its_institution(corpus_graph):
    g = corpus_graph[0]
    result = route(g, make_case(g, "群馬県", ["特許の相談"], "よろず支援拠点"))
    a = result.answers[0]
    plain = plain_route(g, a.path, a.evidence)
    assert plain.chain[0] in ("よろず支援拠点", "群馬県よろず支援拠点")  # the region's own body
    assert plain.chain[-1] == (a.name if a.label == "機関" else g.nodes[a.path[-1]]["name"])


def test_the_routings_own_reason_is_kept(tochigi):
    g, result = tochigi
    a = result.answers[0]
    plain = plain_route(g, a.path, a.evidence, reason="栃木県では信金からセンターへの紹介が記録")
    assert plain.reason == "栃木県では信金からセンターへの紹介が記録"


def test_first_contact_answers_name_the_region(corpus_graph):
    g = corpus_graph[0]
    result = route(g, make_case(g, "北海道", ["経営課題が不明確"]))
    a = result.answers[0]
    assert plain_route(g, a.path, a.evidence).basis == "北海道で最初に相談する先"


# ---------------------------------------------------------------- search keys, palette


def test_search_keys_give_aliases_of_per_prefecture_bodies(corpus_graph):
    g = corpus_graph[0]
    keys = search_keys(g, "機関:静岡県信用保証協会")
    assert {"静岡保証協会", "静岡県保証協会", "静岡県信用保証協会"} <= set(keys)
    council = search_keys(g, "機関:長野県中小企業活性化協議会")
    assert "長野県中小企業再生支援協議会" in council  # the former name
    assert search_keys(g, "機関:八十二銀行") == ["八十二銀行"]  # never 長野銀行, another bank


def test_categories_print_apart_in_grey_and_the_highlight_is_unique():
    levels = sorted(lightness(c) for c in CATEGORY_COLOURS.values())
    assert all(b - a >= 10 for a, b in itertools.pairwise(levels)), levels
    used = {c.lower() for c in CATEGORY_COLOURS.values()}
    used |= {s["color"].lower() for s in RELATION_STYLES.values()}
    assert HIGHLIGHT.lower() not in used
    assert len({repr(s["dashes"]) for s in RELATION_STYLES.values() if s["dashes"]}) == 3
