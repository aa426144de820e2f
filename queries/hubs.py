"""Hubs and brokers of the network, nationally or in one region, for named institutions or for
institution kinds.

The relation graph: the chosen relationship types (default 紹介, 出向, 協定, 同行訪問 and 連携)
between institutions; directed types keep their direction, undirected ones count both ways;
parallel edges add to the weight. At the 機関種別 level each institution stands for its kind.

Measures per node: in/out degree per relationship type; betweenness (NetworkX, exact, or
sampled over ``k`` sources when ``k`` is given); PageRank (weighted); brokerage, after Gould and
Fernandez: the two-paths u -> v -> w through the node, split by the categories (金融機関,
公的支援機関, 商工団体, 士業・専門家, 行政機関) of u, v and w, and counted as brokerage when u and
w differ in category.

Hub score (the ranking): the mean of PageRank, betweenness and total degree, each divided by
its largest value in the graph analysed, so 1.0 would lead on all three.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    COLLABORATION,
    DIRECTED_RELATIONS,
    INSTITUTION,
    INSTITUTION_RELATIONS,
    KIND,
    node_id,
)

DEFAULT_RELATIONS = (*INSTITUTION_RELATIONS, COLLABORATION)
LEVELS = (INSTITUTION, KIND)
ROLES = ("coordinator", "gatekeeper", "representative", "itinerant", "liaison")


class HubError(ValueError):
    """A bad argument (unknown region, relation type or level)."""


@dataclass
class HubRow:
    id: str
    name: str
    label: str
    type: str
    category: str
    degree: int
    betweenness: float
    pagerank: float
    brokerage: int
    hub_score: float
    in_degree: dict[str, int] = field(default_factory=dict)
    out_degree: dict[str, int] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "label": self.label, "type": self.type,
                "category": self.category, "degree": self.degree,
                "betweenness": round(self.betweenness, 6), "pagerank": round(self.pagerank, 6),
                "brokerage": self.brokerage, "hub_score": round(self.hub_score, 6),
                "in_degree": self.in_degree, "out_degree": self.out_degree, "roles": self.roles}


def _in_region(g: nx.MultiDiGraph, n: str, region: str, onto: Ontology) -> bool:
    r = g.nodes[n].get("region")
    return bool(r) and region in onto.region_chain(r.split(":", 1)[1])


def edge_in_region(g: nx.MultiDiGraph, u: str, v: str, d: dict[str, Any], region: str,
                   onto: Ontology, *, strict: bool = True) -> bool:
    """Whether an edge belongs to a region's network: documented for the region, or joining
    institutions located in it (``strict``: every institution end; else at least one)."""
    regs = {r.split(":", 1)[1] for r in d.get("regions", [])}
    if any(region in onto.region_chain(r) for r in regs):
        return True
    ends = [n for n in (u, v) if g.nodes[n]["label"] == INSTITUTION]
    inside = [n for n in ends if _in_region(g, n, region, onto)]
    return bool(inside) and (not strict or len(inside) == len(ends))


def hub_scores(h: nx.DiGraph, *, k: int | None = None, seed: int = 0
               ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """(hub score, betweenness, PageRank) per node of a weighted relation graph; hub score is
    the mean of PageRank, betweenness and degree, each divided by its maximum."""
    sample = k if k is not None and k < h.number_of_nodes() else None
    between = nx.betweenness_centrality(h, k=sample, seed=seed)
    rank = nx.pagerank(h, weight="weight")
    degree = {n: float(h.in_degree(n, weight="weight") + h.out_degree(n, weight="weight"))
              for n in h}

    def norm(values: dict[str, float]) -> dict[str, float]:
        m = max(values.values(), default=0.0) or 1.0
        return {n: x / m for n, x in values.items()}

    nb, nr, nd = norm(between), norm(rank), norm(degree)
    return {n: (nb[n] + nr[n] + nd[n]) / 3 for n in h}, between, rank


def relation_graph(g: nx.MultiDiGraph, *, region: str | None = None,
                   relations: tuple[str, ...] = DEFAULT_RELATIONS, level: str = INSTITUTION,
                   onto: Ontology | None = None) -> tuple[nx.DiGraph, list[tuple[str, str, str]]]:
    """The weighted relation graph analysed, and the typed (u, v, type) edges it came from."""
    onto = onto or default_ontology()
    if level not in LEVELS:
        raise HubError(f"unknown level {level!r}; use 機関 or 機関種別")
    unknown = [r for r in relations if r not in DEFAULT_RELATIONS]
    if unknown:
        raise HubError(f"unknown relation type(s) {unknown}; use {'、'.join(DEFAULT_RELATIONS)}")
    if region is not None and onto.region(region) is None:
        raise HubError(f"unknown region {region!r}")
    region_name = onto.region(region).name if region else None

    def mapped(n: str) -> str | None:
        d = g.nodes[n]
        if level == INSTITUTION:
            return n if d["label"] == INSTITUTION else None
        return n if d["label"] == KIND else node_id(KIND, d["type"])

    def keep(u: str, v: str, d: dict[str, Any]) -> bool:
        return region_name is None or edge_in_region(g, u, v, d, region_name, onto,
                                                     strict=level == INSTITUTION)

    h = nx.DiGraph()
    typed: list[tuple[str, str, str]] = []
    for u, v, k, d in g.edges(keys=True, data=True):
        if k not in relations:
            continue
        a, b = mapped(u), mapped(v)
        if a is None or b is None or a == b or not keep(u, v, d):
            continue
        pairs = [(a, b)] if k in DIRECTED_RELATIONS else [(a, b), (b, a)]
        for x, y in pairs:
            w = h.edges[x, y]["weight"] + 1 if h.has_edge(x, y) else 1
            h.add_edge(x, y, weight=w)
        typed.append((a, b, k))
    return h, typed


def hubs(g: nx.MultiDiGraph, *, region: str | None = None,
         relations: tuple[str, ...] = DEFAULT_RELATIONS, level: str = INSTITUTION,
         top: int | None = None, k: int | None = None, seed: int = 0,
         onto: Ontology | None = None) -> list[HubRow]:
    """Rank the hubs (see the module docstring), best first; ties by id.

    ``k`` samples that many source nodes for betweenness (faster on large graphs; the
    estimate is unbiased and its error falls roughly as 1/sqrt(k)); None computes it exactly.
    """
    h, typed = relation_graph(g, region=region, relations=relations, level=level, onto=onto)
    if h.number_of_nodes() == 0:
        return []
    score, between, rank = hub_scores(h, k=k, seed=seed)
    ins: dict[str, Counter[str]] = defaultdict(Counter)
    outs: dict[str, Counter[str]] = defaultdict(Counter)
    for a, b, t in typed:
        outs[a][t] += 1
        ins[b][t] += 1
        if t not in DIRECTED_RELATIONS:
            outs[b][t] += 1
            ins[a][t] += 1
    onto = onto or default_ontology()
    cat = {n: onto.category_of(g.nodes[n]) for n in h}
    roles = {n: _roles(h, n, cat) for n in h}
    degree = {n: sum(ins[n].values()) + sum(outs[n].values()) for n in h}
    rows = []
    for n in h:
        d = g.nodes[n]
        rows.append(HubRow(
            id=n, name=d["name"], label=d["label"], type=d.get("type", d["name"]),
            category=cat[n], degree=degree[n], betweenness=between[n], pagerank=rank[n],
            brokerage=_cross(roles[n]), hub_score=score[n],
            in_degree=dict(sorted(ins[n].items())), out_degree=dict(sorted(outs[n].items())),
            roles=roles[n]))
    rows.sort(key=lambda r: (-r.hub_score, r.id))
    return rows[:top] if top else rows


def _roles(h: nx.DiGraph, v: str, cat: dict[str, str]) -> dict[str, int]:
    """Gould-Fernandez roles of v over the two-paths u -> v -> w (u != w)."""
    counts = dict.fromkeys(ROLES, 0)
    for u in h.predecessors(v):
        for w in h.successors(v):
            if u == w:
                continue
            cu, cv, cw = cat[u], cat[v], cat[w]
            if cu == cv == cw:
                counts["coordinator"] += 1
            elif cu == cw:
                counts["itinerant"] += 1
            elif cv == cw:
                counts["gatekeeper"] += 1
            elif cu == cv:
                counts["representative"] += 1
            else:
                counts["liaison"] += 1
    return counts


def _cross(roles: dict[str, int]) -> int:
    """Two-paths that join different categories (u and w differ)."""
    return roles["gatekeeper"] + roles["representative"] + roles["liaison"]


__all__ = ["DEFAULT_RELATIONS", "HubError", "HubRow", "edge_in_region", "hub_scores", "hubs",
           "relation_graph"]
