"""The national overview of a large graph: one node per prefecture (and per 地方 for block-wide
bodies), the leading national bodies by name, relations counted between them.

A graph above :mod:`.limits` cannot be drawn institution by institution in a browser in time;
its whole-country map is this overview instead. Each relation of the drawn types between two
institutions or kinds is counted once: inside its prefecture (shown on the prefecture's node)
or on the line between the two ends' nodes, per relation type. The national group keeps its
``NATIONAL_NAMED`` leading members by hub score (cached scores when given, else degree); the
others are counted together as one node. Positions come from :func:`.layout.geographic_layout`
(each node alone in its group's box), so north is up and national bodies sit in the middle.
Each prefecture's node can link to that prefecture's own map (``links``).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import INSTITUTION, KIND
from shienmap.i18n import Messages, messages
from shienmap.queries.hubs import DEFAULT_RELATIONS

from .layout import NATIONAL, geographic_layout, group_of
from .palette import RELATION_STYLES, category_colour

NATIONAL_NAMED = 20  # national bodies drawn by name; the rest of the national group is one node
OTHER = "集計:全国その他"
GROUP_PREFIX = "集計:"
GROUP_COLOUR = "#b8c4cc"
LINE_COLOUR = "rgba(43,76,126,0.6)"  # the legend's line; a line's alpha grows with its count


@dataclass
class Overview:
    """What the overview draws: nodes (group names or national node ids) and counts."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    inside: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    between: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))
    institutions: int = 0
    relations: int = 0
    graph_nodes: int = 0
    documents: list[dict[str, Any]] = field(default_factory=list)

    def shown(self) -> dict[str, int]:
        """How many prefectures, 地方 blocks and named national bodies it draws."""
        levels = Counter(d["level"] for k, d in self.nodes.items() if k != OTHER)
        return {"prefectures": levels["都道府県"], "blocks": levels["地方"],
                "national": levels["全国"]}


def overview(g: nx.MultiDiGraph, *, relations: tuple[str, ...] = DEFAULT_RELATIONS,
             scores: dict[str, float] | None = None, named: int = NATIONAL_NAMED,
             onto: Ontology | None = None) -> Overview:
    """Count ``g``'s relations by prefecture (see the module docstring). O(nodes + edges)."""
    onto = onto or default_ontology()
    group: dict[str, tuple[str, str]] = {}
    for n, d in g.nodes(data=True):
        if d.get("label") in (INSTITUTION, KIND):
            group[n] = group_of(g, n, onto)
    degree: Counter[str] = Counter()
    typed = []
    for u, v, k in g.edges(keys=True):
        if k in relations and u in group and v in group:
            typed.append((u, v, k))
            degree[u] += 1
            degree[v] += 1
    ov = Overview(documents=list(g.graph.get("documents", [])), graph_nodes=g.number_of_nodes())
    national = [n for n in group if group[n][0] == NATIONAL and degree[n]]
    rank = scores if scores is not None else degree
    kept = set(sorted(national, key=lambda n: (-rank.get(n, 0), n))[:named])

    def key(n: str) -> str:
        name, _ = group[n]
        if name != NATIONAL:
            return GROUP_PREFIX + name
        return n if n in kept else OTHER

    members: Counter[str] = Counter()
    for n in group:
        if degree[n] or group[n][0] != NATIONAL:
            members[key(n)] += g.nodes[n]["label"] == INSTITUTION
    for n, (name, level) in sorted(group.items()):
        k = key(n)
        if k in ov.nodes or (name == NATIONAL and not degree[n]):
            continue
        if k.startswith(GROUP_PREFIX):
            ov.nodes[k] = {"name": name, "level": level, "label": "集計"}
        elif k == OTHER:
            ov.nodes[k] = {"name": "", "level": "全国", "label": "集計"}
        else:
            d = g.nodes[n]
            ov.nodes[k] = {"name": d["name"], "level": "全国", "label": d["label"],
                           "type": d.get("type") or d["name"],
                           "category": onto.category_of(d), "score": rank.get(n, 0)}
    for k, node in ov.nodes.items():
        node["institutions"] = members[k]
    ov.institutions = sum(1 for n in group if g.nodes[n]["label"] == INSTITUTION)
    for u, v, k in typed:
        a, b = key(u), key(v)
        ov.relations += 1
        if a == b:
            ov.inside[a][k] += 1
        else:
            ov.between[(a, b) if a < b else (b, a)][k] += 1
    return ov


def _layout(ov: Overview) -> tuple[dict[str, tuple[float, float]], list[Any]]:
    """Each overview node alone in its group's box, by the geographic layout."""
    lay = nx.MultiDiGraph()
    for k, d in sorted(ov.nodes.items()):
        if k.startswith(GROUP_PREFIX):
            lay.add_node(k, label=INSTITUTION, name=d["name"], region=f"地域:{d['name']}")
        else:
            lay.add_node(k, label=KIND, name=d["name"] or "その他")
    for a, b in sorted(ov.between):
        lay.add_edge(a, b)
    pos, groups, _ = geographic_layout(lay)
    return pos, groups


def _counts(c: Counter[str], m: Messages) -> str:
    order = list(RELATION_STYLES)
    return "・".join(f"{m.term(r)} {c[r]:,}" for r in sorted(c, key=lambda r: (
        order.index(r) if r in order else 99, r)))


def overview_page(ov: Overview, *, lang: str | None = None, built: str | None = None,
                  title: str | None = None, links: dict[str, str] | None = None,
                  no_map: dict[str, str] | None = None, onto: Ontology | None = None) -> str:
    """HTML of the overview, self-contained and offline. ``links``: prefecture name -> the
    relative address of its map; ``no_map``: prefecture name -> why it has none."""
    from pyvis.network import Network

    from .network_map import PAGE_MESSAGES, _add_edge, _add_node, _offline, _plain

    m = messages(lang)
    links, no_map = links or {}, no_map or {}
    title = title or m("map.overview_title")
    pos, groups = _layout(ov)
    most = max((d["institutions"] for d in ov.nodes.values()), default=1) or 1
    top = max((d.get("score", 0) for d in ov.nodes.values()), default=1) or 1
    net = Network(height="100vh", width="100%", directed=False, cdn_resources="in_line",
                  bgcolor="#ffffff")
    nodes: dict[str, Any] = {}
    for k in sorted(ov.nodes):
        d = ov.nodes[k]
        name = d["name"] or m("map.overview_other")
        is_group = d["label"] == "集計"
        inside = ov.inside.get(k, Counter())
        lines = [name, f"{m('map.overview_institutions')}: {d['institutions']:,}"]
        if inside:
            lines.append(f"{m('map.overview_inside')}: {sum(inside.values()):,}"
                         f"（{_counts(inside, m)}）")
        link = links.get(d["name"]) if is_group else None
        if link:
            lines.append(m("map.overview_open", name=name))
        colour = GROUP_COLOUR if is_group else category_colour(d.get("category", "その他"))
        if is_group:
            size = 10 + 30 * math.sqrt(d["institutions"] / most)
        else:
            size = 8 + 18 * math.sqrt(d.get("score", 0) / top)
        x, y = pos[k]
        # a prefecture's name is on its box (map.js); its node shows how many institutions
        label = f"{d['institutions']:,}" if is_group else name
        _add_node(net, k, label=label, title=_plain("\n".join(lines)), shape="dot" if is_group
                  else ("diamond" if d["label"] == KIND else "dot"),
                  color={"background": colour, "border": "#333333"}, size=round(size, 1),
                  x=x, y=y, physics=False, borderWidth=1.5,
                  font={"size": 14 if is_group else 20, "color": "#222222",
                        "face": "Noto Sans CJK JP, sans-serif"})
        group = d["name"] if is_group else NATIONAL
        facts = [f"{m('map.overview_institutions')}: {d['institutions']:,}"]
        if inside:
            facts.append(f"{m('map.overview_inside')}: {sum(inside.values()):,}"
                         f"（{_counts(inside, m)}）")
        if is_group and d["level"] == "都道府県" and not link:
            facts.append(m("map.overview_no_map", reason=no_map[d["name"]])
                         if d["name"] in no_map else
                         m("map.overview_command", name=d["name"]))
        nodes[k] = {"name": name, "label": d["label"], "type": d.get("type"), "region": None,
                    "category": d.get("category", "その他"), "group": group,
                    "prefecture": group if group != NATIONAL else "", "kinds": [],
                    "keys": [name], "evidence": [], "facts": facts, "link": link,
                    "link_text": m("map.overview_open", name=name) if link else None}
    edges: dict[str, Any] = {}
    heaviest = math.log2(1 + max((sum(c.values()) for c in ov.between.values()), default=1))
    for i, (a, b) in enumerate(sorted(ov.between)):
        c = ov.between[(a, b)]
        total = sum(c.values())
        strength = math.log2(1 + total) / heaviest  # 0..1: faint hairlines for a few relations
        eid = f"e{i}"
        text = (f"{nodes[a]['name']} — {nodes[b]['name']}\n"
                f"{m('map.overview_between')}: {total:,}\n{_counts(c, m)}")
        _add_edge(net, a, b, id=eid, title=_plain(text),
                  color=f"rgba(43,76,126,{0.06 + 0.6 * strength ** 2:.2f})",
                  width=round(0.5 + 9 * strength ** 2, 2))
        edges[eid] = {"from": a, "to": b, "relation": _counts(c, m), "relations": dict(c),
                      "undirected": True, "count": total, "period": None, "route": [],
                      "evidence": []}
    net.set_options(json.dumps({
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": False},
        "edges": {"smooth": False, "selectionWidth": 2},
        "nodes": {"font": {"strokeWidth": 3, "strokeColor": "#ffffff"}},
    }))
    present = sorted({r for c in (*ov.between.values(), *ov.inside.values()) for r in c},
                     key=lambda r: list(RELATION_STYLES).index(r) if r in RELATION_STYLES
                     else 99)
    shown = ov.shown()
    data: dict[str, Any] = {
        "lang": m.lang, "title": title,
        "built": m("map.built", date=built) if built else m("map.built_unknown"),
        "documents": [],
        "counts": m("map.overview_counts", institutions=f"{ov.institutions:,}",
                    relations=f"{ov.relations:,}", **shown),
        "groups": [gr.as_dict() for gr in groups], "nodes": nodes, "edges": edges,
        "relations": [{"name": r, "label": m.term(r)} for r in present],
        "kinds": [], "prefectures": [], "variants": {}, "focus": [], "overview": True,
        "messages": {k: m(f"map.{k}") for k in PAGE_MESSAGES},
        "categories": {k: m.term(n["category"]) for k, n in nodes.items()},
    }
    data["messages"]["documents_count"] = m("map.documents", count=len(ov.documents))
    data["messages"]["more"] = m("map.more", n="{n}")
    data["messages"]["how_to_read"] = m("map.overview_hint")
    return _offline(net.generate_html(), title, _legend(ov, m), data, m,
                    hint=m("map.overview_hint"))


def _legend(ov: Overview, m: Messages) -> str:
    """Colours of the national bodies drawn, the prefecture circle and the counted line."""
    import html

    t = html.escape
    cats = sorted({d["category"] for d in ov.nodes.values() if d.get("category")})
    rows = [f"<div><b>{t(m('map.categories'))}</b></div>",
            f'<div><span class="swatch" style="background:{GROUP_COLOUR}"></span> '
            f"{t(m('map.prefecture'))}</div>"]
    rows += [f'<div><span class="swatch" style="background:{category_colour(c)}"></span> '
             f"{t(m.term(c))}</div>" for c in cats]
    rows.append(f'<div><svg class="line" width="34" height="8" aria-hidden="true"><line x1="0" '
                f'y1="4" x2="34" y2="4" stroke="{LINE_COLOUR}" stroke-width="4"/></svg> '
                f"{t(m('map.overview_between'))}</div>")
    return (f'<details id="shienmap-legend" open><summary><b>{t(m("map.legend"))}</b></summary>'
            + "".join(rows) + "</details>")


__all__ = ["NATIONAL_NAMED", "OTHER", "Overview", "overview", "overview_page"]
