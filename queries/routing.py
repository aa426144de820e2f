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
  outrank general rules; +1.5 for one about no topic in particular); a flow documented for
  another prefecture counts 0.7;
* support: +0.1 per evidence sentence (up to 5), +0.5 per case word found in the evidence,
  +1 for a hard case (難しい案件) when the evidence speaks of difficult cases;
  answers under 5% of the best are dropped as noise;
* related topics (topics.toml `related`) count half;
* the holder itself: +3 for a referral documented for the named holder (not its kind) about a
  case topic or its broader topic; the holder's partners in an agreement, a collaboration or
  accompanied visits (協定, 連携, 同行訪問) about such a topic are offered as referrals with
  that bonus, ×0.8 (``basis`` ``partner``; the agreement's sentence is the evidence);
* distance: ×0.5 for each further referral hop; ×0.9 per step from the holder up to its kind
  and broader kinds; ×0.4 for practice borrowed from an institution of the same kind elsewhere.

Without a holder the answers are where a firm would first go: the institutions and kinds the
documents show passing such cases on (+0.5), +2 when they take them first (they receive none),
+3 when that is documented in the case's region; the mandates below add the rest, with +3 for
a topic's first contacts (mandates.toml `first`: the 身近な支援機関 of 003 別添2).

Mandates (mandates.toml: which kind handles which topic, on what authority) answer every
case, and say so: the institutions whose mandate covers a case topic are added, brought
down to the case region's own body, the topic's specialist (専門) first: +4 for a specialist
(−0.3 per rank), +2 for another handler (−0.2 per rank), ×0.8 for a broader topic's mandate;
national bodies (region 全国) answer where no region has one. A mandate adds to a documented
referral to the same body, so the specialist ranks above a generic adviser unless a referral
documented for the case's prefecture says otherwise. Each answer says what it rests on
(``basis``): ``referral`` (documented from the holder or its kind), ``broader_referral``
(documented for a broader kind or the same kind elsewhere), ``partner`` (the holder's own
agreement on a case topic), ``mandate`` (the region's body
whose mandate covers the topic), ``national`` (a national body's mandate); a mandate's path
runs from the topic (課題 ← 対応 — kind ← 種別 — body). A case of several topics is ranked for
each topic (``by_topic``) and on their sum.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

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
    TOPIC,
    fold,
    node_id,
)

from .case import Case
from .route_index import PeerGroup, graph_index

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
_VIA_BROADER = "（相談を受けた機関の上位の種別・他地域の同種機関の例）"
SPECIALIST = 4.0
HANDLER = 2.0
BROADER_TOPIC = 0.8
FIRST_CONTACT = 3.0  # a mandate's first contact (身近な支援機関), for a case with no holder
WISHED = 2.0  # an answer of a kind the firm asks for in its words
PER_TOPIC = 5  # answers listed for each topic of a case of several
_ELSEWHERE_MARK = "（他の都道府県）"  # a place no case is in: "documented elsewhere"
OWN_BONUS = 3.0  # a referral or partnership documented for the holder itself, on a case topic
PARTNER = 0.8  # a partnership (協定, 連携, 同行訪問) counts less than a referral
_SEARCHED = ("referral", "broader_referral", "partner")  # the bases of _referrals' answers
_UNSEEN: Any = object()  # not looked up yet (None is an answer: lands nowhere, fits nothing)


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
    basis: str = "referral"  # referral / broader_referral / partner / entry / mandate / national
    specialist: bool = False  # its mandate names it the specialist of a case topic
    specialist_for: list[str] = field(default_factory=list)  # those topics
    wished: bool = False  # of a kind the firm asked for in its words
    topics: list[str] = field(default_factory=list)  # the case topics it answers
    references: list[str] = field(default_factory=list)  # the mandates' sources
    reason: str = ""  # 理由: one Japanese sentence
    next: list[str] = field(default_factory=list)  # what usually comes after it (names)

    def as_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "name": self.name, "label": self.label, "type": self.type,
             "region": self.region, "score": round(self.score, 4), "path": self.path,
             "evidence": self.evidence, "basis": self.basis, "topics": self.topics,
             "references": self.references, "reason": self.reason, "next": self.next}
        if self.instance:
            d["instance"] = self.instance
        return d


@dataclass
class RouteResult:
    """The answers, best first (combined over the case's topics), the best answers for each
    topic, and why there are none when there are none."""

    case: Case
    answers: list[RouteAnswer]
    reason: str = ""
    by_topic: dict[str, list[RouteAnswer]] = field(default_factory=dict)


class _Graph:
    """Cached look-ups over the graph for one routing call."""

    def __init__(self, g: nx.MultiDiGraph, onto: Ontology) -> None:
        self.g = g
        self.onto = onto
        self.index = graph_index(g)
        self._handles = self.index.handles
        self._words: list[str] | None = None
        self._any_word: re.Pattern[str] | None = None
        self._labels = self.index.labels
        self._kinds = self.index.kinds
        self._prefectures = self.index.prefectures

    def label(self, n: str) -> str:
        found = self._labels.get(n)
        if found is None:
            found = self._labels[n] = self.g.nodes[n].get("label", "")
        return found

    def kind_of(self, n: str) -> str | None:
        if n not in self._kinds:
            d = self.g.nodes[n]
            self._kinds[n] = (n if d.get("label") == KIND else node_id(KIND, d["type"])
                              if d.get("label") == INSTITUTION else None)
        return self._kinds[n]

    def broader(self, kind: str) -> list[str]:
        return [v for _, v, k in self.g.out_edges(kind, keys=True) if k == BROADER]

    def prefecture(self, n: str) -> str | None:
        if n not in self._prefectures:
            region = self.g.nodes[n].get("region")
            self._prefectures[n] = (self.onto.prefecture_of(region.split(":", 1)[1])
                                    if region else None)
        return self._prefectures[n]

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
        key = (u, v, id(data))
        if key not in self.index.flows:
            self.index.flows[key] = self._flow_prefecture(u, v, data)
        return self.index.flows[key]

    def _flow_prefecture(self, u: str, v: str, data: dict[str, Any]) -> str | None:
        prefs = {self.onto.prefecture_of(r.split(":", 1)[1]) for r in data.get("regions", [])}
        prefs |= {self.prefecture(n) for n in (u, v) if self.label(n) == INSTITUTION}
        prefs.discard(None)
        return prefs.pop() if len(prefs) == 1 else None

    def body_for(self, handler: str, case: Case) -> tuple[str, list[str]]:
        """The case region's body of a kind (its registry body, or one the documents name in
        the case's municipality), with the path to it; a named body as it is."""
        if self.label(handler) != KIND:
            return handler, [handler]
        kind, path = self.narrowed(handler, case.region)
        nid, _ = self.regional_instance(kind, case.region)
        if nid is not None:
            return nid, [*path, nid]
        if case.region != case.prefecture:
            here = node_id(REGION, case.region)
            for body, _, k in self.g.in_edges(kind, keys=True):
                if k == IS_KIND and self.g.nodes[body].get("region") == here:
                    return body, [*path, body]
        return kind, path

    def narrowed(self, kind: str, region: str) -> tuple[str, list[str]]:
        """The narrower kind serving the region (商工団体 -> 商工会 in a 町), with the path."""
        name = self.onto.kind_for_region(self.g.nodes[kind]["name"], region)
        narrower = node_id(KIND, name)
        if narrower != kind and narrower in self.g:
            return narrower, [kind, narrower]
        return kind, [kind]

    def case_words(self, case: Case) -> list[str]:
        """The case's words (two characters or more), folded."""
        if self._words is None:
            self._words = [fold(w) for w in case.words if len(w) >= 2]
        return self._words

    def words_found(self, case: Case, text: str) -> int:
        """How many of the case's words ``text`` contains (most texts contain none: one scan
        for any of them first)."""
        words = self.case_words(case)
        if not words or not text:
            return 0
        if self._any_word is None:
            self._any_word = re.compile("|".join(map(re.escape, words)))
        if self._any_word.search(text) is None:
            return 0
        return sum(1 for w in words if w in text)

    def referrals_from(self, u: str, case: Case) -> list[tuple[str, dict[str, Any]]]:
        """The referrals out of ``u`` that can bear on the case: about no topic in particular,
        or about a case topic or a related one (the graph's index by topic)."""
        by_topic = self.index.referrals_out(u)
        if not by_topic:
            return []
        if not case.topic_ids:
            return [e for es in by_topic.values() for e in es]
        keys = [None, *sorted(case.topic_ids | case.related_ids)]
        found = {id(data): (v, data) for key in keys for v, data in by_topic.get(key, ())}
        order = self.index.order(u)
        return sorted(found.values(), key=lambda e: order[id(e[1])])

    def target(self, v: str, where: str | None, case: Case, crossing: bool = False
               ) -> tuple[str, list[str], str | None] | None:
        """(answer node, path after ``v``, instance name) for a referral's receiver, cached
        for the routing call (see :func:`_answer`)."""
        targets = self.index.targets(case.region)
        key = (v, where is not None and where != case.prefecture, crossing)
        if key not in targets:
            a = _answer(self, case, v, [v], where, 0.0, crossing=crossing)
            targets[key] = None if a is None else (a.id, a.path[1:], a.instance)
        return targets[key]

    def target_elsewhere(self, v: str, case: Case) -> tuple[str, list[str], str | None] | None:
        """:meth:`target` for a referral documented for another prefecture than the case's:
        the same for every institution of a kind."""
        kind = self.kind_of(v) if self.label(v) == INSTITUTION else None
        if kind is None:
            return self.target(v, _ELSEWHERE_MARK, case)
        targets = self.index.targets(case.region)
        key = (kind, "elsewhere", None)  # not a key of target(): (node, bool, bool)
        if key not in targets:
            a = self.target(v, _ELSEWHERE_MARK, case)
            targets[key] = None if a is None else (a[0], a[1][1:], a[2])
        found = targets[key]
        return None if found is None else (found[0], [kind, *found[1]], found[2])

    def starts_here(self, u: str, case: Case) -> bool:
        """Whether a referral from ``u`` is a flow of the case's own prefecture (one that may
        cross its border to an institution of another)."""
        return self.label(u) == INSTITUTION and self.prefecture(u) == case.prefecture

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
    >>> top = res.answers[0]
    >>> top.name, top.basis
    ('群馬県知財総合支援窓口', 'referral')
    >>> res = route(g, make_case(g, "群馬県", ["店をたたみたい"], "信用金庫"))
    >>> res.case.topics, res.answers[0].name, res.answers[0].basis
    (('再チャレンジ',), '群馬県中小企業活性化協議会', 'mandate')
    """
    onto = onto or default_ontology()
    view = _Graph(g, onto)
    answers = _ranked(view, case, max_hops, limit)
    reason = "" if answers else _why_none(view, case)
    by_topic: dict[str, list[RouteAnswer]] = {}
    if len(case.topics) > 1:
        for t in case.topics:
            one = replace(case, topics=(t,), related=())
            by_topic[t] = _ranked(view, one, max_hops, PER_TOPIC)
    return RouteResult(case, answers, reason, by_topic)


def _ranked(view: _Graph, case: Case, max_hops: int, limit: int) -> list[RouteAnswer]:
    """Documented referrals (or first contacts) and mandates, merged, ranked; the first
    ``limit`` explained."""
    answers = (_entry_points(view, case) if case.holder is None
               else _referrals(view, case, max_hops))
    merged = _merge(case, answers, _mandates(view, case))
    _favour_wishes(view, case, merged)
    merged.sort(key=lambda a: (-a.score, a.id))
    if merged:  # far weaker answers are noise, not advice
        floor = max(MIN_SCORE, RELATIVE_FLOOR * merged[0].score)
        merged = [a for a in merged if a.score >= floor][:limit]
    for a in merged:
        if a.basis in _SEARCHED:
            a.evidence = _path_evidence(view, a.path, a.basis == "partner")
        a.reason = explain(view, case, a)
        a.next = _next_steps(view, case, a)
    return merged


def _favour_wishes(view: _Graph, case: Case, answers: list[RouteAnswer]) -> None:
    """+WISHED for an answer of a kind the firm asks for, or of a broader or narrower one
    (銀行と一緒に -> 地域金融機関)."""
    if not case.wished:
        return
    anc = view.onto.kind_ancestors
    for a in answers:
        kind = a.type if a.label == INSTITUTION else a.name
        if any(w in anc(kind) or kind in anc(w) for w in case.wished):
            a.score += WISHED
            a.wished = True


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
    return starts


def _is_peer(view: _Graph, case: Case, n: str) -> bool:
    """An institution of the holder's kind in another prefecture (whose practice may carry
    over, at PEER_DISCOUNT)."""
    assert case.holder is not None
    kind = view.kind_of(case.holder)
    return (n != case.holder and kind is not None and view.label(n) == INSTITUTION
            and view.kind_of(n) == kind and view.prefecture(n) != case.prefecture)


def _relevance(view: _Graph, case: Case, v: str, data: dict[str, Any]
               ) -> tuple[float, bool] | None:
    """(fit, whether the referral or its receiver is about a case topic - or, for a hard case,
    about hard cases), or None for a referral documented for other topics."""
    found = _topic_fit(view, case, v, data)
    if found is None:
        return None
    fit, topical = found
    bonus, hard = _edge_support(view, case, data)
    return fit + bonus, topical or hard


def _topic_fit(view: _Graph, case: Case, v: str, data: dict[str, Any]
               ) -> tuple[float, bool] | None:
    """The part of the fit that depends on the referral's topics and its receiver."""
    topics = view.index.topics_of(data)
    if topics and case.topic_ids and topics.isdisjoint(case.case_ids):
        return None  # a referral documented for other topics
    handled = view.handles(v)
    spread = math.sqrt(len(topics)) if topics else 1.0  # an edge about many topics is vaguer
    fit = (2.0 * len(topics & case.topic_ids) + 1.0 * len(topics & case.related_ids)) / spread
    fit += 1.0 * len(handled & case.topic_ids) + 0.5 * len(handled & case.related_ids)
    if fit > 0:
        return fit, True
    if topics and case.topic_ids:
        return None  # a referral documented for other topics
    return (0.1 if handled else 0.3), False


def _edge_support(view: _Graph, case: Case, data: dict[str, Any]) -> tuple[float, bool]:
    """The part that depends on the referral's sentences: +0.5 per case word quoted, +1 when a
    hard case meets a sentence about hard cases (then True), and the evidence and count."""
    text = view.index.folded_text(data)
    bonus = 0.5 * view.words_found(case, text)
    hard = _speaks_of_hard_cases(view, case, text)
    return bonus + (1.0 if hard else 0.0) + view.index.support(data), hard


def _speaks_of_hard_cases(view: _Graph, case: Case, text: str) -> bool:
    """For a hard case: whether quotes (:meth:`GraphIndex.folded_text`) speak of hard cases."""
    return case.escalate and any(e in text for e in view.onto.escalation_words)


def _quotes_bear(view: _Graph, case: Case, text: str) -> bool:
    """Whether quotes add to a referral's support for the case (:func:`_edge_support`): a
    case word in them, or for a hard case a word of hard cases."""
    return bool(view.words_found(case, text)) or _speaks_of_hard_cases(view, case, text)


def _referrals(view: _Graph, case: Case, max_hops: int) -> list[RouteAnswer]:
    """Best-first over documented referrals: at each hop only the best way to reach each node
    is carried on (an answer's score is its last referral's fit times the path's discount, so
    a worse way there never gives a better answer); practice borrowed from the same kind
    elsewhere is its own referrals only (:func:`_peer_candidates`), not chains beyond them."""
    starts = _starts(view, case)
    chain = {n for n, _, _ in starts}  # the holder and its kinds

    def excluded(n: str) -> bool:
        return n in chain or _is_peer(view, case, n)

    kind = view.kind_of(case.holder) if case.holder else None
    own = {case.holder, kind}  # flows documented for the holder itself or its own kind
    best: dict[str, _Offer] = {}

    def offer(v: str, path: list[str], data: dict[str, Any], where: str | None,
              score: float, basis: str | None = None) -> None:
        crossing = view.starts_here(path[-1], case)
        target = view.target(v, where, case, crossing)
        if target is None or excluded(target[0]):
            return
        node, tail, _ = target
        old = best.get(node)
        length = len(path) + 1 + len(tail)
        if old is not None and (score, -length) <= (old.score, -old.length):
            return
        basis = basis or ("referral" if path[-1] in own else "broader_referral")
        best[node] = _Offer(score, length, v, path, data, where, basis, crossing)

    def answer(node: str, o: _Offer) -> RouteAnswer:
        """The best way found to ``node``, as an answer (made once the search is over; its
        evidence is read in :func:`_ranked`, for the answers kept)."""
        found = view.target(o.v, o.where, case, o.crossing)  # as offer() found it: cached
        assert found is not None and found[0] == node
        d = view.g.nodes[node]
        about = view.index.topics_of(o.data) | view.handles(node)
        return RouteAnswer(node, d["name"], d["label"], d.get("type", d["name"]),
                           d.get("region"), o.score, [*o.path, o.v, *found[1]],
                           instance=found[2], basis=o.basis,
                           topics=[t for t in case.topics if node_id(TOPIC, t) in about])

    words_max = 0.5 * len(view.case_words(case)) + (1.0 if case.escalate else 0.0)
    fit_max = max(0.3, 3.0 * len(case.topic_ids) + 1.5 * len(case.related_ids)) + words_max
    mine = _own_bonus(view, case)
    about = _about(view, case)
    for v, data in _partners(view, case, about):  # the holder's own agreements on a topic
        where = view.flow_prefecture(case.holder, v, data)
        fit = _topic_fit(view, case, v, data)
        if fit is not None:
            bonus, _ = _edge_support(view, case, data)
            score = (_scored(case, fit[0] + bonus, True, where) + mine) * PARTNER
            offer(v, [case.holder], data, where, score, "partner")
    frontier = starts
    for hop in range(1, max_hops + 1):
        nxt: dict[str, tuple[list[str], float]] = {}
        for u, path, disc in frontier:
            factor = disc * HOP_DECAY ** (hop - 1)
            last = hop == max_hops
            extra = mine if u == case.holder else 0.0
            for v, data in view.referrals_from(u, case):
                if v in path:
                    continue
                if last and not extra and _cannot_win(view, case, u, v, data, factor, best,
                                                      fit_max):
                    continue
                fit = _topic_fit(view, case, v, data)
                if fit is None:
                    continue
                if hop < max_hops and (v not in nxt or nxt[v][1] < disc * HOP_DECAY):
                    nxt[v] = ([*path, v], disc * HOP_DECAY)
                where = view.flow_prefecture(u, v, data)
                target = view.target(v, where, case, view.starts_here(u, case))
                if target is None or excluded(target[0]):
                    continue
                now = best.get(target[0])
                if now is not None:  # skip what cannot beat the answer's best way so far
                    most = fit[0] + words_max + view.index.support(data)
                    if (_scored(case, most, True, where) + extra) * factor < now.score - 1e-9:
                        continue
                bonus, hard = _edge_support(view, case, data)
                score = _scored(case, fit[0] + bonus, fit[1] or hard, where)
                practice = extra if view.index.topics_of(data) & about else 0.0
                score = (score + practice) * factor
                offer(v, path, data, where, score)
        if hop == 1 and kind:  # the same kind elsewhere, after the holder's own first hops
            base = [case.holder, kind] if kind != case.holder else [kind]
            for p, v, data, where, score in _peer_candidates(view, case, kind, best, excluded):
                offer(v, [*base, p], data, where, score)
        frontier = [(v, p, d) for v, (p, d) in nxt.items()]
    return [answer(node, o) for node, o in best.items()]


@dataclass(slots=True)
class _Offer:
    """The best way to an answer found so far in the search (an answer is made of it once the
    search is over)."""

    score: float
    length: int  # of the answer's path
    v: str  # the last referral's receiver
    path: list[str]  # up to the last referral's sender
    data: dict[str, Any]  # the last referral's (or partnership's) properties
    where: str | None
    basis: str
    crossing: bool


def _own_bonus(view: _Graph, case: Case) -> float:
    """OWN_BONUS when the holder is a named institution: what the documents record of its own
    practice is the most specific evidence a case can have."""
    h = case.holder
    return OWN_BONUS if h is not None and view.label(h) == INSTITUTION else 0.0


def _about(view: _Graph, case: Case) -> frozenset[str]:
    """The case's topics and their broader topics (ids): what the holder's own referral or
    agreement must be about to count as its documented practice for the case."""
    return case.topic_ids | {node_id(TOPIC, b) for t in case.topics
                             if t in view.onto.topics and (b := view.onto.topics[t].broader)}


def _partners(view: _Graph, case: Case, about: frozenset[str]
              ) -> list[tuple[str, dict[str, Any]]]:
    """The holder's partners in an agreement, a collaboration or accompanied visits whose
    evidence is about one of ``about`` (:func:`_about`; only for a named institution: a kind's
    agreements say little about a given body)."""
    h = case.holder
    if h is None or view.label(h) != INSTITUTION or not case.topic_ids:
        return []
    found: list[tuple[str, int, int, dict[str, Any]]] = []
    for edges, other in ((view.g.out_edges(h, keys=True, data=True), 1),
                         (view.g.in_edges(h, keys=True, data=True), 0)):
        for e in edges:
            if e[2] in PARTNER_RELATIONS and view.index.topics_of(e[3]) & about:
                found.append((e[other], PARTNER_RELATIONS.index(e[2]), other, e[3]))
    found.sort(key=lambda f: f[:3])  # the same order from any backend's graph
    return [(v, data) for v, _, _, data in found]


def _cannot_win(view: _Graph, case: Case, u: str, v: str, data: dict[str, Any], factor: float,
                best: dict[str, _Offer], fit_max: float) -> bool:
    """Whether a last-hop referral is certain to score below the best way to its answer found
    so far, whatever its topics (``fit_max``: the most any referral can fit this case)."""
    where = view.flow_prefecture(u, v, data)
    target = view.target(v, where, case, view.starts_here(u, case))
    if target is None:
        return True
    now = best.get(target[0])
    most = _scored(case, fit_max + view.index.support(data), True, where) * factor
    return now is not None and most < now.score - 1e-9


def _scored(case: Case, rel: float, topical: bool, where: str | None) -> float:
    """A referral's fit with its place: +REGIONAL_BONUS for one documented in the case's
    prefecture (half if about no topic), ×ELSEWHERE for one documented in another."""
    if where == case.prefecture:  # a regional flow; half as much if about no topic
        rel += REGIONAL_BONUS if topical else REGIONAL_BONUS / 2
    if where is not None and where != case.prefecture:
        rel *= ELSEWHERE
    return rel


def _peer_candidates(view: _Graph, case: Case, kind: str, best: dict[str, _Offer],
                     excluded: Callable[[str], bool],
                     ) -> list[tuple[str, str, dict[str, Any], str | None, float]]:
    """The best referral of the holder's kind elsewhere to each answer, as (peer, receiver,
    data, where, score) in the order the graph lists them. Referrals are grouped once per
    graph by receiver's kind, place and topics (GraphIndex.peer_groups); a group whose
    receivers all stand for their kind here is scored once for its topics and receiver, and
    its members are read in order of their record's weight only while one could still win."""
    holder = case.holder
    words_max = 0.5 * len(view.case_words(case)) + (1.0 if case.escalate else 0.0)
    fit_max = max(0.3, 3.0 * len(case.topic_ids) + 1.5 * len(case.related_ids))  # any topics
    picks: dict[str, tuple[float, int, str, str, dict[str, Any], str | None]] = {}
    keys = [None, *sorted(case.topic_ids | case.related_ids)] if case.topic_ids else None
    def pick(target: str, score: float, order: int, p: str, v: str, data: dict[str, Any],
             where: str | None) -> None:
        now = picks.get(target)
        if now is None or (score, -order) > (now[0], -now[1]):
            picks[target] = (score, order, p, v, data, where)

    def one_by_one(order: int, p: str, v: str, data: dict[str, Any], where: str | None) -> None:
        found = _relevance(view, case, v, data)
        if found is None:
            return
        target = view.target(v, where, case)
        if target is not None and not excluded(target[0]):
            pick(target[0], _scored(case, *found, where) * PEER_DISCOUNT, order, p, v, data,
                 where)

    def usable(p: str, v: str) -> bool:
        return p != holder and v not in (holder, kind) and view.prefecture(p) != case.prefecture

    def floor(target: str) -> float:
        now = picks.get(target)
        return now[0] if now else (best[target].score if target in best else -1)

    def could_win(fit: float, static: float, v: str, where: str | None) -> bool:
        target = view.target(v, where, case)
        return target is not None and not excluded(target[0]) and _scored(
            case, fit + static + words_max, True, where) * PEER_DISCOUNT >= floor(target[0]) - 1e-9

    landings: dict[str | None, tuple[str, list[str], str | None] | None] = {}
    fits: dict[tuple[frozenset[str], frozenset[str]], Any] = {}

    def landing(group: PeerGroup) -> tuple[str, list[str], str | None] | None:
        """Where a mapped group's receivers land for this case, None if nowhere it may answer;
        kept in ``landings`` (the same for every group whose receivers are of one kind)."""
        t = view.target_elsewhere(group.sample, case)
        found = landings[group.sample_kind] = None if t is None or excluded(t[0]) else t
        return found

    for group in view.index.peer_groups(view, kind, keys):
        # one receiver's (or one kind's) referrals on the same topics: the topic fit is the
        # group's; a member is read only if the most it could score can still win
        if not group.mapped:  # receivers that stay themselves: each read on its own
            found = _topic_fit(view, case, group.sample, group.sample_data)
            if found is None:
                continue
            for static, order, p, v, data, where, _ in group.members:
                if usable(p, v) and could_win(found[0], static, v, where):
                    one_by_one(order, p, v, data, where)
            continue
        here = group.at(case.prefecture)
        target = landings.get(group.sample_kind, _UNSEEN)
        if target is _UNSEEN:
            target = landing(group)
        if not here and (target is None or (fit_max + group.members[0][0] + words_max) * (
                ELSEWHERE if group.elsewhere else 1.0) * PEER_DISCOUNT < floor(target[0]) - 1e-9):
            continue  # lands nowhere, or its heaviest record could not win with any topic fit
        fit_key = (view.index.topics_of(group.sample_data), view.handles(group.sample))
        found = fits.get(fit_key, _UNSEEN)
        if found is _UNSEEN:  # the same for every group of these topics and receiver handles
            found = fits[fit_key] = _topic_fit(view, case, group.sample, group.sample_data)
        if found is None:
            continue
        for static, order, p, v, data, where, _ in here:  # flows of here
            if usable(p, v) and could_win(found[0], static, v, where):
                one_by_one(order, p, v, data, where)
        if target is None:
            continue
        factor = (ELSEWHERE if group.elsewhere else 1.0) * PEER_DISCOUNT
        here_ids = {id(m) for m in here} if here else ()
        plain = not _quotes_bear(view, case, group.text(view.index))
        for m in group.members:
            static, order, p, v, data, where, _ = m
            if id(m) in here_ids or not usable(p, v):
                continue
            if (found[0] + static + words_max) * factor < floor(target[0]) - 1e-9:
                break  # heavier records came first: none after this one can win
            if plain:  # no member quotes a case word: the heaviest one is the group's best
                pick(target[0], (found[0] + static) * factor, order, p, v, data, where)
                break
            rel = found[0] + _edge_support(view, case, data)[0]  # the group's fit is each one's
            pick(target[0], rel * factor, order, p, v, data, where)
    chosen = sorted(picks.values(), key=lambda x: x[1])
    return [(p, v, data, where, score) for score, _, p, v, data, where in chosen]


def _answer(view: _Graph, case: Case, v: str, path: list[str], where: str | None,
            score: float, *, crossing: bool = True) -> RouteAnswer | None:
    """Bring the receiver to the case region: a kind becomes the region's body where the graph
    has one (:meth:`_Graph.body_for`); an institution of another prefecture stands for its
    kind - in a flow documented for another prefecture, and in any flow that does not start
    in the case's prefecture (``crossing``: only the case's own bodies' documented flows reach
    across its border)."""
    node = v
    foreign = (not crossing and view.label(v) == INSTITUTION
               and view.prefecture(v) not in (None, case.prefecture))
    if view.label(v) == INSTITUTION and (foreign or (where is not None
                                                     and where != case.prefecture)):
        kind = view.kind_of(v)
        if kind is None or not view.g.nodes[kind].get("per_prefecture"):
            return None  # practice elsewhere, with no counterpart in the case's region
        node, path = kind, [*path, kind]
    instance_name = None
    if view.label(node) == KIND:  # the region's body, as a mandate answer finds it
        node, down = view.body_for(node, case)
        path = [*path, *down[1:]]
        if view.label(node) == KIND:
            instance_name = view.regional_instance(node, case.region)[1]
    d = view.g.nodes[node]
    return RouteAnswer(node, d["name"], d["label"], d.get("type", d["name"]), d.get("region"),
                       score, path, instance=instance_name)


def _path_evidence(view: _Graph, path: list[str], partner: bool = False
                   ) -> list[dict[str, Any]]:
    """The evidence of a path's referrals, and of its first hop when that is a partnership
    (``partner``)."""
    out: list[dict[str, Any]] = []
    for i, (u, v) in enumerate(itertools.pairwise(path)):
        if view.g.has_edge(u, v, key=REFERRAL):
            for ev in view.g.edges[u, v, REFERRAL]["evidence"][:3]:
                out.append({"source": u, "target": v, "type": REFERRAL, **ev})
        elif partner and i == 0 and (found := partnership(view.g, u, v)) is not None:
            a, b, rel = found
            for ev in view.g.edges[a, b, rel]["evidence"][:3]:
                out.append({"source": a, "target": b, "type": rel, **ev})
    return out


def partnership(g: nx.MultiDiGraph, u: str, v: str) -> tuple[str, str, str] | None:
    """The first partnership edge between ``u`` and ``v`` (either way), as (source, target,
    relation)."""
    for rel in PARTNER_RELATIONS:
        for a, b in ((u, v), (v, u)):
            if g.has_edge(a, b, key=rel):
                return a, b, rel
    return None


def _why_none(view: _Graph, case: Case) -> str:
    if case.holder is None:
        return (f"no institution in the graph handles {'、'.join(case.topics)}: "
                "rebuild the graph with this version (mandates.toml)")
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
    """Where a firm with no adviser yet goes first: the institutions of the case's prefecture
    and the kinds the documents show passing its topics' cases on (read from the graph's
    index of referrals by topic)."""
    answers: dict[str, RouteAnswer] = {}
    out_by: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    received: set[str] = set()
    seen: set[int] = set()
    for t in sorted(case.topic_ids):
        for u, v, e in view.index.about_from(view, t, case.prefecture):
            if id(e) not in seen:
                seen.add(id(e))
                out_by.setdefault(u, []).append((v, e))
        received |= view.index.receivers(view, t)
    for n in sorted(out_by, key=view.index.position):
        label = view.label(n)
        if label not in (INSTITUTION, KIND):
            continue
        pref = view.prefecture(n) if label == INSTITUTION else None
        if label == INSTITUTION and pref != case.prefecture:
            continue
        handled = view.handles(n, inherit=False) & case.topic_ids
        out_t = sorted(out_by[n], key=lambda ve: ve[0])  # the same order in every backend
        in_t = n in received
        score = (_FIRST_CONTACT_BONUS if not in_t else 0.0) + _DOCUMENTED_BONUS
        if pref == case.prefecture and out_t:
            score += REGIONAL_BONUS  # documented to take such cases in this region
        region_id = node_id(REGION, case.region)
        answer = _answer(view, case, n, [region_id, n], None, score)
        if answer is None:
            continue
        answer.basis = "entry"
        answer.topics = [t for t in case.topics if node_id(TOPIC, t) in handled or any(
            node_id(TOPIC, t) in e.get("topics", []) for _, e in out_t)]
        if answer.id != n:
            answer.path = [region_id, answer.id]
        answer.evidence = [{"source": n, "target": v, "type": REFERRAL, **ev}
                           for v, e in out_t[:2] for ev in e["evidence"][:2]]
        old = answers.get(answer.id)
        if old is None or answer.score > old.score:
            answers[answer.id] = answer
    return list(answers.values())


# ---------------------------------------------------------------- mandates


def _mandates(view: _Graph, case: Case) -> list[RouteAnswer]:
    """The bodies whose mandate covers the case's topics, brought down to the case region:
    the region's own body of each kind (or a named one in the case's municipality), else the
    kind; national bodies as they are. The holder and its kinds are left out."""
    mine = _own(view, case)
    weights = _topic_weights(view.onto, case)
    out: dict[str, RouteAnswer] = {}
    for topic, weight in weights.items():
        tid = node_id(TOPIC, topic)
        if tid not in view.g:
            continue
        for handler, _, k, d in view.g.in_edges(tid, keys=True, data=True):
            if k != HANDLES or handler in mine:
                continue
            rank = d.get("rank", 0)
            base = SPECIALIST - 0.3 * rank if d.get("role") == "専門" else HANDLER - 0.2 * rank
            if case.holder is None and d.get("first"):
                base += FIRST_CONTACT  # where a firm with no adviser yet goes first
            score = max(base, 0.5) * weight
            node, path = view.body_for(handler, case)
            if node in mine:
                continue
            label = view.label(node)
            d_node = view.g.nodes[node]
            national = label == INSTITUTION and d_node.get("region") == node_id(REGION, "全国")
            answer = out.get(node)
            if answer is None:
                instance = None
                if label == KIND:
                    instance = view.onto.instance_name(d_node["name"], case.region)
                answer = out[node] = RouteAnswer(
                    node, d_node["name"], label, d_node.get("type", d_node["name"]),
                    d_node.get("region"), 0.0, [tid, *path], instance=instance,
                    basis="national" if national else "mandate")
            answer.score += score
            if topic in case.topics and topic not in answer.topics:
                answer.topics.append(topic)
            if d.get("role") == "専門" and weight >= BROADER_TOPIC:
                answer.specialist = True
                if topic in case.topics and topic not in answer.specialist_for:
                    answer.specialist_for.append(topic)
            ref = d.get("reference", "")
            if ref and ref not in answer.references:
                answer.references.append(ref)
    return list(out.values())


def _topic_weights(onto: Ontology, case: Case) -> dict[str, float]:
    """The case's topics (1) and their broader topics (0.8); a related topic's handlers are
    not the case's (a 経営支援 case is not a 資金繰り case)."""
    weights = {t: 1.0 for t in case.topics}
    for t in case.topics:
        broader = onto.topics[t].broader if t in onto.topics else None
        if broader and broader not in weights:
            weights[broader] = BROADER_TOPIC
    return weights


def _own(view: _Graph, case: Case) -> set[str]:
    """The holder, its kind and broader kinds: no one sends a case to themselves."""
    if case.holder is None:
        return set()
    mine = {case.holder}
    kind = view.kind_of(case.holder)
    todo = [kind] if kind else []
    seen: set[str] = set()
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo += view.broader(k)
    return mine | seen


def _merge(case: Case, documented: list[RouteAnswer],
           mandated: list[RouteAnswer]) -> list[RouteAnswer]:
    """One answer per body: a documented referral keeps its path and evidence, and gains the
    mandate's score and references."""
    out = {a.id: a for a in documented}
    for m in mandated:
        a = out.get(m.id)
        if a is None:
            out[m.id] = m
            continue
        a.score += m.score
        a.specialist |= m.specialist
        a.specialist_for += [t for t in m.specialist_for if t not in a.specialist_for]
        covered = set(a.topics) | set(m.topics)
        a.topics = [t for t in case.topics if t in covered]
        a.references = [*a.references, *(r for r in m.references if r not in a.references)]
    return list(out.values())


def _next_steps(view: _Graph, case: Case, answer: RouteAnswer) -> list[str]:
    """What usually comes after the answer: the documented referrals out of it (or its kind)
    about the case's topics, else the topic's escalation in mandates.toml."""
    out: list[str] = []
    for n in (answer.id, view.kind_of(answer.id)):
        if n is None or n not in view.g:
            continue
        for v, d in view.index.referrals_in_order(n):
            if view.index.topics_of(d) & case.topic_ids:
                name = view.g.nodes[v]["name"]
                if name not in out and v != answer.id and v != case.holder:
                    out.append(name)
    if not out:
        for t in case.topics:
            for target in view.onto.escalation_next.get(t, ()):
                if target != answer.name and target != answer.type and target not in out:
                    out.append(target)
    return out[:3]


def explain(view: _Graph, case: Case, a: RouteAnswer) -> str:
    """理由: why the answer is offered, in one Japanese sentence (two when the firm asked for
    its kind)."""
    why = _explain_basis(view, case, a)
    if a.wished:
        why += f"ご相談の言葉（{'・'.join(case.wished)}）にも沿う。"
    return why


def _explain_basis(view: _Graph, case: Case, a: RouteAnswer) -> str:
    topics = "・".join(a.topics or list(case.topics))
    if a.basis in ("referral", "broader_referral"):
        srcs = [view.g.nodes[ev["source"]]["name"] for ev in a.evidence if ev.get("source")]
        src = srcs[0] if srcs else (view.g.nodes[case.holder]["name"] if case.holder else "")
        places = sorted({p for p in (
            view.flow_prefecture(ev["source"], ev["target"],
                                 view.g.edges[ev["source"], ev["target"], REFERRAL])
            for ev in a.evidence if ev.get("source")) if p})
        where = f"{places[0]}の事例として" if places else "一般的な流れとして"
        via = "" if a.basis == "referral" else _VIA_BROADER
        hops = [view.g.nodes[v]["name"] for u, v in itertools.pairwise(a.path)
                if view.g.has_edge(u, v, key=REFERRAL)][:-1]
        through = "".join(f"{h}を経て" for h in hops)
        return (f"{src}から{through}{a.name}へ案件をつなぐことが、{where}文書に記録されている"
                f"{via}。")
    if a.basis == "partner" and (found := partnership(view.g, *a.path[:2])) is not None:
        u, v, rel = found
        about = [t.split(":", 1)[1] for t in view.g.edges[u, v, rel].get("topics", [])]
        holder = view.g.nodes[a.path[0]]["name"]
        return (f"{holder}と{view.g.nodes[a.path[1]]['name']}の{rel}（{'・'.join(about)}）が"
                f"文書に記録されており、その相手として案件を受けられる。")
    if a.basis == "entry":
        return f"{a.name}は{topics}の相談を最初に受け付ける窓口として文書に記録されている。"
    own = [t for t in (a.topics or list(case.topics)) if t not in a.specialist_for]
    if a.specialist_for and own:
        role = f"{'・'.join(a.specialist_for)}を専門に扱い、{'・'.join(own)}も扱う"
        topics = ""
    else:
        role = "を専門に扱う" if a.specialist else "を扱う"
    body = a.name if a.label == INSTITUTION else f"{case.region}の{a.name}"
    ref = a.references[0] if a.references else ""
    if a.basis == "national":
        return f"{body}は{topics}{role}全国の支援機関である（根拠: {ref}）。"
    return f"{body}は{topics}{role}機関である（根拠: {ref}）。"
