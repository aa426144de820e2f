"""Colours and line styles of the maps.

Rules the palette keeps (tested):

* the six institution categories differ in lightness by at least 10 CIE L* units, so they stay
  apart when printed in grey; every node also has a dark border, so light ones stay visible;
* the highlight (routes, a selected node's neighbourhood) is a magenta that no category or
  relation uses, and it always comes with a thicker line; what is not highlighted is faded;
* relation types differ by dash pattern as well as colour (grey-scale again).
"""

from __future__ import annotations

from typing import Any

CATEGORY_COLOURS: dict[str, str] = {
    "金融機関": "#123a7a",  # navy, L* 25
    "行政機関": "#8c4a16",  # brown, L* 39
    "士業・専門家": "#8e5cc7",  # purple, L* 49
    "公的支援機関": "#3cb07a",  # green, L* 64
    "商工団体": "#f0b640",  # amber, L* 78
    "その他": "#e3e3e3",  # light grey, L* 90
}
NODE_BORDER = "#333333"
HIGHLIGHT = "#e6007e"  # magenta: used by nothing else
FADED_NODE = "rgba(200,200,200,0.25)"
FADED_EDGE = "rgba(180,180,180,0.15)"
REGION_NODE = "#ffffff"  # a case's region drawn in a route view (white box, dark border)

RELATION_STYLES: dict[str, dict[str, Any]] = {
    "紹介": {"color": "#2b4c7e", "dashes": False, "width": 2.0},
    "出向": {"color": "#b35c00", "dashes": [12, 6], "width": 2.0},
    "協定": {"color": "#2e7d32", "dashes": [2, 4, 10, 4], "width": 2.5},
    "同行訪問": {"color": "#6a1b9a", "dashes": [2, 5], "width": 2.0},
    "連携": {"color": "#9e9e9e", "dashes": False, "width": 1.0},
}
# kind steps of a routing path (an institution and its kind, a kind and a broader kind), and
# the step from a case's region to where a firm goes first
STEP_STYLES: dict[str, dict[str, Any]] = {
    "種別": {"color": "#616161", "dashes": [3, 3], "width": 1.5},
    "上位種別": {"color": "#616161", "dashes": [3, 3], "width": 1.5},
    "経路": {"color": "#616161", "dashes": [3, 3], "width": 1.5},
    "対応": {"color": "#616161", "dashes": [8, 4], "width": 1.5},  # a mandate: topic -> kind
}
DEFAULT_STYLE: dict[str, Any] = {"color": "#cccccc", "dashes": True, "width": 1.0}


def lightness(colour: str) -> float:
    """CIE L* (0 black .. 100 white) of a ``#rrggbb`` colour: how light it prints in grey."""
    h = colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    y = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    f = y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116
    return 116 * f - 16


def category_colour(category: str) -> str:
    """The colour of an institution category (その他 for an unknown one)."""
    return CATEGORY_COLOURS.get(category, CATEGORY_COLOURS["その他"])


def edge_style(relation: str) -> dict[str, Any]:
    """Colour, dash pattern and base width of a relation type (a copy)."""
    return dict(RELATION_STYLES.get(relation) or STEP_STYLES.get(relation) or DEFAULT_STYLE)


__all__ = ["CATEGORY_COLOURS", "FADED_EDGE", "FADED_NODE", "HIGHLIGHT", "NODE_BORDER",
           "RELATION_STYLES", "STEP_STYLES", "category_colour", "edge_style", "lightness"]
