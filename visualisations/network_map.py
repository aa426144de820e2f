"""Self-contained HTML network maps (pyvis / vis-network), readable offline.

What a map shows (see README "How to read a map"):

* a title block: what graph, built when, from which documents (title, publisher, year), how
  many institutions, kinds and relations;
* prefectures' institutions grouped roughly where the prefecture lies, national bodies and
  institution kinds in the middle (:mod:`.layout`); node colour is the institution category
  (:mod:`.palette`, readable in grey), size the hub score; edges styled by relation type, their
  width growing with the count the documents give (持込件数);
* a search box (name or alias, :mod:`.search`), filters by relation type, institution kind and
  prefecture, and a panel that lists *all* the evidence of a clicked node and of its
  relations, each with its document's title and year, while its neighbourhood is brought out;
* in a route view, the holder, each ranked answer and the path to it drawn and numbered, the
  reason beside each answer, everything else faded.

pyvis draws the network (``cdn_resources="in_line"``: vis-network is inlined); what it lacks
is a little JavaScript and CSS of ours (``assets/map.js``, ``assets/map.css``) fed by one JSON
block. What pyvis 0.3.2 gets wrong for an offline file is mended after rendering: its template
links Bootstrap from a CDN (removed: unused) and prints an empty heading twice (removed).

Names and quotes from documents never become HTML: tooltips are plain text (vis-network shows
them with ``innerText``), labels are drawn on the canvas, our panel builds its content with
``textContent``, and data is embedded as JSON with ``<``, ``>`` and ``&`` escaped. pyvis switches
to an ``innerHTML`` popup when a node title contains "href"; such titles get a zero-width
joiner inside the word.
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from shienmap.documents import Documents
from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    BROADER,
    DIRECTED_RELATIONS,
    HANDLES,
    INSTITUTION,
    IS_KIND,
    KIND,
    REFERRAL,
    REGION,
    TOPIC,
)
from shienmap.i18n import Messages, messages
from shienmap.present.routes import answer_reason, plain_route
from shienmap.queries.hubs import DEFAULT_RELATIONS, edge_in_region, hub_scores
from shienmap.queries.routing import RouteResult

from .compact import compact_in_place
from .layout import NATIONAL, geographic_layout, group_of, route_layout
from .limits import COMPACT_FROM, DEFAULT_LIMITS, EXACT_SIZES_UP_TO, Limits
from .palette import (
    CATEGORY_COLOURS,
    FADED_EDGE,
    FADED_NODE,
    HIGHLIGHT,
    NODE_BORDER,
    RELATION_STYLES,
    STEP_STYLES,
    category_colour,
    edge_style,
)
from .partners import keep_top_partners
from .search import JS_VARIANTS, search_keys

ROUTE_STEP = "経路"  # a drawn path step that is no edge of the graph (region -> first contact)
_ZWJ = "\u200d"
_ASSETS = Path(__file__).resolve().parent / "assets"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
TOP_LABELS = 10  # the leading hubs get labels large enough to read at the opening zoom
LONG_DOCUMENT_LIST = 50  # from here the title block lists only the documents the map quotes


class MapError(ValueError):
    """Nothing to draw, or a bad argument."""


class MapTooLarge(MapError):
    """More nodes or edges than a browser draws in time (:mod:`.limits`); the message says so
    in the reader's language, with a hint."""


PAGE_MESSAGES = (  # the catalogue entries (map.*) the page's script shows
    "search", "search_none", "filters", "relations", "kind", "prefecture", "all", "reset",
    "evidence", "relations_of", "no_evidence", "answers", "holder", "panel_hint",
    "documents_heading", "national", "how_to_read", "region", "type", "category", "count")


def _category(g: nx.MultiDiGraph, n: str) -> str:
    return default_ontology().category_of(g.nodes[n])


# ---------------------------------------------------------------- what to draw


def map_subgraph(g: nx.MultiDiGraph, *, region: str | None = None,
                 relations: tuple[str, ...] = DEFAULT_RELATIONS,
                 route: RouteResult | None = None, partners: int | None = None,
                 edges: list[tuple[str, str, str, dict[str, Any]]] | None = None,
                 onto: Ontology | None = None) -> nx.MultiDiGraph:
    """The institutions, kinds and relations to draw (a new graph; ``g`` is not changed).

    ``region``: relations documented for it or touching an institution located in it; with
    ``partners``, only that many outside partners, the strongest (:mod:`.partners`).
    With ``route``: the answers' paths and their immediate neighbourhoods. The graph's
    document list is carried over (the map names documents by title). ``edges``: the edges
    to look at, when known to hold every edge of the region (:func:`prefecture_edges`).
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
    sub.graph["documents"] = list(g.graph.get("documents", []))
    for u, v, k, d in g.edges(keys=True, data=True) if edges is None else edges:
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
    if region_name and route is None:
        sub.graph["region"] = region_name
        if partners is not None:
            sub = keep_top_partners(sub, region_name, partners, onto)
    if route is not None:
        sub = _route_view(g, sub, route)
    return sub


def map_size(g: nx.MultiDiGraph, relations: tuple[str, ...] = DEFAULT_RELATIONS
             ) -> tuple[int, int]:
    """(nodes, edges) of the whole-country map of ``g`` (:func:`map_subgraph` without a
    region), counted without building it."""
    drawn = (INSTITUTION, KIND)
    nodes: set[str] = set()
    edges = 0
    for u, v, k in g.edges(keys=True):
        if k in relations and g.nodes[u]["label"] in drawn and g.nodes[v]["label"] in drawn:
            nodes.update((u, v))
            edges += 1
    return len(nodes), edges


def prefecture_edges(g: nx.MultiDiGraph, relations: tuple[str, ...] = DEFAULT_RELATIONS,
                     onto: Ontology | None = None
                     ) -> dict[str, list[tuple[str, str, str, dict[str, Any]]]]:
    """Prefecture -> the edges of its map, in ``g``'s order, in one pass over the graph: an
    edge belongs to each prefecture of its documented regions and of its institution ends
    (what ``edge_in_region(..., strict=False)`` asks of a prefecture). For writing every
    prefecture's map without reading all the edges for each."""
    onto = onto or default_ontology()
    out: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        if k not in relations:
            continue
        places = [r.split(":", 1)[1] for r in d.get("regions", [])]
        places += [g.nodes[n]["region"].split(":", 1)[1] for n in (u, v)
                   if g.nodes[n]["label"] == INSTITUTION and g.nodes[n].get("region")]
        for pref in sorted({p for p in map(onto.prefecture_of, places) if p}):
            out.setdefault(pref, []).append((u, v, k, d))
    return out


def _route_view(g: nx.MultiDiGraph, sub: nx.MultiDiGraph, route: RouteResult) -> nx.MultiDiGraph:
    """The answers' paths (every hop drawn) and the neighbourhood of the nodes on them."""
    on_path = {n for a in route.answers for n in a.path if n in g}
    keep = {n for n in on_path if g.nodes[n]["label"] in (INSTITUTION, KIND, REGION, TOPIC)}
    for n in list(keep):
        if n in sub:
            keep |= set(sub.successors(n)) | set(sub.predecessors(n))
    view = nx.MultiDiGraph()  # in sub's order: a subgraph view of a set follows the hash seed
    view.add_nodes_from((n, sub.nodes[n]) for n in sub if n in keep)
    view.add_edges_from(e for e in sub.edges(keys=True, data=True)
                        if e[0] in keep and e[1] in keep)
    view.graph.update(sub.graph)
    for n in sorted(keep - set(view)):
        view.add_node(n, **g.nodes[n])
    steps: dict[tuple[str, str], str] = {}
    for a in route.answers:
        for u, v in zip(a.path, a.path[1:], strict=False):
            if u not in view or v not in view or (u, v) in steps:
                continue
            if view.has_edge(u, v, key=REFERRAL):
                steps[(u, v)] = REFERRAL
            elif g.has_edge(u, v, key=REFERRAL):  # a referral of a type not drawn: draw it
                view.add_edge(u, v, key=REFERRAL, **g.edges[u, v, REFERRAL])
                steps[(u, v)] = REFERRAL
            elif g.has_edge(u, v, key=BROADER):
                steps[(u, v)] = BROADER
            elif g.has_edge(v, u, key=HANDLES):  # a mandate: the topic, the kind that handles it
                steps[(u, v)] = HANDLES
            elif g.has_edge(u, v, key=IS_KIND) or g.has_edge(v, u, key=IS_KIND):
                steps[(u, v)] = IS_KIND
            else:
                steps[(u, v)] = ROUTE_STEP
    case = route.case
    view.graph["route"] = {
        "holder": case.holder,
        "region": case.region, "topics": list(case.topics),
        "answers": [{"rank": i, "id": a.id, "name": a.name, "score": round(a.score, 2),
                     "path": [n for n in a.path if n in view], "evidence": a.evidence,
                     "instance": a.instance, "reason": answer_reason(a)}
                    for i, a in enumerate(route.answers, 1)],
        "steps": [[u, v, k] for (u, v), k in sorted(steps.items())],
    }
    return view


# ---------------------------------------------------------------- text shown


def _plain(text: str) -> str:
    return text.replace("href", "hr" + _ZWJ + "ef")


def _region_name(d: dict[str, Any]) -> str | None:
    r = d.get("region")
    return r.split(":", 1)[1] if r else None


def _node_title(sub: nx.MultiDiGraph, n: str, m: Messages) -> str:
    d = sub.nodes[n]
    lines = [d["name"]]
    if d["label"] == INSTITUTION:
        lines += [f"{m('map.type')}: {d.get('type', '-')}",
                  f"{m('map.region')}: {_region_name(d) or '-'}"]
    elif d["label"] == KIND:
        lines.append(m("map.kind_general"))
    else:
        lines.append(m.term(d["label"]))
    if d["label"] in (INSTITUTION, KIND):
        lines.append(f"{m('map.category')}: {m.term(_category(sub, n))}")
    ev = d.get("evidence", [])
    if ev:
        lines.append(f"{m('map.evidence')}: {len(ev)} — {m('map.panel_hint')}")
    return _plain("\n".join(lines))


def _edge_title(sub: nx.MultiDiGraph, u: str, v: str, k: str, d: dict[str, Any],
                docs: Documents, m: Messages, compact: bool = False) -> str:
    arrow = "→" if k in DIRECTED_RELATIONS or k in STEP_STYLES else "—"
    lines = [f"{sub.nodes[u]['name']} {arrow} {sub.nodes[v]['name']} ({m.term(k)})"]
    if d.get("count") is not None:
        period = d.get("period") or m("map.period_unknown")
        lines.append(f"{m('map.count')}: {d['count']} ({period})")
    evidence = d.get("evidence", [])
    if compact:  # a large map: the quotes are in the panel, not repeated in every tooltip
        if evidence:
            lines.append(f"{m('map.evidence')}: {len(evidence)} — {m('map.panel_hint')}")
        return _plain("\n".join(lines))
    for ev in evidence[:3]:
        lines.append(f"[{docs[ev['doc']].label()} / {ev['doc']}] {ev['quote'][:120]}")
    if len(evidence) > 3:
        lines.append(m("map.more", n=len(evidence) - 3))
    return _plain("\n".join(lines))


def _evidence_items(evidence: list[dict[str, Any]], docs: Documents) -> list[dict[str, str]]:
    return [{"quote": ev.get("quote", ""), "doc": ev["doc"], "title": docs[ev["doc"]].label(),
             "year": docs[ev["doc"]].year or ""} for ev in evidence]


# ---------------------------------------------------------------- the page


def _hub_sizes(sub: nx.MultiDiGraph, scores: dict[str, float] | None = None
               ) -> dict[str, float]:
    """Node -> size measure in [0, 1]: the cached hub scores when given (scaled to the
    largest drawn), else on a large map the degree (scaled likewise), else the hub score of
    the drawn graph (exact betweenness: small maps only)."""
    if scores is not None or sub.number_of_nodes() > EXACT_SIZES_UP_TO:
        if scores is None:
            scores = {n: float(sub.degree(n)) for n in sub}
        drawn = {n: scores.get(n, 0.0) for n in sub}
        top = max(drawn.values(), default=0.0) or 1.0
        return {n: x / top for n, x in drawn.items()}
    simple = nx.DiGraph()
    simple.add_nodes_from(sub)
    for u, v, k in sub.edges(keys=True):
        if k in STEP_STYLES:
            continue
        for a, b in ((u, v), (v, u)):
            w = simple.edges[a, b]["weight"] + 1 if simple.has_edge(a, b) else 1
            simple.add_edge(a, b, weight=w)
    if not simple.number_of_edges():
        return {}
    return hub_scores(simple)[0]


def _add_node(net: Any, n_id: str, *, label: str, color: Any, shape: str, **options: Any
              ) -> None:
    """``net.add_node`` without its linear search of the node list (quadratic over a map)."""
    from pyvis.node import Node

    node = Node(n_id, shape, label=label, color=color, font_color=net.font_color, **options)
    net.nodes.append(node.options)
    net.node_ids.append(n_id)
    net.node_map[n_id] = node.options


def _add_edge(net: Any, u: str, v: str, **options: Any) -> None:
    """``net.add_edge`` without its linear search of the node list for both ends (the ends
    are nodes already added; a directed network keeps parallel edges anyway)."""
    from pyvis.edge import Edge

    net.edges.append(Edge(u, v, net.directed, **options).options)


def _edge_width(base: float, count: Any) -> float:
    if isinstance(count, int | float) and count > 0:
        return round(min(base + 1.6 * math.log2(1 + count), base + 9), 2)
    return base


def render_map(sub: nx.MultiDiGraph, *, title: str | None = None, lang: str | None = None,
               built: str | None = None, onto: Ontology | None = None,
               scores: dict[str, float] | None = None, limits: Limits = DEFAULT_LIMITS,
               compact: bool | None = None) -> str:
    """HTML of the map of ``sub`` (from :func:`map_subgraph`), self-contained and offline.

    ``built`` is the graph's build date shown in the title block (the command line passes
    the graph file's date); ``lang`` the language of labels, legend and panel; ``scores``
    cached hub scores for node sizes. Above ``limits`` raises :class:`MapTooLarge`.
    ``compact`` (default: from :data:`.limits.COMPACT_FROM` edges) writes the small page of
    :mod:`.compact`.
    """
    from pyvis.network import Network

    if sub.number_of_nodes() == 0:
        raise MapError("nothing to draw: no relations of those types in that region")
    m = messages(lang)
    check_size(sub.number_of_nodes(), sub.number_of_edges(), limits, m)
    onto = onto or default_ontology()
    if compact is None:
        compact = sub.number_of_edges() >= COMPACT_FROM
    compact = compact and not sub.graph.get("route")
    docs = Documents(sub)
    route = _explained(sub, sub.graph.get("route"), m)
    title = title or _default_title(sub, m)
    pos, groups, member = geographic_layout(sub, onto)
    if route:
        pos, groups = route_layout(sub, [a["path"] for a in route["answers"]],
                                   path_title=m("map.route_box"), around_title=m("map.around"))
    score = _hub_sizes(sub, scores)
    route_nodes, answers = _route_marks(route)
    top_hubs = set(sorted(score, key=lambda n: (-score[n], n))[:TOP_LABELS]) if not route else set()

    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line",
                  bgcolor="#ffffff")  # no font_color: it would replace our fonts
    node_data: dict[str, Any] = {}
    for n in sorted(sub):
        d = sub.nodes[n]
        cat = _category(sub, n) if d["label"] in (INSTITUTION, KIND) else "その他"
        colour = category_colour(cat)
        label = d["name"]
        if n in answers:
            rank, basis = answers[n]
            label = f"{_CIRCLED[rank - 1] if rank <= len(_CIRCLED) else rank} {label}\n{basis}"
        elif route and n == route.get("holder"):
            label = f"{label}\n[{m('map.holder')}]"
        faded = bool(route) and n not in route_nodes
        style = {"background": FADED_NODE if faded else colour,
                 "border": HIGHLIGHT if n in route_nodes else
                 ("rgba(120,120,120,0.3)" if faded else NODE_BORDER),
                 "highlight": {"background": colour, "border": HIGHLIGHT}}
        x, y = pos[n]
        shape = {INSTITUTION: "dot", KIND: "diamond"}.get(d["label"], "box")
        grp = member[n]
        _add_node(net, n, label=label, title=_node_title(sub, n, m), color=style,
                     size=8 + 18 * math.sqrt(score.get(n, 0.0)), x=x, y=y, physics=False,
                     borderWidth=4 if n in route_nodes else 1.5, shape=shape,
                     font={"size": 16 if n in answers else (26 if n in top_hubs else 14),
                           "color": "rgba(80,80,80,0.35)" if faded else "#222222",
                           "face": "Noto Sans CJK JP, sans-serif", "multi": False},
                     category=cat, group_name=grp)
        node_data[n] = {
            "name": d["name"], "label": d["label"], "type": d.get("type"),
            "region": _region_name(d), "category": cat, "group": grp,
            "prefecture": grp if grp != NATIONAL else "",
            "kinds": _kind_chain(d, onto), "keys": search_keys(sub, n, onto),
            "evidence": _evidence_items(d.get("evidence", [])[:1 if compact else None], docs)}
        if compact and len(d.get("evidence", [])) > 1:
            node_data[n]["more"] = len(d["evidence"]) - 1
    edge_data: dict[str, Any] = {}
    route_ranks = _route_ranks(route)
    drawn = [(u, v, k, d) for u, v, k, d in sub.edges(keys=True, data=True)]
    for u, v, k in (route or {}).get("steps", []):
        if k != REFERRAL:
            drawn.append((u, v, k, {"evidence": []}))
    for i, (u, v, k, d) in enumerate(sorted(drawn, key=lambda e: e[:3])):
        eid = f"e{i}"
        style = edge_style(k)
        ranks = route_ranks.get((u, v), []) if k in (REFERRAL, *STEP_STYLES) else []
        width = _edge_width(style["width"], d.get("count"))
        colour = style["color"]
        if ranks:
            colour, width = HIGHLIGHT, width + 3
        elif route:
            colour = FADED_EDGE
        arrows = "to" if k in DIRECTED_RELATIONS or k in STEP_STYLES else ""
        _add_edge(net, u, v, id=eid, title=_edge_title(sub, u, v, k, d, docs, m, compact),
                  color=colour,
                  dashes=style["dashes"], width=width, arrows=arrows, relation=k,
                  **_edge_label(ranks, compact))
        evidence = d.get("evidence", [])
        edge_data[eid] = {"from": u, "to": v, "relation": k, "count": d.get("count"),
                          "period": d.get("period"), "route": ranks,
                          "evidence": _evidence_items(evidence[:1] if compact else evidence,
                                                      docs)}
        if compact and len(evidence) > 1:
            edge_data[eid]["more"] = len(evidence) - 1
    net.set_options(json.dumps({
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                        "multiselect": False},
        # straight lines on a large map: a curve per edge costs a Bézier on every frame
        "edges": {"smooth": False if compact else {"type": "curvedCW", "roundness": 0.15},
                  "selectionWidth": 2},
        "nodes": {"font": {"strokeWidth": 3, "strokeColor": "#ffffff"}},
    }))
    if compact or len(docs) > LONG_DOCUMENT_LIST:  # list the documents the map quotes only
        docs = Documents(_cited_documents(sub, node_data, edge_data))
    data = _page_data(sub, title, built, m, docs, groups, node_data, edge_data, route, onto)
    if compact:
        compact_in_place(net, data, docs)
    return _offline(net.generate_html(), title, _legend(sub, m), data, m)


def check_size(nodes: int, edges: int, limits: Limits, m: Messages) -> None:
    """Raise :class:`MapTooLarge` (reason and hint in ``m``'s language) above ``limits``."""
    if limits.exceeded(nodes, edges):
        raise MapTooLarge(m("map.too_large", nodes=f"{nodes:,}", edges=f"{edges:,}",
                            max_nodes=f"{limits.nodes:,}", max_edges=f"{limits.edges:,}"))


def _edge_label(ranks: list[int], compact: bool) -> dict[str, Any]:
    """An edge's route numbers and their font (left out on a large map without a route)."""
    if compact and not ranks:
        return {"route": ranks}
    return {"route": ranks, "label": " ".join(_CIRCLED[r - 1] for r in ranks) or None,
            "font": {"size": 16, "color": HIGHLIGHT, "strokeWidth": 4,
                     "strokeColor": "#ffffff", "align": "top"}}


def _cited_documents(sub: nx.MultiDiGraph, node_data: dict[str, Any],
                     edge_data: dict[str, Any]) -> nx.MultiDiGraph:
    """A graph holding only the metadata of the documents the map's evidence names."""
    cited = {ev["doc"] for d in (*node_data.values(), *edge_data.values())
             for ev in d["evidence"]}
    held = nx.MultiDiGraph()
    held.graph["documents"] = [d for d in sub.graph.get("documents", [])
                               if d.get("name") in cited]
    return held


def _explained(sub: nx.MultiDiGraph, route: dict[str, Any] | None, m: Messages
               ) -> dict[str, Any] | None:
    """A copy of the route view's data with each answer's path said in plain words."""
    if not route:
        return None
    answers = []
    for a in route["answers"]:
        plain = plain_route(sub, a["path"], a["evidence"], reason=a.get("reason"), lang=m.lang)
        answers.append({**a, "plain": plain.text(m), "basis": plain.basis})
    return {**route, "answers": answers}


def _default_title(sub: nx.MultiDiGraph, m: Messages) -> str:
    route = sub.graph.get("route")
    if route:
        holder = route["holder"].split(":", 1)[1] if route.get("holder") else m("route.no_holder")
        return m("map.title_route", region=route["region"], topics="、".join(route["topics"]),
                 holder=holder)
    if sub.graph.get("region"):
        return m("map.title_region", region=sub.graph["region"])
    return m("map.title_national")


def _kind_chain(d: dict[str, Any], onto: Ontology) -> list[str]:
    kind = d.get("type") if d.get("label") == INSTITUTION else d.get("name")
    return onto.kind_ancestors(kind) if d.get("label") in (INSTITUTION, KIND) and kind else []


def _route_marks(route: dict[str, Any] | None) -> tuple[set[str], dict[str, tuple[int, str]]]:
    """(nodes on a path, answer node -> (rank, short basis))."""
    if not route:
        return set(), {}
    nodes = {n for a in route["answers"] for n in a["path"]}
    answers: dict[str, tuple[int, str]] = {}
    for a in route["answers"]:
        answers.setdefault(a["id"], (a["rank"], a.get("basis", "")))
    return nodes, answers


def _route_ranks(route: dict[str, Any] | None) -> dict[tuple[str, str], list[int]]:
    ranks: dict[tuple[str, str], list[int]] = {}
    for a in (route or {}).get("answers", []):
        for u, v in zip(a["path"], a["path"][1:], strict=False):
            ranks.setdefault((u, v), [])
            if a["rank"] not in ranks[(u, v)]:
                ranks[(u, v)].append(a["rank"])
    return ranks


def _page_data(sub: nx.MultiDiGraph, title: str, built: str | None, m: Messages,
               docs: Documents, groups: list[Any], node_data: dict[str, Any],
               edge_data: dict[str, Any], route: dict[str, Any] | None,
               onto: Ontology) -> dict[str, Any]:
    """Everything our script needs, as one JSON object."""
    kinds = sorted({k for d in node_data.values() for k in d["kinds"][:1]},
                   key=lambda k: (list(CATEGORY_COLOURS).index(onto.kinds[k].category)
                                  if k in onto.kinds and onto.kinds[k].category in
                                  CATEGORY_COLOURS else 99, k))
    codes = {r.name: r.code or "" for r in onto.regions.values()}
    prefs = sorted({d["prefecture"] for d in node_data.values() if d["prefecture"]},
                   key=lambda p: (codes.get(p) or "99", p))
    relations = [r for r in [*RELATION_STYLES, *STEP_STYLES]
                 if any(e["relation"] == r for e in edge_data.values())]
    n_inst = sum(1 for d in node_data.values() if d["label"] == INSTITUTION)
    n_kind = sum(1 for d in node_data.values() if d["label"] == KIND)
    n_rel = sum(1 for e in edge_data.values() if e["relation"] in RELATION_STYLES)
    data: dict[str, Any] = {
        "lang": m.lang, "title": title,
        "built": m("map.built", date=built) if built else m("map.built_unknown"),
        "documents": [docs[name].label_with_file() for name in sorted(docs)],
        "counts": m("map.counts", institutions=n_inst, kinds=n_kind, edges=n_rel),
        "groups": [gr.as_dict() for gr in groups],
        "nodes": node_data, "edges": edge_data,
        "relations": [{"name": r, "label": m.term(r)} for r in relations],
        "kinds": kinds, "prefectures": prefs, "variants": JS_VARIANTS,
        "focus": _focus(sub, node_data),
        "messages": {k: m(f"map.{k}") for k in PAGE_MESSAGES},
        "categories": {n: m.term(d["category"]) for n, d in node_data.items()},
    }
    data["messages"]["documents_count"] = m("map.documents", count=len(docs))
    if any("more" in d for d in (*node_data.values(), *edge_data.values())):
        data["messages"]["more"] = m("map.more", n="{n}")
    omitted = sub.graph.get("omitted")
    if omitted:
        data["omitted"] = m("map.omitted", partners=f"{omitted['partners']:,}",
                            relations=f"{omitted['relations']:,}", kept=omitted["kept"],
                            groups="、".join(m("map.omitted_group", group=gname, nodes=n, edges=e)
                                            for gname, n, e in omitted["groups"][:12]))
    if route:
        data["route"] = {"holder": route.get("holder"), "answers": [
            {k: a[k] for k in ("rank", "id", "name", "score", "path", "instance")}
            | {"reason": a.get("reason"), "plain": a.get("plain", "")}
            for a in route["answers"]]}
    return data


def _focus(sub: nx.MultiDiGraph, node_data: dict[str, Any]) -> list[str]:
    """What a region map opens on: the region's own institutions and their neighbours."""
    region = sub.graph.get("region")
    if not region:
        return []
    own = {n for n, d in node_data.items() if d["group"] == region}
    near = {x for n in own for x in (*sub.successors(n), *sub.predecessors(n))}
    return sorted(own | near)


@cache
def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _json_for_html(data: Any) -> str:
    """JSON that cannot end a <script> element or open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


_CDN_TAG = re.compile(r"<(link|script)\b[^>]*(?:href|src)=\"https?://[^\"]*\"[^>]*>(?:\s*</script>)?",
                      re.S)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.S)


def _offline(page: str, title: str, legend: str, data: dict[str, Any], m: Messages,
             hint: str | None = None) -> str:
    """Remove what pyvis links from CDNs and its empty headings; add the title, our panel,
    legend, data and script. ``window.shienmapDrawn`` is set once the map is drawn and framed."""
    page = _CDN_TAG.sub("", page)
    page = _EMPTY_HEADING.sub("", page)
    page = page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>\n"
                                  f"<style>{_asset('map.css')}</style>", 1)
    page = page.replace("<html>", f'<html lang="{m.lang}">', 1)
    panel = _panel(title, legend, m, hint)
    script = (f'<script type="application/json" id="shienmap-data">{_json_for_html(data)}'
              f"</script>\n<script>{_asset('map.js')}</script>")
    return page.replace("</body>", f"{panel}\n{script}\n</body>", 1)


def _panel(title: str, legend: str, m: Messages, hint: str | None = None) -> str:
    """The side panel's frame (title block, answers, search, details, filters, legend); our
    script fills it, with textContent only."""
    t = html.escape
    return f"""<aside id="shienmap-panel">
<header id="shienmap-title"><h1>{t(title)}</h1><p id="shienmap-meta"></p>
<details id="shienmap-documents" open><summary></summary><ul></ul></details>
<p class="hint">{t(hint or m("map.how_to_read"))}</p></header>
<section id="shienmap-answers" hidden><h2>{t(m("map.answers"))}</h2><ol></ol></section>
<section id="shienmap-find"><input id="shienmap-search" type="search" autocomplete="off"
 placeholder="{t(m("map.search"))}" aria-label="{t(m("map.search"))}"><ul id="shienmap-results">
</ul></section>
<section id="shienmap-details"><p class="hint">{t(m("map.panel_hint"))}</p></section>
<section id="shienmap-filters"><h2>{t(m("map.filters"))}</h2>
<fieldset id="shienmap-relations"><legend>{t(m("map.relations"))}</legend></fieldset>
<label>{t(m("map.kind"))} <select id="shienmap-kind"></select></label>
<label>{t(m("map.prefecture"))} <select id="shienmap-prefecture"></select></label>
<button id="shienmap-reset" type="button">{t(m("map.reset"))}</button></section>
{legend}
</aside>"""


def _legend(sub: nx.MultiDiGraph, m: Messages) -> str:
    t = html.escape
    cats = [c for c in CATEGORY_COLOURS if any(
        sub.nodes[n]["label"] in (INSTITUTION, KIND) and _category(sub, n) == c for n in sub)]
    order = [*RELATION_STYLES, *STEP_STYLES]
    rels = sorted({k for _, _, k in sub.edges(keys=True) if k in order}, key=order.index)
    rows = [f"<div><b>{t(m('map.categories'))}</b></div>"]
    rows += [f'<div><span class="swatch" style="background:{category_colour(c)}"></span> '
             f"{t(m.term(c))}</div>" for c in cats]
    for r in rels:
        s = edge_style(r)
        dash = ",".join(str(x) for x in s["dashes"]) if isinstance(s["dashes"], list) else (
            "6,4" if s["dashes"] else "none")
        arrow = " →" if r in DIRECTED_RELATIONS or r in STEP_STYLES else ""
        rows.append(f'<div><svg class="line" width="34" height="8" aria-hidden="true"><line '
                    f'x1="0" y1="4" x2="34" y2="4" stroke="{s["color"]}" stroke-width="3" '
                    f'stroke-dasharray="{dash}"/></svg> {t(m.term(r))}{arrow}</div>')
    rows.append(f"<div>{t(m('map.shapes'))}</div>")
    if sub.graph.get("route"):
        rows.append(f'<div style="color:{HIGHLIGHT}"><b>{t(m("map.route_legend"))}</b></div>')
    return (f'<details id="shienmap-legend" open><summary><b>{t(m("map.legend"))}</b></summary>'
            + "".join(rows) + "</details>")


def write_map(page: str, path: Path | str) -> Path:
    """Write the page as UTF-8 (pyvis's own ``show`` fails outside notebooks)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(page, encoding="utf-8")
    return p


__all__ = ["ROUTE_STEP", "MapError", "MapTooLarge", "check_size", "group_of", "map_size",
           "map_subgraph", "prefecture_edges", "render_map", "write_map"]
