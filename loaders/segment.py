"""Stage 3, segment: normalised text -> sentences with character offsets.

Reads the normalised text; fills ``Segment.start/end/text`` (``text == normalised[start:end]``)
and ``is_heading``. A sentence ends at 。！？ or at the end of a line; leading bullets and
blanks are left out of the span so that quotes read cleanly. A "sentence" longer than
``MAX_SENTENCE`` characters (a list or a paragraph without 。) is cut into pieces of at most
that length, after a 、 or a space where there is one, so that the later stages, whose cost
grows faster than the length of a sentence, stay linear in the length of the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .normalise import break_point

_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[」』)]*|$)")
_LEAD = re.compile(r"^[\s・]+")
_HEADING = re.compile(
    r"^\s*(?:[0-9]{1,2}(?:-[0-9]{1,2})?[.．、]?(?=\D)|[(（][0-9]{1,2}[)）]|[①-⑳➀-➉❶-❿]"
    r"|[イロハニホヘトチリヌ二へ][)）]|【[^】]{1,40}】|(?:別添|コラム|【コラム】)|#{1,6}\s)"
)
_MAX_HEADING = 45
MAX_SENTENCE = 2_000  # characters; the longest sentence of the corpus has 855


@dataclass(frozen=True, slots=True)  # slots: a long document has millions of them
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


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for each line, without building a list of all of them."""
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        yield pos, text[pos:end]
        pos = end + 1


def _pieces(body: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) of a sentence cut into pieces of at most ``MAX_SENTENCE``."""
    pos = 0
    while pos < len(body):
        cut = break_point(body, pos, MAX_SENTENCE)
        piece = body[pos:cut]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            yield pos + lead, piece.strip()
        pos = cut


def segment(text: str) -> Iterator[Segment]:
    """Yield the sentences of a normalised text in order."""
    for pos, line in _lines(text):
        heading = looks_like_heading(line)
        for m in _SENTENCE.finditer(line):
            piece = m.group(0)
            if not piece.strip():
                continue
            lead = _LEAD.match(piece)
            skip = lead.end() if lead else 0
            body = piece[skip:].rstrip()
            if len(body) > MAX_SENTENCE:
                for offset, part in _pieces(body):
                    start = pos + m.start() + skip + offset
                    yield Segment(start, start + len(part), part, heading)
            elif body:
                start = pos + m.start() + skip
                yield Segment(start, start + len(body), body, heading)
