"""The gazetteer's Aho–Corasick matcher finds what the trie regular expression finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from shienmap.loaders.matcher import WordMatcher
from shienmap.loaders.mentions import trie_pattern

_ALPHABET = "信用金庫銀行商工会議所県市あいう\ud800"
words_st = st.lists(st.text(alphabet=_ALPHABET[:-1], min_size=1, max_size=5), max_size=12)


def _regex_spans(words: list[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(trie_pattern(words), text)]


@settings(max_examples=300, deadline=None)
@given(words_st, st.text(alphabet=_ALPHABET, max_size=40))
def test_same_spans_as_the_trie_pattern(words, text):
    assert WordMatcher(words).spans(text) == _regex_spans(words, text)


def test_leftmost_longest_without_overlap():
    m = WordMatcher(["信用", "信用金庫", "金庫銀行", "県"])
    assert m.spans("県信用金庫銀行") == [(0, 1), (1, 5)]
    assert m.search("あ信用金") == (1, 3)
    assert m.search("あいう") is None


def test_no_words_and_lone_surrogates():
    assert WordMatcher([]).spans("信用金庫") == []
    assert WordMatcher(["信用"]).spans("信\ud800用信用") == [(3, 5)]
