"""Stage 3, segment: normalised text -> sentences with character offsets.

Reads the normalised text; fills ``Segment.start/end/text`` (``text == normalised[start:end]``)
and ``is_heading``. A sentence ends at 。！？ or at the end of a line; leading bullets and
blanks are left out of the span so that quotes read cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[」』)]*|$)")
_LEAD = re.compile(r"^[\s・]+")
_HEADING = re.compile(
    r"^\s*(?:[0-9]{1,2}(?:-[0-9]{1,2})?[.．、]?(?=\D)|[(（][0-9]{1,2}[)）]|[①-⑳➀-➉❶-❿]"
    r"|[イロハニホヘトチリヌ二へ][)）]|【[^】]{1,40}】|(?:別添|コラム|【コラム】)|#{1,6}\s)"
)
_MAX_HEADING = 45


@dataclass(frozen=True)
class Segment:
    """A sentence (or a heading, a table row, a diagram label) of one document."""

    start: int
    end: int
    text: str
    is_heading: bool


def looks_like_heading(line: str) -> bool:
    """A numbered or bracketed short line without a sentence end: a section heading."""
    s = line.strip()
    return (0 < len(s) <= _MAX_HEADING and "。" not in s and bool(_HEADING.match(s))
            and any(not ch.isdigit() and not ch.isspace() for ch in s[2:]))


def segment(text: str) -> Iterator[Segment]:
    """Yield the sentences of a normalised text in order."""
    pos = 0
    for line in text.split("\n"):
        heading = looks_like_heading(line)
        for m in _SENTENCE.finditer(line):
            piece = m.group(0)
            if not piece.strip():
                continue
            lead = _LEAD.match(piece)
            skip = lead.end() if lead else 0
            body = piece[skip:].rstrip()
            if body:
                start = pos + m.start() + skip
                yield Segment(start, start + len(body), body, heading)
        pos += len(line) + 1
