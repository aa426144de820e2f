"""Normalisation repairs the damage of PDF text dumps; segments keep exact offsets."""

from __future__ import annotations

import pytest

from shienmap.loaders.normalise import normalise_text
from shienmap.loaders.segment import looks_like_heading, segment


@pytest.mark.parametrize(("raw", "expected"), [
    ("中⼩企業の⽀援", "中小企業の支援"),  # Kangxi radicals: NFKC
    ("⺠間金融機関と⻑野県", "民間金融機関と長野県"),  # CJK radicals supplement: our table
    ("ＡＢＣ　１２３", "ABC 123"),  # full-width forms
    ("北 海 道 10 山 梨 県 7", "北海道 10 山梨県 7"),  # letter-spaced table cells
    ("I T活用とI o Tの支援", "IT活用とIoTの支援"),  # letter-spaced Latin
])
def test_character_repairs(raw, expected):
    assert normalise_text(raw).strip() == expected


def test_vertical_text_is_joined():
    raw = "見出し\n中\n小\n企\n業\n活\n性\n化\n協\n議\n会\n次の行"
    assert "中小企業活性化協議会" in normalise_text(raw).split("\n")


def test_sentence_broken_across_lines_is_joined():
    raw = ("・ 信用保証協会は、保証付借入のある中小企業のうち財務課題のある先を選\n\n"
           "定して、金融機関と支援方針を決める。\n・ 次の項目。")
    lines = normalise_text(raw).split("\n")
    assert lines[0].endswith("財務課題のある先を選定して、金融機関と支援方針を決める。")
    assert lines[1] == "・ 次の項目。"


def test_short_labels_under_a_paragraph_stay_apart():
    raw = "これは図の説明で、句点のないまま終わる長い行の例になっています\n\n地方銀行\n\n信用金庫"
    lines = [x for x in normalise_text(raw).split("\n") if x]
    assert lines[-2:] == ["地方銀行", "信用金庫"]


def test_page_numbers_are_dropped():
    assert "12" not in normalise_text("本文の一行目。\n12\n本文の二行目。").split("\n")


def test_segments_point_into_the_normalised_text():
    text = normalise_text("・ 一つ目の文。二つ目の文!\n\n3.見出し\n表の行 10 20")
    segs = list(segment(text))
    assert [s.text for s in segs] == ["一つ目の文。", "二つ目の文!", "3.見出し", "表の行 10 20"]
    for s in segs:
        assert text[s.start:s.end] == s.text
    assert [s.is_heading for s in segs] == [False, False, True, False]


@pytest.mark.parametrize(("line", "heading"), [
    ("3.特徴的な取組(5)八十二銀行", True),
    ("(2) とっとり企業支援ネットワーク", True),
    ("【燕市】", True),
    ("3諏訪信用金庫", True),
    ("1つめは、支援領域の変化。", False),
    ("10", False),
])
def test_headings(line, heading):
    assert looks_like_heading(line) is heading
