"""Stage 4a, analyse: a sentence -> its morphemes, from a real Japanese analyser.

Reads ``Segment.text``; fills :class:`Token` (surface, offsets, part of speech). The analyser
is SudachiPy with the SudachiDict core dictionary (the analyser GiNZA builds on), split mode C
so that long compounds stay whole. The recogniser uses the tokens for what characters cannot
tell: where a name starts (``置く三重銀行``: a verb, not a name), which words are a person's
name (``石渡浩二三島商工会議所``), which are time words (``おととし``).

The dictionary loads in about 0.1 s and a sentence takes tens of microseconds.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, NamedTuple

_POS_BREAKS = {"動詞", "形容詞", "助動詞", "助詞", "接続詞", "副詞", "連体詞", "代名詞", "感動詞",
               "形状詞", "空白"}


class AnalyserMissing(RuntimeError):
    """SudachiPy or its dictionary is not installed."""


class Token(NamedTuple):
    """One morpheme; offsets are relative to the analysed text (a named tuple: made by the
    hundred thousand on long texts)."""

    start: int
    end: int
    surface: str
    pos: tuple[str, ...]  # e.g. ("名詞", "固有名詞", "人名", "姓")

    @property
    def is_person(self) -> bool:
        return len(self.pos) > 2 and self.pos[1] == "固有名詞" and self.pos[2] == "人名"

    @property
    def is_place(self) -> bool:
        return len(self.pos) > 2 and self.pos[1] == "固有名詞" and self.pos[2] == "地名"

    @property
    def is_time_word(self) -> bool:
        """A noun that can stand as an adverb (おととし, 今春, それぞれ): never part of a name."""
        return self.pos[:1] == ("名詞",) and len(self.pos) > 2 and self.pos[2] == "副詞可能"

    @property
    def breaks_name(self) -> bool:
        """A word a name cannot contain: verbs, particles, adjectives, adverbs, punctuation
        (the middle dot of 事業承継・引継ぎ excepted), numerals in digits."""
        if self.pos[0] in _POS_BREAKS:
            return True
        if self.pos[0] == "補助記号":
            return self.surface not in ("・", "&", "-")
        return self.pos[:2] == ("名詞", "数詞") and self.surface.isascii()


@cache
def _tokenizer() -> Any:
    try:
        from sudachipy import Dictionary, SplitMode
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise AnalyserMissing(
            "the Japanese analyser SudachiPy is not installed; run `pip install -e .` "
            "(it installs sudachipy and sudachidict-core)") from exc
    try:
        dictionary = Dictionary(dict="core")
    except Exception as exc:  # pragma: no cover - the dictionary package is missing
        raise AnalyserMissing(
            "the SudachiDict core dictionary is not installed; run "
            "`pip install sudachidict-core`") from exc
    return dictionary.tokenizer(mode=SplitMode.C, fields={"pos"})


_POS: dict[int, tuple[str, ...]] = {}  # part-of-speech id -> its tags, "*" left out
_MAX_CHUNK = 4000  # Sudachi refuses inputs over ~49k bytes; long lines are cut into chunks


@lru_cache(maxsize=4096)
def analyse(text: str) -> tuple[Token, ...]:
    """The morphemes of ``text`` with their offsets (cached per distinct sentence)."""
    tok = _tokenizer()
    out: list[Token] = []
    append, make, pos_of = out.append, tuple.__new__, _POS  # a hot loop: no attribute look-ups
    text = _encodable(text)
    for base in range(0, len(text), _MAX_CHUNK):
        chunk = text[base:base + _MAX_CHUNK]
        for m in tok.tokenize(chunk):
            pid = m.part_of_speech_id()
            pos = pos_of.get(pid)
            if pos is None:
                pos = pos_of[pid] = tuple(p for p in m.part_of_speech() if p != "*")
            # Token(...) without its Python-level __new__: one call less per morpheme
            append(make(Token, (base + m.begin(), base + m.end(), m.surface(), pos)))
    return tuple(out)


def tokens_in(tokens: tuple[Token, ...], start: int, end: int) -> list[Token]:
    """Tokens overlapping ``[start, end)``."""
    return [t for t in tokens if t.end > start and t.start < end]


@cache
def _lemma_tokenizer() -> Any:
    _tokenizer()  # the same installation checks and messages
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C,
                                             fields={"pos", "normalized_form"})


@lru_cache(maxsize=4096)
def lemmas(text: str) -> tuple[tuple[str, str], ...]:
    """(normalised dictionary form, part of speech) of each word of a short text, for
    matching a person's words to data (たたみたい and 畳みたい -> 畳む)."""
    return tuple((m.normalized_form(), m.part_of_speech()[0])
                 for m in _lemma_tokenizer().tokenize(_encodable(text[:_MAX_CHUNK])))


_SURROGATES = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """Lone surrogates (from broken input) become U+FFFD, one for one, so offsets hold."""
    return _SURROGATES.sub("\ufffd", text)
