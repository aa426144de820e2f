"""The gaps heat-map: prefectures (rows, north to south) × expected pairs of kinds (columns).

A cell is coloured by the year of the latest document that records the link in that
prefecture (darker = more recent) and left white with a thin grid when no document does;
documented cells also carry a dot, so the chart reads in grey-scale print. Labels are
Japanese, drawn with Noto Sans CJK JP (Debian: ``fonts-noto-cjk``); without that font the
functions raise :class:`FontMissing` with the command that installs it, rather than draw
empty boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shienmap.i18n import messages

FONT_FAMILY = "Noto Sans CJK JP"


class PlotUnavailable(RuntimeError):
    """The chart cannot be drawn here: matplotlib or the Japanese font is missing."""


class FontMissing(PlotUnavailable):
    """No Japanese font for the chart's labels."""


def _matplotlib():
    try:
        import matplotlib
    except ImportError as exc:
        raise PlotUnavailable("matplotlib is needed for the heat-map: "
                              "pip install 'shienmap[notebooks]'") from exc
    return matplotlib


def japanese_font(lang: str | None = None) -> str:
    """The family name of the installed Noto Sans CJK JP font, or :class:`FontMissing`."""
    _matplotlib()
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    if FONT_FAMILY in names:
        return FONT_FAMILY
    font_manager.fontManager.__init__()  # a font installed after matplotlib built its cache
    if FONT_FAMILY in {f.name for f in font_manager.fontManager.ttflist}:
        return FONT_FAMILY
    raise FontMissing(messages(lang)("gaps.plot.no_font"))


def _matrix(cells: Sequence[Any]) -> tuple[list[str], list[str], list[list[float | None]]]:
    """(prefectures, pair keys, years or None), prefectures in JIS order, pairs in cells' order."""
    prefs: dict[str, str] = {}
    pairs: dict[str, None] = {}
    value: dict[tuple[str, str], float | None] = {}
    for c in cells:
        prefs[c.prefecture] = c.code
        key = c.expectation.key
        pairs.setdefault(key, None)
        year = float(c.latest[:4]) if c.documented and c.latest else (
            0.0 if c.documented else None)
        value[(c.prefecture, key)] = year
    rows = sorted(prefs, key=lambda p: (prefs[p], p))
    cols = list(pairs)
    return rows, cols, [[value.get((p, k)) for k in cols] for p in rows]


def gap_heatmap(cells: Sequence[Any], *, lang: str | None = None,
                only_documented_pairs: bool = False):
    """A matplotlib Figure of the heat-map of ``cells`` (from :func:`shienmap.queries.gaps.gaps`).

    ``only_documented_pairs`` drops the pairs that no prefecture documents (a narrower chart).
    """
    _matplotlib()
    import numpy as np
    from matplotlib import colormaps, rc_context
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure  # no pyplot: no global state, no double display

    m = messages(lang)
    font = japanese_font(lang)
    rows, cols, grid = _matrix(cells)
    if only_documented_pairs:
        keep = [j for j in range(len(cols))
                if any(grid[i][j] is not None for i in range(len(rows)))]
        cols = [cols[j] for j in keep]
        grid = [[r[j] for j in keep] for r in grid]
    years = sorted({v for r in grid for v in r if v}) or [2000.0]
    data = np.array([[np.nan if v is None else max(v, years[0]) for v in r] for r in grid],
                    dtype=float)
    ramp = colormaps["Blues"]
    cmap = ListedColormap([ramp(0.35 + 0.65 * i / max(len(years) - 1, 1))
                           for i in range(len(years))])
    norm = BoundaryNorm([y - 0.5 for y in years] + [years[-1] + 0.5], cmap.N)
    width = max(6.0, 1.2 + 0.32 * len(cols))
    height = max(4.0, 1.6 + 0.2 * len(rows))
    with rc_context({"font.family": font, "font.size": 8}):
        fig = Figure(figsize=(width, height), dpi=110)
        ax = fig.subplots()
        ax.set_facecolor("#ffffff")
        mesh = ax.pcolormesh(np.ma.masked_invalid(data), cmap=cmap, norm=norm,
                             edgecolors="#dddddd", linewidth=0.4)
        ys, xs = np.nonzero(~np.isnan(data))
        ax.scatter(xs + 0.5, ys + 0.5, s=6, c="#ffffff", edgecolors="#000000", linewidths=0.4)
        ax.set_xticks(np.arange(len(cols)) + 0.5)
        ax.set_xticklabels(cols, rotation=70, ha="right", fontsize=7)
        ax.set_yticks(np.arange(len(rows)) + 0.5)
        ax.set_yticklabels(rows, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(m("gaps.plot.xlabel"))
        ax.set_ylabel(m("gaps.plot.ylabel"))
        relations = "・".join(dict.fromkeys(c.expectation.relation for c in cells))
        ax.set_title(m("gaps.plot.title", relations=relations))
        bar = fig.colorbar(mesh, ax=ax, fraction=0.03, pad=0.02, ticks=years)
        bar.ax.set_yticklabels([str(int(y)) for y in years])
        bar.set_label(m("gaps.plot.colorbar"))
        fig.text(0.01, 0.005, "□ " + m("gaps.plot.none"), fontsize=7)
        fig.tight_layout()
    return fig


def save_figure(fig: Any, path: Path | str) -> Path:
    """Write a figure as PNG (folders created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, format="png")
    return p


__all__ = ["FontMissing", "PlotUnavailable", "gap_heatmap", "japanese_font", "save_figure"]
