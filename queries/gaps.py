"""Where is the network thin? Expected links between institution kinds, per prefecture.

The national documents say which kinds of institution work together: the graph's kind-level
edges (機関種別 -> 機関種別) of the four relation types, e.g. 信用保証協会 -紹介-> 中小企業活性化
協議会 or 地域金融機関 -出向-> 中小企業活性化協議会. Each such statement is an *expectation*.
For every prefecture and expectation this module asks: do the documents record that link in
this prefecture? A link is documented in prefecture P when an edge of the same relation type
joins ends of those kinds (an institution of a narrower kind counts: 八十二銀行 is a 銀行, a
地域金融機関 and a 金融機関) and either every named-institution end is located in P, or the
edge carries P (or a municipality of P) in its ``regions``. Directed types (紹介, 出向) count
in the stated direction only; 協定 and 同行訪問 either way.

Results are plain records, sorted deterministically (prefectures by JIS code; expectations by
relation type, then kind names): :func:`gaps` gives one :class:`GapCell` per prefecture and
expectation, :func:`pair_summary` and :func:`prefecture_summary` fold them per expectation and
per prefecture.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from shienmap.documents import Documents
from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    DIRECTED_RELATIONS,
    INSTITUTION,
    INSTITUTION_RELATIONS,
    KIND,
)
from shienmap.queries.hubs import edge_in_region


class GapError(ValueError):
    """A bad argument: unknown relation type, kind or prefecture."""


@dataclass(frozen=True)
class Expectation:
    """A pair of institution kinds that should be linked by ``relation``.

    ``kind_a`` -> ``kind_b`` for a directed type (referrer -> receiver, sender -> receiver);
    for an undirected type the two names are in sorted order. ``statements`` are the kind-level
    edges it rests on (empty for a pair the user asked about that no document states).
    """

    relation: str
    kind_a: str
    kind_b: str
    statements: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    @property
    def directed(self) -> bool:
        return self.relation in DIRECTED_RELATIONS

    @property
    def expected(self) -> bool:
        """Whether a document states it in general (a kind-level edge)."""
        return bool(self.statements)

    @property
    def key(self) -> str:
        """A short stable name: ``信用保証協会→中小企業活性化協議会 (紹介)``."""
        arrow = "→" if self.directed else "—"
        return f"{self.kind_a}{arrow}{self.kind_b} ({self.relation})"


@dataclass
class GapCell:
    """One prefecture and one expectation: the documented links, their evidence and date."""

    prefecture: str
    code: str
    expectation: Expectation
    links: list[dict[str, Any]] = field(default_factory=list)
    latest: str | None = None  # the latest date of the documents that record a link

    @property
    def documented(self) -> bool:
        return bool(self.links)

    @property
    def documents(self) -> list[str]:
        """File names of the documents that record a link here, sorted."""
        return sorted({ev["doc"] for link in self.links for ev in link["evidence"]})

    def as_dict(self) -> dict[str, Any]:
        """JSON form; keys are English and stable."""
        x = self.expectation
        return {"prefecture": self.prefecture, "code": self.code, "relation": x.relation,
                "kind_a": x.kind_a, "kind_b": x.kind_b, "directed": x.directed,
                "expected": x.expected, "documented": self.documented,
                "latest": self.latest, "documents": self.documents, "links": self.links,
                "expectation_evidence": [dict(s) for s in x.statements]}


@dataclass
class PairRow:
    """One expectation across the prefectures."""

    expectation: Expectation
    documented: list[str]  # prefectures with a documented link, in JIS order
    missing: list[str]
    latest: str | None


@dataclass
class PrefectureRow:
    """One prefecture across the expectations."""

    prefecture: str
    code: str
    documented: list[str]  # expectation keys with a documented link
    missing: list[str]
    latest: str | None

    @property
    def share(self) -> float:
        total = len(self.documented) + len(self.missing)
        return len(self.documented) / total if total else 0.0


# ---------------------------------------------------------------- expectations


def _kind_name(g: nx.MultiDiGraph, n: str) -> str | None:
    d = g.nodes[n]
    if d.get("label") == KIND:
        return d["name"]
    if d.get("label") == INSTITUTION:
        return d.get("type")
    return None


class _Kinds:
    """Cached kind chains (a kind and its broader kinds) of the graph's nodes."""

    def __init__(self, g: nx.MultiDiGraph, onto: Ontology) -> None:
        self.g, self.onto = g, onto
        self._chain: dict[str, tuple[str, ...]] = {}

    def chain(self, n: str) -> tuple[str, ...]:
        if n not in self._chain:
            kind = _kind_name(self.g, n)
            self._chain[n] = tuple(self.onto.kind_ancestors(kind)) if kind else ()
        return self._chain[n]

    def is_a(self, n: str, kind: str) -> bool:
        return kind in self.chain(n)


def _check_relations(relations: Iterable[str]) -> tuple[str, ...]:
    rels = tuple(relations)
    unknown = [r for r in rels if r not in INSTITUTION_RELATIONS]
    if unknown:
        raise GapError(f"unknown relation type(s) {unknown}; use "
                       f"{'、'.join(INSTITUTION_RELATIONS)}")
    return rels


def resolve_kind(text: str, onto: Ontology | None = None) -> str:
    """The canonical kind a name or alias means (保証協会 -> 信用保証協会)."""
    onto = onto or default_ontology()
    kind = onto.kind(text)
    if kind is None:
        known = sorted(onto.kinds)
        close = [k for k in known if text in k or k in text][:5]
        hint = f"; did you mean {'、'.join(close)}?" if close else ""
        raise GapError(f"unknown institution kind {text!r}{hint}")
    return kind.name


def expectations(g: nx.MultiDiGraph, *, relations: Iterable[str] = INSTITUTION_RELATIONS,
                 kinds: tuple[str, str] | None = None,
                 onto: Ontology | None = None) -> list[Expectation]:
    """The expected pairs: the graph's kind-level edges of ``relations``, one per relation type
    and pair of kinds (their statements merged).

    With ``kinds`` (two kind names or aliases, in any order): the expectations about that pair,
    where a statement about broader kinds counts (金融機関 -紹介-> よろず支援拠点 covers 信用金庫
    and よろず支援拠点); a pair no document states in general is still examined, in each
    direction of a directed type, and kept when some prefecture documents it.
    """
    onto = onto or default_ontology()
    rels = _check_relations(relations)
    statements: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        if k not in rels or g.nodes[u].get("label") != KIND or g.nodes[v].get("label") != KIND:
            continue
        a, b = g.nodes[u]["name"], g.nodes[v]["name"]
        if a == b:
            continue
        if k not in DIRECTED_RELATIONS:
            a, b = sorted((a, b))
        statements.setdefault((k, a, b), []).extend(
            {"source": u, "target": v, **ev} for ev in d.get("evidence", []))
    if kinds is None:
        out = [Expectation(k, a, b, tuple(ev)) for (k, a, b), ev in statements.items()]
        return sorted(out, key=_order)
    a, b = (resolve_kind(x, onto) for x in kinds)
    if a == b:
        raise GapError(f"give two different kinds, not {a} twice")
    out = []
    for k in rels:
        pairs = [(a, b), (b, a)] if k in DIRECTED_RELATIONS else [tuple(sorted((a, b)))]
        for x, y in pairs:
            found = [ev for (kk, sa, sb), evs in statements.items()
                     if kk == k and _covers(onto, sa, sb, x, y, k) for ev in evs]
            out.append(Expectation(k, x, y, tuple(found)))
    return sorted(out, key=_order)


def _covers(onto: Ontology, sa: str, sb: str, x: str, y: str, relation: str) -> bool:
    """Whether a statement about kinds (sa, sb) covers the pair (x, y)."""
    ax, ay = onto.kind_ancestors(x), onto.kind_ancestors(y)
    if sa in ax and sb in ay:
        return True
    return relation not in DIRECTED_RELATIONS and sa in ay and sb in ax


def _order(x: Expectation) -> tuple[int, str, str]:
    return (INSTITUTION_RELATIONS.index(x.relation), x.kind_a, x.kind_b)


# ---------------------------------------------------------------- per prefecture


def prefectures(onto: Ontology | None = None) -> list[tuple[str, str]]:
    """(name, JIS code) of the 47 prefectures, in code order."""
    onto = onto or default_ontology()
    prefs = [(r.name, r.code or "") for r in onto.regions.values() if r.level == "都道府県"]
    return sorted(prefs, key=lambda p: (p[1], p[0]))


def gaps(g: nx.MultiDiGraph, *, relations: Iterable[str] = INSTITUTION_RELATIONS,
         kinds: tuple[str, str] | None = None, region: str | None = None,
         onto: Ontology | None = None) -> list[GapCell]:
    """One :class:`GapCell` per prefecture and expectation (see the module docstring).

    ``region`` keeps one prefecture (a municipality means its prefecture). With ``kinds``,
    expectations that no prefecture documents and no document states are dropped.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("機関種別:信用保証協会", label="機関種別", name="信用保証協会")
    >>> g.add_node("機関種別:中小企業活性化協議会", label="機関種別", name="中小企業活性化協議会")
    >>> g.add_node("機関:栃木県信用保証協会", label="機関", name="栃木県信用保証協会",
    ...            type="信用保証協会", region="地域:栃木県")
    >>> g.add_node("機関:栃木県中小企業活性化協議会", label="機関",
    ...            name="栃木県中小企業活性化協議会", type="中小企業活性化協議会",
    ...            region="地域:栃木県")
    >>> ev = {"doc": "a.txt", "start": 0, "end": 1, "quote": "…"}
    >>> g.add_edge("機関種別:信用保証協会", "機関種別:中小企業活性化協議会", key="紹介",
    ...            evidence=[ev])
    '紹介'
    >>> g.add_edge("機関:栃木県信用保証協会", "機関:栃木県中小企業活性化協議会", key="紹介",
    ...            evidence=[ev])
    '紹介'
    >>> cells = gaps(g)
    >>> [(c.prefecture, c.documented) for c in cells if c.prefecture in ("栃木県", "群馬県")]
    [('栃木県', True), ('群馬県', False)]
    """
    onto = onto or default_ontology()
    rels = _check_relations(relations)
    expected = expectations(g, relations=rels, kinds=kinds, onto=onto)
    prefs = prefectures(onto)
    if region is not None:
        r = onto.region(region)
        pref = onto.prefecture_of(r.name) if r else None
        if pref is None:
            raise GapError(f"unknown prefecture {region!r}")
        prefs = [p for p in prefs if p[0] == pref]
    kinds_of = _Kinds(g, onto)
    docs = Documents(g)
    edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True) if k in rels]
    cells: list[GapCell] = []
    for x in expected:
        matching = [e for e in edges if e[2] == x.relation and _matches(kinds_of, x, e[0], e[1])]
        for name, code in prefs:
            links = [_link(g, u, v, k, d) for u, v, k, d in matching
                     if edge_in_region(g, u, v, d, name, onto, strict=True)]
            links.sort(key=lambda link: (link["source"], link["target"]))
            cell = GapCell(name, code, x, links)
            cell.latest = docs.latest(cell.documents)
            cells.append(cell)
    if kinds is not None:
        keep = {c.expectation for c in cells if c.documented or c.expectation.expected}
        cells = [c for c in cells if c.expectation in keep]
    return cells


def _matches(kinds: _Kinds, x: Expectation, u: str, v: str) -> bool:
    if kinds.is_a(u, x.kind_a) and kinds.is_a(v, x.kind_b):
        return True
    return not x.directed and kinds.is_a(u, x.kind_b) and kinds.is_a(v, x.kind_a)


def _link(g: nx.MultiDiGraph, u: str, v: str, k: str, d: dict[str, Any]) -> dict[str, Any]:
    link: dict[str, Any] = {"source": u, "target": v, "type": k,
                            "source_name": g.nodes[u]["name"], "target_name": g.nodes[v]["name"],
                            "evidence": list(d.get("evidence", []))}
    for key in ("count", "period", "regions"):
        if d.get(key) is not None:
            link[key] = d[key]
    return link


# ---------------------------------------------------------------- summaries


def pair_summary(cells: list[GapCell]) -> list[PairRow]:
    """Per expectation: which prefectures document it and which do not (cells' order)."""
    rows: dict[Expectation, PairRow] = {}
    for c in cells:
        row = rows.setdefault(c.expectation, PairRow(c.expectation, [], [], None))
        (row.documented if c.documented else row.missing).append(c.prefecture)
        if c.latest and (row.latest is None or c.latest > row.latest):
            row.latest = c.latest
    return list(rows.values())


def prefecture_summary(cells: list[GapCell]) -> list[PrefectureRow]:
    """Per prefecture: which expectations it documents and which not (JIS order)."""
    rows: dict[str, PrefectureRow] = {}
    for c in cells:
        row = rows.setdefault(c.prefecture, PrefectureRow(c.prefecture, c.code, [], [], None))
        (row.documented if c.documented else row.missing).append(c.expectation.key)
        if c.latest and (row.latest is None or c.latest > row.latest):
            row.latest = c.latest
    return sorted(rows.values(), key=lambda r: (r.code, r.prefecture))


__all__ = ["Expectation", "GapCell", "GapError", "PairRow", "PrefectureRow", "expectations",
           "gaps", "pair_summary", "prefecture_summary", "prefectures", "resolve_kind"]
