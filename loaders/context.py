"""Stage 5, resolve: mentions -> what they stand for in this document.

Reads every sentence's mentions (the recogniser runs over the whole document first, so that a
short form in a headline can be resolved by the full name further down); fills resolved
:class:`Mention` records. :class:`DocumentIndex` holds what the whole document says:

* its author: the ``publisher:`` header line (or HTML/PDF metadata) when it names a body,
  else the first institution of the opening lines — ``当協会`` in a 信用保証協会's own
  announcement is that 保証協会;
* short forms it defines (``日本政策金融公庫(日本公庫)``, ``…グループ(OFG、…)``) and
  abbreviations of bodies it names in full (``琉銀`` -> 琉球銀行, ``こゆ財団`` -> 一般財団法人
  こゆ地域づくり推進機構);
* the prefecture it is about (one prefecture clearly dominant, or its publisher's).

:class:`DocumentContext` then resolves sentence by sentence:

* anaphors: ``当X`` -> the author (or the section's subject); ``同X`` and bare heads
  (センター, 協議会, 市) -> the latest body of a matching kind; plural references (両者,
  3者, 六団体, 両信金, 各団体) -> the group of parties named last;
* a kind that exists in every prefecture, named in a sentence, line, section or document
  about one prefecture -> that prefecture's body (unless named in general: 各地の, 全国の);
  ``県保証協会`` / ``県商工会連合会`` -> the document's prefecture's body;
* a prefecture or municipality named as a party (listed with institutions, or the subject
  or partner of a relation) -> its government, a 機関 named as the region.

A section starts at every heading; its subject is the first institution the heading names.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache

from shienmap.graph.ontology import Ontology
from shienmap.graph.schema import INSTITUTION, KIND, PROGRAMME, REGION, TOPIC, fold

from .analyse import analyse
from .mentions import ANAPHOR, Mention, MentionFinder, known_by_abbreviation, trie_pattern
from .particles import AGENT_ROLES, roles

_LIST_GLUE = ("、", "と", "及び", "および", "や", ",", "・", "並びに", "とで", "との")
_PARTY_AFTER = ("は", "が", "も", "と", "とも", "との", "などと", "などとも", "へ", "を", "など",
                "とともに", "から")
_SINGLE_HEADS = {"市": "市町村", "町": "市町村", "村": "市町村", "県": "都道府県"}
_NUMERALS = {"両": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10}
_APPOSITIVE = re.compile(r"^(?:など|等|ら)?の?[^、。はがをにでと]{0,4}$")
_COUNTERS = set("0123456789一二三四五六七八九十両各全他本当同我")
_AUTHOR_LINES = 12
_HISTORY = 200  # parties remembered for anaphora
_GROUP_REACH = 3  # a plural reference points at most this many sentences back
_INTERVIEW = re.compile(r"に聞く|に聞いた|インタビュー|に訊く")
# a prefecture's or city's department after its name (鹿児島県商工労働水産部へ)
_DEPARTMENT = re.compile(
    r"^[^\s、。のはがをにでと()「」]{1,12}?(?:部|局|課|室)(?=[へにでのがはと])")
_DOMINANT_SHARE = 0.6


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
    group: list[Mention] = field(default_factory=list)  # the parties named last, together
    line: int = -1  # offset of the line (paragraph) the sentence is in
    author: Mention | None = None  # the body that published the document, if one did


@dataclass
class DocumentIndex:
    """What a whole document says about its parties (built before resolving)."""

    author: Mention | None = None
    aliases: dict[str, Mention] = field(default_factory=dict)
    bodies: list[Mention] = field(default_factory=list)
    prefecture: str | None = None
    alias_pattern: re.Pattern[str] | None = None
    branches: dict[str, set[str]] = field(default_factory=dict)  # institution -> its branches
    from_metadata: bool = False  # the author is the publisher the metadata names

    @classmethod
    def build(cls, onto: Ontology, finder: MentionFinder, sentences: list[str],
              found: list[list[Mention]], publisher: str | None = None) -> DocumentIndex:
        idx = cls()
        seen: set[tuple[str, str | None, str | None, str]] = set()
        for text, ms in zip(sentences, found, strict=True):
            idx.aliases.update(finder.parenthetical_aliases(text, ms))
            for m in ms:  # each body once, as first named (a long text names them often)
                key = (m.name, m.kind, m.region, m.via)
                if m.label == INSTITUTION and key not in seen:
                    seen.add(key)
                    idx.bodies.append(m)
        if publisher:
            named = [m for m in finder.find(publisher) if m.label == INSTITUTION]
            region = onto.region(publisher)
            if named:
                idx.author, idx.from_metadata = named[-1], True
            elif region is not None and region.level in ("都道府県", "市区町村"):
                idx.from_metadata = True
                kind = "都道府県" if region.level == "都道府県" else "市町村"
                idx.author = Mention(0, 0, publisher, INSTITUTION, region.name, kind, region.name,
                                     via="government")
        if idx.author is None and sentences and _INTERVIEW.search(sentences[0]):
            named = [m for m in found[0] if m.label == INSTITUTION]
            if named:  # 〇〇信用保証協会 △△会長に聞く: "当協会" and "we" are that body
                idx.author = named[0]
        if idx.author is None and not publisher:  # a newspaper's article has no author body
            for ms in found[:_AUTHOR_LINES]:
                named = [m for m in ms if m.label == INSTITUTION and m.via != "short"]
                if named:
                    idx.author = named[-1]
                    break
        if idx.from_metadata and idx.author is not None and idx.author.via != "government":
            # a publisher speaks in the text only when it calls itself 当協会, 当行, 弊社 …
            kinds = set(onto.kind_ancestors(idx.author.kind or ""))
            idx.from_metadata = any(
                m.label == ANAPHOR and m.surface.startswith(("当", "弊", "本")) and
                kinds & set(m.heads_of) for ms in found for m in ms)
        idx.prefecture = idx._dominant_prefecture(onto, found)
        heads = onto.language.branch_heads
        for b in idx.bodies:
            for other in idx.bodies:
                rest = b.name[len(other.name):]
                if other.name != b.name and b.name.startswith(other.name) and rest.endswith(heads):
                    idx.branches.setdefault(other.name, set()).add(b.name)
        if idx.aliases:
            idx.alias_pattern = re.compile(trie_pattern(idx.aliases))
        return idx

    def _dominant_prefecture(self, onto: Ontology, found: list[list[Mention]]) -> str | None:
        votes: Counter[str] = Counter()
        for ms in found:
            for m in ms:
                region = m.region if m.label == INSTITUTION else (
                    m.name if m.label == REGION else None)
                pref = onto.prefecture_of(region)
                if pref:
                    votes[pref] += 1
        if self.author is not None and onto.prefecture_of(self.author.region):
            return onto.prefecture_of(self.author.region)
        if not votes:
            return None
        pref, n = votes.most_common(1)[0]
        return pref if n >= 2 and n / sum(votes.values()) >= _DOMINANT_SHARE else None


class DocumentContext:
    """Carries document, section and line context through one document."""

    def __init__(self, onto: Ontology, index: DocumentIndex | None = None) -> None:
        self.onto = onto
        self.index = index or DocumentIndex()
        self.section = Section()
        self.line_start = -1
        self.line_parties: list[Mention] = []
        self.line_agent: Mention | None = None
        self.named: list[Mention] = []  # every party resolved so far, in order
        self.group: list[Mention] = []  # the parties last named together
        self.group_at = -10  # the sentence that named them
        self.sentence = 0

    @property
    def author(self) -> Mention | None:
        return self.index.author

    # ---------------------------------------------------------------- sections
    def start_section(self, mentions: list[Mention]) -> None:
        """A heading opens a new section; its first institution becomes the subject."""
        sec = Section()
        parties = [m for m in self._resolve_anaphors("", mentions, []) if m.is_party]
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

    # ---------------------------------------------------------------- resolving
    def resolve(self, text: str, mentions: list[Mention], line_start: int,
                heading: bool = False) -> Resolved:
        """Resolve one sentence's mentions (see module docstring). A heading's kinds stay
        kinds unless it names its prefecture: a heading is about the kinds, not one body."""
        if line_start != self.line_start:
            self.line_start, self.line_parties, self.line_agent = line_start, [], None
        self.sentence += 1
        ms = self._doc_aliases(text, mentions)
        ms = self._single_heads(text, ms)
        ms = self._abbreviations(ms)
        ms = self._governments(text, ms)
        ms = self._resolve_anaphors(text, ms, self.section.history)
        ms = self._plurals(text, ms)
        region = self._sentence_region(ms, use_document=not heading)
        ms = [self._regional_instance(m, region) for m in ms]
        ms = self._appositive_kinds(text, ms)
        parties = [m for m in ms if m.is_party]
        self.section.history += parties
        self.line_parties += parties
        self.named += [m for m in parties if m.label == INSTITUTION]
        # the nearest antecedents are all anaphora reach: bounded, so cost stays linear
        del self.section.history[:-_HISTORY], self.named[:-_HISTORY], self.line_parties[:-_HISTORY]
        self._note_group(text, parties)
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
        publisher = self.author if self.index.from_metadata else None
        subject = (self.line_agent or publisher or (line_named[0] if line_named else None)
                   or self.section.subject or (self.line_parties[0] if self.line_parties else None)
                   or self.author)
        return Resolved(ms, region, topics, subject, self.section.programme, list(self.group),
                        line_start, self.author)

    def _doc_aliases(self, text: str, ms: list[Mention]) -> list[Mention]:
        """Short forms the document defined in brackets (OFG), wherever they are used."""
        pat = self.index.alias_pattern
        if pat is None:
            return ms
        out = list(ms)
        for m in pat.finditer(text):
            inside = [x for x in out if x.start < m.end() and m.start() < x.end]
            if any(x.start < m.start() or x.end > m.end() for x in inside):
                continue  # part of a longer name
            out = [x for x in out if x not in inside]  # the defined short form wins
            target = self.index.aliases[m.group(0)]
            out.append(replace(target, start=m.start(), end=m.end(), surface=m.group(0),
                               alias=None, via="alias"))
        return sorted(out, key=lambda x: x.start)

    def _single_heads(self, text: str, ms: list[Mention]) -> list[Mention]:
        """市, 町, 村, 県 standing alone before a particle: the document's local government."""
        out = list(ms)
        for t in analyse(text):
            kind = _SINGLE_HEADS.get(t.surface)
            if kind is None or t.pos[:1] != ("名詞",):
                continue
            if t.start > 0 and (text[t.start - 1] in _COUNTERS or _is_kanji(text[t.start - 1])):
                continue  # 4県, 両県, 全県: counted or qualified, not the government
            prev = [p for p in analyse(text) if p.end == t.start]
            if prev and prev[-1].pos[0] in ("連体詞", "代名詞"):
                continue  # 同じ県, その県: a prefecture, not the government
            nxt = text[t.end:t.end + 1]
            if not nxt or nxt not in "はがのともにをへで" or any(
                    x.start <= t.start < x.end for x in ms):
                continue
            out.append(Mention(t.start, t.end, t.surface, ANAPHOR, t.surface,
                               heads_of=(kind,)))
        return sorted(out, key=lambda x: x.start)

    def _abbreviations(self, ms: list[Mention]) -> list[Mention]:
        """A body written short (こゆ財団, 琉銀) -> the body the document names in full."""
        out = []
        for m in ms:
            if m.label == INSTITUTION and self.onto.institution(m.name) is None and m.kind \
                    and m.name not in self.onto.instances:
                full = [b for b in self.index.bodies if (b.name != m.name and b.kind in (
                    m.kind, None)) or (b.name != m.name and self._legal_head(b, m))]
                full = [b for b in full if b.via != "short" and not any(
                    o.name != b.name and b.name.startswith(o.name) for o in full)]
                name = known_by_abbreviation(_proper_part(m.name, self.onto), full) or next(
                    (b.name for b in full if len(m.name) >= 4 and b.name.endswith(m.name)
                     and b.name != m.name), None)  # 弁理士会四国支部 of 日本弁理士会四国支部
                if name is not None:
                    body = next(b for b in full if b.name == name)
                    m = replace(m, name=body.name, kind=body.kind, region=body.region,
                                alias=m.surface, via="abbreviation")
                elif m.via == "short":
                    continue  # 琉銀 with no 琉球銀行 in the document: nothing to stand for
            out.append(self._branch_of(m))
        return out

    def _branch_of(self, m: Mention) -> Mention:
        """The institution itself (日本公庫) in a document that names one branch of it (日本
        公庫小諸支店) and no other: that branch is the party."""
        if m.label != INSTITUTION or m.surface == m.name or m.via:
            return m  # only a short form (日本公庫) stands for the branch the document is about
        branches = self.index.branches.get(m.name, set())
        if len(branches) != 1:
            return m
        branch = next(b for b in self.index.bodies if b.name in branches)
        return replace(m, name=branch.name, region=branch.region or m.region, via="branch")

    def _legal_head(self, body: Mention, short: Mention) -> bool:
        """一般財団法人こゆ… may be called こゆ財団: the legal form's head noun."""
        if not body.alias:
            return False
        heads = self.onto.language.legal_form_heads
        return any(body.alias.startswith(form) and short.name.endswith(head)
                   for form, head in heads.items())

    def _resolve_anaphors(self, text: str, ms: list[Mention],
                          history: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        seen: list[Mention] = list(history)
        for m in ms:
            if m.label == ANAPHOR:
                target = self._antecedent(m, seen)
                if target is None:
                    out.append(m)
                    continue
                m = replace(m, label=target.label, name=target.name, kind=target.kind,
                            region=target.region, via="anaphor",
                            alias=target.alias if target.via == "author" else None)
            out.append(m)
            if m.is_party:
                seen.append(m)
        return out

    def _antecedent(self, m: Mention, seen: list[Mention]) -> Mention | None:
        if m.prefectural:
            body = self._prefecture_body(m.heads_of)
            if body is not None:
                return body
        if m.heads_of == ("市町村",) or m.heads_of == ("都道府県",):
            return self._government(m, seen)
        candidates = [*seen]
        if self.section.subject is not None:
            candidates.insert(0, self.section.subject)
        self_reference = m.surface.startswith(("当", "弊", "本"))
        if self_reference and self.author is not None and self._kind_fits(self.author, m):
            return replace(self.author, via="author")
        for named_only in (True, False):
            for c in reversed(candidates):
                if named_only and c.label != INSTITUTION:
                    continue
                if self._kind_fits(c, m):
                    return c
        for c in reversed(self.named):  # 同行, 同公庫: named earlier in the document
            if self._kind_fits(c, m):
                return c
        return None

    def _kind_fits(self, c: Mention, m: Mention) -> bool:
        return bool(c.kind and set(self.onto.kind_ancestors(c.kind)) & set(m.heads_of))

    def _government(self, m: Mention, seen: list[Mention]) -> Mention | None:
        """市 / 同市 / 県: the local government the document names (or is published by)."""
        want = "都道府県" if m.heads_of == ("都道府県",) else "市町村"
        sentence = [c for c in seen if c.via == "government"]
        for c in reversed([*([self.author] if self.author else []), *self.named, *sentence]):
            if c.kind == want and (want == "都道府県" or c.name.endswith(m.surface[-1])):
                return replace(c, start=m.start, end=m.end, surface=m.surface)
        if want == "都道府県" and self.index.prefecture:
            p = self.index.prefecture
            return Mention(m.start, m.end, m.surface, INSTITUTION, p, "都道府県", p,
                           via="government")
        return None

    def _prefecture_body(self, kinds: tuple[str, ...]) -> Mention | None:
        pref = self.index.prefecture
        if pref is None:
            return None
        for kind in kinds:
            name = pref if kind == "都道府県" else self.onto.instance_name(kind, pref)
            if name is None and self.onto.kinds[kind].named_by_region:
                name = pref + kind
            if name:
                known = self.onto.institution(name)
                return Mention(0, 0, name, INSTITUTION, known.name if known else name, kind, pref,
                               via="region")
        return None

    def _plurals(self, text: str, ms: list[Mention]) -> list[Mention]:
        """両者, 3者, 六団体, 両信金, 各団体: the group of parties named last (not when the
        numbered noun only sums up the names right before it: "A、B、Cの3者は")."""
        out = list(ms)
        lang = self.onto.language
        for match in _plural_pattern(lang.plural_groups, tuple(lang.plural_counts)).finditer(text):
            s, e = match.start(), match.end()
            if any(x.start < e and s < x.end and x.label == INSTITUTION for x in ms):
                continue
            before = [x for x in ms if x.is_party and x.end <= s]
            if before and _APPOSITIVE.match(text[before[-1].end:s]):
                continue  # appositive: the names are right there
            group = self._group_of(_group_size(match.group(0)), match.group(0))
            if not group:
                continue
            out = [x for x in out if not (x.start < e and s < x.end)]
            out += [replace(g, start=s, end=e, surface=match.group(0), via="group", alias=None)
                    for g in group]
        return sorted(out, key=lambda x: x.start)

    def _group_of(self, size: int | None, word: str) -> list[Mention]:
        """The last group (of the kind the word counts, 両信金 -> 信用金庫), if its size fits."""
        if self.sentence - self.group_at > _GROUP_REACH:
            return []  # 各機関 far from any list of bodies: a kind in general
        group = list({m.name: m for m in self.group}.values())
        counted = word.lstrip("0123456789一二三四五六七八九十両各")
        kind = self.onto.language.plural_counts.get(counted)
        if kind:
            group = [m for m in group if m.kind and kind in self.onto.kind_ancestors(m.kind)]
        return group if size is None or len(group) == size else []

    def _note_group(self, text: str, parties: list[Mention]) -> None:
        distinct = list({m.name: m for m in parties if m.label == INSTITUTION}.values())
        if len(distinct) >= 2:
            self.group, self.group_at = distinct, self.sentence

    @staticmethod
    def _appositive_kinds(text: str, ms: list[Mention]) -> list[Mention]:
        """"地元の金融機関である大垣共立銀行": the kind only describes the bodies named next."""
        out = []
        for i, m in enumerate(ms):
            nxt = ms[i + 1] if i + 1 < len(ms) else None
            if m.label == KIND and nxt is not None and nxt.label == INSTITUTION and re.fullmatch(
                    r"(?:等)?(?:である|であり|で、|として|の)", text[m.end:nxt.start]):
                continue
            out.append(m)
        return out

    def _sentence_region(self, ms: list[Mention], use_document: bool = True) -> str | None:
        line_named = [m for m in self.line_parties if m.label == INSTITUTION]
        for pool in ([m for m in ms if m.label == INSTITUTION], line_named):
            prefs = {self.onto.prefecture_of(m.region) for m in pool} - {None}
            if len(prefs) == 1:
                return prefs.pop()
        named_regions = {self.onto.prefecture_of(m.name) for m in ms if m.label == REGION} - {None}
        if len(named_regions) == 1:
            return named_regions.pop()
        return self.onto.prefecture_of(self.section.region) or (
            self.index.prefecture if use_document else None)

    def _regional_instance(self, m: Mention, region: str | None) -> Mention:
        if m.label == KIND and m.prefectural and self.index.prefecture:
            body = self._prefecture_body((m.kind,) if m.kind else ())
            if body is not None:
                return replace(body, start=m.start, end=m.end, surface=m.surface, alias=None)
        if m.label != KIND or m.generic or region is None or m.kind is None:
            return m
        name = self.onto.instance_name(m.kind, region)
        if name is None:
            return m
        known = self.onto.institution(name)
        return replace(m, label=INSTITUTION, name=known.name if known else name, region=region,
                       via="region")

    def _governments(self, text: str, ms: list[Mention]) -> list[Mention]:
        """A region named as a party is its government: listed with institutions, or in a
        list of regions that is the subject or partner of the sentence."""
        out = list(ms)
        lang = self.onto.language
        party_idx: set[int] = set()
        acts = _trigger_pattern(self.onto).search(text) is not None  # 鳥取県が約76%: no party
        for i, m in enumerate(ms):
            if m.label != REGION or text.startswith(lang.place_suffixes, m.end):
                continue
            nxt_any = ms[i + 1] if i + 1 < len(ms) else None
            if text.startswith("の", m.end) and nxt_any is not None and nxt_any.start == m.end + 1:
                continue  # 仙台市の杜の都, 沖縄市のコザ信用金庫: where the body is
            r = self.onto.regions.get(m.name)
            if r is None or r.level not in ("都道府県", "市区町村"):
                continue
            prev = ms[i - 1] if i > 0 else None
            nxt = ms[i + 1] if i + 1 < len(ms) else None
            glued_prev = prev is not None and (prev.is_party or i - 1 in party_idx) and _glue(
                text, prev.end, m.start) in _LIST_GLUE
            glued_next = nxt is not None and nxt.is_party and _glue(
                text, m.end, nxt.start) in _LIST_GLUE
            after = re.sub(r"^\([^()]*\)", "", text[m.end:])
            in_region_list = nxt is not None and nxt.label == REGION and _glue(
                text, m.end, nxt.start) in _LIST_GLUE
            if acts and _DEPARTMENT.match(after):
                after = after[_DEPARTMENT.match(after).end():]  # 鹿児島県商工労働水産部へ
            as_party = (not in_region_list and after.startswith(_PARTY_AFTER) and acts
                        and not after.startswith(("との間", "とは"))
                        and not _after_place_particle(text, m.start)) or after.startswith(
                            lang.government_offices)
            if glued_prev or glued_next or as_party or (
                    in_region_list and self._region_list_is_party(text, ms, i)):
                party_idx.add(i)
                kind = "都道府県" if r.level == "都道府県" else "市町村"
                out[i] = replace(m, label=INSTITUTION, name=r.name, kind=kind, region=r.name,
                                 via="government")
        return out

    def _region_list_is_party(self, text: str, ms: list[Mention], i: int) -> bool:
        j = i
        while j + 1 < len(ms) and ms[j + 1].label == REGION and text[
                ms[j].end:ms[j + 1].start] in _LIST_GLUE:
            j += 1
        after = text[ms[j].end:]
        return after.startswith(_PARTY_AFTER) and not _after_place_particle(text, ms[i].start)


@cache
def _trigger_pattern(onto: Ontology) -> re.Pattern[str]:
    """Any word of any relation (協定, 紹介, 連携 …): a sentence where parties act."""
    words = {w for spec in onto.relations.values() for w in (*spec.triggers, *spec.passive)}
    return re.compile(trie_pattern(words))


def _after_place_particle(text: str, start: int) -> bool:
    """Right after a particle of place or possession (…の, …に, …で): 仙台市の杜の都."""
    before = [t for t in analyse(text) if t.end == start]
    return bool(before) and before[-1].pos[:1] == ("助詞",) and before[-1].surface in (
        "の", "に", "で", "にある")


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆ヶ"


def _glue(text: str, end: int, start: int) -> str:
    """The text between two mentions, without bracketed asides (代表者名, 所在地)."""
    return re.sub(r"\([^()]*\)", "", text[end:start])


def _proper_part(name: str, onto: Ontology) -> str:
    """The name without its kind's head (琉銀 -> 琉, こゆ財団 -> こゆ)."""
    for k in onto.kinds.values():
        for head in (*k.suffixes, *k.short_forms):
            if name.endswith(head) and len(name) > len(head):
                return name[: -len(head)]
    return name


@cache
def _plural_pattern(groups: tuple[str, ...], counts: tuple[str, ...]) -> re.Pattern[str]:
    nums = "[0-9]+|[一二三四五六七八九十]+|両|各"
    return re.compile("|".join(
        [*(re.escape(g) for g in sorted(groups, key=len, reverse=True)),
         f"(?:{nums})(?:{'|'.join(map(re.escape, sorted(counts, key=len, reverse=True)))})"]))


def _group_size(word: str) -> int | None:
    if word.startswith("各"):
        return None
    digits = re.match(r"[0-9]+", word)
    if digits:
        return int(digits.group(0))
    return _NUMERALS.get(word[0])


__all__ = ["DocumentContext", "DocumentIndex", "Resolved", "Section", "fold"]
