"""A region's map at national size: the region's own institutions and its strongest outside
partners; the other partners summarised per prefecture (shown in the title block).

A partner's weight is the number of drawn relations it has (each relation of the region's map
touches the region). Partners are ranked by (-weight, id), so the choice is deterministic.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import INSTITUTION

from .layout import group_of

DEFAULT_PARTNERS = 30  # outside partners a region's map keeps (``map --partners``)


def own_nodes(sub: nx.MultiDiGraph, region: str, onto: Ontology) -> set[str]:
    """The institutions of ``sub`` located in ``region`` (or in a place inside it)."""
    own = set()
    for n, d in sub.nodes(data=True):
        r = d.get("region")
        if d.get("label") == INSTITUTION and r and region in onto.region_chain(r.split(":", 1)[1]):
            own.add(n)
    return own


def keep_top_partners(sub: nx.MultiDiGraph, region: str, top: int,
                      onto: Ontology | None = None) -> nx.MultiDiGraph:
    """``sub`` (a region's map) with at most ``top`` outside partners, by relation weight.

    The graph's ``omitted`` records what was left out: partners and relations in total and per
    group (prefecture, 地方 or 全国), most relations first.
    """
    onto = onto or default_ontology()
    own = own_nodes(sub, region, onto)
    weight: Counter[str] = Counter()
    for u, v in sub.edges():
        for x in {u, v} - own:
            weight[x] += 1
    outside = sorted(weight, key=lambda x: (-weight[x], x))
    drop = set(outside[top:])
    if not drop:
        return sub
    out = nx.MultiDiGraph()
    out.graph.update(sub.graph)
    out.add_nodes_from((n, sub.nodes[n]) for n in sub if n not in drop)
    out.add_edges_from(e for e in sub.edges(keys=True, data=True)
                       if e[0] not in drop and e[1] not in drop)
    nodes: Counter[str] = Counter()
    rels: Counter[str] = Counter()
    for x in drop:
        nodes[group_of(sub, x, onto)[0]] += 1
    for u, v in sub.edges():
        if u in drop or v in drop:
            x = u if u in drop else v
            rels[group_of(sub, x, onto)[0]] += 1
    out.graph["omitted"] = {
        "partners": len(drop), "relations": sum(rels.values()), "kept": top,
        "groups": [[g, nodes[g], rels[g]] for g in sorted(nodes, key=lambda g: (-rels[g], g))]}
    return out


__all__ = ["DEFAULT_PARTNERS", "keep_top_partners", "own_nodes"]
