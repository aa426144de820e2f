"""Routing served from the embedded store (:mod:`shienmap.graph.sqlite_store`): the unchanged
:func:`~shienmap.queries.routing.route` runs on the part of the graph a case can reach.

That part is the subgraph induced by a node set ``S`` with the edge types routing reads
(紹介, 種別, 対応, 上位種別). ``S`` holds every node routing looks at for the case, and, for each
look-up routing makes, every edge it can find there, so each look-up sees what it sees in the
whole graph; nodes and edges keep the graph's order, so ties break alike. A referral is
*relevant* when it is about no topic in particular, or about a case topic or a related one
(every referral when the case names no topic): routing reads no other from a node (its index
by topic). ``S`` is:

* every node that is not an institution (regions, kinds, topics, programmes);
* the institutions with a mandate (対応 edges: mandate answers) and, for the case region, each
  kind's registry body and, in a municipality, every institution located there (where a
  kind is brought down to a body);
* with a holder: the holder, its kind and broader kinds, everything they refer to (why no
  answer), everything within ``max_hops`` relevant referrals of them (the search), and the
  institutions of the holder's kind with their relevant referrals' receivers (practice of the
  same kind elsewhere, which is not followed further);
* without a holder: both ends of each referral about a case topic that starts or ends at a
  kind or an institution of the case's prefecture (first contacts: who passes such cases on,
  and who receives none);
* then the receivers of the referrals about a case topic out of every institution and kind
  above (what usually comes after an answer).

Evidence is loaded for referrals only (routing reads no other). The name index and region
check of :func:`shienmap.queries.case.make_case` are store look-ups.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    BROADER,
    HANDLES,
    INSTITUTION,
    IS_KIND,
    KIND,
    REFERRAL,
    REGION,
    node_id,
)
from shienmap.graph.sqlite_store import GraphStore, Row

from .case import Case, CaseError, case_from_words, holder_node
from .routing import MAX_HOPS, RouteResult, route
from .words import EvidenceIndex, evidence_index, holder_candidates, holder_suggestions


@dataclass
class StoreBackend:
    """Cases and routing against a :class:`GraphStore`."""

    store: GraphStore
    onto: Ontology = field(default_factory=default_ontology)
    _words: EvidenceIndex | None = None
    _context: set[str] | None = None
    _structure: set[int] | None = None

    # ------------------------------------------------------------ cases
    def make_case(self, region: str, topics: list[str], holder: str | None = None) -> Case:
        """As :func:`shienmap.queries.case.make_case` on the whole graph."""
        case = case_from_words(region, topics, self._holder, holder, self.onto,
                               self._evidence_index)
        if not self.store.has_node(node_id(REGION, case.region)):
            raise CaseError(f"region {case.region!r} is not in the graph; rebuild it with this "
                            "version")
        return case

    def _holder(self, word: str, region: str) -> str:
        """As :func:`shienmap.queries.case.resolve_holder`."""
        named = self.store.institution_named(word)
        if named is not None:
            return named
        found = holder_node(holder_candidates(word, self.onto), region, self.onto,
                            self.store.has_node)
        if found is not None:
            return found
        bodies = self.store.institution_names_in(self.onto.prefecture_of(region))
        near = holder_suggestions(word, self.onto, bodies)
        raise CaseError(f"unknown holder {word!r} (an institution or a kind of institution); "
                        f"closest: {'、'.join(near) if near else '(none)'}")

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
        return self.store.subgraph(nodes, edges, (REFERRAL,))

    def case_part(self, case: Case, max_hops: int = MAX_HOPS) -> tuple[set[str], set[int]]:
        """The nodes and edges (their numbers) of the module docstring."""
        store = self.store
        nodes, edges = set(self.context()), set(self.structure())
        answers = set(nodes)  # what may be an answer: its next steps are read
        found = {node_id(INSTITUTION, name) for k in self.kind_names()
                 if (name := self.onto.instance_name(k, case.region))}
        if case.region != case.prefecture:
            found |= store.ids("SELECT id FROM nodes WHERE region = ?",
                               (node_id(REGION, case.region),))
        nodes |= found
        answers |= found
        relevant = _relevance(case)

        def take(rows: list[Row], keep: Any = relevant) -> set[str]:
            """Keep the rows that pass ``keep``; their receivers."""
            out = set()
            for o, u, v, t in rows:
                if keep(t):
                    edges.add(o)
                    nodes.update((u, v))
                    out.add(v)
            return out

        if case.holder is not None:
            starts = self._starts(case.holder)
            nodes |= starts
            answers |= take(store.edges_from(starts, REFERRAL), lambda t: True)
            seen, frontier = set(starts), set(starts)
            for _ in range(max_hops):
                reached = take(store.edges_from(frontier, REFERRAL))
                frontier = reached - seen
                seen |= reached
            answers |= seen
            kind = self._kind_of(case.holder)
            if kind is not None:
                answers |= take(store.edges_where(
                    "e.key = ? AND e.source IN (SELECT source FROM edges WHERE target = ? "
                    "AND key = ?)", (REFERRAL, kind, IS_KIND)))
        else:
            topics = case.topic_ids
            here = store.ids("SELECT id FROM nodes WHERE label = ? AND prefecture = ?",
                             (INSTITUTION, case.prefecture)) | self.kinds()
            take([*store.edges_from(here, REFERRAL), *store.edges_to(here, REFERRAL)],
                 lambda t: bool(t) and not topics.isdisjoint(t.split("\t")))
            answers |= nodes
        take(store.edges_from(answers, REFERRAL),
             lambda t: bool(t) and not case.topic_ids.isdisjoint(t.split("\t")))
        rows = store.edges_where("e.key = ? AND (e.source IN (SELECT id FROM nodes WHERE "
                                 "label = ?) OR e.target IN (SELECT id FROM nodes WHERE "
                                 "label = ?))", (REFERRAL, KIND, KIND))
        edges |= {o for o, u, v, _ in rows if u in nodes and v in nodes}  # kind steps
        edges |= {o for o, _, _, _ in store.edges_from(nodes, IS_KIND)}
        return nodes, edges

    def structure(self) -> set[int]:
        """The edges of every mandate (対応) and broader kind (上位種別)."""
        if self._structure is None:
            self._structure = {o for o, _, _, _ in store_rows(self.store, (HANDLES, BROADER))}
        return self._structure

    def kinds(self) -> set[str]:
        return self.store.ids("SELECT id FROM nodes WHERE label = ?", (KIND,))

    def context(self) -> set[str]:
        """Every node that is not an institution, and the institutions with a mandate."""
        if self._context is None:
            self._context = self.store.ids("SELECT id FROM nodes WHERE label != ?",
                                           (INSTITUTION,))
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
        out = {holder}
        todo = [k] if (k := self._kind_of(holder)) else []
        while todo:
            k = todo.pop()
            if k not in out:
                out.add(k)
                todo += [v for _, _, v, _ in self.store.edges_from([k], BROADER)]
        return out


def store_rows(store: GraphStore, keys: tuple[str, ...]) -> list[Row]:
    """Every edge of these types."""
    return store.edges_where(f"e.key IN ({','.join('?' * len(keys))})", keys)


def _relevance(case: Case) -> Any:
    """Whether a referral (its topics, tab-separated) can bear on the case."""
    if not case.topic_ids:
        return lambda topics: True
    ids = case.case_ids
    return lambda topics: not topics or not ids.isdisjoint(topics.split("\t"))


__all__ = ["StoreBackend"]
