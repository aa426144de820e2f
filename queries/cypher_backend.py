"""The Cypher backend: routing and hubs answered from a Bolt server (Neo4j, FalkorDB).

The parameterised queries in ``queries/cypher/*.cypher`` find what an answer is made of —
the holder's starting points, the documented referral paths out of them, the kinds, broader
kinds and topics of the nodes on those paths, the relations for hub analysis. The rows become
a small NetworkX graph on which the same scoring as the NetworkX backend runs, so both
backends rank alike by construction.

Hubs: betweenness and PageRank, the costly part, come from the server's own algorithms when it
has ones that compute the same figures, else from this process (igraph and NetworkX, as the
NetworkX backend); :attr:`CypherBackend.engine` says which answered and why. Neo4j with the
Graph Data Science library: ``gds.betweenness.stream`` and ``gds.pageRank.stream`` on a
projection of the relation graph (``hubs_gds_*.cypher``; national, 機関 level, exact). FalkorDB
has ``algo.betweenness`` and ``algo.pageRank`` but they compute something else (measured on
FalkorDB 4.16.3, README "Which operations run where"), so there the client computes them.
``hubs_degree.cypher`` ranks by degree in plain Cypher.

Every query reads the current generation through the pointer a push switches last; an answer
is made of several queries, so the backend reads the pointer before and after them and
starts again if a push switched it in between (an answer never mixes two generations).
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from shienmap.graph.cypher import CURRENT, EVIDENCE_KEYS, CypherStore, StoreError
from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    BROADER,
    DIRECTED_RELATIONS,
    HANDLES,
    INSTITUTION,
    IS_KIND,
    KIND,
    LABELS,
    REFERRAL,
    REGION,
    TOPIC,
    node_id,
)

from .case import Case, case_from_words, find_holder
from .hubs import DEFAULT_RELATIONS, HubRow, hubs
from .routing import RouteResult, route
from .words import EvidenceIndex, evidence_index

QUERY_DIR = Path(__file__).with_name("cypher")
_T = TypeVar("_T")
_READ_TRIES = 5
_CONTEXT_TYPES = (IS_KIND, BROADER, HANDLES)


@cache
def load_query(name: str) -> str:
    """The text of ``queries/cypher/NAME.cypher``."""
    return (QUERY_DIR / f"{name}.cypher").read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.cypher"))


CLIENT = "client"  # igraph betweenness and NetworkX PageRank in this process
GDS = "neo4j-gds"  # Neo4j Graph Data Science on the server
GDS_PROCEDURES = ("gds.graph.project", "gds.betweenness.stream", "gds.pageRank.stream",
                  "gds.graph.drop")
FALKORDB_ALGORITHMS = ("algo.betweenness", "algo.pageRank")
FALKORDB_NOT_USED = (
    "FalkorDB has {found} but not the same measures: its betweenness samples sources even when "
    "asked for all (two runs differ) and follows each stored relation one way only (undirected "
    "types count both ways here); its PageRank is unweighted and takes one relationship type")


@dataclass(frozen=True)
class HubEngine:
    """Which engine computed betweenness and PageRank (``name``: ``client`` or
    ``neo4j-gds``), why that one (``reason``, a key of the ``hubs.engine`` messages) and
    the details (``detail``, English)."""

    name: str
    reason: str
    detail: str


def gds_to_networkx(h: nx.DiGraph, between: dict[str, float], rank: dict[str, float]
                    ) -> tuple[dict[str, float], dict[str, float]]:
    """GDS figures on NetworkX's scale: betweenness (GDS: summed over ordered pairs, not
    normalised) divided by (n-1)(n-2); PageRank (GDS: ``(1-d) + d·Σ``, dangling rank not
    redistributed, which only scales the fixed point, as teleport and redistribution are both
    uniform) divided by its sum. Raises :class:`StoreError` when the node sets differ."""
    if set(between) != set(h) or set(rank) != set(h):
        raise StoreError(f"the GDS projection has {len(between)} nodes, the relation graph "
                         f"{h.number_of_nodes()}")
    n = h.number_of_nodes()
    scale = 1 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    total = sum(rank.values()) or 1.0
    return ({x: between[x] * scale for x in h}, {x: rank[x] / total for x in h})


def _unflatten(props: dict[str, Any]) -> dict[str, Any]:
    """Store properties back into graph attributes (evidence lists -> evidence records)."""
    out = {k: v for k, v in props.items() if not k.startswith("evidence_") and k != "_push"}
    docs = props.get("evidence_doc")
    if docs is not None:
        cols = [props.get(f"evidence_{k}") or [] for k in EVIDENCE_KEYS]
        out["evidence"] = [dict(zip(EVIDENCE_KEYS, vals, strict=True))
                           for vals in zip(*cols, strict=True)]
    return {k: v for k, v in out.items() if v is not None}


class CypherBackend:
    """Routing and hubs over a :class:`CypherStore`."""

    def __init__(self, store: CypherStore, onto: Ontology | None = None) -> None:
        self.store = store
        self.onto = onto or default_ontology()
        self._words: EvidenceIndex | None = None
        self._procedures: set[str] | None = None
        self._reader: Callable[..., list[dict[str, Any]]] | None = None  # set while pinned
        self.engine: HubEngine | None = None  # set by hubs()

    def q(self, query: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run ``queries/cypher/QUERY.cypher`` with parameters; a long list parameter is sent
        in pieces small enough for the server's messages (FalkorDB: about 4 KB)."""
        text = load_query(query)
        run = self._reader or self.store.run
        budget = self.store.dialect.max_message - len(text.encode()) - 200
        lists = [k for k, v in params.items() if isinstance(v, list)]
        if not lists or len(json.dumps(params, ensure_ascii=False).encode()) <= budget:
            return run(text, **params)
        key = max(lists, key=lambda k: len(params[k]))
        rows: list[dict[str, Any]] = []
        chunk: list[Any] = []
        for item in params[key]:
            if chunk and len(json.dumps([*chunk, item], ensure_ascii=False).encode()) > budget:
                rows += run(text, **{**params, key: chunk})
                chunk = []
            chunk.append(item)
        if chunk:
            rows += run(text, **{**params, key: chunk})
        return rows

    def _pinned(self, read: Callable[[], _T]) -> _T:
        """Run ``read`` (several queries) so that all of it sees one generation: again if a
        push switched the pointer meanwhile. Its queries share one read session (on a cluster:
        a reader, each query seeing at least what the one before saw). Raises
        :class:`StoreError` when nothing was pushed, or when pushes keep switching it."""
        if self._reader is not None:
            return read()
        with self.store.reading() as reader:
            self._reader = reader
            try:
                for _ in range(_READ_TRIES):
                    before = self._current()
                    if before is None:
                        raise StoreError("the server holds no shienmap graph (no current "
                                         "generation): run `shienmap neo4j push` first")
                    result = read()
                    if self._current() == before:
                        return result
            finally:
                self._reader = None
        raise StoreError(f"the graph changed {_READ_TRIES} times while it was being read "
                         "(pushes running); try again")

    def _current(self) -> str | None:
        """The current generation, read as the pinned queries read."""
        rows = (self._reader or self.store.run)(CURRENT)
        return rows[0]["push"] if rows else None

    # ------------------------------------------------------------ cases
    def make_case(self, region: str, topics: list[str], holder: str | None = None) -> Case:
        """Build a case, finding the holder in the store (raises :class:`CaseError`)."""
        return self._pinned(lambda: case_from_words(region, topics, self._holder, holder,
                                                    self.onto, self._evidence_index))

    def _evidence_index(self) -> EvidenceIndex:
        """The evidence index of the store's referrals, built once per backend."""
        if self._words is None:
            rows = self.q("referral_words")
            self._words = evidence_index(
                ([t.split(":", 1)[1] for t in r["topics"] or []], r["quotes"] or [])
                for r in rows)
        return self._words

    def _holder(self, word: str, region: str) -> str:
        """The holder as :func:`shienmap.queries.case.resolve_holder` finds it, asking the
        store whether each candidate node exists."""
        named = [r["id"] for r in self.q("route_holder", name=word)
                 if INSTITUTION in r["labels"]]

        def exists(nid: str) -> bool:
            return any(r["id"] == nid for r in self.q("route_holder", name=nid.split(":", 1)[1]))

        return find_holder(word, region, self.onto, named[0] if named else None, exists,
                           list)

    # ------------------------------------------------------------ routing
    def route(self, case: Case, *, limit: int = 10) -> RouteResult:
        """Same answers as :func:`shienmap.queries.routing.route` on the NetworkX graph."""
        return self._pinned(lambda: self._route(case, limit))

    def _route(self, case: Case, limit: int) -> RouteResult:
        g = nx.MultiDiGraph()
        g.add_node(node_id(REGION, case.region), label=REGION, name=case.region)
        if case.holder is None:
            rows = self.q("entry_points", topics=sorted(case.topic_ids))
            ids = {r["id"] for r in rows}
            for r in self.q("referrals_around", ids=sorted(ids)):
                self._add_referral(g, r["source"], r["target"], r["props"])
                ids |= {r["source"], r["target"]}
        else:
            [s] = self.q("route_starts", holder=case.holder)
            starts = [s["holder"], *([s["kind"]] if s["kind"] else []), *s["broader"],
                      *s["peers"]]
            ids = set(starts)
            for r in self.q("route_paths", starts=starts):
                path = r["path"]
                for (u, v), props in zip(itertools.pairwise(path), r["referrals"], strict=True):
                    self._add_referral(g, u, v, props)
                ids |= set(path)
            for r in self.q("route_partners", holder=case.holder):
                g.add_edge(r["source"], r["target"], key=r["type"], type=r["type"],
                           **_unflatten(r["props"]))
                ids |= {r["source"], r["target"]}
        ids |= self._add_mandates(g, case)
        self._add_context(g, ids, case)
        handlers = {n for n, d in g.nodes(data=True) if d.get("label") in (INSTITUTION, KIND)}
        for r in self.q("referrals_around", ids=sorted(handlers)):  # what usually comes next
            if r["source"] in g and r["target"] in g:
                self._add_referral(g, r["source"], r["target"], r["props"])
        return route(g, case, limit=limit, onto=self.onto)

    def _add_mandates(self, g: nx.MultiDiGraph, case: Case) -> set[str]:
        """The 対応 edges of the case's topics (and their broader topics), and each kind's
        bodies in the case's region: what the mandate answers are made of."""
        topics = set(case.topics)
        topics |= {b for t in case.topics if (b := self.onto.topics[t].broader)}
        ids: set[str] = set()
        for r in self.q("route_mandates", topics=sorted(node_id(TOPIC, t) for t in topics),
                        region=node_id(REGION, case.region)):
            g.add_node(r["topic"], label=TOPIC, name=r["topic_name"])
            g.add_edge(r["handler"], r["topic"], key=HANDLES, type=HANDLES,
                       **{k: r[k] for k in ("role", "rank", "reference", "first")
                          if r[k] is not None})
            ids |= {r["handler"], *r["bodies"]}
        return ids

    def _add_referral(self, g: nx.MultiDiGraph, u: str, v: str, props: dict[str, Any]) -> None:
        if not g.has_edge(u, v, key=REFERRAL):
            g.add_edge(u, v, key=REFERRAL, type=REFERRAL, **_unflatten(props))

    def _add_context(self, g: nx.MultiDiGraph, ids: set[str], case: Case) -> None:
        """Nodes with their kinds, broader kinds, topics, the case region's instances, and,
        for a municipality, the bodies of those kinds located there."""
        seen: set[str] = set()
        todo = set(ids)
        local = case.region != case.prefecture  # kinds come down to bodies located there
        while todo:
            rows = self.q("route_context", ids=sorted(todo))
            seen |= todo
            todo = set()
            kinds = sorted(r["id"] for r in rows if KIND in r["labels"])
            if local and kinds:
                todo |= {b["id"] for b in self.q("kind_bodies_in_region", kinds=kinds,
                                                 region=node_id(REGION, case.region))}
            for r in rows:
                g.add_node(r["id"], label=_label(r["labels"]), **_unflatten(r["props"]))
                for o in r["out"]:
                    if o["type"] is None:
                        continue
                    g.add_edge(r["id"], o["target"], key=o["type"], type=o["type"])
                    if o["type"] != HANDLES:
                        todo.add(o["target"])
                    else:
                        g.add_node(o["target"], label=TOPIC)
                if TOPIC not in r["labels"] and KIND in r["labels"]:
                    name = r["props"]["name"]
                    narrower = self.onto.kind_for_region(name, case.region)  # 商工団体 -> 商工会
                    todo.add(node_id(KIND, narrower))
                    inst = self.onto.instance_name(narrower, case.region)
                    if inst:
                        todo.add(node_id(INSTITUTION, inst))
            todo -= seen
        for n in [n for n, d in g.nodes(data=True) if "label" not in d]:
            g.remove_node(n)  # an instance the store does not hold

    # ------------------------------------------------------------ hubs
    def hubs(self, *, region: str | None = None, relations: tuple[str, ...] = DEFAULT_RELATIONS,
             level: str = INSTITUTION, top: int | None = None, k: int | None = None,
             seed: int = 0, engine: str = "auto") -> list[HubRow]:
        """Same ranking as :func:`shienmap.queries.hubs.hubs` on the NetworkX graph.

        ``engine``: ``auto`` uses the server's algorithms when they apply (see
        :meth:`hub_engine`), ``client`` always computes here. :attr:`engine` then says which
        answered."""
        from neo4j.exceptions import Neo4jError

        chosen = (self.hub_engine(region=region, level=level, k=k) if engine == "auto"
                  else HubEngine(CLIENT, "asked", "the client engine was asked for"))
        if chosen.name == GDS:
            try:
                g, scores = self._pinned(lambda: (self._relations(relations),
                                                  self._gds(relations)))

                def centrality(h: nx.DiGraph) -> tuple[dict[str, float], dict[str, float]]:
                    return gds_to_networkx(h, *scores)

                rows = hubs(g, region=region, relations=relations, level=level, top=top,
                            onto=self.onto, centrality=centrality)
                self.engine = chosen
                return rows
            except (Neo4jError, StoreError) as exc:  # e.g. no memory for the projection
                msg = exc.message if isinstance(exc, Neo4jError) else str(exc)
                chosen = HubEngine(CLIENT, "gds_failed", f"Neo4j GDS failed: {msg}")
        g = self._pinned(lambda: self._relations(relations))
        self.engine = chosen
        return hubs(g, region=region, relations=relations, level=level, top=top, k=k,
                    seed=seed, onto=self.onto)

    def procedures(self) -> set[str]:
        """The server's procedure names (asked once)."""
        if self._procedures is None:
            from neo4j.exceptions import Neo4jError

            name = "procedures_neo4j" if self.store.dialect.name == "neo4j" else \
                "procedures_falkordb"
            try:
                self._procedures = {r["name"] for r in self.q(name)}
            except Neo4jError:  # a user not allowed to list them
                self._procedures = set()
        return self._procedures

    def hub_engine(self, *, region: str | None = None, level: str = INSTITUTION,
                   k: int | None = None) -> HubEngine:
        """The engine ``hubs`` will use: Neo4j GDS when the server has it and the question is
        the national 機関-level ranking with exact betweenness (a region or the 機関種別 level
        changes the graph analysed, ``--k`` asks for NetworkX's own sample), else the client."""
        found = self.procedures()
        if self.store.dialect.name != "neo4j":
            algos = [p for p in FALKORDB_ALGORITHMS if p in found]
            if algos:
                return HubEngine(CLIENT, "falkordb_differs",
                                 FALKORDB_NOT_USED.format(found=", ".join(algos)))
            return HubEngine(CLIENT, "no_algorithms", "the server has no graph algorithms")
        missing = [p for p in GDS_PROCEDURES if p not in found]
        if missing:
            return HubEngine(CLIENT, "no_gds", "the server has no Graph Data Science "
                                               f"library ({', '.join(missing)} missing)")
        if region is not None or level != INSTITUTION or k is not None:
            return HubEngine(CLIENT, "gds_not_national", "GDS is used for the national "
                             "機関-level ranking with exact betweenness only")
        return HubEngine(GDS, "gds", "Neo4j Graph Data Science (gds.betweenness.stream, "
                                     "gds.pageRank.stream)")

    def _gds(self, relations: tuple[str, ...]) -> tuple[dict[str, float], dict[str, float]]:
        """Raw betweenness and PageRank of the relation graph from GDS, on a projection
        named for this run and dropped afterwards."""
        graph = f"shienmap-hubs-{uuid.uuid4().hex}"
        directed = sorted(r for r in relations if r in DIRECTED_RELATIONS)
        self.q("hubs_gds_project", graph=graph, relations=list(relations), directed=directed)
        try:
            between = {r["id"]: r["score"] for r in self.q("hubs_gds_betweenness", graph=graph)}
            rank = {r["id"]: r["score"] for r in self.q("hubs_gds_pagerank", graph=graph)}
        finally:
            self.q("hubs_gds_drop", graph=graph)
        return between, rank

    def _relations(self, relations: tuple[str, ...]) -> nx.MultiDiGraph:
        """The institutions and kinds, and the relations of those types between them."""
        g = nx.MultiDiGraph()
        for r in self.q("relation_nodes"):
            g.add_node(r["id"], label=_label(r["labels"]), **_unflatten(r["props"]))
        for r in self.q("relation_edges", relations=list(relations)):
            attrs = {"type": r["type"]}
            if r["regions"]:
                attrs["regions"] = r["regions"]
            g.add_edge(r["source"], r["target"], key=r["type"], **attrs)
        return g


def _label(labels: list[str]) -> str:
    for label in labels:
        if label in LABELS:
            return label
    return labels[0] if labels else ""
