"""Stage 5, context: resolve mentions against what the document has said so far.

Reads the mentions of each sentence in order; fills resolved :class:`Mention` records:

* anaphors (当協会, 当金庫, センター, 協議会) -> the latest institution of a matching kind
  named in the same section (or the document's author for 当局/当庁); unresolved otherwise;
* a kind that exists in every prefecture (よろず支援拠点, 信用保証協会 ...), named in a
  sentence, line or section about one prefecture -> that prefecture's institution, unless
  named in general (各地の, 全国の);
* a prefecture or municipality listed among institutions (桐生商工会議所、桐生市、...) ->
  the local government as an institution.

A section starts at every heading; its subject is the first institution the heading names.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shienmap.graph.ontology import Ontology
from shienmap.graph.schema import INSTITUTION, KIND, PROGRAMME, REGION, TOPIC

from .mentions import ANAPHOR, Mention
from .particles import AGENT_ROLES, roles

_LIST_GLUE = ("、", "と", "及び", "および", "や", ",", "・", "並びに", "とで", "との")
_NOT_GOVERNMENT_AFTER = ("内", "では", "の", "に", "で", "下", "全体", "域", "版", "経済", "産業")


@dataclass
class Section:
    """What the current section is about."""

    subject: Mention | None = None
    region: str | None = None
    topics: tuple[str, ...] = ()
    programme: str | None = None
    history: list[Mention] = field(default_factory=list)


@dataclass
class Resolved:
    """A sentence's resolved mentions and the context they were resolved in."""

    mentions: list[Mention]
    region: str | None  # the prefecture (or municipality) the sentence is about
    topics: tuple[str, ...]  # topics named in the sentence, then the section's
    subject: Mention | None  # the line's or section's subject, for implicit agents
    programme: str | None


class DocumentContext:
    """Carries section and line context through one document."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        self.section = Section()
        self.author: Mention | None = None
        self.line_start = -1
        self.line_parties: list[Mention] = []
        self.line_agent: Mention | None = None

    # ---------------------------------------------------------------- sections
    def start_section(self, mentions: list[Mention]) -> None:
        """A heading opens a new section; its first institution becomes the subject."""
        sec = Section()
        parties = [m for m in self._resolve_anaphors(mentions, []) if m.is_party]
        if parties:
            sec.subject = parties[0]
            sec.region = parties[0].region if parties[0].label == INSTITUTION else None
        regions = [m.name for m in mentions if m.label == REGION]
        if sec.region is None and regions:
            sec.region = regions[0]
        sec.topics = tuple(dict.fromkeys(m.name for m in mentions if m.label == TOPIC))
        progs = [m.name for m in mentions if m.label == PROGRAMME]
        sec.programme = progs[0] if progs else None
        sec.history = list(parties)
        self.section = sec

    def note_author(self, mentions: list[Mention]) -> None:
        """The first line of a document's opening that names institutions names its author;
        of "経済産業省 関東経済産業局" the last, most specific one."""
        if self.author is None:
            named = [m for m in mentions if m.label == INSTITUTION]
            if named:
                self.author = named[-1]

    # ---------------------------------------------------------------- resolving
    def resolve(self, text: str, mentions: list[Mention], line_start: int) -> Resolved:
        """Resolve one sentence's mentions (see module docstring)."""
        if line_start != self.line_start:
            self.line_start, self.line_parties, self.line_agent = line_start, [], None
        ms = self._resolve_anaphors(mentions, self.section.history)
        region = self._sentence_region(ms)
        ms = [self._regional_instance(m, region) for m in ms]
        ms = self._governments(text, ms)
        parties = [m for m in ms if m.is_party]
        self.section.history += parties
        self.line_parties += parties
        if self.line_agent is None:
            agents = [m for m, r in zip(parties, roles(text, parties), strict=True)
                      if r in AGENT_ROLES]
            self.line_agent = agents[0] if agents else None
        progs = [m.name for m in ms if m.label == PROGRAMME]
        if progs:
            self.section.programme = progs[-1]
        topics = tuple(dict.fromkeys([m.name for m in ms if m.label == TOPIC]
                                     + list(self.section.topics)))
        line_named = [m for m in self.line_parties if m.label == INSTITUTION]
        subject = (self.line_agent or (line_named[0] if line_named else None)
                   or self.section.subject or (self.line_parties[0] if self.line_parties else None))
        return Resolved(ms, region, topics, subject, self.section.programme)

    def _resolve_anaphors(self, ms: list[Mention], history: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        seen: list[Mention] = list(history)
        for m in ms:
            if m.label == ANAPHOR:
                target = self._antecedent(m, seen)
                if target is None:
                    out.append(m)
                    continue
                m = replace(m, label=target.label, name=target.name, kind=target.kind,
                            region=target.region, via="anaphor")
            out.append(m)
            if m.is_party:
                seen.append(m)
        return out

    def _antecedent(self, m: Mention, seen: list[Mention]) -> Mention | None:
        candidates = [*seen]
        if self.section.subject is not None:
            candidates.insert(0, self.section.subject)
        if self.author is not None and m.surface.startswith("当"):
            candidates.insert(0, self.author)
        for named_only in (True, False):
            for c in reversed(candidates):
                if named_only and c.label != INSTITUTION:
                    continue
                if c.kind and set(self.onto.kind_ancestors(c.kind)) & set(m.heads_of):
                    return c
        return None

    def _sentence_region(self, ms: list[Mention]) -> str | None:
        line_named = [m for m in self.line_parties if m.label == INSTITUTION]
        for pool in ([m for m in ms if m.label == INSTITUTION], line_named):
            prefs = {self.onto.prefecture_of(m.region) for m in pool} - {None}
            if len(prefs) == 1:
                return prefs.pop()
        named_regions = {self.onto.prefecture_of(m.name) for m in ms if m.label == REGION} - {None}
        if len(named_regions) == 1:
            return named_regions.pop()
        return self.onto.prefecture_of(self.section.region)

    def _regional_instance(self, m: Mention, region: str | None) -> Mention:
        if m.label != KIND or m.generic or region is None or m.kind is None:
            return m
        name = self.onto.instance_name(m.kind, region)
        if name is None:
            return m
        known = self.onto.institution(name)
        return replace(m, label=INSTITUTION, name=known.name if known else name, region=region,
                       via="region")

    def _governments(self, text: str, ms: list[Mention]) -> list[Mention]:
        """A region listed among institutions is its local government."""
        out = list(ms)
        for i, m in enumerate(ms):
            if m.label != REGION or text.startswith(_NOT_GOVERNMENT_AFTER, m.end):
                continue
            r = self.onto.regions.get(m.name)
            if r is None or r.level not in ("都道府県", "市区町村"):
                continue
            prev = ms[i - 1] if i > 0 else None
            nxt = ms[i + 1] if i + 1 < len(ms) else None
            glued_prev = prev is not None and prev.is_party and text[prev.end:m.start] in _LIST_GLUE
            glued_next = nxt is not None and nxt.is_party and text[m.end:nxt.start] in _LIST_GLUE
            if glued_prev or glued_next:
                kind = "都道府県" if r.level == "都道府県" else "市町村"
                name = f"{r.name}庁" if r.level == "都道府県" else r.name
                out[i] = replace(m, label=INSTITUTION, name=name, kind=kind, region=r.name,
                                 via="government")
        return out
