"""Stage 2, normalise: raw text -> the normalised text that evidence offsets point into.

Reads ``RawDocument.text``; returns a string. The function is pure and deterministic, so the
same raw text always gives the same normalised text and evidence offsets stay reproducible
(``normalise_text(read_document(p).text)[start:end] == quote``).

Repairs, in order:
1. NFKC, plus the CJK Radicals Supplement code points NFKC leaves alone (⺠ -> 民);
   private-use and bullet glyphs of PDF dumps become ``・``.
2. Letter-spaced CJK in tables (``北 海 道 10`` -> ``北海道 10``).
3. Page furniture: page numbers alone on a line, rule lines.
4. Vertical text laid out one character per line is joined into one line.
5. Sentences broken across lines (with at most one blank line between) are joined.
6. A line longer than ``MAX_LINE`` characters (a paragraph without line breaks, a text
   saved as one line) is broken after a sentence end, so that no later stage ever sees an
   unbounded line.

Every step is linear in the length of the text, whatever its shape (one 10 MB line, a
1 MiB paragraph without 。, a million short lines).
"""

from __future__ import annotations

import re
import unicodedata

# CJK Radicals Supplement (U+2E80-U+2EFF) has no NFKC mapping except two code points;
# PDF extractors emit these for ordinary kanji. Map the ones that stand for common kanji.
_RADICALS = {
    0x2E97: "心", 0x2EA0: "民", 0x2EA9: "王", 0x2EAE: "竹", 0x2EB7: "羊", 0x2EBC: "月",
    0x2EC4: "西", 0x2EC6: "角", 0x2ECC: "辶", 0x2ED1: "長", 0x2ED8: "青", 0x2EDD: "食",
    0x2EE9: "黄", 0x2EEB: "斉", 0x2EED: "歯", 0x2EEF: "竜", 0x2EF2: "亀",
}
_BULLETS = "⚫●•◆◇■□▪▶►➢➤✓✔❖"
_SENTENCE_END = "。！？!?"
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々〆ヶ"
_LETTER_SPACED = re.compile(rf"(?<![^\s])[{_CJK}](?: +[{_CJK}](?![^\s]))+")
_LATIN_SPACED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z](?: [A-Za-z](?![A-Za-z0-9]))+")
_PAGE_FURNITURE = re.compile(r"^\s*(?:\d{1,3}|[-―ー─_=・.]{3,}|-\s*\d+\s*-|\d+\s*/\s*\d+)\s*$")
_START_MARKER = re.compile(
    r"^\s*(?:[・※【〔<＜(（\[「『]|[0-9]{1,2}[.．、)）]|[0-9]{1,2}\s|[①-⑳➀-➉❶-❿]|[イロハニホヘトチリヌ][)）]"
    r"|第[0-9一二三四五六七八九十]+[部章節条]|[-*] )"
)
_URL_OR_ASCII_END = re.compile(r"(?:https?://\S+|[A-Za-z0-9/._-])$")
_JOIN_MIN_LENGTH = 20
_CONTINUATION = tuple("のをにはがへやとで、。)」』")


MAX_LINE = 10_000  # characters; longer lines are broken after a sentence end

# private-use glyphs and bullets -> ・, invisible characters dropped, tabs -> space
_CHAR_TABLE: dict[int, str | None] = {
    **dict.fromkeys(range(0xE000, 0xF900), "・"), **dict.fromkeys(map(ord, _BULLETS), "・"),
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad")),
    ord("\t"): " ", ord("\u3000"): " ",
}


# any character the two tables change: a text without one skips a translate (a pass of
# Python-level look-ups per character, ~0.05 s per MiB)
_RADICAL_CHARS = re.compile("[" + "".join(map(chr, _RADICALS)) + "]")
_TABLE_CHARS = re.compile("[" + re.escape("".join(map(chr, _CHAR_TABLE))) + "]")


def _translate(text: str, table: dict[int, str | None], chars: re.Pattern[str]) -> str:
    """``text.translate(table)`` (``chars``: the table's keys): nothing to do for a text
    without them, and only their places replaced when they are few (a bullet or two in a
    page), not a look-up per character - in a text of up to _SUB_LIMIT characters: re.sub
    holds the pieces between the places besides the text and the result."""
    found = len(chars.findall(text))
    if not found:
        return text
    if found * 8 < len(text) <= _SUB_LIMIT:
        return chars.sub(lambda m: table[ord(m.group())] or "", text)
    return text.translate(table)


_SUB_LIMIT = 1 << 22  # characters (a few MB of pieces at most)


def normalise_chars(raw: str) -> str:
    """Character-level normalisation only (NFKC, radicals, bullets), keeping the lines."""
    return unicodedata.normalize("NFKC", raw).translate(_RADICALS).translate(_CHAR_TABLE)


def normalise_text(raw: str) -> str:
    """Return the normalised text of a document's raw text (see module docstring)."""
    text = _translate(unicodedata.normalize("NFKC", raw), _RADICALS, _RADICAL_CHARS)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = _translate(text, _CHAR_TABLE, _TABLE_CHARS)
    lines = [_collapse_letter_spacing(line.rstrip()) for line in text.split("\n")]
    del text
    lines = ["" if _PAGE_FURNITURE.match(line) else line for line in lines]
    lines = _join_vertical(lines)
    lines = _join_wrapped(lines)
    lines = _break_long_lines(lines)
    out = "\n".join(lines)
    del lines
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip("\n") + "\n"


def _collapse_letter_spacing(line: str) -> str:
    """``北 海 道 10`` -> ``北海道 10``, ``I T活用`` -> ``IT活用`` (runs of single characters)."""
    line = _LETTER_SPACED.sub(lambda m: re.sub(r" +", "", m.group(0)), line)
    return _LATIN_SPACED.sub(lambda m: m.group(0).replace(" ", ""), line)


def _is_single_char(line: str) -> bool:
    s = line.strip()
    return len(s) == 1 and not s.isdigit()


def _join_vertical(lines: list[str]) -> list[str]:
    """Join runs of three or more one-character lines (vertical text) into one line."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_single_char(lines[j]):
            j += 1
        if j - i >= 3:
            out.append("".join(s.strip() for s in lines[i:j]))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


class _Joined:
    """A line being joined with its continuations, with what :func:`_joinable` asks of it
    kept up to date, so that joining n lines costs O(n) and not O(n²)."""

    _TAIL = 512  # characters of the end kept for the end-of-line tests

    def __init__(self, line: str) -> None:
        self.parts = [line]
        s = line.strip()
        self.length = len(s)  # of the stripped text
        self.tail = s[-self._TAIL:]
        self.has_period = "。" in s
        self.words = len(s.split())

    def add(self, nxt: str) -> None:
        n = nxt.strip()
        if len(self.parts) == 1:
            self.parts[0] = self.parts[0].rstrip()
        self.parts.append(n)
        # the last word of the line and the first of the continuation run together
        self.words = min(self.words + len(n.split()) - (1 if self.length and n else 0), 99)
        self.length += len(n)
        self.tail = (self.tail + n)[-self._TAIL:]
        self.has_period = self.has_period or "。" in n

    def text(self) -> str:
        return "".join(self.parts)


def _table_like(line: str) -> bool:
    return "。" not in line and len(line.split()) >= 4


def _joinable(prev: _Joined, nxt: str) -> bool:
    p, n = prev.tail, nxt.strip()
    if prev.length < _JOIN_MIN_LENGTH or not n:
        return False
    if p[-1] in _SENTENCE_END or (p.endswith((":", ":", "」", "』")) and p[-2:-1] in _SENTENCE_END):
        return False
    if p[-1] in _SENTENCE_END + "::":
        return False
    if _START_MARKER.match(nxt) or n[0] == "・":
        return False
    if len(n) < 12 and n[-1] not in _SENTENCE_END:
        return False  # a short label under a long line: diagram text, not a continuation
    if (not prev.has_period and prev.words >= 4) or _table_like(n):
        return False
    return not _URL_OR_ASCII_END.search(p) or n[0].isascii()


def _new_paragraph(nxt: str) -> bool:
    """After a blank line, an indented line starts a paragraph (a headline above it is not
    wrapped into it) unless it opens with a particle or a closing mark."""
    return nxt[:1].isspace() and not nxt.lstrip().startswith(_CONTINUATION)


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join a line broken at the page width with its continuation (one blank line allowed)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        cur = _Joined(lines[i])
        i += 1
        while True:
            k = i
            if k < len(lines) and not lines[k].strip():
                k += 1  # one blank line between the halves is allowed
                if k < len(lines) and _new_paragraph(lines[k]):
                    break
            if k < len(lines) and cur.length and _joinable(cur, lines[k]):
                cur.add(lines[k])
                i = k + 1
            else:
                break
        out.append(cur.text())
    return out


_BREAK_AFTER = re.compile(r"[。！？!?]+[」』)]*")
_SOFT_BREAK = re.compile(r"[、,，;；」』)]+|\s+")


def break_point(text: str, start: int, limit: int, hard: re.Pattern[str] | None = None) -> int:
    """Where to cut ``text[start:]`` so that the piece has at most ``limit`` characters: after
    the last sentence end in its second half (``hard``), else after the last 、 or space there,
    else at ``limit``. Linear in ``limit``."""
    end = start + limit
    if end >= len(text):
        return len(text)
    window_start = start + limit // 2
    for pattern in (hard, _SOFT_BREAK):
        if pattern is None:
            continue
        last = -1
        for m in pattern.finditer(text, window_start, end):
            last = m.end()
        if last > window_start:
            return last
    return end


def _break_long_lines(lines: list[str]) -> list[str]:
    """Lines of at most ``MAX_LINE`` characters, broken after sentence ends where possible."""
    out: list[str] = []
    for line in lines:
        if len(line) <= MAX_LINE:
            out.append(line)
            continue
        pos = 0
        while pos < len(line):
            cut = break_point(line, pos, MAX_LINE, _BREAK_AFTER)
            out.append(line[pos:cut])
            pos = cut
    return out
