"""Builds the evidenced NetworkX graph: reference nodes from the ontology, then the nodes
and edges the loaders extract, merged across documents with evidence accumulated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from .ontology import Ontology
from .schema import (
    BROADER,
    DIRECTED_RELATIONS,
    HANDLES,
    INSTITUTION,
    IS_KIND,
    KIND,
    LOCATED_IN,
    PART_OF,
    PROGRAMME,
    REGION,
    TOPIC,
    node_id,
)


@dataclass(frozen=True)
class Evidence:
    """Where a fact is stated: a span of a document's normalised text."""

    doc: str
    start: int
    end: int
    quote: str

    def as_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "start": self.start, "end": self.end, "quote": self.quote}


class GraphBuilder:
    """Accumulates nodes and edges into a ``MultiDiGraph`` keyed by relationship type."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        self.g = nx.MultiDiGraph()
        self._seen: dict[int, set[tuple[str, int, int]]] = {}
        self._add_reference()

    # ---------------------------------------------------------------- reference data
    def _add_reference(self) -> None:
        o = self.onto
        for r in o.regions.values():
            self.g.add_node(node_id(REGION, r.name), label=REGION, name=r.name, level=r.level,
                            code=r.code, source=r.source, evidence=[])
        for r in o.regions.values():
            if r.parent:
                self._structural(node_id(REGION, r.name), node_id(REGION, r.parent), PART_OF,
                                 reference=r.source)
        for t in o.topics.values():
            self.g.add_node(node_id(TOPIC, t.name), label=TOPIC, name=t.name,
                            aliases=sorted(t.aliases), source=o.sources["topics"], evidence=[])
        for k in o.kinds.values():
            self.g.add_node(node_id(KIND, k.name), label=KIND, name=k.name, category=k.category,
                            aliases=sorted({*k.aliases, *k.former_names}),
                            former_names=sorted(k.former_names),
                            per_prefecture=k.per_prefecture,
                            source=k.per_prefecture_source or "shienmap ontology (kinds.toml)",
                            evidence=[])
        for k in o.kinds.values():
            if k.parent:
                self._structural(node_id(KIND, k.name), node_id(KIND, k.parent), BROADER,
                                 reference="shienmap ontology (kinds.toml)")
        for name, (kind, region) in sorted(o.instances.items()):
            # every prefecture's body of each per-prefecture kind (the registry of kinds.toml:
            # 47 信用保証協会 and the 4 city ones, 47 よろず支援拠点 …), cited, with no evidence
            self.institution(name, kind, region)
        for m in o.mandates:
            if m.is_kind:
                handler = node_id(KIND, m.handler)
            else:
                known = o.institutions[m.handler]
                handler = self.institution(known.name, known.type, known.region)
            first = {"first": True} if m.first else {}
            self._structural(handler, node_id(TOPIC, m.topic), HANDLES, reference=m.source,
                             role=m.role, rank=m.rank, **first)

    def _structural(self, u: str, v: str, rtype: str, **props: Any) -> None:
        """A structural edge; ``reference`` names the public document it rests on (edges
        cannot use ``source``, which node-link JSON reserves for the start node)."""
        if not self.g.has_edge(u, v, key=rtype):
            self.g.add_edge(u, v, key=rtype, type=rtype, evidence=[], **props)

    # ---------------------------------------------------------------- nodes
    def institution(self, name: str, kind: str, region: str | None,
                    evidence: Evidence | None = None, alias: str | None = None) -> str:
        """Ensure an institution node (with its kind and region edges); return its id."""
        nid = node_id(INSTITUTION, name)
        if nid not in self.g:
            known = self.onto.institution(name)
            inst = self.onto.instances.get(name)
            region = region or (known.region if known else None) or (inst[1] if inst else None)
            props: dict[str, Any] = {
                "label": INSTITUTION, "name": name, "type": kind,
                "region": node_id(REGION, region) if region else None,
                "aliases": sorted(known.aliases) if known else [], "evidence": [],
            }
            if inst:
                props["source"] = self.onto.kinds[inst[0]].per_prefecture_source
            elif known and (known.region_source or known.source):
                props["source"] = known.region_source or known.source
            elif known:
                props["source"] = "shienmap reference data (institutions.toml)"
            self.g.add_node(nid, **props)
            basis = props.get("source", "extracted")
            self._structural(nid, node_id(KIND, kind), IS_KIND, reference=basis)
            if region:
                self._structural(nid, node_id(REGION, region), LOCATED_IN, reference=basis)

        node = self.g.nodes[nid]
        if alias and alias != name and alias not in node["aliases"]:
            node["aliases"] = sorted([*node["aliases"], alias])
        if evidence is not None:
            self._add_evidence(node["evidence"], evidence)
        return nid

    def mention_node(self, label: str, name: str, evidence: Evidence) -> str:
        """Record evidence on a kind, region or topic node; create a programme node."""
        nid = node_id(label, name)
        if nid not in self.g:
            if label != PROGRAMME:
                raise KeyError(f"unknown {label}: {name}")
            known = self.onto.programme(name)
            self.g.add_node(nid, label=PROGRAMME, name=name,
                            aliases=sorted(known.aliases) if known else [], evidence=[])
        self._add_evidence(self.g.nodes[nid]["evidence"], evidence)
        return nid

    # ---------------------------------------------------------------- edges
    def relation(self, u: str, v: str, rtype: str, evidence: Evidence, **props: Any) -> None:
        """Add or merge an extracted edge; undirected types are stored once per pair."""
        if rtype not in DIRECTED_RELATIONS and v < u:
            u, v = v, u
        if u == v:
            return
        data = self.g.get_edge_data(u, v, rtype)  # the edge's own attribute dict
        if data is None:
            self.g.add_edge(u, v, key=rtype, type=rtype, evidence=[], topics=[])
            data = self.g.get_edge_data(u, v, rtype)
        self._add_evidence(data["evidence"], evidence)
        for k, val in props.items():
            if val is None:
                continue
            if k == "topics":
                data["topics"] = sorted({*data["topics"], *val})
            elif k == "region":
                regions = set(data.get("regions", [])) | {val}
                data["regions"] = sorted(regions)
            else:
                data[k] = val


    def _add_evidence(self, items: list[dict[str, Any]], ev: Evidence) -> None:
        seen = self._seen.setdefault(id(items), set())
        key = (ev.doc, ev.start, ev.end)
        if key not in seen:
            seen.add(key)
            items.append(ev.as_dict())

    def finish(self) -> nx.MultiDiGraph:
        """Sort every evidence list by (doc, start, end) and return the graph."""
        def order(e: dict[str, Any]) -> tuple[str, int, int]:
            return (e["doc"], e["start"], e["end"])

        for _, d in self.g.nodes(data=True):
            d.get("evidence", []).sort(key=order)
        for _, _, d in self.g.edges(data=True):
            d["evidence"].sort(key=order)
        self._seen.clear()
        return self.g
