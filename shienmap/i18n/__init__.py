"""People-facing words: one message catalogue per language (``ja.toml``, ``en.toml``).

Tables, map labels and legends, notebooks' helper output and hints take their words from here,
Japanese by default and English on request; nothing people read is spelled out in the code.
Machine-readable output (``--json`` keys) is not translated.

>>> m = messages("en")
>>> m("route.case", region="群馬県", prefecture="群馬県", topics="知財", holder="信用金庫")
'Case: 群馬県 (群馬県); topics: 知財; holder: 信用金庫'
>>> messages("ja").term("紹介"), m.term("紹介")
('紹介', 'referral (紹介)')
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"
_DIR = Path(__file__).resolve().parent


class Messages:
    """A language's catalogue: ``m(key, **values)`` formats a message, ``m.term(word)`` glosses
    a domain term (relation types, categories, labels) for readers of that language."""

    def __init__(self, lang: str, entries: dict[str, str], terms: dict[str, str]) -> None:
        self.lang = lang
        self._entries = entries
        self._terms = terms

    def __call__(self, key: str, **values: Any) -> str:
        try:
            text = self._entries[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in the {self.lang} catalogue") from None
        return text.format(**values) if values else text

    def term(self, word: str) -> str:
        """The word as this language's readers should see it (Japanese names stay)."""
        return self._terms.get(word, word)

    def names(self) -> set[str]:
        """The message keys of this catalogue."""
        return set(self._entries)

    def raw(self, key: str) -> str:
        """The unformatted message (for checking placeholders)."""
        return self._entries[key]


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


def messages(lang: str | None = None) -> Messages:
    """The catalogue of ``lang`` (``ja`` or ``en``; default ``$SHIENMAP_LANG`` or ``ja``)."""
    lang = lang or os.environ.get("SHIENMAP_LANG") or DEFAULT_LANG
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use {' or '.join(LANGS)}")
    return _catalogue(lang)


@cache
def _catalogue(lang: str) -> Messages:
    with (_DIR / f"{lang}.toml").open("rb") as f:
        data = tomllib.load(f)
    terms = {str(k): str(v) for k, v in data.pop("terms", {}).items()}
    return Messages(lang, _flatten(data), terms)


__all__ = ["DEFAULT_LANG", "LANGS", "Messages", "messages"]
