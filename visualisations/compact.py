"""A large map's page kept small (``render_map`` from :data:`.limits.COMPACT_FROM` edges).

A map of a whole prefecture at national size has thousands of relations; drawn as the small
maps are, every edge would repeat both ends' full ids (four times, JSON-escaped), its style, a
tooltip with three quotes and each quote's document title: tens of megabytes. Here instead:

* nodes get short ids (``n0``, ``n1`` … in the order of their real ids; the real id stays in
  the page data as ``id``), and vis-network's JSON is written as UTF-8, not ``\\uXXXX``;
* edges are rows of numbers (ends, relation, width, count, period, first document, how many
  evidence sentences); the page's script makes vis-network's edges, their tooltips and the
  panel's data from them. An edge names the document of its first evidence sentence but not
  the sentence (the quotes of a prefecture's thousands of relations alone would be megabytes);
* each node carries its first evidence sentence (``more`` counts the others), and a document's
  title and year are given once (``docinfo``), not with every sentence.
"""

from __future__ import annotations

from typing import Any

from shienmap.documents import Documents

_NODE_DROP = ("category", "group_name")


def compact_in_place(net: Any, data: dict[str, Any], docs: Documents) -> None:
    """Rewrite pyvis's ``net`` and the page ``data`` (from ``_page_data``) as described above."""
    short = {n: i for i, n in enumerate(sorted(data["nodes"]))}
    for o in net.nodes:
        o["id"] = f"n{short[o['id']]}"
        for k in _NODE_DROP:
            o.pop(k, None)
    net.node_ids = [o["id"] for o in net.nodes]
    net.node_map = {o["id"]: o for o in net.nodes}
    data["nodes"] = {f"n{short[n]}": {**d, "id": n, **_first(d["evidence"], d.get("more", 0))}
                     for n, d in data["nodes"].items()}
    data["categories"] = {f"n{short[n]}": c for n, c in data["categories"].items()}
    data["focus"] = [f"n{short[n]}" for n in data["focus"]]
    drawn = {o["id"]: o for o in net.edges}
    net.edges = []  # the page's script adds them from the rows below
    relations = sorted({e["relation"] for e in data["edges"].values()})
    names = sorted({ev["doc"] for e in data["edges"].values() for ev in e["evidence"]})
    doc_index = {name: i for i, name in enumerate(names)}
    rows = []
    for eid in sorted(data["edges"], key=lambda x: int(x[1:])):
        e, o = data["edges"][eid], drawn[eid]
        first = doc_index[e["evidence"][0]["doc"]] if e["evidence"] else None
        rows.append([short[e["from"]], short[e["to"]], relations.index(e["relation"]),
                     o["width"], e.get("count"), e.get("period"), first,
                     len(e["evidence"]) + e.get("more", 0)])
    data["edges"] = {}
    data["edge_rows"] = rows
    data["edge_relations"] = relations
    data["edge_docs"] = names
    data["edge_styles"] = {r: {"color": drawn_style["color"], "dashes": drawn_style["dashes"],
                               "arrows": drawn_style["arrows"]}
                           for r in relations
                           for drawn_style in [next(o for o in drawn.values()
                                                    if o["relation"] == r)]}
    cited = sorted({ev["doc"] for d in data["nodes"].values() for ev in d["evidence"]}
                   | set(names))
    data["docinfo"] = {name: {"title": docs[name].label(), "year": docs[name].year or ""}
                       for name in cited}
    data["compact"] = True
    net.templateEnv.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}


def _first(evidence: list[dict[str, Any]], more: int = 0) -> dict[str, Any]:
    """The first evidence item without its document's title and year, and how many follow."""
    out: dict[str, Any] = {"evidence": [{"doc": ev["doc"], "quote": ev["quote"]}
                                        for ev in evidence[:1]]}
    rest = more + max(0, len(evidence) - 1)  # ``more`` already counts what was cut
    if rest:
        out["more"] = rest
    return out


__all__ = ["compact_in_place"]
