"""Which documents a node's relations come from: the corpus bias behind a centrality figure.

Centrality here measures what the documents say, not how important an institution is: a body
that publishes a report about its own programmes is named in many of its relations. For each
node of the relation graph analysed by :func:`shienmap.queries.hubs.hubs` (same relation types,
region and level), :func:`document_coverage` counts the evidence sentences of its relations per
document, so a table can show "92% from one document" beside the hub score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import INSTITUTION, KIND, node_id
from shienmap.queries.hubs import DEFAULT_RELATIONS, edge_in_region


@dataclass(frozen=True)
class Coverage:
    """Evidence sentences of one node's relations, per document."""

    by_document: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_document.values())

    @property
    def documents(self) -> int:
        return len(self.by_document)

    @property
    def top(self) -> tuple[str | None, float]:
        """(the document most of them come from, its share 0..1)."""
        if not self.by_document:
            return None, 0.0
        doc, n = max(sorted(self.by_document.items()), key=lambda kv: kv[1])
        return doc, n / self.total

    def summary(self) -> CoverageSummary:
        """What a table shows of it (kept in the hubs cache)."""
        doc, _ = self.top
        return CoverageSummary(self.total, self.documents, doc,
                               self.by_document[doc] if doc else 0)


@dataclass(frozen=True)
class CoverageSummary:
    """A :class:`Coverage` reduced to what tables show: totals and the leading document."""

    total: int
    documents: int
    top_document: str | None
    top_count: int

    @property
    def top(self) -> tuple[str | None, float]:
        """(the document most of them come from, its share 0..1), as :attr:`Coverage.top`."""
        return self.top_document, (self.top_count / self.total if self.total else 0.0)


def document_coverage(g: nx.MultiDiGraph, *, region: str | None = None,
                      relations: Iterable[str] = DEFAULT_RELATIONS, level: str = INSTITUTION,
                      onto: Ontology | None = None) -> dict[str, Coverage]:
    """Per node of the relation graph (as :func:`~shienmap.queries.hubs.relation_graph` builds
    it): evidence sentences of its relations per document."""
    onto = onto or default_ontology()
    rels = set(relations)
    region_name = None
    if region is not None:
        r = onto.region(region)
        region_name = r.name if r else region

    def mapped(n: str) -> str | None:
        d = g.nodes[n]
        if level == INSTITUTION:
            return n if d.get("label") == INSTITUTION else None
        if d.get("label") == KIND:
            return n
        return node_id(KIND, d["type"]) if d.get("label") == INSTITUTION else None

    counts: dict[str, Counter[str]] = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        if k not in rels:
            continue
        a, b = mapped(u), mapped(v)
        if a is None or b is None or a == b:
            continue
        if region_name is not None and not edge_in_region(
                g, u, v, d, region_name, onto, strict=level == INSTITUTION):
            continue
        docs = Counter(ev["doc"] for ev in d.get("evidence", []))
        for n in (a, b):
            counts.setdefault(n, Counter()).update(docs)
    return {n: Coverage(dict(sorted(c.items()))) for n, c in counts.items()}


def corpus_shares(coverage: dict[str, Coverage]) -> dict[str, float]:
    """Share of all relation evidence per document (each relation counted at both ends)."""
    total: Counter[str] = Counter()
    for c in coverage.values():
        total.update(c.by_document)
    n = sum(total.values()) or 1
    return {doc: k / n for doc, k in sorted(total.items())}


__all__ = ["Coverage", "CoverageSummary", "corpus_shares", "document_coverage"]
