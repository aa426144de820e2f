"""A routing case: a firm in a region with support topics, perhaps held by an institution.

:func:`make_case` turns the user's words into graph terms and fails with the closest known
names when a region, topic or holder is unknown.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import INSTITUTION, KIND, REFERRAL, REGION, TOPIC, fold, node_id

from .words import (
    EvidenceIndex,
    evidence_index,
    holder_candidates,
    holder_suggestions,
    topic_suggestions,
    topics_in,
    wished_kinds,
)


class CaseError(ValueError):
    """A case argument the graph does not know; the message names the closest known ones."""


@dataclass(frozen=True)
class Case:
    """A firm's case in graph terms."""

    region: str  # 地域 name (a prefecture or a municipality)
    prefecture: str
    topics: tuple[str, ...]  # 課題 names
    words: tuple[str, ...]  # the words the user gave, for matching evidence
    escalate: bool  # the user called the case hard (難しい, 難解 …)
    holder: str | None = None  # node id of the institution or kind holding the case

    related: tuple[str, ...] = ()  # topics related to the case's (half credit)
    wished: tuple[str, ...] = ()  # kinds the firm asks for (銀行と一緒に見てほしい -> 銀行)

    @cached_property
    def topic_ids(self) -> frozenset[str]:
        return frozenset(node_id(TOPIC, t) for t in self.topics)

    @cached_property
    def case_ids(self) -> frozenset[str]:
        """The case's topics and related topics."""
        return self.topic_ids | self.related_ids

    @cached_property
    def related_ids(self) -> frozenset[str]:
        return frozenset(node_id(TOPIC, t) for t in self.related) - self.topic_ids


def _closest(word: str, names: list[str], n: int = 5) -> str:
    near = difflib.get_close_matches(word, names, n=n, cutoff=0.3)
    if not near:
        near = [x for x in names if word[:1] and word[:1] in x][:n]
    return "、".join(near) if near else "(none)"


def resolve_region(word: str, onto: Ontology) -> tuple[str, str]:
    """(region, prefecture) for a prefecture or municipality name; CaseError otherwise."""
    r = onto.region(word)
    if r is None or r.level not in ("都道府県", "市区町村"):
        names = [x.name for x in onto.regions.values() if x.level in ("都道府県", "市区町村")]
        raise CaseError(f"unknown region {word!r} (a prefecture or municipality); "
                        f"closest: {_closest(word, names)}")
    pref = onto.prefecture_of(r.name)
    assert pref is not None
    return r.name, pref


def resolve_topics(words: list[str], onto: Ontology,
                   evidence: Callable[[], EvidenceIndex] | None = None,
                   ) -> tuple[tuple[str, ...], bool]:
    """Map the user's words to 課題 (see :mod:`.words`: names and aliases, everyday words as
    written or by dictionary form, failing those the words of the documented referrals about
    each topic (``evidence()``, built only when needed), then a content word of one topic
    alone).

    Returns the topics and whether the words mark the case as hard (難しい案件).
    """
    topics: list[str] = []
    escalate = False
    unknown: list[str] = []
    for word in words:
        w = fold(word)
        hard = any(e in w for e in onto.escalation_words)
        escalate |= hard
        found = topics_in(word, onto, evidence)
        if found:
            topics += found
        elif not hard:
            unknown.append(word)
    definite = [t for t in topics if not onto.topics[t].fallback]
    if definite:  # 分からない beside 創業計画 is about 創業, not 経営課題が不明確
        topics = definite
    if unknown and not topics:  # words that name no topic only matter when none does
        near = topic_suggestions(unknown[0], onto) or list(onto.topics)[:8]
        raise CaseError(f"unknown topic {unknown[0]!r}; closest: {'、'.join(near)}"
                        f" (all topics: {'、'.join(onto.topics)})")
    return tuple(dict.fromkeys(topics)), escalate


def holder_node(candidates: list[tuple[str, str]], region: str, onto: Ontology,
                exists: Callable[[str], bool]) -> str | None:
    """The node for the first candidate the graph holds: a named body (or, when the graph does
    not hold it, its kind), a kind brought down to the region's own body of it."""
    for label, name in candidates:
        if label == INSTITUTION:
            if exists(node_id(INSTITUTION, name)):
                return node_id(INSTITUTION, name)
            known = onto.institution(name)
            kind = known.type if known else None
        else:
            kind = name
        if kind is None or kind not in onto.kinds:
            continue
        inst = onto.instance_name(kind, region)
        if inst and exists(node_id(INSTITUTION, inst)):
            return node_id(INSTITUTION, inst)
        if exists(node_id(KIND, kind)):
            return node_id(KIND, kind)
    return None


def resolve_holder(g: nx.MultiDiGraph, word: str, region: str, onto: Ontology) -> str:
    """The node holding the case, from the words as written (:func:`.words.holder_candidates`):
    a named institution of the graph, else a kind - the region's own body of it when the
    graph has one."""
    def bodies() -> list[str]:
        here = onto.prefecture_of(region)
        return [d["name"] for _, d in g.nodes(data=True) if d.get("label") == INSTITUTION
                and onto.prefecture_of((d.get("region") or ":").split(":", 1)[1]) == here]

    named = institution_names(g).get(fold(word))  # a name or alias as this graph has it
    return find_holder(word, region, onto, named, g.__contains__, bodies)


def find_holder(word: str, region: str, onto: Ontology, named: str | None,
                exists: Callable[[str], bool], bodies: Callable[[], list[str]]) -> str:
    """The holder's node, as every backend finds it: the institution the graph names so
    (``named``), else the first candidate of the words the graph holds (:func:`holder_node`);
    else a :class:`CaseError` naming the closest of the region's ``bodies()``."""
    if named is not None:
        return named
    found = holder_node(holder_candidates(word, onto), region, onto, exists)
    if found is not None:
        return found
    near = holder_suggestions(word, onto, bodies())
    raise CaseError(f"unknown holder {word!r} (an institution or a kind of institution); "
                    f"closest: {'、'.join(near) if near else '(none)'}")


def check_region(case: Case, exists: Callable[[str], bool]) -> Case:
    """The case, if the graph holds its region (a graph built by an older version may not)."""
    if not exists(node_id(REGION, case.region)):
        raise CaseError(f"region {case.region!r} is not in the graph; rebuild it with this "
                        "version")
    return case


def case_from_words(region: str, topics: list[str], holder_of: Callable[[str, str], str] | None,
                    holder: str | None, onto: Ontology,
                    evidence: Callable[[], EvidenceIndex] | None = None) -> Case:
    """Build a :class:`Case`; ``holder_of(word, region)`` finds the holder's node id in
    whichever backend holds the graph, ``evidence()`` the index of its referral sentences
    (:func:`.words.evidence_index`; asked for only when the words name no topic as such)."""
    reg, pref = resolve_region(region, onto)
    if not topics:
        raise CaseError("give at least one topic (--topic), e.g. 事業承継, 知的財産, 販路開拓")
    names, escalate = resolve_topics(topics, onto, evidence)
    if not names and not escalate:
        raise CaseError(f"no known topic in {topics!r}")
    h = holder_of(holder, reg) if holder and holder_of else None
    # related topics (topics.toml) and broader ones: a referral about 事業承継 bears on a
    # 第三者承継 case, at half the weight of one about the case's own topic
    related = tuple(dict.fromkeys([*(r for t in names for r in onto.topics[t].related),
                                   *(b for t in names if (b := onto.topics[t].broader))]))
    wished = tuple(dict.fromkeys(k for w in topics for k in wished_kinds(w, onto)))
    return Case(reg, pref, names, tuple(topics), escalate, h, related, wished)


@lru_cache(maxsize=2)
def institution_names(g: nx.MultiDiGraph) -> dict[str, str]:
    """Folded name or alias -> the first institution node (in the graph's order) holding it."""
    out: dict[str, str] = {}
    for n, d in g.nodes(data=True):
        if d.get("label") == INSTITUTION:
            for name in (d["name"], *d.get("aliases", [])):
                out.setdefault(fold(name), n)
    return out


@lru_cache(maxsize=2)
def graph_evidence_index(g: nx.MultiDiGraph) -> EvidenceIndex:
    """The evidence index of a graph's referrals (see :func:`.words.evidence_index`)."""
    return evidence_index(
        ([t.split(":", 1)[1] for t in d.get("topics", [])],
         [ev["quote"] for ev in d.get("evidence", [])])
        for _, _, k, d in g.edges(keys=True, data=True) if k == REFERRAL)


def make_case(g: nx.MultiDiGraph, region: str, topics: list[str], holder: str | None = None,
              onto: Ontology | None = None) -> Case:
    """Build a :class:`Case` from the user's words against a NetworkX graph (raises
    :class:`CaseError`)."""
    onto = onto or default_ontology()
    case = case_from_words(region, topics, lambda w, r: resolve_holder(g, w, r, onto), holder,
                           onto, lambda: graph_evidence_index(g))
    return check_region(case, g.__contains__)
