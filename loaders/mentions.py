"""Stage 4b, recognise: a sentence -> the institutions, kinds, regions, topics and programmes
it names, with their offsets in the sentence.

Reads ``Segment.text`` and its morphemes (:mod:`.analyse`); fills :class:`Mention` (label,
canonical name, kind, region). The mechanisms, all driven by ontology data:

* a gazetteer of every name, alias and former name: the reviewed kinds and institutions, the
  registries (every municipality, every deposit-taking institution), longest match first;
* open vocabulary: a compound noun phrase ending in a head noun of ``kinds.toml`` (銀行,
  信用金庫, 商工会, 協議会, 機構 …) is an institution of that kind. Its left edge comes from
  the analyser: verbs, particles, adjectives, time words, a person's name (姓 + 名), a title
  (会頭, 頭取 …) or another body's head end it (``置く三重銀行`` -> 三重銀行,
  ``石渡浩二三島商工会議所`` -> 三島商工会議所, ``中小機構中部本部静岡県信用保証協会`` ->
  two bodies). Short heads expand (旭川 + 信金 -> 旭川信用金庫); legal forms (株式会社,
  一般財団法人) are dropped from the name and kept as its alias;
* branches: ``<institution><place><支店/本部/支部>`` is a body of the institution's kind;
* shared heads: ``Aと Bの両信金``, ``A、B、Cをはじめとする7つの商工会`` name A and B in full;
* region + kind (栃木県 + 信用保証協会 -> the prefecture's instance of that kind).

Anaphors (当協会, 同行, センター, 市) are returned unresolved, as label ``ANAPHOR``; the
context stage resolves them against the document.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, cached_property
from itertools import pairwise

from shienmap.graph.ontology import KnownInstitution, Ontology
from shienmap.graph.schema import INSTITUTION, KIND, PROGRAMME, REGION, TOPIC, fold
from shienmap.graph.schema import VARIANT_TABLE as _VARIANTS  # 髙崎 = 高崎, offsets kept

from .analyse import Token, analyse
from .matcher import WordMatcher

ANAPHOR = "anaphor"
_SEPARATORS = set("、。,.・()「」『』【】[]〈〉《》 　\t:") | {"と", "や"}
_VISIT_AFTER = ("訪問", "し", "する", "して", "した", "させ", "を依頼", "いた", "いただ")
_ANAPHOR_PARTICLES = (*tuple("はがのともにをへでや"), "から")
# before a head shared by a list: "…の両", "…をはじめとする7つの", "…など5"
_SHARED_MARKER = re.compile(
    r"(?:をはじめとする|など|等|ら)?の?(?:両|各|計)?(?:[0-9]+|[一二三四五六七八九十]+)?(?:つ|か所)?の?$")
_COUNTED = re.compile(r"(?:[0-9]+|[一二三四五六七八九十]+)(?:つの)?$")
_SEVERAL_PREFECTURES = re.compile(
    r"(?:[0-9一二三四五六七八九十]+|各|全|両)(?:都道府県|府県|県)(?:内)?の$")
_TAIL = 64  # characters before a mention in which a counting or sharing marker is looked for


def _before(pattern: re.Pattern[str], text: str, end: int) -> re.Match[str] | None:
    """``pattern`` (ending in ``$``) found right before ``end``: searched in the last _TAIL
    characters only, so a long sentence costs its length, not its length squared."""
    return pattern.search(text, max(0, end - _TAIL), end)


_PLACE_OF = re.compile(r"^[^の、]*?(?:都|道|府|県|市|町|村|区)の")  # 仙台市の杜の都: where it is
_GENERIC_HEAD_KIND = "その他の団体"


@dataclass(frozen=True)
class Mention:
    """A named thing in a sentence. Offsets are relative to the sentence text."""

    start: int
    end: int
    surface: str
    label: str  # 機関 / 機関種別 / 地域 / 課題 / 事業 / anaphor
    name: str  # canonical name (for an anaphor: its surface)
    kind: str | None = None  # an institution's type, a kind's own name
    region: str | None = None  # an institution's region
    generic: bool = False  # a kind named in general (各地の信用保証協会)
    heads_of: tuple[str, ...] = ()  # for an anaphor: the kinds it can refer to
    via: str = ""  # how context resolved it: "" (named as is), anaphor, region, government
    prefectural: bool = False  # 県保証協会, 県商工会連合会: the document's prefecture's body
    alias: str | None = None  # a written form to keep as the node's alias (legal form, short)

    @property
    def is_party(self) -> bool:
        """True for mentions that can be an end of an institution relation."""
        return self.label in (INSTITUTION, KIND)


@dataclass(frozen=True)
class _Entry:
    label: str
    name: str
    kind: str | None = None
    region: str | None = None
    heads_of: tuple[str, ...] = ()


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, factored as a trie so
    that matching costs the same for ten words or ten thousand."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie) or "(?!)"


class MentionFinder:
    """Finds mentions with the ontology's gazetteer, head nouns and name patterns."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        self.lang = onto.language
        self.entries: dict[str, _Entry] = {}
        self._build()
        self.matcher = WordMatcher(self.entries)
        self.head_kind: dict[str, tuple[str, str]] = {}  # head or short head -> (kind, full head)
        for k in onto.kinds.values():
            for s in k.suffixes:
                self.head_kind.setdefault(s, (k.name, s))
            for short, full in k.short_forms.items():
                self.head_kind.setdefault(short, (k.name, full))
        self.head_matcher = WordMatcher(self.head_kind)
        self.branch_pattern = re.compile(trie_pattern(self.lang.branch_heads))
        self.org_heads = tuple(sorted({*self.head_kind, *self.lang.branch_heads}, key=len,
                                      reverse=True))
        self.block_names = {r.name for r in onto.regions.values() if r.level == "地方"}
        self.titles = self.lang.titles
        self.legal_forms = tuple(sorted(self.lang.legal_forms, key=len, reverse=True))

    # ---------------------------------------------------------------- gazetteer
    def _put(self, key: str, entry: _Entry, *, override: bool = False) -> None:
        k = fold(key)
        if len(k) < 2 and entry.label != REGION:
            return
        if override or k not in self.entries:
            self.entries[k] = entry

    def _build(self) -> None:
        o = self.onto
        for t in o.topics.values():
            for a in (t.name, *t.aliases):
                self._put(a, _Entry(TOPIC, t.name))
        for p in o.programmes.values():
            for a in (p.name, *p.aliases):
                self._put(a, _Entry(PROGRAMME, p.name), override=True)
        for r in o.regions.values():
            if r.level in ("都道府県", "市区町村", "全国") and o.region(r.name) is not None:
                self._put(r.name, _Entry(REGION, r.name), override=True)
            if r.level == "都道府県" and r.stem and len(r.stem) >= 2:
                self._put(r.stem, _Entry(REGION, r.name))
        heads: dict[str, list[str]] = {}
        for k in o.kinds.values():
            for h in k.heads:
                heads.setdefault(h, []).append(k.name)
        for h, kinds in heads.items():
            self._put(h, _Entry(ANAPHOR, h, heads_of=tuple(kinds)), override=True)
        for k in o.kinds.values():
            for a in (k.name, *k.aliases, *k.former_names):
                self._put(a, _Entry(KIND, k.name, kind=k.name), override=True)
        for name, (kind, region) in o.instances.items():
            self._put(name, _Entry(INSTITUTION, self._canonical(name), kind, region), override=True)
        for i in sorted(o.institutions.values(), key=lambda i: bool(i.source), reverse=True):
            for a in (i.name, *i.aliases):  # registry entries first, reviewed ones override
                self._put(a, _Entry(INSTITUTION, i.name, i.type, i.region), override=True)

    def _canonical(self, name: str) -> str:
        known = self.onto.institution(name)
        return known.name if known else name

    # ---------------------------------------------------------------- finding
    def find(self, text: str) -> list[Mention]:
        """All mentions in ``text``, non-overlapping, in order."""
        probe = text.translate(_VARIANTS)
        tokens = analyse(text)
        found = [self._from_entry(s, e, text, self.entries[fold(probe[s:e])])
                 for s, e in self.matcher.spans(probe)]
        found = [m for m in found if m is not None]
        found += self._named_by_head(text, probe, tokens)
        found += self._quoted_programmes(text)
        kept = _longest_non_overlapping(found)
        kept = _outside_quoted_names(text, kept)
        kept = self._merge_regions(text, kept)
        kept = self._merge_region_kind(text, kept)
        kept = self._branches(text, kept)
        kept = self._shared_heads(text, kept)
        kept = self._prefectural_kinds(text, kept)
        return [self._mark_generic(text, m) for m in kept if not self._counted(text, m)]

    def _from_entry(self, start: int, end: int, text: str, e: _Entry) -> Mention | None:
        surface = text[start:end]
        if e.label == ANAPHOR and surface.endswith("行") and surface.startswith("同") and (
                text.startswith(_VISIT_AFTER, end) or not text.startswith(_ANAPHOR_PARTICLES, end)):
            return None  # 同行し / 同行訪問: to accompany, not "the same bank"
        region = e.region
        if e.label == INSTITUTION and region is None:
            region = self.region_of_name(e.name)
        return Mention(start, end, surface, e.label, e.name, e.kind, region, heads_of=e.heads_of)

    # ---------------------------------------------------------------- open vocabulary
    def _named_by_head(self, text: str, probe: str, tokens: tuple[Token, ...]) -> list[Mention]:
        out: list[Mention] = []
        ends = {t.end for t in tokens}
        bounds = ([t.start for t in tokens], [t.end for t in tokens])
        for head_start, head_end in self.head_matcher.spans(probe):
            head = probe[head_start:head_end]
            if head_end not in ends and head_end != len(text):
                continue  # 銀座, 信金中央: the head word goes on
            start = self.left_edge(text, tokens, head_start, bounds)
            mention = self._name(text, start, head_start, head_end, head, tokens)
            if mention is not None:
                out.append(mention)
        return out

    def left_edge(self, text: str, tokens: tuple[Token, ...], head_start: int,
                  bounds: tuple[list[int], list[int]] | None = None) -> int:
        """Where the name that ends in the head starting at ``head_start`` begins
        (``bounds``: the tokens' starts and ends, when the caller has them)."""
        starts, ends = bounds or ([t.start for t in tokens], [t.end for t in tokens])
        start = head_start
        j = bisect.bisect_right(starts, head_start) - 1  # the word the head starts in
        non_head = False
        if j >= 0 and tokens[j].start < head_start < tokens[j].end:  # 北洋銀: a word's end
            start, non_head = tokens[j].start, True
        before = tokens[:bisect.bisect_right(ends, start)]  # the words ending by the start
        i = len(before) - 1
        while i >= 0:
            t = before[i]
            if t.end != start:
                break
            if t.breaks_name or t.is_time_word or t.surface in self.titles or t.surface == "・":
                if t.pos[0] in ("助詞", "助動詞", "副詞", "感動詞"):  # あさひ|か|わ, ちく|ご
                    kana = _kana_name_start(text, start, before[:i + 1])
                    if kana is not None:
                        start = kana
                break
            if t.is_person and i > 0 and before[i - 1].is_person and before[i - 1].end == t.start:
                break  # 石渡 浩二 | 三島商工会議所: a person's name before the body's name
            if self._is_head_word(t.surface) and non_head:
                break  # 中小機構中部本部 | 静岡県信用保証協会: two bodies written back to back
            if t.surface[:1].isdigit():
                break
            start = t.start
            non_head = non_head or not self._is_head_word(t.surface)
            i -= 1
        return start

    def _is_head_word(self, word: str) -> bool:
        return word.endswith(self.org_heads) or word in self.lang.branch_heads

    def _name(self, text: str, start: int, head_start: int, head_end: int, head: str,
              tokens: tuple[Token, ...]) -> Mention | None:
        """The institution named by ``text[start:head_end]``, or None if it is no name."""
        kind, full_head = self.head_kind[head]
        prefix = text[start:head_start]
        alias = None
        span_start = start  # the mention covers a legal form; the name does not
        for form in self.legal_forms:
            if prefix.startswith(form):
                alias = text[start:head_end]
                prefix, start = prefix[len(form):], start + len(form)
                break
        lead = re.match(r"^[0-9]+", prefix)  # 3諏訪信用金庫: a heading's number
        if lead:
            prefix, start = prefix[lead.end():], start + lead.end()
        k = self.onto.kinds[kind]
        if k.named_by_region:
            trimmed = self._trim_to_region(prefix, full_head)
            if trimmed is None:
                return None
            start += len(prefix) - len(trimmed)
            prefix = trimmed
        for i in range(1, len(prefix)):  # ノウハウ伝授|静岡県事業承継・引継ぎ支援センター
            tail = prefix[i:] + full_head
            if self.onto.institution(tail) is not None or tail in self.onto.instances:
                prefix, start, span_start = prefix[i:], start + i, start + i
                break
        if not self._valid_prefix(prefix, kind, head, text, start, head_start, tokens):
            return None
        surface = text[start:head_end]
        if len(prefix) == 1 and head in k.short_forms:  # 琉銀: resolved by the document
            return Mention(span_start, head_end, surface, INSTITUTION, surface, kind, via="short")
        if head != full_head and alias is None:
            alias = surface
        full = prefix.translate(_VARIANTS) + full_head  # 髙崎 -> 高崎: one body, written form kept
        if full != surface and alias is None:
            alias = surface
        known = self.onto.institution(full) or self.onto.institution(surface)
        for i in range(1, len(prefix)):  # 新生北洋銀, 地元北洋銀行: a word before a known name
            if known is None and prefix[:i] in self.lang.not_names:
                known = self.onto.institution(prefix[i:] + full_head)
                if known is not None:
                    span_start += i
                    surface = text[start + i:head_end]
        if known is not None:
            region = known.region or self.region_of_name(prefix)
            return Mention(span_start, head_end, surface, INSTITUTION, known.name, known.type,
                           region, alias=alias)
        composed = self._region_and_kind(full)
        if composed is not None:  # 宮城県 + 保証協会: the prefecture's body of a kind's alias
            name, kind_name, region_name = composed
            return Mention(span_start, head_end, surface, INSTITUTION, name, kind_name,
                           region_name, alias=surface if surface != name else alias)
        region_obj = self.onto.region(prefix)
        if kind == "都道府県" and region_obj is not None:  # 千葉県庁: the prefecture itself
            return Mention(span_start, head_end, surface, INSTITUTION, region_obj.name, kind,
                           region_obj.name, alias=surface)
        if region_obj is not None and self.onto.instance_name(kind, region_obj.name):
            name = self._canonical(self.onto.instance_name(kind, region_obj.name) or full)
            return Mention(span_start, head_end, surface, INSTITUTION, name, kind, region_obj.name,
                           alias=alias if alias else (surface if surface != name else None))
        if prefix in self.onto.kinds or self.onto.kind(prefix) is not None:
            return None  # 信用保証協会 + 連合会 without a proper name: a kind, not a body
        return Mention(span_start, head_end, surface, INSTITUTION, full, kind,
                       self.region_of_name(prefix), alias=alias)

    def _region_and_kind(self, name: str) -> tuple[str, str, str] | None:
        """A region followed by a kind's name or alias (宮城県保証協会, 愛媛県よろず): that
        region's body of the kind, when the kind has one body per prefecture."""
        for i in range(2, len(name) - 1):
            region, kind = self.onto.region(name[:i]), self.onto.kind(name[i:])
            if region is None or kind is None or kind.name == "都道府県":
                continue
            inst = self.onto.instance_name(kind.name, region.name)
            if inst:
                return self._canonical(inst), kind.name, region.name
        return None

    def _trim_to_region(self, prefix: str, head: str) -> str | None:
        """Keep the part of the prefix that makes a known institution, or the region the prefix
        ends with (a government body: 関東経済産業局, 鳥取県商工会議所連合会); None if none."""
        for i in range(len(prefix)):
            if self.onto.institution(prefix[i:] + head):
                return prefix[i:]
        for i in range(len(prefix)):
            r = self.onto.region(prefix[i:])
            if r is not None and r.level in ("都道府県", "市区町村", "地方"):
                return prefix[i:]
            if prefix[i:] in self.block_names:
                return prefix[i:]
        return None

    def _valid_prefix(self, prefix: str, kind: str, head: str, text: str, start: int,
                      head_start: int, tokens: tuple[Token, ...]) -> bool:
        if not prefix or prefix in self.lang.not_names or fold(prefix) in self.lang.not_names:
            return False
        if prefix.endswith(("地方", "地域", "地元", "全国", "県内")):
            return False
        if prefix.isascii() and len(prefix) < 2:
            return False
        if any(ch.isdigit() for ch in prefix):
            return False  # 大阪府内8 (商工会議所): a count, not a name
        if all("\u3040" <= ch <= "\u309f" for ch in prefix) and len(prefix) < 2:
            return False
        if kind == _GENERIC_HEAD_KIND:
            return self._proper(prefix, start, head_start, tokens)
        return True

    def _proper(self, prefix: str, start: int, head_start: int, tokens: tuple[Token, ...]) -> bool:
        """A generic head (機構, 財団, 協議会) needs a proper name before it: a place or proper
        noun, a registry region, or a word written in kana or Latin letters."""
        for t in tokens:
            if t.start >= start and t.end <= head_start:
                if t.pos[:2] == ("名詞", "固有名詞") and not t.is_person:
                    return True
                if all("\u3040" <= ch <= "\u30ff" or ch.isascii() for ch in t.surface):
                    return True
        return any(self.onto.region(prefix[i:j]) is not None
                   for i in range(len(prefix)) for j in range(i + 2, len(prefix) + 1))

    def region_of_name(self, name: str) -> str | None:
        """Region a proper name contains (長野銀行 -> 長野県, 桐生信用金庫 -> 桐生市): the
        earliest region name or stem in it, the longest at that place."""
        return self._region_of_name(name)

    @cached_property
    def _region_forms(self) -> tuple[WordMatcher, dict[str, str]]:
        forms: dict[str, str] = {}
        for r in self.onto.regions.values():
            for form in (r.name, r.stem):
                if form and len(form) >= 2:
                    forms.setdefault(form, r.name)
        return WordMatcher(forms), forms

    def _region_of_name(self, name: str) -> str | None:
        matcher, forms = self._region_forms
        m = matcher.search(name)
        return forms[name[m[0]:m[1]]] if m else None

    # ---------------------------------------------------------------- patterns over mentions
    def _branches(self, text: str, ms: list[Mention]) -> list[Mention]:
        """<institution>[(short)]<place><branch word> -> the branch, a body of its own."""
        out: list[Mention] = []
        covered_until = -1
        for i, m in enumerate(ms):
            if m.start < covered_until:
                continue
            named_kind = m.label == KIND and m.kind and self.onto.kinds[m.kind].suffixes
            branch = self._branch_after(text, m) if m.label == INSTITUTION or named_kind else None
            if branch is not None:
                covered_until = branch.end
                out.append(branch)
                continue
            out.append(m)
            del i
        return out

    def _branch_after(self, text: str, m: Mention) -> Mention | None:
        rest = m.end
        paren = re.match(r"\([^()]{1,12}\)", text[rest:])
        if paren:
            rest += paren.end()
        b = re.match(r"([^\s、。()「」とのはがを]{1,12}?)(" + self.branch_pattern.pattern + ")",
                     text[rest:])
        if b is None or not self._place(b.group(1)):
            return None
        end = rest + b.end()
        place = b.group(1)
        region = self.onto.region(place)
        stem = m.name if m.label == INSTITUTION else m.surface  # 弁理士会四国支部: a short form
        return Mention(m.start, end, text[m.start:end], INSTITUTION, stem + place + b.group(2),
                       m.kind, region.name if region else None,
                       alias=text[m.start:end] if paren or m.surface != m.name else None)

    def _place(self, word: str) -> bool:
        """A place in a branch name: a region, or a word without digits or kana particles."""
        if self.onto.region(word) is not None:
            return True
        return bool(word) and not any(ch.isdigit() for ch in word) and not any(
            ch in "のはがをにでともへや" for ch in word) and word not in self.lang.not_names

    def _shared_heads(self, text: str, ms: list[Mention]) -> list[Mention]:
        """``杜の都と一関の両信金`` / ``富士見市、坂戸市をはじめとする7つの商工会``: names that
        share one head written once after them."""
        out = list(ms)
        tokens = analyse(text)
        for m in ms:
            if m.label != KIND or m.kind is None:
                continue
            kind = self.onto.kinds[m.kind]
            if not (kind.suffixes or kind.short_forms) or kind.named_by_region:
                continue  # 47都道府県: kinds whose bodies are not named by a proper name + head
            marker = _before(_SHARED_MARKER, text, m.start)
            if marker is None or not marker.group(0).strip("の"):
                continue
            lead = text[:marker.start()]
            cut = max(lead.rfind(ch) for ch in "はがをにで。「」()")
            clause_start = cut + 1
            items = [(x.start() + clause_start, x.group(0))
                     for x in re.finditer(r"[^、と・]+", lead[clause_start:])]
            count = re.search(r"[0-9]+|[一二三四五六七八九十]+|両", marker.group(0))
            named = [it for it in items if self._nominal(tokens, it[0], it[0] + len(it[1]))]
            some = re.match(r"(?:をはじめとする|など|等|ら)", marker.group(0)) is not None
            total = _count_value(count.group(0)) if count else 0
            if len(items) < 2 or len(named) < len(items) - 1 or (count and (
                    total < len(named) if some else total not in (len(items), len(named)))):
                continue  # "…開かれ、同行の常務と各商議所": not a list of names
            full_head = kind.short_forms.get(m.surface) or (
                kind.suffixes[0] if kind.suffixes and m.surface not in kind.suffixes else m.surface)
            made = False
            for item_start, item in items:
                place = _PLACE_OF.match(item)
                core_start = item_start + (place.end() if place else 0)
                core = text[core_start:item_start + len(item)]
                if not self._shared_item(core, out, core_start):
                    continue
                name = core + full_head
                known = self.onto.institution(name)
                out.append(Mention(core_start, core_start + len(core), core, INSTITUTION,
                                   known.name if known else name, m.kind,
                                   (known.region if known else None) or self.region_of_name(core)))
                made = True
            if made:
                out.remove(m)  # the shared head names no party of its own
        out = [x for x in out if not (x.label == REGION and any(
            y.label == INSTITUTION and y.start <= x.start and x.end <= y.end and y is not x
            for y in out))]
        return sorted(out, key=lambda x: (x.start, x.end))

    def _nominal(self, tokens: tuple[Token, ...], start: int, end: int) -> bool:
        """Only nouns (no verb, particle, person or title): a name without its head."""
        inside = [t for t in tokens if t.start < end and t.end > start]
        return bool(inside) and not any(
            (t.breaks_name and t.surface != "の") or t.surface in self.titles or t.is_time_word
            for t in inside) and not (
                len(inside) >= 2 and all(t.is_person for t in inside[-2:]))

    def _shared_item(self, core: str, ms: list[Mention], start: int) -> bool:
        """An item of a shared-head list that can take the head: a proper name, not a body
        already, not a prefecture (大阪と岡山の2信金: where they are, not their names)."""
        if not core or core in self.lang.not_names or any(ch.isdigit() for ch in core):
            return False
        if any(x.label in (INSTITUTION, KIND, ANAPHOR) and x.start <= start < x.end for x in ms):
            return False
        region = self.onto.region(core)
        return not (region is not None and region.level in ("都道府県", "地方", "全国"))

    def _prefectural_kinds(self, text: str, ms: list[Mention]) -> list[Mention]:
        """県 + a kind (県保証協会, 県商工会議所連合会): the body of the document's prefecture."""
        out = []
        for m in ms:
            after_ken = text[:m.start].endswith("県") and not any(
                x.end == m.start and x.label == REGION for x in ms)
            if m.label in (KIND, ANAPHOR) and (m.surface.startswith("県") or after_ken):
                m = replace(m, prefectural=True)
            out.append(m)
        return out

    def _quoted_programmes(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        suffixes = self.onto.programme_quoted_suffixes
        for m in re.finditer(r"「([^「」]{2,40})」", text):
            inner = m.group(1)
            if inner.endswith(suffixes) and not self.onto.kind(inner):
                known = self.onto.programme(inner)
                out.append(Mention(m.start(1), m.end(1), inner, PROGRAMME,
                                   known.name if known else inner))
        return out

    def _merge_regions(self, text: str, ms: list[Mention]) -> list[Mention]:
        """大阪府 + 泉佐野市 written together: one place, the municipality."""
        out: list[Mention] = []
        for m in ms:
            prev = out[-1] if out else None
            if (prev is not None and prev.label == REGION and m.label == REGION
                    and prev.end == m.start and m.name != prev.name
                    and self.onto.prefecture_of(m.name) == prev.name):
                out[-1] = replace(m, start=prev.start, surface=text[prev.start:m.end])
                continue
            out.append(m)
        return out

    def _merge_region_kind(self, text: str, ms: list[Mention]) -> list[Mention]:
        """栃木県 + 信用保証協会 -> 栃木県信用保証協会 (a prefecture's instance of a kind)."""
        out: list[Mention] = []
        i = 0
        while i < len(ms):
            a = ms[i]
            b = ms[i + 1] if i + 1 < len(ms) else None
            if (b is not None and a.label == REGION and b.label == KIND and a.end == b.start
                    and b.kind is not None):
                inst = self.onto.instance_name(b.kind, a.name)
                if inst:
                    out.append(Mention(a.start, b.end, text[a.start:b.end], INSTITUTION,
                                       self._canonical(inst), b.kind, a.name))
                    i += 2
                    continue
            out.append(a)
            i += 1
        return out

    @staticmethod
    def _counted(text: str, m: Mention) -> bool:
        """5地方銀行, 7つの商工会, 4金融機関: a counted group the context resolves, not a kind
        named in general."""
        return m.label == KIND and _before(_COUNTED, text, m.start) is not None

    def _mark_generic(self, text: str, m: Mention) -> Mention:
        """各地の信用保証協会, 四国4県の診断士協会: a kind named in general, or of several
        prefectures at once - no one prefecture's body."""
        if m.label == KIND and (text.endswith(self.lang.generic_before, 0, m.start)
                                or _before(_SEVERAL_PREFECTURES, text, m.start)):
            return replace(m, generic=True)
        return m

    # ---------------------------------------------------------------- document aliases
    def parenthetical_aliases(self, text: str, ms: list[Mention]) -> dict[str, Mention]:
        """``日本政策金融公庫(日本公庫)``, ``おきなわフィナンシャルグループ(OFG、…)``: the short
        form a document defines in brackets right after a name."""
        out: dict[str, Mention] = {}
        for m in ms:
            if m.label != INSTITUTION:
                continue
            p = re.match(r"\((?:以下、?|以下「)?「?([^()、,「」]{2,12})」?[、,)]", text[m.end:])
            if not p:
                continue
            short = p.group(1)
            latin = short.isascii() and short.isalnum() and short.upper() == short
            if short != m.name and (latin or _in_order(short, m.name) or _in_order(
                    short, m.surface)):
                out[short] = m
        return out


def _in_order(short: str, name: str) -> bool:
    """The short form's letters appear in the name in order (道銀帯広支店 of 北海道銀行帯広支店)."""
    pos = 0
    for ch in short:
        pos = name.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def _count_value(word: str) -> int:
    """両 -> 2, 7 -> 7, 四 -> 4 (kanji numerals up to 十)."""
    if word == "両":
        return 2
    if word.isdigit():
        return int(word)
    digits = "一二三四五六七八九"
    if word == "十":
        return 10
    if word.startswith("十"):
        return 10 + digits.index(word[1]) + 1
    return digits.index(word[0]) + 1 if word[0] in digits else 0


def _is_kana(ch: str) -> bool:
    return bool(ch) and "\u3040" <= ch <= "\u309f"


def _outside_quoted_names(text: str, ms: list[Mention]) -> list[Mention]:
    """A party named inside a longer quoted title (「税理士連携短期継続特別保証」) is part of the
    title, not a party of the sentence."""
    quotes = [(m.start(1), m.end(1)) for m in re.finditer(r"「([^「」]*)」", text)]
    return [m for m in ms if not (m.is_party and any(
        s <= m.start and m.end <= e and (m.start, m.end) != (s, e) for s, e in quotes))]


def _kana_name_start(text: str, start: int, before: list[Token]) -> int | None:
    """A name written in hiragana that the analyser took apart into particles (あさひかわ
    商工会 -> あさひ|か|わ): the run of kana right before ``start`` when it follows a separator,
    has two or more letters and is more than one word."""
    i = start
    while i > 0 and "\u3040" <= text[i - 1] <= "\u309f":
        i -= 1
    if start - i < 2 or (i > 0 and text[i - 1] not in _SEPARATORS and not text[i - 1].isspace()):
        return None
    words = [t for t in before if t.start >= i and t.end <= start]
    grammar = {"代名詞", "動詞", "形容詞", "助動詞", "連体詞", "接続詞"}
    if len(words) < 2 or any(t.pos[0] in grammar for t in words):
        return None  # これまで, ある: words of the sentence, not a name
    return i


def _is_abbreviation(short: str, name: str) -> bool:
    """``日本公庫`` of ``日本政策金融公庫``: the short form's letters appear in order in the name,
    and it starts with the name's first letter."""
    return bool(short) and short[0] == name[0] and _in_order(short, name)


def known_by_abbreviation(short: str, bodies: Iterable[KnownInstitution | Mention],
                          ) -> str | None:
    """The one named body of which ``short`` is an abbreviation, or None."""
    hits = {b.name for b in bodies if _is_abbreviation(short, b.name)}
    return hits.pop() if len(hits) == 1 else None


def _longest_non_overlapping(ms: list[Mention]) -> list[Mention]:
    """Leftmost-longest selection; on equal spans the gazetteer entry (listed first) wins."""
    ordered = sorted(enumerate(ms), key=lambda im: (im[1].start, -(im[1].end - im[1].start), im[0]))
    kept: list[Mention] = []
    for _, m in ordered:
        if kept and m.start < kept[-1].end:
            if m.end - m.start > kept[-1].end - kept[-1].start and m.start >= kept[-1].start:
                kept[-1] = m
            continue
        kept.append(m)
    return kept


@cache
def finder_for(onto: Ontology) -> MentionFinder:
    """One finder per ontology (building the gazetteer costs a few milliseconds)."""
    return MentionFinder(onto)


def name_problems(name: str, onto: Ontology) -> list[str]:
    """Why ``name`` cannot be one institution's name: a person's name or a title inside it, two
    bodies' names run together, or a sentence fragment (a verb or particle) at its start.

    Known names (the ontology and the registries) are taken as they are. Used by the tests
    over every node built from the corpus and the annotated sets.
    """
    if onto.institution(name) is not None or name in onto.instances or onto.region(name):
        return []
    finder = finder_for(onto)
    tokens = analyse(name)
    problems = []
    first = tokens[0] if tokens else None
    if first is not None and first.breaks_name and first.surface != "・" and (
            first.pos[0] in ("動詞", "形容詞") or not _is_kana(name[first.end:first.end + 1])):
        # 置く三重銀行, と津山商工会議所 (a kana name the analyser took apart is no fragment)
        problems.append(f"starts with {first.surface!r} ({first.pos[0]})")
    for a, b in pairwise(tokens):
        if a.is_person and b.is_person:
            problems.append(f"person's name {a.surface}{b.surface}")
    titles = [t.surface for t in tokens if t.surface in onto.language.titles]
    if titles:
        problems.append(f"title {titles[0]}")
    branch = name.endswith(onto.language.branch_heads)
    for t in tokens[:-1]:
        rest = name[t.end:]
        if finder._is_head_word(t.surface) and not branch and rest and not any(
                rest.startswith(h) for h in finder.org_heads) and finder.head_matcher.search(rest):
            problems.append(f"two bodies: {name[:t.end]} + {rest}")
            break
    return problems
