"""Document metadata: header lines are metadata, not text; titles, publishers and dates."""

from __future__ import annotations

import pytest

from conftest import ROOT
from shienmap.loaders.metadata import infer_meta, parse_date, split_header
from shienmap.loaders.read import read_document


@pytest.mark.parametrize(("text", "iso"), [
    ("令和5年8月2日", "2023-08-02"),
    ("平成27年11月11日掲載", "2015-11-11"),
    ("令和元年5月", "2019-05"),
    ("2020年4月8日", "2020-04-08"),
    ("２０１８年１０月", "2018-10"),
    ("昭和64年1月7日", "1989-01-07"),
    ("第5回", None),
])
def test_dates_western_and_by_era(text, iso):
    assert parse_date(text) == iso


def test_header_lines_are_taken_off_the_text():
    header, body = split_header("source: https://example.jp/2019/07/x\npublisher: 架空新聞社\n\n"
                                "見出しの行\n本文です。\n")
    assert header == {"source": "https://example.jp/2019/07/x", "publisher": "架空新聞社"}
    assert body == "見出しの行\n本文です。\n"
    meta = infer_meta(body, header)
    assert (meta.title, meta.publisher, meta.date) == ("見出しの行", "架空新聞社", "2019-07")


def test_text_without_a_header_is_untouched():
    text = "注意: これは本文の一行目です。\n二行目。\n"
    assert split_header(text) == ({}, text)


def test_history_in_running_text_is_not_the_date():
    meta = infer_meta("見出し\n同行のルーツは1917年に設立された銀行にさかのぼる。\n")
    assert meta.date is None


def test_read_document_keeps_metadata(tmp_path):
    p = tmp_path / "release.txt"
    p.write_text("title: 架空信用金庫と架空市が協定\npublisher: 架空信用金庫\n"
                 "date: 2024年6月3日\n\n当金庫は架空市と協定を結びました。\n", encoding="utf-8")
    raw = read_document(p)
    assert raw.text.startswith("当金庫は")
    assert raw.meta.publisher == "架空信用金庫" and raw.meta.date == "2024-06-03"
    assert raw.meta.title == "架空信用金庫と架空市が協定"


def test_html_title_and_meta(tmp_path):
    p = tmp_path / "page.html"
    p.write_text('<html><head><title>お知らせ</title><meta name="author" content="架空協会">'
                 '</head><body><p>本文です。</p></body></html>', encoding="utf-8")
    meta = read_document(p).meta
    assert (meta.title, meta.publisher) == ("お知らせ", "架空協会")


def test_markdown_markup_is_not_part_of_titles_or_quotes(tmp_path):
    """A Markdown heading is not the title's text; list markers are not the evidence's."""
    from shienmap.loaders.pipeline import build_graph

    (tmp_path / "note.md").write_text(
        "# 岐阜県の連携\n\n- 大垣信用金庫は、事業承継の相談を岐阜県事業承継・引継ぎ支援センターに"
        "紹介している。\n", encoding="utf-8")
    g, report = build_graph([tmp_path])
    assert report.documents[0].title == "岐阜県の連携"
    quotes = [ev["quote"] for *_, d in g.edges(data=True) for ev in d.get("evidence", [])]
    assert quotes and all(not q.startswith(("-", " ")) for q in quotes)
    assert any(q.startswith("大垣信用金庫は") for q in quotes)


def test_placeholder_pdf_metadata_is_ignored():
    """A PDF whose information dictionary says "untitled" by "anonymous" gets its title from
    its text."""
    meta = read_document(ROOT / "tests" / "fixtures" / "docs" / "tottori.pdf").meta
    assert meta.title and meta.title.lower() != "untitled"
    assert meta.publisher is None
