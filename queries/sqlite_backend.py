"""Routing served from the embedded store (:mod:`shienmap.graph.sqlite_store`): the unchanged
:func:`~shienmap.queries.routing.route` runs on the part of the graph a case can reach.

Routing reads four edge types (紹介, 種別, 対応, 上位種別) and, from each node it looks at, only
some of its edges: the part holds, for every such look-up, every edge the look-up can find in
the whole graph, so each sees what it sees there; nodes and edges keep the graph's order, so
ties break alike. A referral is *relevant* when it is about no topic in particular, or about a
case topic or a related one (every referral when the case names no topic): routing reads no
other out of a node (its index by topic; a peer group of other topics is never asked for).
The part is:

* every kind, topic and programme, the case region, every 対応 and 上位種別 edge and the
  institutions with a mandate (mandate answers);
* for the case region, each kind's registry body and, in a municipality, every institution
  located there with its 種別 edge (where a kind is brought down to a body);
* with a holder: the holder, its kind and broader kinds and every referral out of them (why
  no answer); the relevant referrals within ``max_hops`` of them (the search); the relevant
  referrals of the institutions of the holder's kind, with their 種別 edges (practice of the
  same kind elsewhere, not followed further);
* without a holder: each referral about a case topic that starts or ends at a kind or an
  institution of the case's prefecture (first contacts: who passes such cases on, and who
  receives none);
* the referrals about a case topic out of every node above that may be an answer (what
  usually comes after an answer): not the peers, nor their receivers in another prefecture
  (they stand for their kind's body in the case region), and the referrals between two
  nodes of the part with a kind at one end (a path's step between a body and its kind).

Evidence is loaded for referrals only (routing reads no other). The name index and region
check of :func:`shienmap.queries.case.make_case` are store look-ups. The parity tests
(tests/test_store.py) compare every answer with routing on the whole graph.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    BROADER,
    HANDLES,
    INSTITUTION,
    IS_KIND,
    KIND,
    PARTNER_RELATIONS,
    REFERRAL,
    REGION,
    node_id,
)
from shienmap.graph.sqlite_store import GraphStore, Row, open_store, stderr_message

from .case import Case, CaseError, case_from_words, check_region, find_holder
from .routing import MAX_HOPS, RouteResult, route
from .words import EvidenceIndex, evidence_index


@dataclass
class StoreBackend:
    """Cases and routing against a :class:`GraphStore`."""

    store: GraphStore
    onto: Ontology = field(default_factory=default_ontology)
    _words: EvidenceIndex | None = None
    _context: set[str] | None = None
    _structure: set[int] | None = None
    _kind_steps: list[Row] | None = None

    # ------------------------------------------------------------ cases
    def make_case(self, region: str, topics: list[str], holder: str | None = None) -> Case:
        """As :func:`shienmap.queries.case.make_case` on the whole graph."""
        return check_region(case_from_words(region, topics, self._holder, holder, self.onto,
                                            self._evidence_index), self.store.has_node)

    def _holder(self, word: str, region: str) -> str:
        """As :func:`shienmap.queries.case.resolve_holder`."""
        return find_holder(word, region, self.onto, self.store.institution_named(word),
                           self.store.has_node, lambda: self.store.institution_names_in(
                               self.onto.prefecture_of(region)))

    def _evidence_index(self) -> EvidenceIndex:
        """The evidence index of every referral (read only when a case's words name no
        topic as such)."""
        if self._words is None:
            db = self.store.db
            rows = db.execute("SELECT e.topics, v.evidence FROM edges e JOIN edge_evidence v "
                              "ON v.ord = e.ord WHERE e.key = ? ORDER BY e.ord", (REFERRAL,))
            self._words = evidence_index(
                ([t.split(":", 1)[1] for t in topics.split("\t")] if topics else [],
                 [ev["quote"] for ev in json.loads(evidence)]) for topics, evidence in rows)
        return self._words

    # ------------------------------------------------------------ routing
    def route(self, case: Case, *, limit: int = 10, max_hops: int = MAX_HOPS) -> RouteResult:
        """The answers of :func:`route` on the whole graph, from the case's part of it."""
        return route(self.subgraph(case, max_hops), case, limit=limit, max_hops=max_hops,
                     onto=self.onto)

    def subgraph(self, case: Case, max_hops: int = MAX_HOPS) -> nx.MultiDiGraph:
        """The part of the graph routing reads for the case (see the module docstring)."""
        nodes, edges = self.case_part(case, max_hops)
        return self.store.subgraph(nodes, edges, (REFERRAL, *PARTNER_RELATIONS))

    def case_part(self, case: Case, max_hops: int = MAX_HOPS) -> tuple[set[str], set[int]]:
        """The nodes and edges (their numbers) of the module docstring."""
        store = self.store
        nodes = {*self.context(), node_id(REGION, case.region)}
        edges = set(self.structure())
        answers = set(nodes)  # what may be an answer: its next steps are read
        found = {node_id(INSTITUTION, name) for k in self.kind_names()
                 if (name := self.onto.instance_name(k, case.region))}
        local: set[str] = set()
        if case.region != case.prefecture:
            local = store.ids("SELECT id FROM nodes WHERE region = ?",
                              (node_id(REGION, case.region),))
        found |= local
        nodes |= found
        answers |= found
        relevant = ["", *case.case_ids] if case.topic_ids else None

        def take(rows: list[Row]) -> set[str]:
            """Keep the referrals; their receivers."""
            for o, u, v in rows:
                edges.add(o)
                nodes.update((u, v))
            return {v for _, _, v in rows}

        if case.holder is not None:
            starts = self._starts(case.holder)
            nodes |= starts
            answers |= take(store.referrals("source", starts, None))
            seen, frontier = set(starts), set(starts)
            for _ in range(max_hops):
                reached = take(store.referrals("source", frontier, relevant))
                frontier = reached - seen
                seen |= reached
            answers |= seen
            for o, u, v in store.edges_where(  # the holder's partnerships, either way
                    f"e.key IN ({','.join('?' * len(PARTNER_RELATIONS))}) "
                    "AND (e.source = ? OR e.target = ?)",
                    (*PARTNER_RELATIONS, case.holder, case.holder)):
                edges.add(o)
                nodes.update((u, v))
                answers.update((u, v))
            kind = self._kind_of(case.holder)
            if kind is not None:  # a peer's receiver in another prefecture stands for its kind
                receivers = take(store.kind_referrals(kind, relevant))
                answers |= receivers - store.institutions_outside(receivers, case.prefecture)
        else:
            here = store.ids("SELECT id FROM nodes WHERE label = ? AND prefecture = ?",
                             (INSTITUTION, case.prefecture)) | self.kinds()
            take(store.referrals("source", here, case.topic_ids))
            take(store.referrals("target", here, case.topic_ids))
            answers |= nodes
        if case.topic_ids:
            take(store.referrals("source", answers, case.topic_ids))
        edges |= {o for o, u, v in self.kind_steps() if u in nodes and v in nodes}
        kind = self._kind_of(case.holder) if case.holder else None
        edges |= {o for o, u, v in store.edges_from(nodes, IS_KIND)
                  if v == kind or u in local}  # peers; bodies located in the municipality
        return nodes, edges

    def kind_steps(self) -> list[Row]:
        """The referrals from or to a kind (a step between a body and its kind on a path)."""
        if self._kind_steps is None:
            rows = self.store.db.execute(
                "SELECT e.ord, e.source, e.target FROM nodes k CROSS JOIN edges e "
                "ON e.source = k.id AND e.key = ?1 WHERE k.label = ?2 UNION "
                "SELECT e.ord, e.source, e.target FROM nodes k CROSS JOIN edges e "
                "ON e.target = k.id AND e.key = ?1 WHERE k.label = ?2", (REFERRAL, KIND))
            self._kind_steps = rows.fetchall()
        return self._kind_steps

    def structure(self) -> set[int]:
        """The edges of every mandate (対応) and broader kind (上位種別)."""
        if self._structure is None:
            self._structure = {o for o, _, _ in self.store.edges_where(
                "e.key IN (?, ?)", (HANDLES, BROADER))}
        return self._structure

    def kinds(self) -> set[str]:
        return self.store.ids("SELECT id FROM nodes WHERE label = ?", (KIND,))

    def context(self) -> set[str]:
        """Every kind, topic and programme (every node but institutions and regions), and
        the institutions with a mandate."""
        if self._context is None:
            self._context = self.store.ids("SELECT id FROM nodes WHERE label NOT IN (?, ?)",
                                           (INSTITUTION, REGION))
            self._context |= self.store.ids("SELECT source FROM edges WHERE key = ?",
                                            (HANDLES,))
        return self._context

    def kind_names(self) -> list[str]:
        """The names of the graph's kinds."""
        rows = self.store.db.execute("SELECT attrs FROM nodes WHERE label = ?", (KIND,))
        return [json.loads(a)["name"] for a, in rows]

    def _kind_of(self, n: str) -> str | None:
        row = self.store.db.execute("SELECT kind FROM nodes WHERE id = ?", (n,)).fetchone()
        return row[0] if row else None

    def _starts(self, holder: str) -> set[str]:
        """The holder, its kind and the kind's broader kinds."""
        out: set[str] = set()
        todo = [k] if (k := self._kind_of(holder)) else []
        while todo:
            k = todo.pop()
            if k not in out:
                out.add(k)
                todo += sorted(self.store.ids("SELECT target FROM edges WHERE source = ? "
                                              "AND key = ?", (k, BROADER)))
        return out | {holder}


STORE_MIN_BYTES = 20 * 2**20  # `route --store auto` uses the store for graph files this large


def route_with_store(graph_path: Path | str, region: str, topics: list[str],
                     holder: str | None, *, limit: int = 10,
                     on_message: Callable[[str], None] | None = None,
                     ) -> tuple[Case, RouteResult, nx.MultiDiGraph]:
    """The case, its answers and the graph they were computed on (with the ``documents``
    their evidence cites), from the graph file's store; a store found damaged while reading
    is reported, rebuilt and read again (raises :class:`CaseError` for unknown words)."""
    for attempt in (1, 2):
        store = open_store(graph_path, on_message=on_message)
        try:
            backend = StoreBackend(store, store.ontology())
            case = backend.make_case(region, topics, holder)
            g = backend.subgraph(case)
            result = route(g, case, limit=limit, onto=backend.onto)
            cited = {ev.get("doc") for answers in (result.answers, *result.by_topic.values())
                     for a in answers for ev in a.evidence}
            g.graph["documents"] = store.documents(d for d in cited if d)
            return case, result, g
        except (sqlite3.DatabaseError, ValueError, KeyError) as exc:
            if isinstance(exc, CaseError) or attempt == 2:
                raise
            (on_message or stderr_message)(f"the store {store.path} is damaged "
                                    f"({type(exc).__name__}: {exc}); rebuilding it")
            store.close()
            store.path.unlink(missing_ok=True)
        finally:
            store.close()
    raise AssertionError("unreachable")


__all__ = ["STORE_MIN_BYTES", "StoreBackend", "route_with_store"]
