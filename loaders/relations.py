"""Stage 6, relate: a sentence's resolved mentions -> relations between institutions.

Reads ``Resolved`` mentions and the sentence text; fills :class:`Relation` records. Each
trigger word of ``relations.toml`` opens a clause that reaches back to the previous trigger;
the ends are chosen by the case roles of :mod:`.particles`:

* 紹介/出向 (directed). Receivers: the に/へ/を group just before the trigger (or "専門家の
  紹介"). Referrer: the から group next to the trigger, else the は/が agent, else the
  institution named earlier in the clause (協議会に相談に来て…よろず支援拠点に繋ぐ), else the
  agent before the clause, else the line's or section's subject. "Aからの出向者を受け入れ"
  makes the agent the receiver; "派遣元のA" makes A the sender. Passive forms (取り次がれる)
  take every institution named before the receivers as referrers. 相互に: both ways.
* 協定/同行訪問/連携 (undirected). With an agent: the agent with each other party. With only
  との-partners: the line's or section's subject with each. Otherwise every pair.
  A trigger with no party of its own (本部も営業店も同席) shares the previous clause's parties.

A specific trigger next to 連携 (連携協定, 連携・協定) wins; a trigger followed by 後 (持ち込み
後も) is an adverbial, not a statement; a planned fact (協定締結予定) gives nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from shienmap.graph.ontology import Ontology
from shienmap.graph.schema import COLLABORATION, DIRECTED_RELATIONS, PROGRAMME

from .context import Resolved
from .mentions import Mention
from .particles import AGENT_ROLES, DST, GEN, LIST, OBJ, PARTNER, SRC, SUBJ, TOPIC, roles

_RECEIVE_WORDS = ("受け入れ", "受入", "受け付け", "受付", "受領")
_SENDER_SUFFIX = "元"  # 派遣元のA: A is the sender
_SAME_CLAUSE = 12  # triggers of one type this close share one clause (連携・協定に関する覚書)
_RECEIVER_GAP = 20  # a receiver is named at most this far before its trigger
_SOURCE_GAP = 20  # a から source at most this far before the receivers or trigger
_MAX_COLLABORATORS = 6  # a 連携 list longer than this is a roster, not a statement


@dataclass(frozen=True)
class Relation:
    """A relation stated by one sentence. ``source``/``target`` are party mentions."""

    type: str
    source: Mention
    target: Mention
    trigger: str
    mutual: bool = False


@dataclass(frozen=True)
class Trigger:
    type: str
    start: int
    end: int
    word: str
    passive: bool


class RelationExtractor:
    """Finds relations in resolved sentences, using the trigger words of the ontology."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        words: list[tuple[str, str, bool]] = []
        for spec in onto.relations.values():
            words += [(w, spec.type, False) for w in spec.triggers]
            words += [(w, spec.type, True) for w in spec.passive]
        words.sort(key=lambda w: (-len(w[0]), w[2]))
        self.words = {w: (t, p) for w, t, p in reversed(words)}
        self.pattern = re.compile("|".join(re.escape(w) for w, _, _ in words))

    def triggers(self, text: str, mentions: list[Mention]) -> list[Trigger]:
        """Trigger words in the sentence, outside names (a programme's name may hold one,
        but not a 連携 one), not planned, not adverbial, 連携 yielding to a neighbour."""
        spans = [(m.start, m.end, m.label) for m in mentions]
        found: list[Trigger] = []
        for m in self.pattern.finditer(text):
            rtype, passive = self.words[m.group(0)]
            inside = [lab for s, e, lab in spans if s <= m.start() < e]
            if inside and (inside[0] != PROGRAMME or rtype == COLLABORATION):
                continue
            rest = text[m.end():]
            if rest.startswith(self.onto.planned_markers) or re.match(r"^[^、。]{0,4}予定", rest):
                continue
            if re.match(r"^(?:み|し|い)?後", rest):
                continue
            found.append(Trigger(rtype, m.start(), m.end(), m.group(0), passive))
        return [t for t in found if not (t.type == COLLABORATION and any(
            o.type != COLLABORATION and (0 <= o.start - t.end <= 2 or 0 <= t.start - o.end <= 2)
            for o in found))]

    def extract(self, text: str, res: Resolved) -> list[Relation]:
        """All relations one sentence states."""
        parties = [m for m in res.mentions if m.is_party]
        trigs = self.triggers(text, res.mentions)
        if not trigs:
            return []
        mutual = any(mk in text for mk in self.onto.mutual_markers)
        out: list[Relation] = []
        window_start = 0
        last_ends: list[Mention] = []
        for i, t in enumerate(trigs):
            nxt = trigs[i + 1] if i + 1 < len(trigs) else None
            if nxt is not None and nxt.start - t.end <= _SAME_CLAUSE and nxt.type == t.type:
                continue
            window = [m for m in parties if window_start <= m.start and m.end <= t.start]
            if t.type in DIRECTED_RELATIONS:
                rels = self._directed(text, t, window, parties, res, mutual)
            else:
                rels = self._undirected(text, t, window, res, last_ends)
            out += rels
            if rels:
                last_ends = list({m.name: m for r in rels for m in (r.source, r.target)}.values())
            window_start = t.end
        return _dedupe(out)

    # ---------------------------------------------------------------- directed
    def _directed(self, text: str, t: Trigger, window: list[Mention], parties: list[Mention],
                  res: Resolved, mutual: bool) -> list[Relation]:
        if mutual and len(window) >= 2:
            return [Relation(t.type, a, b, t.word, True)
                    for a in window for b in window if a.name != b.name]
        rs = roles(text, window)
        after = [m for m in parties if m.start >= t.end]
        if t.word.endswith(_SENDER_SUFFIX) and after and after[0].start - t.end <= 3:
            agents = _agents(window, rs)
            receiver = agents or [m for m in window if m.name != after[0].name][:1]
            if not receiver and res.subject is not None:
                receiver = [res.subject]
            return [Relation(t.type, after[0], r, t.word) for r in receiver
                    if r.name != after[0].name]
        receivers = _group(window, rs, (DST, OBJ))
        if receivers and t.start - receivers[-1].end > _RECEIVER_GAP:
            receivers = []
        if not receivers and window and rs[-1] == GEN and t.start - window[-1].end <= 3:
            receivers = [window[-1]]
        sources = self._from_sources(window, rs, receivers, t)
        receiving = any(w in text[t.end:t.end + 20] for w in _RECEIVE_WORDS)
        if sources and (not receivers or receiving):
            receivers = _agents(window, rs) or [
                m for m in window if m not in sources][:1]
        if not receivers:
            return []
        if t.passive:
            before = [m for m in parties if m.end <= receivers[0].start]
            sources = [m for m, r in zip(before, roles(text, before), strict=True)
                       if r in (TOPIC, SUBJ, DST, SRC, LIST)]
        if not sources:
            sources = [m for m in _agents(window, rs) if m not in receivers]
        if not sources:
            earlier = [m for m in window if m.end <= receivers[0].start]
            if earlier:
                sources = _chain_ending_at(earlier, roles(text, earlier))
        if not sources:
            before = [m for m in parties if m.end <= (window[0].start if window else t.start)]
            sources = _agents(before, roles(text, before))
        if not sources and res.subject is not None:
            sources = [res.subject]
        return [Relation(t.type, s, r, t.word) for s in sources for r in receivers
                if s.name != r.name]

    @staticmethod
    def _from_sources(window: list[Mention], rs: list[str], receivers: list[Mention],
                      t: Trigger) -> list[Mention]:
        """The から group, if it is next to the receivers or the trigger (no agent between)."""
        group = _group(window, rs, (SRC,))
        if not group:
            return []
        limit = receivers[0].start if receivers and receivers[0].start > group[-1].end else t.start
        between = [m for m, r in zip(window, rs, strict=True)
                   if group[-1].end <= m.start < limit and r in AGENT_ROLES]
        if between or limit - group[-1].end > _SOURCE_GAP:
            return []
        return group

    # ---------------------------------------------------------------- undirected
    def _undirected(self, text: str, t: Trigger, window: list[Mention], res: Resolved,
                    last_ends: list[Mention]) -> list[Relation]:
        ends = list({m.name: m for m in window}.values())
        if not ends and t.type != COLLABORATION:
            ends = last_ends
        rs = roles(text, ends)
        agents = [m for m, r in zip(ends, rs, strict=True) if r in AGENT_ROLES]
        partners = [m for m, r in zip(ends, rs, strict=True) if r == PARTNER]
        pairs: list[tuple[Mention, Mention]]
        if len(ends) == 1:
            others = [m for m in last_ends if m.name != ends[0].name]
            if not others and res.subject is not None:
                others = [res.subject]
            pairs = [(o, ends[0]) for o in others]
        elif agents and len(agents) < len(ends):
            pairs = [(a, b) for a in agents for b in ends if b not in agents]
        elif partners and len(partners) == len(ends) and res.subject is not None:
            pairs = [(res.subject, b) for b in ends]
        elif len(set(rs)) > 1 and DST in rs:
            pairs = [(a, b) for (a, ra), (b, rb) in combinations(zip(ends, rs, strict=True), 2)
                     if (ra == DST) != (rb == DST)]  # 士業には…センター職員に同行: across
        else:
            pairs = list(combinations(ends, 2))
        if t.type == COLLABORATION and len(ends) > _MAX_COLLABORATORS:
            return []
        return [Relation(t.type, a, b, t.word) for a, b in pairs if a.name != b.name]


def _agents(ms: list[Mention], rs: list[str]) -> list[Mention]:
    """The agent: the は-topic group if there is one, else the が/も subject group."""
    return _group(ms, rs, (TOPIC,)) or _group(ms, rs, (SUBJ,))


def _group(ms: list[Mention], rs: list[str], wanted: tuple[str, ...]) -> list[Mention]:
    """The run of mentions with a wanted role nearest the end (listed ones included)."""
    idx = [i for i, r in enumerate(rs) if r in wanted]
    if not idx:
        return []
    last = idx[-1]
    group = [ms[last]]
    j = last - 1
    while j >= 0 and rs[j] == rs[last] and ms[j + 1].start - ms[j].end <= 8:
        group.insert(0, ms[j])
        j -= 1
    return group


def _chain_ending_at(ms: list[Mention], rs: list[str]) -> list[Mention]:
    group = [ms[-1]]
    j = len(ms) - 2
    while j >= 0 and rs[j] == LIST and ms[j + 1].start - ms[j].end <= 6:
        group.insert(0, ms[j])
        j -= 1
    return group


def _dedupe(rels: list[Relation]) -> list[Relation]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Relation] = []
    for r in rels:
        key = (r.type, r.source.name, r.target.name)
        if r.type not in DIRECTED_RELATIONS:
            key = (r.type, *sorted((r.source.name, r.target.name)))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


__all__ = ["Relation", "RelationExtractor", "Trigger"]
