"""Particles read at a mention's end give the roles they gave read on a copy of the rest of the
sentence (the former way, kept here as the reference)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from shienmap.loaders import particles as P

_ON_REST = {name: re.compile("^" + getattr(P, name).pattern)
            for name in ("_VENUE", "_MODIFIED", "_SKIP_AFTER", "_GENERIC_HEAD")}


def _role_on_rest(text: str, end: int) -> str:
    rest = text[end:]
    if _ON_REST["_VENUE"].match(rest):
        return P.VENUE
    quote = re.match(r"^[」』]", rest)
    mod = _ON_REST["_MODIFIED"].match(rest[quote.end():] if quote else rest)
    if mod and not mod.group("noun").endswith((*P._NOT_HEAD_NOUNS, *P._PEOPLE)) and not re.match(
            r"[0-9一二三四五六七八九十両各]", mod.group("noun")):
        return P.MODIFIER
    skip = _ON_REST["_SKIP_AFTER"].match(rest)
    if skip:
        rest = rest[skip.end():]
    head = _ON_REST["_GENERIC_HEAD"].match(rest)
    if head:
        rest = rest[head.end():]
    for particle, role in P._PARTICLE_ROLES:
        if rest.startswith(particle):
            return role
    return P.OTHER


_PIECES = ["の", "と", "は", "が", "に", "へ", "で", "から", "との", "本店", "会館", "(", ")",
           "」", "「", "等", "職員", "支店", "部", "1", "三", "機関", "支援機関", "をはじめ",
           "銀行", "、", "。", " ", "員", "協定", "にて", "も", "を", "や", "商工会", "\n"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.lists(st.sampled_from(_PIECES),
                                                                 max_size=14))
def test_same_role_as_on_the_rest(before, after):
    text = "".join(before) + "".join(after)
    end = len("".join(before))
    assert P.particle_role(text, end) == _role_on_rest(text, end)
