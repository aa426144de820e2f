"""The routing index of a graph: what routing looks up over and over, built once per graph -
the referrals out of each node grouped by topic, the referrals about each topic, each
referral's topics and folded quotes, where each receiver lands for a case in a region, and the
referrals of each kind's institutions grouped for reading a kind's practice elsewhere."""

from __future__ import annotations

import gc
import heapq
import math
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from shienmap.graph.schema import INSTITUTION, IS_KIND, KIND, REFERRAL, fold

if TYPE_CHECKING:
    from .routing import _Graph

_REGIONS_KEPT = 64  # regions whose receivers' landing places GraphIndex keeps
_FREEZE_FROM = 100_000  # edges: from this size the graph's objects are frozen for the collector


def static_support(data: dict[str, Any]) -> float:
    """What a referral's record adds whatever the case: its evidence and count."""
    out = 0.1 * min(len(data.get("evidence", [])), 5)
    if data.get("count"):
        out += 0.2 * math.log1p(data["count"])
    return out


_About = tuple[int, str, str, dict[str, Any]]
_Member = tuple[float, int, str, str, dict[str, Any], "str | None", "str | None"]


@dataclass
class PeerGroup:
    """Referrals of one kind's institutions to receivers that stand for one kind in a case of
    another prefecture (``mapped``), or to one receiver, with the same topics and mandates,
    documented for a prefecture (``elsewhere``) or not; members are (static support, order in
    the graph, institution, receiver, data, where, receiver's prefecture), heaviest first."""

    elsewhere: bool
    mapped: bool
    sample: str
    sample_data: dict[str, Any]
    sample_kind: str | None  # the kind the receivers stand for (mapped groups)
    members: list[_Member] = field(default_factory=list)
    _here: dict[str | None, list[_Member]] = field(default_factory=dict)
    _text: str | None = None

    def text(self, index: GraphIndex) -> str:
        """Every member's folded quotes in one text (made when first asked for): a case word
        absent from it is absent from each member's."""
        if self._text is None:
            self._text = "\0".join(index.folded_text(m[4]) for m in self.members)
        return self._text

    def at(self, prefecture: str) -> list[_Member]:
        """The members that are flows of one prefecture (documented for it, or into it)."""
        if not self._here:
            for m in self.members:
                self._here.setdefault(m[5] if m[5] is not None else m[6], []).append(m)
        return self._here.get(prefecture, [])


class GraphIndex:
    """What routing looks up over and over, built once per graph: the referrals out of each
    node grouped by topic (None: about no topic in particular), in the graph's order."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.size = g.number_of_nodes()
        self.handles: dict[str, frozenset[str]] = {}  # node|inherit -> topic ids (_Graph)
        self.flows: dict[tuple[str, str, int], str | None] = {}  # flow_prefecture, cached
        self._quotes: dict[int, str] = {}
        self._support: dict[int, float] = {}
        self._topics: dict[int, frozenset[str]] = {}
        self._targets: dict[str, dict[tuple[str, Any, Any], Any]] = {}
        self._peers: dict[str, dict[str | None, list[PeerGroup]]] = {}
        self.labels: dict[str, str] = {}  # node -> label, kind node, prefecture (_Graph)
        self.kinds: dict[str, str | None] = {}
        self.prefectures: dict[str, str | None] = {}
        self._out: dict[str, dict[str | None, list[tuple[str, dict[str, Any]]]]] = {}
        self._order: dict[str, dict[int, int]] = {}
        self._ordered: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self._position = {n: i for i, n in enumerate(g)}
        self._about: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        self._senders: dict[str, tuple[dict[str | None, list[_About]], frozenset[str]]] = {}
        self._about_from: dict[tuple[str, str | None], list[_About]] = {}
        for u, v, k, data in g.edges(keys=True, data=True):
            if k != REFERRAL:
                continue
            for t in data.get("topics") or ():
                self._about.setdefault(t, []).append((u, v, data))
            groups = self._out.setdefault(u, {})
            order = self._order.setdefault(u, {})
            order[id(data)] = len(order)
            for t in data.get("topics") or [None]:
                groups.setdefault(t, []).append((v, data))

    def peer_groups(self, view: _Graph, kind: str, keys: list[str | None] | None
                    ) -> list[PeerGroup]:
        """The referrals of the institutions of ``kind``, grouped (:class:`PeerGroup`), built
        once per kind; those about the topics in ``keys`` (None: about no topic), or all."""
        if kind not in self._peers:
            self._peers[kind] = self._group_peers(view, kind)
        by_topic = self._peers[kind]
        if keys is None:
            return list({id(gr): gr for grs in by_topic.values() for gr in grs}.values())
        return list({id(gr): gr for key in keys for gr in by_topic.get(key, ())}.values())

    def _group_peers(self, view: _Graph, kind: str) -> dict[str | None, list[PeerGroup]]:
        groups: dict[tuple[Any, ...], PeerGroup] = {}
        order = 0
        for p, _, k in view.g.in_edges(kind, keys=True):
            if k != IS_KIND:
                continue
            for v, data in self._in_order(p):
                where = view.flow_prefecture(p, v, data)
                place = view.prefecture(v) if view.label(v) == INSTITUTION else None
                mapped = view.label(v) == INSTITUTION and (where is not None or place is not None)
                key = (where is not None, mapped, view.kind_of(v) if mapped else v,
                       frozenset(data.get("topics", [])), view.handles(v), view.label(v))
                group = groups.get(key)
                if group is None:
                    group = groups[key] = PeerGroup(where is not None, mapped, v, data,
                                                    view.kind_of(v))
                group.members.append((static_support(data), order, p, v, data, where, place))
                order += 1
        by_topic: dict[str | None, list[PeerGroup]] = {}
        for key, group in groups.items():
            group.members.sort(key=lambda m: (-m[0], m[1]))
            for t in key[3] or [None]:
                by_topic.setdefault(t, []).append(group)
        return by_topic

    def _in_order(self, u: str) -> list[tuple[str, dict[str, Any]]]:
        """The referrals out of ``u`` in the graph's order."""
        order = self.order(u)
        found = {id(d): (v, d) for es in self.referrals_out(u).values() for v, d in es}
        return sorted(found.values(), key=lambda e: order[id(e[1])])

    def referrals_in_order(self, u: str) -> list[tuple[str, dict[str, Any]]]:
        """The referrals out of ``u`` in the graph's order (as ``g.out_edges(u)`` lists them),
        cached."""
        found = self._ordered.get(u)
        if found is None:
            found = self._ordered[u] = self._in_order(u)
        return found

    def targets(self, region: str) -> dict[tuple[str, Any, Any], Any]:
        """Where each receiver's referral lands for a case in ``region`` (_Graph.target),
        kept for the last few regions asked about."""
        found = self._targets.get(region)
        if found is None:
            if len(self._targets) >= _REGIONS_KEPT:
                self._targets.pop(next(iter(self._targets)))
            found = self._targets[region] = {}
        return found

    def about(self, topic: str) -> list[tuple[str, str, dict[str, Any]]]:
        """The referrals about a topic, (source, receiver, data), in the graph's order."""
        return self._about.get(topic, [])

    def about_from(self, view: _Graph, topic: str, prefecture: str | None
                   ) -> list[tuple[str, str, dict[str, Any]]]:
        """The referrals about a topic sent by a kind or by an institution of ``prefecture``,
        in the graph's order (a subsequence of :meth:`about`), cached per topic and
        prefecture: a case reads its own prefecture's part, not the whole country's."""
        key = (topic, prefecture)
        found = self._about_from.get(key)
        if found is None:
            by_place, _ = self._by_sender_place(view, topic)
            found = [e[1:] for e in heapq.merge(by_place.get(KIND, []),
                                                 by_place.get(prefecture or "", []))]
            self._about_from[key] = found
        return found

    def receivers(self, view: _Graph, topic: str) -> frozenset[str]:
        """Every node receiving a referral about the topic, anywhere."""
        return self._by_sender_place(view, topic)[1]

    def _by_sender_place(self, view: _Graph, topic: str
                         ) -> tuple[dict[str | None, list[_About]], frozenset[str]]:
        """A topic's referrals by where the sender is (KIND for a kind, an institution's
        prefecture), each with its place in :meth:`about`; and their receivers."""
        found = self._senders.get(topic)
        if found is None:
            by_place: dict[str | None, list[_About]] = {}
            for i, (u, v, e) in enumerate(self.about(topic)):
                label = view.label(u)
                place = KIND if label == KIND else (  # "": an institution of no prefecture
                    view.prefecture(u) or "" if label == INSTITUTION else None)
                if place is not None:
                    by_place.setdefault(place, []).append((i, u, v, e))
            receivers = frozenset(v for _, v, _ in self.about(topic))
            found = self._senders[topic] = (by_place, receivers)
        return found

    def position(self, n: str) -> int:
        """A node's place in the graph's order."""
        return self._position[n]

    def topics_of(self, data: dict[str, Any]) -> frozenset[str]:
        """The referral's topics as a set (cached)."""
        key = id(data)
        found = self._topics.get(key)
        if found is None:
            found = self._topics[key] = frozenset(data.get("topics", ()))
        return found

    def folded_text(self, data: dict[str, Any]) -> str:
        """The referral's evidence quotes, folded, joined by NUL (cached): a case word is in
        some quote exactly when it is in this text (no word holds a NUL: argv cannot)."""
        key = id(data)
        found = self._quotes.get(key)
        if found is None:
            found = self._quotes[key] = "\0".join(fold(ev["quote"])
                                                   for ev in data.get("evidence", []))
        return found

    def support(self, data: dict[str, Any]) -> float:
        """:func:`static_support` of a referral (cached)."""
        key = id(data)
        found = self._support.get(key)
        if found is None:
            found = self._support[key] = static_support(data)
        return found

    def referrals_out(self, u: str) -> dict[str | None, list[tuple[str, dict[str, Any]]]]:
        return self._out.get(u, {})

    def order(self, u: str) -> dict[int, int]:
        return self._order.get(u, {})


_INDEXES: weakref.WeakKeyDictionary[nx.MultiDiGraph, GraphIndex] = weakref.WeakKeyDictionary()


def graph_index(g: nx.MultiDiGraph, *, rebuild: bool = False) -> GraphIndex:
    """The graph's :class:`GraphIndex`, built on first use and again when the number of nodes
    changed; after changing only edges of a graph already routed on, pass ``rebuild``.

    A national graph and its index are millions of long-lived objects: one full pass of
    Python's cyclic garbage collector over them takes 0.5-1.5 s, and it falls on whichever
    call happens to allocate next (measured: one route call of 200 took 1.4 s). So once the
    index of a large graph is built, what exists is collected once and frozen (``gc.freeze``:
    the collector skips it from then on; memory is still freed by reference counting)."""
    index = _INDEXES.get(g)
    if rebuild or index is None or index.size != g.number_of_nodes():
        index = _INDEXES[g] = GraphIndex(g)
        if g.number_of_edges() >= _FREEZE_FROM:
            gc.collect()
            gc.freeze()
    return index
