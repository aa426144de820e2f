"""Hubs and brokers of the network, nationally or in one region, for named institutions or for
institution kinds.

The relation graph: the chosen relationship types (default 紹介, 出向, 協定, 同行訪問 and 連携)
between institutions; directed types keep their direction, undirected ones count both ways;
parallel edges add to the weight. At the 機関種別 level each institution stands for its kind.

Measures per node: in/out degree per relationship type; betweenness (unweighted shortest
paths, normalised as NetworkX's ``betweenness_centrality`` by (n-1)(n-2)), exact or sampled over
``k`` sources, computed by python-igraph's compiled Brandes algorithm (the same figures as
NetworkX to about 1e-16, minutes instead of hours on a national graph; README, hubs, "At national
size"); PageRank (weighted, NetworkX); brokerage, after Gould and Fernandez: the two-paths
u -> v -> w (u != w) through the node, split by the categories (金融機関, 公的支援機関, 商工団体,
士業・専門家, 行政機関) of u, v and w, and counted as brokerage when u and w differ in category —
counted from the node's predecessors and successors per category, not by enumerating the paths.

Hub score (the ranking): the mean of PageRank, betweenness and total degree, each divided by
its largest value in the graph analysed, so 1.0 would lead on all three.
"""

from __future__ import annotations

import os
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import igraph
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
PARALLEL_FROM = 10_000  # nodes: from here exact betweenness runs as two halves of the sources
SOURCE_CHUNKS = 2  # fixed, so that the sum (and its rounding) is the same on any machine


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


def _brandes(n: int, edges: list[tuple[int, int]], sources: list[int] | None) -> list[float]:
    """Raw directed betweenness (igraph's compiled Brandes) over paths from ``sources`` (all
    nodes when None)."""
    g = igraph.Graph(n=n, edges=edges, directed=True)
    return g.betweenness(directed=True, sources=sources)


def betweenness(h: nx.DiGraph, *, k: int | None = None, seed: int = 0,
                split_from: int = PARALLEL_FROM) -> dict[str, float]:
    """Betweenness of every node of ``h`` (edges unweighted and directed), normalised as
    NetworkX's ``betweenness_centrality(h, k=k, seed=seed)``.

    Exact when ``k`` is None or not below the number of nodes; from ``split_from`` nodes the
    sources are split in two fixed halves computed in two processes and added in a fixed order.
    With ``k``, the sources are the ``k`` nodes NetworkX samples for the same seed
    (``random.Random(seed).sample(list(h), k)``) and the estimate is scaled as NetworkX 3.5+
    scales it: by 1/((k-1)(n-2)) for a sampled node and 1/(k(n-2)) for the others (with
    ``k`` = 1 the sampled node, for which there is no data, gets 0 rather than NaN).
    """
    nodes = list(h)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {x: i for i, x in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in h.edges()]
    if k is not None and k < n:
        sample = random.Random(seed).sample(nodes, k)
        raw = _brandes(n, edges, [index[x] for x in sample])
        sampled = {index[x] for x in sample}
        on = 1 / ((k - 1) * (n - 2)) if k > 1 else 0.0
        off = 1 / (k * (n - 2))
        return {x: raw[i] * (on if i in sampled else off) for i, x in enumerate(nodes)}
    if n >= split_from:
        chunks = [list(range(c, n, SOURCE_CHUNKS)) for c in range(SOURCE_CHUNKS)]
        workers = min(SOURCE_CHUNKS, os.cpu_count() or 1)
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                parts = list(pool.map(_brandes, [n] * len(chunks), [edges] * len(chunks),
                                      chunks))
        else:
            parts = [_brandes(n, edges, c) for c in chunks]
        raw = [sum(p[i] for p in parts) for i in range(n)]
    else:
        raw = _brandes(n, edges, None)
    scale = 1 / ((n - 1) * (n - 2))
    return {x: raw[i] * scale for i, x in enumerate(nodes)}


Centrality = Callable[[nx.DiGraph], tuple[dict[str, float], dict[str, float]]]
"""Computes (betweenness, PageRank) of a relation graph elsewhere (a server's own algorithms),
on the same scale as :func:`betweenness` and ``nx.pagerank(h, weight="weight")``."""


def hub_scores(h: nx.DiGraph, *, k: int | None = None, seed: int = 0,
               centrality: Centrality | None = None
               ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """(hub score, betweenness, PageRank) per node of a weighted relation graph; hub score is
    the mean of PageRank, betweenness and degree, each divided by its maximum. ``centrality``
    supplies betweenness and PageRank instead of computing them here."""
    if centrality is not None:
        between, rank = centrality(h)
    else:
        between = betweenness(h, k=k, seed=seed)
        rank = nx.pagerank(h, weight="weight")
    degree = {n: float(h.in_degree(n, weight="weight") + h.out_degree(n, weight="weight"))
              for n in h}

    def norm(values: dict[str, float]) -> dict[str, float]:
        m = max(values.values(), default=0.0) or 1.0
        return {n: x / m for n, x in values.items()}

    nb, nr, nd = norm(between), norm(rank), norm(degree)
    return {n: (nb[n] + nr[n] + nd[n]) / 3 for n in h}, between, rank


def check_options(*, region: str | None, relations: tuple[str, ...], level: str,
                  onto: Ontology) -> str | None:
    """Raise :class:`HubError` for an unknown level, relation type or region; return the
    region's canonical name (None for the whole country)."""
    if level not in LEVELS:
        raise HubError(f"unknown level {level!r}; use 機関 or 機関種別")
    unknown = [r for r in relations if r not in DEFAULT_RELATIONS]
    if unknown:
        raise HubError(f"unknown relation type(s) {unknown}; use {'、'.join(DEFAULT_RELATIONS)}")
    if region is not None and onto.region(region) is None:
        raise HubError(f"unknown region {region!r}")
    return onto.region(region).name if region else None


def relation_graph(g: nx.MultiDiGraph, *, region: str | None = None,
                   relations: tuple[str, ...] = DEFAULT_RELATIONS, level: str = INSTITUTION,
                   onto: Ontology | None = None) -> tuple[nx.DiGraph, list[tuple[str, str, str]]]:
    """The weighted relation graph analysed, and the typed (u, v, type) edges it came from."""
    onto = onto or default_ontology()
    region_name = check_options(region=region, relations=relations, level=level, onto=onto)

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
         onto: Ontology | None = None, centrality: Centrality | None = None) -> list[HubRow]:
    """Rank the hubs (see the module docstring), best first; ties by id.

    ``k`` samples that many source nodes for betweenness (faster on large graphs; the
    estimate is unbiased and its error falls roughly as 1/sqrt(k)); None computes it exactly.
    ``centrality`` computes betweenness and PageRank elsewhere (the Cypher backend's server
    engine); ``k`` and ``seed`` are then not used.
    """
    h, typed = relation_graph(g, region=region, relations=relations, level=level, onto=onto)
    if h.number_of_nodes() == 0:
        return []
    score, between, rank = hub_scores(h, k=k, seed=seed, centrality=centrality)
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
    """Gould-Fernandez roles of v over the two-paths u -> v -> w (u != w), from the number of
    predecessors (P) and successors (S) per category and of the neighbours that are both (B):
    the two-paths from category a to category b number P[a]·S[b], less B[a] when a == b (the
    paths u -> v -> u). O(degree + categories²)."""
    succ = h.succ[v]
    p: Counter[str] = Counter()
    both: Counter[str] = Counter()
    for u in h.pred[v]:
        p[cat[u]] += 1
        if u in succ:
            both[cat[u]] += 1
    s = Counter(cat[w] for w in succ)
    cv = cat[v]
    p_out, s_out = sum(p.values()) - p[cv], sum(s.values()) - s[cv]  # other categories
    return {
        "coordinator": p[cv] * s[cv] - both[cv],
        "gatekeeper": p_out * s[cv],
        "representative": p[cv] * s_out,
        "itinerant": sum(p[a] * s[a] - both[a] for a in p if a != cv),
        "liaison": sum(p[a] * (s_out - s[a]) for a in p if a != cv),
    }


def _cross(roles: dict[str, int]) -> int:
    """Two-paths that join different categories (u and w differ)."""
    return roles["gatekeeper"] + roles["representative"] + roles["liaison"]


__all__ = ["DEFAULT_RELATIONS", "Centrality", "HubError", "HubRow", "betweenness", "check_options",
           "edge_in_region", "hub_scores", "hubs", "relation_graph"]
