"""Self-contained HTML network maps (pyvis / vis-network), readable offline.

Nodes are coloured by institution category and sized by hub score; edges are styled by
relationship type (arrows on 紹介 and 出向); tooltips give an institution's kind and region
and, for an edge, the evidence quotes and documents. Positions are computed here (a seeded
spring layout), so the map opens already laid out and the same graph always looks the same.

pyvis is used with ``cdn_resources="in_line"`` (vis-network inlined). What pyvis 0.3.2 still
gets wrong for an offline, shareable file is mended after rendering: its template links
Bootstrap from a CDN (removed: the page does not use it) and prints an empty heading twice
(removed). Names and quotes from documents never become HTML: tooltips are plain text, which
vis-network shows with ``innerText``, labels are drawn on the canvas, the legend is escaped,
and the data is embedded by Jinja's ``tojson``. pyvis switches to an ``innerHTML`` popup when a
node title contains "href"; such titles get a zero-width joiner inside the word.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import DIRECTED_RELATIONS, INSTITUTION, KIND
from shienmap.queries.hubs import DEFAULT_RELATIONS, edge_in_region, hub_scores
from shienmap.queries.routing import RouteResult

CATEGORY_COLOURS = {
    "金融機関": "#1f77b4", "公的支援機関": "#2ca02c", "商工団体": "#ff7f0e",
    "士業・専門家": "#9467bd", "行政機関": "#d62728", "その他": "#7f7f7f",
}
RELATION_STYLES: dict[str, dict[str, Any]] = {
    "紹介": {"color": "#1565c0", "dashes": False, "width": 2.5},
    "出向": {"color": "#ef6c00", "dashes": [10, 5], "width": 2.5},
    "協定": {"color": "#2e7d32", "dashes": False, "width": 3.5},
    "同行訪問": {"color": "#6a1b9a", "dashes": [3, 5], "width": 2.5},
    "連携": {"color": "#b0b0b0", "dashes": False, "width": 1},
}
# kind steps of a routing path (an institution and its kind, a kind and a broader kind)
STEP_STYLES: dict[str, dict[str, Any]] = {
    "種別": {"color": "#757575", "dashes": [2, 3], "width": 1.5},
    "上位種別": {"color": "#757575", "dashes": [2, 3], "width": 1.5},
}
HIGHLIGHT = "#e53935"
_ZWJ = "\u200d"


class MapError(ValueError):
    """Nothing to draw, or a bad argument."""


def _category(g: nx.MultiDiGraph, n: str) -> str:
    return default_ontology().category_of(g.nodes[n])


def map_subgraph(g: nx.MultiDiGraph, *, region: str | None = None,
                 relations: tuple[str, ...] = DEFAULT_RELATIONS,
                 route: RouteResult | None = None,
                 onto: Ontology | None = None) -> nx.MultiDiGraph:
    """The institutions, kinds and relations to draw (a new graph; ``g`` is not changed).

    With ``route``: the answers' paths and their immediate neighbourhoods.
    """
    onto = onto or default_ontology()
    unknown = [r for r in relations if r not in RELATION_STYLES]
    if unknown:
        raise MapError(f"unknown relation type(s) {unknown}; use {'、'.join(RELATION_STYLES)}")
    region_name = None
    if region is not None:
        r = onto.region(region)
        if r is None:
            raise MapError(f"unknown region {region!r}")
        region_name = r.name
    sub = nx.MultiDiGraph()
    for u, v, k, d in g.edges(keys=True, data=True):
        if k not in relations:
            continue
        if g.nodes[u]["label"] not in (INSTITUTION, KIND) or g.nodes[v]["label"] not in (
                INSTITUTION, KIND):
            continue
        if region_name and route is None and not edge_in_region(g, u, v, d, region_name, onto,
                                                                 strict=False):
            continue
        for n in (u, v):
            sub.add_node(n, **g.nodes[n])
        sub.add_edge(u, v, key=k, **d)
    if route is not None:
        sub = _route_view(g, sub, route)
    return sub


def _route_view(g: nx.MultiDiGraph, sub: nx.MultiDiGraph, route: RouteResult) -> nx.MultiDiGraph:
    on_path: set[str] = set()
    path_edges: set[tuple[str, str]] = set()
    for a in route.answers:
        on_path |= set(a.path)
        path_edges |= set(zip(a.path, a.path[1:], strict=False))
    keep = {n for n in on_path if n in g and g.nodes[n]["label"] in (INSTITUTION, KIND)}
    for n in list(keep):
        if n in sub:
            keep |= set(sub.successors(n)) | set(sub.predecessors(n))
    view = nx.MultiDiGraph()  # in sub's order: a subgraph view of a set follows the hash seed
    view.add_nodes_from((n, sub.nodes[n]) for n in sub if n in keep)
    view.add_edges_from(e for e in sub.edges(keys=True, data=True) if e[0] in keep and e[1] in keep)
    for n in sorted(keep - set(view)):
        view.add_node(n, **g.nodes[n])
    for u, v in sorted(path_edges):  # kind steps of a path (種別, 上位種別) are drawn too
        if u in view and v in view and not view.has_edge(u, v):
            for k, d in g.get_edge_data(u, v, default={}).items():
                view.add_edge(u, v, key=k, **d)
    view.graph["route_nodes"] = sorted(n for n in on_path if n in view)
    view.graph["route_edges"] = sorted(path_edges)
    view.graph["answers"] = [a.id for a in route.answers]
    return view


def _plain(text: str) -> str:
    return text.replace("href", "hr" + _ZWJ + "ef")


def _node_title(g: nx.MultiDiGraph, n: str) -> str:
    d = g.nodes[n]
    lines = [d["name"], f"区分: {_category(g, n)}"]
    if d["label"] == INSTITUTION:
        region = (d.get("region") or "地域:不明").split(":", 1)[1]
        lines[1:1] = [f"種別: {d['type']}", f"地域: {region}"]
    else:
        lines.insert(1, "機関種別 (一般)")
    ev = d.get("evidence", [])
    if ev:
        lines.append(f"根拠 ({len(ev)}件): [{ev[0]['doc']}] {ev[0]['quote'][:80]}")
    return _plain("\n".join(lines))


def _edge_title(g: nx.MultiDiGraph, u: str, v: str, k: str, d: dict[str, Any]) -> str:
    arrow = "→" if k in DIRECTED_RELATIONS else "—"
    lines = [f"{g.nodes[u]['name']} {arrow} {g.nodes[v]['name']} ({k})"]
    if d.get("count") is not None:
        lines.append(f"件数: {d['count']} ({d.get('period') or '期間不明'})")
    for ev in d.get("evidence", [])[:3]:
        lines.append(f"[{ev['doc']}] {ev['quote'][:120]}")
    if len(d.get("evidence", [])) > 3:
        lines.append(f"… ほか {len(d['evidence']) - 3} 件")
    return _plain("\n".join(lines))


def _positions(sub: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Seeded spring layout per connected component, components packed in rows (largest
    first), so small groups sit beside the main network instead of ringing it."""
    und = nx.Graph(sub.to_undirected())
    comps = sorted(nx.connected_components(und), key=lambda c: (-len(c), min(c)))
    row_width = 260 * math.sqrt(max(len(comps[0]), 1)) * 2.6 if comps else 0
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for comp in comps:
        nodes = sorted(comp)
        radius = 150 * math.sqrt(len(nodes)) if len(nodes) > 1 else 20
        if len(nodes) == 1:
            local = {nodes[0]: (0.0, 0.0)}
        else:
            part = nx.Graph()  # nodes in sorted order: a subgraph view iterates a set, so
            part.add_nodes_from(nodes)  # its order (and the layout) followed the hash seed
            part.add_edges_from(und.subgraph(nodes).edges())
            layout = nx.spring_layout(part, seed=7,
                                      k=1.8 / math.sqrt(len(nodes)), iterations=300)
            local = {n: (float(a), float(b)) for n, (a, b) in layout.items()}
        box = 2 * radius + 160
        if x > 0 and x + box > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for n, (a, b) in local.items():
            pos[n] = (x + box / 2 + a * radius, y + box / 2 + b * radius)
        x += box
        row_height = max(row_height, box)
    return pos


def render_map(sub: nx.MultiDiGraph, *, title: str = "shienmap") -> str:
    """HTML of the map of ``sub`` (from :func:`map_subgraph`), self-contained and offline."""
    from pyvis.network import Network

    if sub.number_of_nodes() == 0:
        raise MapError("nothing to draw: no relations of those types in that region")
    simple = nx.DiGraph()
    for u, v, _ in sub.edges(keys=True):
        simple.add_edge(u, v, weight=simple.edges[u, v]["weight"] + 1
                        if simple.has_edge(u, v) else 1)
        simple.add_edge(v, u, weight=simple.edges[v, u]["weight"] + 1
                        if simple.has_edge(v, u) else 1)
    simple.add_nodes_from(sub)
    score, _, _ = hub_scores(simple) if simple.number_of_edges() else ({}, {}, {})
    pos = _positions(sub)
    route_nodes = set(sub.graph.get("route_nodes", []))
    answers = set(sub.graph.get("answers", []))
    route_edges = {tuple(e) for e in sub.graph.get("route_edges", [])}

    net = Network(height="96vh", width="calc(100% - 250px)", directed=True, cdn_resources="in_line",
                  bgcolor="#ffffff", font_color="#222222")
    for n in sorted(sub):
        d = sub.nodes[n]
        colour = CATEGORY_COLOURS.get(_category(sub, n), CATEGORY_COLOURS["その他"])
        node_style: dict[str, Any] = {"background": colour, "border": colour}
        width = 1
        if n in route_nodes:
            node_style["border"] = HIGHLIGHT
            width = 5 if n in answers else 3
        x, y = pos[n]
        net.add_node(n, label=d["name"], title=_node_title(sub, n), color=node_style,
                     size=10 + 30 * math.sqrt(score.get(n, 0.0)), x=x, y=y, physics=False,
                     borderWidth=width, shape="dot" if d["label"] == INSTITUTION else "diamond",
                     font={"size": 14, "face": "Noto Sans CJK JP, sans-serif"})
    for u, v, k, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[:3]):
        style = dict(RELATION_STYLES.get(k) or STEP_STYLES.get(k)
                     or {"color": "#cccccc", "dashes": True, "width": 1})
        if (u, v) in route_edges:
            style.update(color=HIGHLIGHT, width=style["width"] + 3)
        net.add_edge(u, v, title=_edge_title(sub, u, v, k, d), color=style["color"],
                     dashes=style["dashes"], width=style["width"],
                     arrows="to" if k in DIRECTED_RELATIONS or k in STEP_STYLES else "",
                     relation=k)
    net.set_options("""{
      "physics": {"enabled": false},
      "interaction": {"hover": true, "tooltipDelay": 150, "navigationButtons": false},
      "edges": {"smooth": {"type": "continuous"}},
      "nodes": {"font": {"strokeWidth": 3, "strokeColor": "#ffffff"},
                "scaling": {"label": {"enabled": true, "min": 12, "max": 26,
                                      "drawThreshold": 3}}}
    }""")
    page = net.generate_html()
    return _offline(page, title, _legend(sub))


_CDN_TAG = re.compile(r"<(link|script)\b[^>]*(?:href|src)=\"https?://[^\"]*\"[^>]*>(?:\s*</script>)?",
                      re.S)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.S)


def _offline(page: str, title: str, legend: str) -> str:
    """Remove what pyvis links from CDNs and its empty headings; add title, legend and a
    readiness flag (``window.shienmapDrawn``) set after the first drawing."""
    page = _CDN_TAG.sub("", page)
    page = _EMPTY_HEADING.sub("", page)
    page = page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
    ready = ("<script>if (window.network) { network.once('afterDrawing', function () {"
             " window.shienmapDrawn = true; }); network.redraw(); }</script>")
    return page.replace("</body>", f"{legend}\n{ready}\n</body>", 1)


def _legend(sub: nx.MultiDiGraph) -> str:
    cats = sorted({_category(sub, n) for n in sub})
    order = [*RELATION_STYLES, *STEP_STYLES]
    rels = sorted({k for _, _, k in sub.edges(keys=True) if k in order}, key=order.index)
    rows = [f'<div><span style="display:inline-block;width:12px;height:12px;border-radius:6px;'
            f'background:{CATEGORY_COLOURS.get(c, "#7f7f7f")}"></span> {html.escape(c)}</div>'
            for c in cats]
    for r in rels:
        s = RELATION_STYLES.get(r) or STEP_STYLES[r]
        line = "dashed" if s["dashes"] else "solid"
        arrow = " →" if r in DIRECTED_RELATIONS or r in STEP_STYLES else ""
        rows.append(f'<div><span style="display:inline-block;width:28px;border-top:3px {line} '
                    f'{s["color"]};vertical-align:middle"></span> {html.escape(r)}{arrow}</div>')
    rows.append("<div>● 機関　◆ 機関種別　大きさ: ハブスコア</div>")
    if sub.graph.get("route_nodes"):
        rows.append(f'<div style="color:{HIGHLIGHT}">赤: 経路と回答</div>')
    return ('<div id="shienmap-legend" style="position:fixed;top:10px;right:10px;width:215px;'
            'background:#fff;border:1px solid #ccc;padding:8px 12px;line-height:1.6;'
            'font:13px \'Noto Sans CJK JP\',sans-serif;z-index:10">'
            '<b>凡例</b>' + "".join(rows) + "</div>")


def write_map(page: str, path: Path | str) -> Path:
    """Write the page as UTF-8 (pyvis's own ``show`` fails outside notebooks)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(page, encoding="utf-8")
    return p
