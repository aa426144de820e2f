"""A routing answer's path said in plain language.

A path from the routing search is a chain of graph hops: kind steps (諏訪信用金庫 -> 信用金庫 ->
地域金融機関 -> 金融機関), referrals (金融機関 -> 士業等専門家) and a step from a kind down to the
case region's institution. People want to hear "栃木県の事例に基づく: 信用金庫 → 栃木県事業承継・
引継ぎ支援センター": the holder, whom the case goes to, and whose practice that rests on.

:func:`plain_route` keeps the holder, every referral's receiver and the answer (kind steps are
collapsed), notes the broader kind the referral was stated for ("金融機関として") and names the
prefecture(s) whose documented practice the referrals come from (from an edge's ``regions`` or
its institutions' location), or says it is a statement that applies everywhere. A ``reason``
given by the routing (its own words) is kept beside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    INSTITUTION,
    KIND,
    REFERRAL,
    REGION,
    TOPIC,
    UNDIRECTED_RELATIONS,
)
from shienmap.i18n import Messages, messages


@dataclass
class PlainRoute:
    """A path in people's words: ``basis: A → B → C`` and the routing's reason, if any."""

    chain: list[str]
    basis: str
    prefectures: list[str]
    via: str | None = None  # the broader kind (or peer) the first referral was stated for
    reason: str | None = None

    def text(self, m: Messages | None = None) -> str:
        """``栃木県の事例に基づく: 信用金庫 → 栃木県事業承継・引継ぎ支援センター``."""
        m = m or messages()
        return m("route.plain", basis=self.basis, chain=" → ".join(self.chain))


def _name(g: nx.MultiDiGraph, n: str) -> str:
    return g.nodes[n]["name"] if n in g and "name" in g.nodes[n] else n.split(":", 1)[-1]


def _label(g: nx.MultiDiGraph, n: str) -> str:
    if n in g:
        return g.nodes[n].get("label", "")
    return n.split(":", 1)[0]


def referral_prefectures(g: nx.MultiDiGraph, u: str, v: str,
                         onto: Ontology | None = None) -> list[str]:
    """The prefectures a documented referral u -> v is about: its ``regions`` and the location
    of its named-institution ends, in that order, without repeats."""
    onto = onto or default_ontology()
    found: dict[str, None] = {}
    data = g.edges[u, v, REFERRAL] if g.has_edge(u, v, key=REFERRAL) else {}
    for r in data.get("regions", []):
        pref = onto.prefecture_of(r.split(":", 1)[-1])
        if pref:
            found.setdefault(pref, None)
    for n in (u, v):
        if _label(g, n) == INSTITUTION and g.nodes[n].get("region"):
            pref = onto.prefecture_of(g.nodes[n]["region"].split(":", 1)[-1])
            if pref:
                found.setdefault(pref, None)
    return list(found)


def plain_route(g: nx.MultiDiGraph, path: Sequence[str],
                evidence: Sequence[dict[str, Any]] = (), *, reason: str | None = None,
                lang: str | None = None, onto: Ontology | None = None) -> PlainRoute:
    """Say an answer's path in plain words (see the module docstring).

    ``evidence`` (the answer's, each item with ``source`` and ``target``) adds referrals that
    are not edges of ``g`` (an answer from another backend). ``reason`` is the routing's own
    explanation, kept as it is.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("機関種別:信用金庫", label="機関種別", name="信用金庫")
    >>> g.add_node("機関:栃木県信用保証協会", label="機関", name="栃木県信用保証協会",
    ...            type="信用保証協会", region="地域:栃木県")
    >>> _ = g.add_edge("機関種別:信用金庫", "機関:栃木県信用保証協会", key="紹介", evidence=[])
    >>> plain_route(g, ["機関種別:信用金庫", "機関:栃木県信用保証協会"], lang="ja").text()
    '栃木県の事例に基づく: 信用金庫 → 栃木県信用保証協会'
    """
    m = messages(lang)
    onto = onto or default_ontology()
    path = list(path)
    if not path:
        return PlainRoute([], m("route.basis.none"), [], reason=reason)
    if _label(g, path[0]) == TOPIC:  # a mandate: the topic, the kind, the region's body
        chain = [_name(g, n) for n in path[1:]]
        chain = chain[-1:] if len(chain) > 1 else chain
        return PlainRoute(chain, m("route.basis.mandate", topic=_name(g, path[0])), [],
                          reason=reason)
    if _label(g, path[0]) == REGION:  # no holder: where a firm goes first in that region
        chain = [_name(g, n) for n in path[1:]] or [_name(g, path[0])]
        return PlainRoute(chain, m("route.basis.entry", region=_name(g, path[0])), [],
                          reason=reason)
    if len(path) == 2 and any(e.get("type") in UNDIRECTED_RELATIONS for e in evidence):
        # the holder's own agreement (協定, 連携, 同行訪問) with the answer
        types = "・".join(dict.fromkeys(e["type"] for e in evidence
                                       if e.get("type") in UNDIRECTED_RELATIONS))
        return PlainRoute([_name(g, n) for n in path],
                          m("route.basis.partner", holder=_name(g, path[0]), types=types),
                          [], reason=reason)
    stated = {(e.get("source"), e.get("target")) for e in evidence if e.get("type", REFERRAL)
              == REFERRAL}
    hops = [(u, v) for u, v in itertools.pairwise(path)
            if g.has_edge(u, v, key=REFERRAL) or (u, v) in stated]
    chain = [_name(g, path[0])]
    prefectures: dict[str, None] = {}
    for u, v in hops:
        chain.append(_name(g, v))
        for p in referral_prefectures(g, u, v, onto):
            prefectures.setdefault(p, None)
    if hops and hops[-1][1] != path[-1]:
        chain[-1] = _name(g, path[-1])  # a kind brought down to the region's institution
    elif not hops and len(path) > 1:
        chain.append(_name(g, path[-1]))
    via = None
    if hops and hops[0][0] != path[0]:
        via = _name(g, hops[0][0])
    prefs = list(prefectures)
    if prefs:
        basis = m("route.basis.regional", prefectures="・".join(prefs))
    else:
        basis = m("route.basis.general")
    if via:
        kind_step = _label(g, hops[0][0]) == KIND
        basis += m("route.basis.as_kind" if kind_step else "route.basis.as_peer", via=via)
    return PlainRoute(chain, basis, prefs, via=via, reason=reason)


def answer_reason(answer: Any) -> str | None:
    """The routing's own reason for an answer (``reason`` or ``理由``), when it gives one."""
    if isinstance(answer, dict):
        return answer.get("reason") or answer.get("理由")
    return getattr(answer, "reason", None) or getattr(answer, "理由", None)


__all__ = ["PlainRoute", "answer_reason", "plain_route", "referral_prefectures"]
