"""Plain-text tables that fit a terminal.

Widths are display widths (a kanji takes two columns). When a table is wider than the
terminal, the flexible columns (the long texts: names, paths, quotes) are narrowed and their
cells wrapped onto up to ``max_lines`` lines, the last one ending in "…"; the full text is in
``--json`` and ``--csv``.

>>> print(render_table(["#", "名前"], [[1, "栃木県信用保証協会"]]))
#  名前
-  ------------------
1  栃木県信用保証協会
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

DEFAULT_WIDTH = 100
MIN_WIDTH = 40
GAP = "  "
ELLIPSIS = "…"
_NO_LINE_START = "、。，．,.）)」』】〕・ー：:；;！？!?"


def char_width(ch: str) -> int:
    """Columns a character takes: 2 for East Asian wide and full-width, 0 for combining."""
    if unicodedata.combining(ch) or ch in "\u200b\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    """Columns a string takes in a terminal."""
    return sum(char_width(ch) for ch in text)


def terminal_width(default: int = DEFAULT_WIDTH) -> int:
    """The width to fit: ``$COLUMNS``, else the terminal's when stdout is one, else
    ``default`` (100), never under 40."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return max(MIN_WIDTH, int(env))
    if sys.stdout.isatty():
        return max(MIN_WIDTH, shutil.get_terminal_size((default, 24)).columns)
    return default


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, ending in "…" when cut."""
    if display_width(text) <= width:
        return text
    return _ellipsize(text, width)


def _ellipsize(text: str, width: int) -> str:
    """As much of ``text`` as fits in ``width - 1`` columns, then "…"."""
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """``text`` broken into lines of at most ``width`` columns (at a space, "→" or "、" when
    one is near the end of the line), at most ``max_lines`` lines."""
    width = max(width, 2)
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if display_width(rest) <= width:
            lines.append(rest)
            rest = ""
            break
        cut, used = 0, 0
        for i, ch in enumerate(rest):
            w = char_width(ch)
            if used + w > width:
                break
            used += w
            cut = i + 1
        soft = max((rest.rfind(c, 0, cut) for c in " →、,"), default=-1)
        if soft >= cut * 0.6:
            cut = soft + 1
        while 1 < cut < len(rest) and rest[cut] in _NO_LINE_START:
            cut -= 1  # 禁則: no line starts with a closing mark
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines[-1] = _ellipsize(lines[-1] + " " * width, width).rstrip(" " + ELLIPSIS) + ELLIPSIS
    return lines or [""]


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4f}"
    if v is None:
        return "-"
    return " ".join(str(v).split())


def _fit(widths: list[int], minimum: list[int], flex: set[int], total: int) -> list[int]:
    """Narrow the widest flexible column, one column at a time, until the table fits."""
    widths = list(widths)

    def current() -> int:
        return sum(widths) + len(GAP) * (len(widths) - 1)

    while current() > total:
        candidates = [i for i in flex if widths[i] > minimum[i]]
        if not candidates:
            candidates = [i for i in range(len(widths)) if widths[i] > minimum[i]]
            if not candidates:
                break
        i = max(candidates, key=lambda j: (widths[j], -j))
        widths[i] -= 1
    return widths


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                 width: int | None = None, flex: Sequence[int] | None = None,
                 max_lines: int = 3) -> str:
    """A table with a header line and a rule, every line at most ``width`` columns.

    ``flex`` lists the columns that may be narrowed and wrapped (default: every column whose
    text is longer than 12 columns somewhere); other columns are truncated only when nothing
    else helps. ``width`` None means no limit.
    """
    head = [_fmt(h) for h in headers]
    body = [[_fmt(c) for c in r] for r in rows]
    n = len(head)
    natural = [max([display_width(head[i])] + [display_width(r[i]) for r in body])
               for i in range(n)]
    if flex is None:
        flex = [i for i in range(n) if natural[i] > 12]
    minimum = [max(4, min(natural[i], display_width(head[i]), 10)) if i in flex
               else min(natural[i], max(display_width(head[i]), 4)) for i in range(n)]
    widths = natural if width is None else _fit(natural, minimum, set(flex), width)

    def cells(row: list[str], wrap_flex: bool) -> list[list[str]]:
        out = []
        for i, text in enumerate(row):
            if wrap_flex and i in flex and display_width(text) > widths[i]:
                out.append(wrap(text, widths[i], max_lines))
            else:
                out.append([truncate(text, widths[i])])
        return out

    def lines(row: list[str], wrap_flex: bool = True) -> list[str]:
        parts = cells(row, wrap_flex)
        height = max(len(p) for p in parts)
        out = []
        for k in range(height):
            segs = []
            for i, p in enumerate(parts):
                seg = p[k] if k < len(p) else ""
                segs.append(seg + " " * (widths[i] - display_width(seg)))
            out.append(GAP.join(segs).rstrip())
        return out

    rule = GAP.join("-" * w for w in widths)
    result = [*lines(head, wrap_flex=False), rule]
    for r in body:
        result += lines(r)
    return "\n".join(result)


__all__ = ["display_width", "render_table", "terminal_width", "truncate", "wrap"]
