"""Stage 4, mentions: a sentence -> the institutions, kinds, regions, topics and programmes
it names, with their offsets in the sentence.

Reads ``Segment.text``; fills :class:`Mention` (label, canonical name, kind, region). Three
mechanisms, all driven by the ontology data:

* a gazetteer of every name, alias and former name (longest match first);
* proper name + kind suffix (八十二 + 銀行, のと共栄 + 信用金庫, 桐生 + 商工会議所), the name
  walked leftwards over kanji, katakana and name-internal kana, stopping at particles;
* region + kind (栃木県 + 信用保証協会 -> the prefecture's instance of that kind).

Anaphors (当協会, センター, 協議会) are returned unresolved, as label ``ANAPHOR``; the
context stage resolves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from shienmap.graph.ontology import Ontology
from shienmap.graph.schema import INSTITUTION, KIND, PROGRAMME, REGION, TOPIC, fold

ANAPHOR = "anaphor"
_VARIANTS = str.maketrans({"縣": "県", "嶋": "島"})
_PARTICLES = set("のはがをにへとでもや")
_STOP_CHARS = set("及並等、・")
_VERB_ENDINGS = ("る", "った", "した", "して", "れた", "げ")
_GENERIC_BEFORE = ("各地の", "各都県の", "各県の", "各都道府県の", "全国の", "全ての",
                   "すべての", "他の", "他地域の", "地域の", "地元の", "各", "全国に")
_STOP_PREFIXES = {
    "地方", "第二地方", "地域", "県内", "都内", "市内", "管内", "域内", "県下", "各", "全国",
    "民間", "地元", "当", "同", "他", "本", "政府系", "公的", "一部", "全て", "該当", "取引",
    "取引先", "金融",
    "関係", "主要", "大手", "メイン", "複数", "連携先", "派遣元", "外部", "都市", "メガ", "国内",
    "海外", "各地", "全", "元", "前", "旧", "新", "信用", "協同", "地元信用", "広域",
}
_LEGAL_FORMS = ("一般社団法人", "公益社団法人", "一般財団法人", "公益財団法人", "株式会社",
                "独立行政法人", "(株)", "(一社)", "(公財)", "(一財)", "(公社)", "NPO法人")
_ORG_CONTINUATION = ("協会", "連合会", "機構", "財団", "組合連合会")


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


class MentionFinder:
    """Finds mentions with the ontology's gazetteer and name patterns."""

    def __init__(self, onto: Ontology) -> None:
        self.onto = onto
        self.entries: dict[str, _Entry] = {}
        self._build()
        keys = sorted(self.entries, key=lambda k: (-len(k), k))
        self.pattern = re.compile("|".join(re.escape(k) for k in keys))
        suffixes = sorted({s for k in onto.kinds.values() for s in k.suffixes}, key=len,
                          reverse=True)
        self.suffix_kind = {s: k.name for k in onto.kinds.values() for s in k.suffixes}
        self.suffix_pattern = re.compile("|".join(re.escape(s) for s in suffixes))
        self.kind_keys_in_names = sorted({*suffixes, "金庫", "協会", "機関", "銀行"})
        self.block_names = {r.name for r in onto.regions.values() if r.level == "地方"}

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
            if r.level in ("都道府県", "市区町村", "全国"):
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
        for i in o.institutions.values():
            for a in (i.name, *i.aliases):
                self._put(a, _Entry(INSTITUTION, i.name, i.type, i.region), override=True)

    def _canonical(self, name: str) -> str:
        known = self.onto.institution(name)
        return known.name if known else name

    # ---------------------------------------------------------------- finding
    def find(self, text: str) -> list[Mention]:
        """All mentions in ``text``, non-overlapping, in order."""
        probe = text.translate(_VARIANTS)
        found = [self._from_entry(m.start(), m.end(), text, self.entries[m.group(0)])
                 for m in self.pattern.finditer(probe)]
        found += self._named_by_suffix(text, probe)
        found += self._quoted_programmes(text)
        kept = _longest_non_overlapping(found)
        kept = self._merge_region_kind(text, kept)
        out: list[Mention] = []
        swallowed = -1
        for m in kept:
            if m.is_party and text.startswith(_ORG_CONTINUATION, m.end):
                swallowed = m.end  # 長野県信用金庫 + 協会: another organisation, not this one
                continue
            if m.label == ANAPHOR and m.start == swallowed:
                continue
            out.append(self._mark_generic(text, m))
        return out

    def _from_entry(self, start: int, end: int, text: str, e: _Entry) -> Mention:
        return Mention(start, end, text[start:end], e.label, e.name, e.kind, e.region,
                       heads_of=e.heads_of)

    def _named_by_suffix(self, text: str, probe: str) -> list[Mention]:
        out: list[Mention] = []
        for m in self.suffix_pattern.finditer(probe):
            start = _name_start(probe, m.start())
            prefix = probe[start:m.start()]
            for form in _LEGAL_FORMS:
                if prefix.startswith(form):
                    prefix, start = prefix[len(form):], start + len(form)
            lead = re.match(r"^[0-9]+", prefix)  # 3諏訪信用金庫: a heading's number
            if lead:
                prefix, start = prefix[lead.end():], start + lead.end()
            kind = self.suffix_kind[m.group(0)]
            trimmed = self._trim(prefix, m.group(0), kind)
            if trimmed is None:
                continue
            start += len(prefix) - len(trimmed)
            prefix = trimmed
            if not _valid_prefix(prefix) or self._holds_kind(prefix):
                continue
            surface = text[start:m.end()]
            known = self.onto.institution(surface)
            region_obj = self.onto.region(prefix)
            if known:
                out.append(Mention(start, m.end(), surface, INSTITUTION, known.name, known.type,
                                   known.region))
            elif region_obj is not None and self.onto.instance_name(kind, region_obj.name):
                name = self._canonical(self.onto.instance_name(kind, region_obj.name) or surface)
                out.append(Mention(start, m.end(), surface, INSTITUTION, name, kind,
                                   region_obj.name))
            else:
                out.append(Mention(start, m.end(), surface, INSTITUTION, surface, kind,
                                   self._region_of_name(prefix)))
        return out

    def _trim(self, prefix: str, suffix: str, kind: str) -> str | None:
        """Cut text run into a name: keep the part that makes a known institution, and name a
        government body (県庁, 経済産業局) by the region its prefix ends with; None if none."""
        for i in range(len(prefix)):
            if self.onto.institution(prefix[i:] + suffix):
                return prefix[i:]
        if not self.onto.kinds[kind].named_by_region:
            return prefix
        for i in range(len(prefix)):
            r = self.onto.region(prefix[i:])
            if r is not None and r.level in ("都道府県", "市区町村", "地方"):
                return prefix[i:]
            if prefix[i:] in self.block_names:
                return prefix[i:]
        return None

    def _holds_kind(self, prefix: str) -> bool:
        """A prefix holding a kind's name (構築地方銀行信用金庫) is run-together text."""
        return any(key in prefix for key in self.kind_keys_in_names)

    def _region_of_name(self, prefix: str) -> str | None:
        """Region a proper name contains (長野銀行 -> 長野県, しずおか焼津信用金庫 -> 焼津市)."""
        best: tuple[int, int, str] | None = None
        for r in self.onto.regions.values():
            for form in (r.name, r.stem):
                pos = prefix.find(form) if form and len(form) >= 2 else -1
                if pos >= 0 and (best is None or (pos, -len(form)) < (best[0], best[1])):
                    best = (pos, -len(form), r.name)
        return best[2] if best else None

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

    def _mark_generic(self, text: str, m: Mention) -> Mention:
        if m.label == KIND and text[:m.start].endswith(_GENERIC_BEFORE):
            return replace(m, generic=True)
        return m


def _is_kana_or_kanji(ch: str) -> bool:
    return ("\u4e00" <= ch <= "\u9fff" or "\u30a0" <= ch <= "\u30ff" or "\u3040" <= ch <= "\u309f"
            or ch in "々〆ヶー")


def _is_strong(ch: str) -> bool:
    """Kanji, katakana or Latin: characters a particle cannot be part of."""
    return ("\u4e00" <= ch <= "\u9fff" or "\u30a0" <= ch <= "\u30ff" or ch in "々ー"
            or (ch.isascii() and ch.isalnum()))


def _name_start(text: str, end: int) -> int:
    """Walk left from ``end`` over a proper name.

    Kanji, katakana and Latin are taken freely. A run of hiragana is taken when it starts the
    name (のと共栄, しずおか焼津) or sits inside it (埼玉りそな), but not when it ends in a
    particle right after a word (県内の, 全ての). Coordinators (及び, 等, 、) stop the walk.
    """
    i = end
    while i > 0:
        ch = text[i - 1]
        if ch in _STOP_CHARS or not (_is_kana_or_kanji(ch) or (ch.isascii() and ch.isalnum())):
            break
        if "\u3040" <= ch <= "\u309f":
            a = i - 1
            while a > 0 and "\u3040" <= text[a - 1] <= "\u309f":
                a -= 1
            after_word = a > 0 and _is_strong(text[a - 1])
            if after_word and ch in _PARTICLES and i < len(text) and _is_strong(text[i]):
                break
            if after_word and text[a] in _PARTICLES:
                i = a + 1  # 金庫としずおか焼津: the name starts after the particle
                break
            if text[a:i].endswith(_VERB_ENDINGS) or (a > 0 and text[a - 1] in "及並"):
                break  # 医である / とする / 及び: a predicate or a coordinator, not a name
            i = a
            continue
        i -= 1
    return i


def _valid_prefix(prefix: str) -> bool:
    if not prefix or prefix in _STOP_PREFIXES:
        return False
    if any(prefix.endswith(s) and len(s) >= 2 for s in ("地方", "地域", "地元", "全国", "県内")):
        return False
    if prefix.isascii() and len(prefix) < 2:
        return False
    if any(ch in "っゃゅょ" for ch in prefix):  # 少なかった: a verb, not a name
        return False
    if any(ch.isdigit() for ch in prefix):  # 大阪府内8 (商工会議所): a count, not a name
        return False
    return not all("\u3040" <= ch <= "\u309f" for ch in prefix) or len(prefix) >= 3


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
