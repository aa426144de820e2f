"""The character classes that stand in for per-character Python tests are exact, over every
code point."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from shienmap.loaders import normalise, read

ALL = [chr(c) for c in range(0x110000)]


def _matched(pattern) -> set[str]:
    return {c for c in ALL if pattern.match(c)}


def test_translate_tables():
    assert _matched(normalise._TABLE_CHARS) == set(map(chr, normalise._CHAR_TABLE))
    assert _matched(normalise._RADICAL_CHARS) == set(map(chr, normalise._RADICALS))


def test_controls_and_spaces():
    assert _matched(read._CONTROLS) == {
        c for c in ALL if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f"}
    assert _matched(read._SPACES) == {c for c in ALL if c.isspace()}


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="信用金庫 \t\u3000●■\ue000\u200b\u2e97\u2ea0a1", max_size=60))
def test_translate_as_str_translate(text):
    for table, chars in ((normalise._CHAR_TABLE, normalise._TABLE_CHARS),
                         (normalise._RADICALS, normalise._RADICAL_CHARS)):
        assert normalise._translate(text, table, chars) == text.translate(table)
