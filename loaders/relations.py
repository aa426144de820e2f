"""Stage 6, relate: a sentence's resolved mentions -> relations between institutions.

Reads ``Resolved`` mentions and the sentence text; fills :class:`Relation` records. Each
trigger word of ``relations.toml`` in the sentence opens a relation; its ends are chosen by
the case particles after each mention (から source, に/へ receiver, は/が subject, を object,
と partner; 、/や/及び coordinate with the next mention):

* 紹介/出向 (directed): receivers are the last に/へ/を group before the trigger; the
  referrer is the から group, else the subject, else the institution named earlier in the
  clause (協議会に相談に来て…よろず支援拠点に繋ぐ), else the line's or section's subject.
  Passive forms (取り次がれる) take the institutions consulted before the receivers.
  相互に makes the relation go both ways among the parties.
* 協定/同行訪問/連携 (undirected): every party named in the clause, pairwise; with a single
  party, the line's or section's subject is the other end.

Triggers closer together than a clause share one clause; a planned fact (協定締結予定) gives
no relation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from shienmap.graph.ontology import Ontology
from shienmap.graph.schema import COLLABORATION, DIRECTED_RELATIONS

from .context import Resolved
from .mentions import Mention

SRC, DST, TOPIC, SUBJ, OBJ, WITH, GEN, LIST, OTHER = (
    "src", "dst", "topic", "subj", "obj", "with", "gen", "list", "other")
_SKIP_AFTER = re.compile(
    r"^(?:等|など|各|自身|側|\([^)]{0,30}\)|「[^」]{0,30}」|の(?:職員|担当者|営業店|本部|支店|行員|"
    r"コーディネーター|ビジネスサポート部)|職員|担当者|営業店担当者|営業店|本部|行員|会員|主導で|主導)+"
)
# "A、B等の身近な支援機関は": the particle after a generic head noun is A's and B's.
_GENERIC_HEAD = re.compile(
    r"^(?:等|など)?(?:の|をはじめとする|をはじめ|といった|などの)[^、。「」]{0,16}?"
    r"(?:支援機関|機関|専門家|支援者|団体|組織|主体|関係者)(?:等|など)?(?=[はがもにへをとの])"
)
_PARTICLE_ROLES = (
    ("も含め", OTHER), ("を含め", OTHER), ("のほか", OTHER), ("に加えて", LIST), ("に加え", LIST),
    ("を擁する", OTHER), ("からの", SRC), ("から", SRC), ("への", DST), ("に対して", DST), ("に対し", DST),
    ("において", DST), ("における", DST), ("には", DST), ("に", DST), ("へ", DST), ("では", TOPIC),
    ("は", TOPIC), ("が", SUBJ), ("も", SUBJ), ("を", OBJ), ("との", WITH), ("とで", WITH),
    ("とも", WITH), ("と", WITH), ("及び", LIST), ("および", LIST), ("並びに", LIST), ("や", LIST),
    ("、", LIST), (",", LIST), ("・", LIST), ("の", GEN),
)
_RECEIVE_WORDS = ("受け入れ", "受入", "受け付け", "受付", "受けて", "受ける", "受領")
_CLAUSE_GAP = 12


@dataclass(frozen=True)
class Relation:
    """A relation stated by one sentence. ``source``/``target`` are party mentions."""

    type: str
    source: Mention
    target: Mention
    trigger: str
    mutual: bool = False


def particle_role(text: str, end: int) -> str:
    """The role the particle after a mention gives it (see module docstring)."""
    rest = text[end:]
    skip = _SKIP_AFTER.match(rest)
    if skip:
        rest = rest[skip.end():]
    head = _GENERIC_HEAD.match(rest)
    if head:
        rest = rest[head.end():]
    for particle, role in _PARTICLE_ROLES:
        if rest.startswith(particle):
            return role
    return OTHER


def _roles(text: str, parties: list[Mention]) -> list[str]:
    """Roles of the parties; a coordinated party takes the role of the one after it."""
    roles = [particle_role(text, m.end) for m in parties]
    for i in range(len(parties) - 2, -1, -1):
        gap = parties[i + 1].start - parties[i].end
        if roles[i] in (LIST, WITH) and gap <= 6 and roles[i + 1] not in (OTHER,):
            if roles[i] == LIST or roles[i + 1] in (WITH, SUBJ, TOPIC):
                roles[i] = roles[i + 1]
    return roles


@dataclass(frozen=True)
class _Trigger:
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

    def triggers(self, text: str, mentions: list[Mention]) -> list[_Trigger]:
        """Trigger words outside mentions (連携 inside a programme's name does not count)."""
        spans = [(m.start, m.end) for m in mentions]
        out: list[_Trigger] = []
        for m in self.pattern.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            if text.startswith(self.onto.planned_markers, m.end()) or re.match(
                    r"^[^、。]{0,4}予定", text[m.end():]):
                continue
            rtype, passive = self.words[m.group(0)]
            out.append(_Trigger(rtype, m.start(), m.end(), m.group(0), passive))
        return out

    def extract(self, text: str, res: Resolved) -> list[Relation]:
        """All relations one sentence states."""
        parties = [m for m in res.mentions if m.is_party]
        trigs = self.triggers(text, res.mentions)
        if not trigs:
            return []
        mutual = any(mk in text for mk in self.onto.mutual_markers)
        out: list[Relation] = []
        window_start = 0
        for i, t in enumerate(trigs):
            nxt = trigs[i + 1] if i + 1 < len(trigs) else None
            if nxt is not None and nxt.start - t.end <= _CLAUSE_GAP and nxt.type == t.type:
                continue  # 連携・協定に関する覚書: one clause, the last trigger speaks for it
            window = [m for m in parties if window_start <= m.start and m.end <= t.start]
            if t.type in DIRECTED_RELATIONS:
                out += self._directed(text, t, window, parties, res, mutual)
            else:
                out += self._undirected(text, t, window, res)
            window_start = t.end
        return _dedupe(out)

    # ---------------------------------------------------------------- directed
    def _directed(self, text: str, t: _Trigger, window: list[Mention], parties: list[Mention],
                  res: Resolved, mutual: bool) -> list[Relation]:
        if mutual and len(window) >= 2:
            return [Relation(t.type, a, b, t.word, True)
                    for a in window for b in window if a.name != b.name]
        roles = _roles(text, window)
        receivers = _last_group(window, roles, (DST, OBJ))
        if not receivers and window and roles[-1] == GEN and t.start - window[-1].end <= 3:
            receivers = [window[-1]]
        after = text[t.end:t.end + 20]
        sources = [m for m, r in zip(window, roles, strict=True) if r == SRC]
        if sources and not receivers or any(w in after for w in _RECEIVE_WORDS) and sources:
            agent = _agents(window, roles)
            receivers = agent or ([res.subject] if res.subject is not None else [])
        if not receivers:
            return []
        if not sources:
            sources = [m for m in _agents(window, roles) if m not in receivers]
        if not sources:
            earlier = [m for m in window if m.end <= receivers[0].start]
            if earlier:
                sources = _chain_ending_at(earlier, _roles(text, earlier))
        if not sources:
            before = [m for m in parties if m.end <= (window[0].start if window else t.start)]
            sources = _agents(before, _roles(text, before))
        if not sources and res.subject is not None and not t.passive:
            sources = [res.subject]
        return [Relation(t.type, s, r, t.word) for s in sources for r in receivers
                if s.name != r.name]

    # ---------------------------------------------------------------- undirected
    def _undirected(self, text: str, t: _Trigger, window: list[Mention],
                    res: Resolved) -> list[Relation]:
        ends = list({m.name: m for m in window}.values())
        if len(ends) == 1 and res.subject is not None and res.subject.name != ends[0].name:
            ends = [res.subject, ends[0]]
        if len(ends) < 2 or t.type == COLLABORATION and len(ends) > 6:
            return []
        return [Relation(t.type, a, b, t.word) for a, b in combinations(ends, 2)]


def _agents(ms: list[Mention], roles: list[str]) -> list[Mention]:
    """The agent: the は-topic group if any, else the が/も subject group nearest the end."""
    for wanted in (TOPIC, SUBJ):
        group = _last_group(ms, roles, (wanted,))
        if group:
            return group
    return []


def _last_group(window: list[Mention], roles: list[str], wanted: tuple[str, ...]) -> list[Mention]:
    """The coordinated group of mentions with a wanted role nearest the trigger."""
    idx = [i for i, r in enumerate(roles) if r in wanted]
    if not idx:
        return []
    last = idx[-1]
    group = [window[last]]
    j = last - 1
    while j >= 0 and roles[j] == roles[last] and window[j + 1].start - window[j].end <= 8:
        group.insert(0, window[j])
        j -= 1
    return group


def _chain_ending_at(ms: list[Mention], roles: list[str]) -> list[Mention]:
    group = [ms[-1]]
    j = len(ms) - 2
    while j >= 0 and roles[j] == LIST and ms[j + 1].start - ms[j].end <= 6:
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
