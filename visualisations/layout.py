"""Where the map puts its nodes: prefectures roughly by geography, national bodies in the middle.

Every node belongs to a *group*: the prefecture it is located in (a municipality's institution
joins its prefecture), the 地方 block of a block-wide body (関東経済産業局), or the national
group (national bodies, bodies of unknown place and institution kinds in general).

1. Each prefecture's anchor is its office's position (``graph/data/prefecture_offices.toml``,
   国土地理院), projected (equirectangular, longitude scaled by cos 36°) and pushed outward
   from the middle of Honshu by the national group's radius, so that the national group
   sits in the middle and every prefecture keeps its direction from it.
2. A block's anchor is the mean of its prefectures' anchors.
3. Groups are boxes: their nodes in a small grid (breadth-first from the most connected,
   so that related nodes are neighbours),
   cells as wide as the group's longest name so that labels do not run into each other.
   Overlapping boxes are pushed apart along the axis where they overlap least (a few hundred
   vectorised relaxation steps; the national box stays put) and pulled back a little towards
   their anchors.

Everything is computed from sorted names and fixed constants: the same graph gives the same
picture on every machine, whatever ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import math
import tomllib
from collections import deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import numpy as np

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import INSTITUTION, REGION

NATIONAL = "全国"
CENTRE = (137.4, 36.4)  # lon, lat: the middle of Honshu, the national group's place
PX_PER_DEGREE = 190.0
ROW_HEIGHT = 74.0  # a node (radius up to 26) and its label below
CHAR_PX = 7.4  # canvas units per display column of a 14 px label (a kanji is two columns)
MAX_CELL = 270.0
GROUP_MARGIN = 40.0
PADDING = 22.0


@dataclass(frozen=True)
class Group:
    """A group of nodes drawn together: its name, centre and size (canvas units)."""

    name: str
    x: float
    y: float
    w: float
    h: float
    level: str  # 都道府県, 地方 or 全国

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "x": round(self.x, 1), "y": round(self.y, 1),
                "w": round(self.w, 1), "h": round(self.h, 1), "level": self.level}


def _offices_path() -> Path:
    from shienmap import graph

    return Path(graph.__file__).resolve().parent / "data" / "prefecture_offices.toml"


@cache
def prefecture_offices() -> dict[str, tuple[float, float]]:
    """Prefecture name -> (lat, lon) where the map draws it (its office, inset applied)."""
    with _offices_path().open("rb") as f:
        data = tomllib.load(f)
    out = {}
    for o in data["office"]:
        dlat, dlon = o.get("inset", [0.0, 0.0])
        out[o["name"]] = (float(o["lat"]) + dlat, float(o["lon"]) + dlon)
    return out


def group_of(g: nx.MultiDiGraph, n: str, onto: Ontology) -> tuple[str, str]:
    """(group name, level) of a node: its prefecture, its block, or the national group."""
    d = g.nodes[n]
    if d.get("label") == REGION:  # a case's region in a route view
        pref = onto.prefecture_of(d.get("name"))
        return (pref, "都道府県") if pref else (NATIONAL, "全国")
    if d.get("label") != INSTITUTION or not d.get("region"):
        return NATIONAL, "全国"
    region = d["region"].split(":", 1)[-1]
    pref = onto.prefecture_of(region)
    if pref:
        return pref, "都道府県"
    r = onto.regions.get(region)
    if r is not None and r.level == "地方":
        return r.name, "地方"
    return NATIONAL, "全国"


def _grid(names: list[str]) -> tuple[int, float, float, float]:
    """(columns, cell width, box width, box height) of a group's grid."""
    from shienmap.present.table import display_width

    n = len(names)
    cell = min(MAX_CELL, max(display_width(x) for x in names) * CHAR_PX) + 30.0
    cols = max(1, math.ceil(math.sqrt(n) / 1.4))
    rows = math.ceil(n / cols)
    return cols, cell, cols * cell + 2 * PADDING, rows * ROW_HEIGHT + 2 * PADDING


def _project(lat: float, lon: float) -> tuple[float, float]:
    x = (lon - CENTRE[0]) * PX_PER_DEGREE * math.cos(math.radians(36.0))
    y = -(lat - CENTRE[1]) * PX_PER_DEGREE
    return x, y


def _pushed(lat: float, lon: float, hole: float) -> tuple[float, float]:
    """A position projected and pushed outward from the centre past the national box."""
    x, y = _project(lat, lon)
    d = math.hypot(x, y) or 1.0
    push = hole + GROUP_MARGIN * 2
    return x + x / d * push, y + y / d * push


def _anchors(levels: dict[str, str], hole: float, onto: Ontology
             ) -> dict[str, tuple[float, float]]:
    """Where each group would like to be: its prefecture, the mean of a block's prefectures,
    the centre for the national group."""
    offices = prefecture_offices()
    anchors: dict[str, tuple[float, float]] = {}
    for name, level in levels.items():
        if level == "都道府県" and name in offices:
            anchors[name] = _pushed(*offices[name], hole)
        elif level == "地方":
            pts = [_pushed(*offices[p], hole) for p in sorted(offices)
                   if onto.regions.get(p) and onto.regions[p].parent == name]
            x, y = (float(v) for v in np.mean(pts, axis=0)) if pts else (0.0, hole * 1.5)
            anchors[name] = (x, y)
        else:
            anchors[name] = (0.0, 0.0)
    return anchors


def _separate(names: list[str], anchors: dict[str, tuple[float, float]],
              sizes: dict[str, tuple[float, float]], steps: int = 1200
              ) -> dict[str, tuple[float, float]]:
    """Push overlapping boxes apart; the national box is pinned at the centre. In the first
    half boxes are also pulled back towards their anchors; the second half only separates."""
    pos = np.array([anchors[n] for n in names], dtype=float)
    home = pos.copy()
    half = np.array([sizes[n] for n in names], dtype=float) / 2 + GROUP_MARGIN / 2
    pinned = np.array([n == NATIONAL for n in names])
    movable = (~pinned)[:, None]
    eye = np.eye(len(names), dtype=bool)
    idx = np.arange(len(names))
    order = np.where(idx[:, None] > idx[None, :], 1.0, -1.0)[..., None]
    for i in range(steps):
        diff = pos[:, None, :] - pos[None, :, :]
        need = half[:, None, :] + half[None, :, :]
        overlap = need - np.abs(diff)
        hit = (overlap > 0).all(-1) & ~eye
        if not hit.any():
            break
        # move along the axis of least overlap, away from the other box (ties by index)
        axis = np.argmin(overlap, axis=-1)
        sign = np.where(diff > 0, 1.0, np.where(diff < 0, -1.0, order))
        push = np.zeros_like(diff)
        for a in (0, 1):
            push[..., a] = np.where(hit & (axis == a), sign[..., a] * overlap[..., a] / 2, 0.0)
        step = push.sum(axis=1)
        pull = 0.01 if i < steps // 2 else 0.0
        pos += np.where(movable, step * 0.9 + (home - pos) * pull, 0.0)
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, pos, strict=True)}


def _grid_order(sub: nx.MultiDiGraph, members: list[str]) -> list[str]:
    """A group's nodes in grid order: breadth-first over the relations inside the group, from
    the most connected node, so that related nodes sit next to each other (an edge does not
    run across a third node)."""
    inside = set(members)
    degree = {n: sub.degree(n) for n in members}

    def rank(n: str) -> tuple[int, str]:
        return (-degree[n], n)

    order: list[str] = []
    seen: set[str] = set()
    for seed in sorted(members, key=rank):
        if seed in seen:
            continue
        queue = deque([seed])
        seen.add(seed)
        while queue:
            n = queue.popleft()
            order.append(n)
            near = {x for x in (*sub.successors(n), *sub.predecessors(n)) if x in inside}
            for x in sorted(near - seen, key=rank):
                seen.add(x)
                queue.append(x)
    return order


def geographic_layout(sub: nx.MultiDiGraph, onto: Ontology | None = None
                      ) -> tuple[dict[str, tuple[float, float]], list[Group], dict[str, str]]:
    """(node -> (x, y), the groups drawn, node -> group name) for the map of ``sub``."""
    onto = onto or default_ontology()
    member: dict[str, str] = {}
    levels: dict[str, str] = {}
    for n in sorted(sub):
        name, level = group_of(sub, n, onto)
        member[n] = name
        levels[name] = level
    names = sorted(levels)
    nodes = {name: _grid_order(sub, [n for n, gname in member.items() if gname == name])
             for name in names}
    grids = {name: _grid([sub.nodes[n].get("name", n) for n in nodes[name]]) for name in names}
    sizes = {name: (grid[2], grid[3]) for name, grid in grids.items()}
    hole = max(sizes.get(NATIONAL, (0.0, 0.0))) / 2
    centres = _separate(names, _anchors(levels, hole, onto), sizes)
    pos: dict[str, tuple[float, float]] = {}
    for name in names:
        cols, cell, w, h = grids[name]
        cx, cy = centres[name]
        left, top = cx - w / 2 + PADDING + cell / 2, cy - h / 2 + PADDING + ROW_HEIGHT * 0.4
        for i, n in enumerate(nodes[name]):
            row, col = divmod(i, cols)
            pos[n] = (round(left + col * cell, 1), round(top + row * ROW_HEIGHT, 1))
    groups = [Group(name, centres[name][0], centres[name][1], sizes[name][0], sizes[name][1],
                    levels[name]) for name in names]
    return pos, groups, member


def route_layout(sub: nx.MultiDiGraph, paths: list[list[str]], *, path_title: str,
                 around_title: str) -> tuple[dict[str, tuple[float, float]], list[Group]]:
    """Positions for a route view: the answers' paths read left to right, one row per answer
    (a node shared by several paths stays where the first one put it), and the rest of the
    neighbourhood in a grid below them."""
    col_w, row_h = 300.0, 150.0
    pos: dict[str, tuple[float, float]] = {}
    rows = 0
    for path in paths:
        placed_new = False
        for i, n in enumerate(path):
            if n in sub and n not in pos:
                pos[n] = (i * col_w, rows * row_h)
                placed_new = True
        rows += 1 if placed_new else 0
    width = max((x for x, _ in pos.values()), default=0.0) + col_w
    top = (max(rows, 1) + 0.5) * row_h
    rest = sorted((n for n in sub if n not in pos),
                  key=lambda n: (sub.nodes[n].get("label", ""), sub.nodes[n].get("name", n)))
    cell = 240.0
    cols = max(4, int(width // cell))
    for i, n in enumerate(rest):
        r, c = divmod(i, cols)
        pos[n] = (c * cell, top + r * ROW_HEIGHT * 1.1)
    groups = [Group(path_title, width / 2 - col_w / 2, (rows - 1) * row_h / 2,
                    width, max(rows, 1) * row_h, "経路")]
    if rest:
        h = (math.ceil(len(rest) / cols)) * ROW_HEIGHT * 1.1 + 2 * PADDING
        w = cols * cell + 2 * PADDING
        groups.append(Group(around_title, w / 2 - cell / 2 - PADDING, top + h / 2 - PADDING * 2,
                            w, h, "周辺"))
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}, groups


__all__ = ["NATIONAL", "Group", "geographic_layout", "group_of", "prefecture_offices",
           "route_layout"]
