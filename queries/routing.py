"""Who handles this case next: ranked institutions with the path and evidence that justify them.

The search walks documented referrals (紹介 edges) out of the holder — the institution itself,
its kind and the kind's broader kinds (信用金庫 -> 地域金融機関 -> 金融機関), and, at a discount,
institutions of the same kind elsewhere whose documented practice may carry over. Every hop
of a returned path is an edge of the graph: 紹介 edges, and 種別 edges between an institution
and its kind (used to generalise a flow documented in another prefecture and to bring a kind
down to the case region's own institution where the graph has it).

Score of an answer (highest first, ties by id):

* topic fit: +2 for each case topic the referral's evidence is about (divided by the
  square root of the number of topics it is about), +1 for each case topic the receiver
  handles (対応); a referral about other topics only is not used; one about no topic in
  particular counts 0.3;
* region: +3 when the referral is documented for the case's prefecture (regional flows
  outrank general rules); a flow documented for another prefecture counts 0.7;
* support: +0.1 per evidence sentence (up to 5), +0.5 per case word found in the evidence,
  +1 for a hard case (難しい案件) when the evidence speaks of difficult cases;
  answers under 5% of the best are dropped as noise;
* related topics (topics.toml `related`) count half;
* distance: ×0.5 for each further referral hop; ×0.9 per step from the holder up to its kind
  and broader kinds; ×0.4 for practice borrowed from an institution of the same kind elsewhere.

Without a holder the answers are where a firm would first go for those topics: +1 for each
case topic an institution or kind handles (対応), +0.5 when documents show it passing or
receiving such cases, +2 when they show it taking them first (it refers them on and receives
none), +3 when that is documented in the case's region.
"""

from __future__ import annotations

import itertools
import math
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
    fold,
    node_id,
)

from .case import Case

MAX_HOPS = 3
HOP_DECAY = 0.5
KIND_STEP = 0.9
PEER_DISCOUNT = 0.4
ELSEWHERE = 0.7
REGIONAL_BONUS = 3.0
MIN_SCORE = 0.05
RELATIVE_FLOOR = 0.05
_FIRST_CONTACT_BONUS = 2.0
_DOCUMENTED_BONUS = 0.5


@dataclass
class RouteAnswer:
    """One ranked answer. ``path`` runs from the holder (or the region) to ``id``."""

    id: str
    name: str
    label: str
    type: str
    region: str | None
    score: float
    path: list[str]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    instance: str | None = None  # the case region's institution of this kind, per the ontology

    def as_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "name": self.name, "label": self.label, "type": self.type,
             "region": self.region, "score": round(self.score, 4), "path": self.path,
             "evidence": self.evidence}
        if self.instance:
            d["instance"] = self.instance
        return d


@dataclass
class RouteResult:
    """The answers, best first, and why there are none when there are none."""

    case: Case
    answers: list[RouteAnswer]
    reason: str = ""


class _Graph:
    """Cached look-ups over the graph for one routing call."""

    def __init__(self, g: nx.MultiDiGraph, onto: Ontology) -> None:
        self.g = g
        self.onto = onto
        self._handles: dict[str, frozenset[str]] = {}

    def label(self, n: str) -> str:
        return self.g.nodes[n].get("label", "")

    def kind_of(self, n: str) -> str | None:
        d = self.g.nodes[n]
        if d.get("label") == KIND:
            return n
        if d.get("label") == INSTITUTION:
            return node_id(KIND, d["type"])
        return None

    def broader(self, kind: str) -> list[str]:
        return [v for _, v, k in self.g.out_edges(kind, keys=True) if k == BROADER]

    def prefecture(self, n: str) -> str | None:
        region = self.g.nodes[n].get("region")
        if not region:
            return None
        return self.onto.prefecture_of(region.split(":", 1)[1])

    def handles(self, n: str, inherit: bool = True) -> frozenset[str]:
        key = f"{n}|{inherit}"
        if key not in self._handles:
            own = {v for _, v, k in self.g.out_edges(n, keys=True) if k == HANDLES}
            kind = self.kind_of(n)
            if kind and kind != n:
                own |= {v for _, v, k in self.g.out_edges(kind, keys=True) if k == HANDLES}
            if inherit and kind:
                todo = self.broader(kind)
                while todo:
                    b = todo.pop()
                    own |= {v for _, v, k in self.g.out_edges(b, keys=True) if k == HANDLES}
                    todo += self.broader(b)
            self._handles[key] = frozenset(own)
        return self._handles[key]

    def flow_prefecture(self, u: str, v: str, data: dict[str, Any]) -> str | None:
        """The prefecture a referral is documented for, or None for a general rule."""
        prefs = {self.onto.prefecture_of(r.split(":", 1)[1]) for r in data.get("regions", [])}
        prefs |= {self.prefecture(n) for n in (u, v) if self.label(n) == INSTITUTION}
        prefs.discard(None)
        return prefs.pop() if len(prefs) == 1 else None

    def regional_instance(self, kind: str, region: str) -> tuple[str | None, str | None]:
        """(node id if in the graph, name per the ontology) of a kind's institution in a region."""
        name = self.onto.instance_name(self.g.nodes[kind]["name"], region)
        if name is None:
            return None, None
        nid = node_id(INSTITUTION, name)
        return (nid if nid in self.g else None), name


def route(g: nx.MultiDiGraph, case: Case, *, limit: int = 10, max_hops: int = MAX_HOPS,
          onto: Ontology | None = None) -> RouteResult:
    """Rank who should take ``case`` next (see the module docstring for the score).

    Examples
    --------
    >>> from shienmap.loaders.pipeline import build_graph, extract_text
    >>> from shienmap.queries.case import make_case
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text(
    ...     "よろず支援拠点は、知的財産の相談を知財総合支援窓口にとりつぐ。", encoding="utf-8")
    >>> g, _ = build_graph([d])
    >>> res = route(g, make_case(g, "群馬県", ["特許"], "よろず支援拠点"))
    >>> res.answers[0].name
    '知財総合支援窓口'
    """
    onto = onto or default_ontology()
    view = _Graph(g, onto)
    if case.holder is None:
        answers = _entry_points(view, case)
        reason = "" if answers else (
            f"no institution in the graph is documented as handling {'、'.join(case.topics)}")
    else:
        answers = _referrals(view, case, max_hops)
        reason = "" if answers else _why_none(view, case)
    answers.sort(key=lambda a: (-a.score, a.id))
    if answers:  # far weaker answers are noise, not advice
        floor = max(MIN_SCORE, RELATIVE_FLOOR * answers[0].score)
        answers = [a for a in answers if a.score >= floor]
    return RouteResult(case, answers[:limit], reason)


# ---------------------------------------------------------------- with a holder


def _starts(view: _Graph, case: Case) -> list[tuple[str, list[str], float]]:
    assert case.holder is not None
    h = case.holder
    starts = [(h, [h], 1.0)]
    kind = view.kind_of(h)
    chain: list[tuple[str, list[str], float]] = []
    if kind and kind != h:
        chain.append((kind, [h, kind], KIND_STEP))
    elif kind:
        chain.append((kind, [kind], 1.0))
    i = 0
    while i < len(chain):
        node, path, disc = chain[i]
        for b in view.broader(node):
            chain.append((b, [*path, b], disc * KIND_STEP))
        i += 1
    starts += [c for c in chain if c[0] != h]
    if kind:
        base = [h, kind] if kind != h else [kind]
        for peer, _, k in view.g.in_edges(kind, keys=True):
            if k == IS_KIND and peer != h and view.prefecture(peer) != case.prefecture:
                starts.append((peer, [*base, peer], PEER_DISCOUNT))
    return starts


def _relevance(view: _Graph, case: Case, v: str, data: dict[str, Any]) -> float | None:
    topics = set(data.get("topics", []))
    handled = view.handles(v)
    spread = math.sqrt(len(topics)) if topics else 1.0  # an edge about many topics is vaguer
    fit = (2.0 * len(topics & case.topic_ids) + 1.0 * len(topics & case.related_ids)) / spread
    fit += 1.0 * len(handled & case.topic_ids) + 0.5 * len(handled & case.related_ids)
    if fit == 0:
        if topics and case.topic_ids:
            return None  # a referral documented for other topics
        fit = 0.1 if handled else 0.3
    quotes = [fold(ev["quote"]) for ev in data.get("evidence", [])]
    words = [fold(w) for w in case.words if len(w) >= 2]
    fit += 0.5 * sum(1 for w in words if any(w in q for q in quotes))
    if case.escalate and any(e in q for e in view.onto.escalation_words for q in quotes):
        fit += 1.0
    fit += 0.1 * min(len(data.get("evidence", [])), 5)
    if data.get("count"):
        fit += 0.2 * math.log1p(data["count"])
    return fit


def _referrals(view: _Graph, case: Case, max_hops: int) -> list[RouteAnswer]:
    starts = _starts(view, case)
    excluded = {n for n, _, _ in starts}  # the holder, its kinds, its peers elsewhere
    best: dict[str, RouteAnswer] = {}
    frontier = starts
    for hop in range(1, max_hops + 1):
        nxt: list[tuple[str, list[str], float]] = []
        for u, path, disc in frontier:
            for _, v, k, data in view.g.out_edges(u, keys=True, data=True):
                if k != REFERRAL or v in path:
                    continue
                rel = _relevance(view, case, v, data)
                if rel is None:
                    continue
                where = view.flow_prefecture(u, v, data)
                score = rel + (REGIONAL_BONUS if where == case.prefecture else 0.0)
                if where is not None and where != case.prefecture:
                    score *= ELSEWHERE
                score *= disc * HOP_DECAY ** (hop - 1)
                nxt.append((v, [*path, v], disc * HOP_DECAY))
                answer = _answer(view, case, v, [*path, v], where, score)
                if answer is None or answer.id in excluded:
                    continue
                answer.evidence = _path_evidence(view, answer.path)
                old = best.get(answer.id)
                if old is None or (answer.score, -len(answer.path)) > (old.score, -len(old.path)):
                    best[answer.id] = answer
        frontier = nxt
    return list(best.values())


def _answer(view: _Graph, case: Case, v: str, path: list[str], where: str | None,
            score: float) -> RouteAnswer | None:
    """Bring the receiver to the case region: a kind becomes the region's institution where the
    graph has one; an institution of another prefecture stands for its kind."""
    node = v
    if view.label(v) == INSTITUTION and where is not None and where != case.prefecture:
        kind = view.kind_of(v)
        if kind is None or not view.g.nodes[kind].get("per_prefecture"):
            return None  # practice elsewhere, with no counterpart in the case's region
        node, path = kind, [*path, kind]
    instance_name = None
    if view.label(node) == KIND:
        nid, instance_name = view.regional_instance(node, case.region)
        if nid is not None:
            node, path = nid, [*path, nid]
            instance_name = None
    d = view.g.nodes[node]
    return RouteAnswer(node, d["name"], d["label"], d.get("type", d["name"]), d.get("region"),
                       score, path, instance=instance_name)


def _path_evidence(view: _Graph, path: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for u, v in itertools.pairwise(path):
        if view.g.has_edge(u, v, key=REFERRAL):
            for ev in view.g.edges[u, v, REFERRAL]["evidence"][:3]:
                out.append({"source": u, "target": v, "type": REFERRAL, **ev})
    return out


def _why_none(view: _Graph, case: Case) -> str:
    assert case.holder is not None
    name = view.g.nodes[case.holder]["name"]
    out_topics: set[str] = set()
    n_out = 0
    for n, _, _ in _starts(view, case):
        for _, _, k, d in view.g.out_edges(n, keys=True, data=True):
            if k == REFERRAL:
                n_out += 1
                out_topics |= {t.split(":", 1)[1] for t in d.get("topics", [])}
    if n_out == 0:
        return f"the documents record no referral from {name} or its kind"
    return (f"the {n_out} documented referrals from {name} and its kind are about "
            f"{'、'.join(sorted(out_topics)) or 'other matters'}, not {'、'.join(case.topics)}")


# ---------------------------------------------------------------- without a holder


def _entry_points(view: _Graph, case: Case) -> list[RouteAnswer]:
    answers: dict[str, RouteAnswer] = {}
    for n, d in view.g.nodes(data=True):
        if d.get("label") not in (INSTITUTION, KIND):
            continue
        pref = view.prefecture(n) if d["label"] == INSTITUTION else None
        if d["label"] == INSTITUTION and pref != case.prefecture:
            continue
        handled = view.handles(n, inherit=False) & case.topic_ids
        out_t = [(v, e) for _, v, k, e in view.g.out_edges(n, keys=True, data=True)
                 if k == REFERRAL and set(e.get("topics", [])) & case.topic_ids]
        in_t = [e for _, _, k, e in view.g.in_edges(n, keys=True, data=True)
                if k == REFERRAL and set(e.get("topics", [])) & case.topic_ids]
        if not handled and not out_t:
            continue
        score = len(handled) + (_FIRST_CONTACT_BONUS if out_t and not in_t else 0.0)
        score += _DOCUMENTED_BONUS if out_t or in_t else 0.0
        if pref == case.prefecture and out_t:
            score += REGIONAL_BONUS  # documented to take such cases in this region
        region_id = node_id(REGION, case.region)
        answer = _answer(view, case, n, [region_id, n], None, score)
        if answer is None:
            continue
        if answer.id != n:
            answer.path = [region_id, answer.id]
        answer.evidence = [{"source": n, "target": v, "type": REFERRAL, **ev}
                           for v, e in out_t[:2] for ev in e["evidence"][:2]]
        old = answers.get(answer.id)
        if old is None or answer.score > old.score:
            answers[answer.id] = answer
    return list(answers.values())
