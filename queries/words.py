"""The user's words -> graph terms: a firm's problem written as people write it (運転資金が
足りない, 店をたたみたい, 円安で仕入れが苦しい) -> 課題; a holder written loosely (うちの信組,
保証協会さん, 取引銀行(第二地銀), 市の商工会の指導員) -> a kind or a named body.

Topics come from, in order: a topic's name or alias (topics.toml) written in the words; its
everyday `words`, as written or with the same dictionary forms (たたみたい / 畳みたい -> 畳む,
via the analyser); failing those, the words of the documents' own referral sentences about
each topic (an evidence index built from the graph: a problem described as the documents
describe it), then the topics whose names, aliases and words share the phrase's distinctive
content words (a word of that topic alone). Holders are read
by the same recogniser that reads documents, so every name, alias, short form and kind it
knows is understood.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache

from shienmap.graph.ontology import Ontology
from shienmap.graph.schema import INSTITUTION, KIND, fold
from shienmap.loaders.analyse import lemmas
from shienmap.loaders.mentions import ANAPHOR, finder_for

EvidenceIndex = dict[str, Counter[str]]
_CONTENT = ("名詞", "動詞", "形容詞")
_FUNCTION = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})
_TOO_COMMON = frozenset({
    "する", "ある", "居る", "成る", "為る", "いる", "なる", "事", "物", "所", "人", "方", "時",
    "為", "会社", "事業", "支援", "相談", "経営", "企業", "中小企業", "欲しい", "たい", "出来る",
    "できる", "思う", "言う", "行く", "来る", "見る", "良い", "無い", "ない", "です", "ます",
    "こと", "もの",
})
_HONORIFICS = re.compile(r"(?:さん|様|さま|殿|御中|くん|ちゃん)$")
_HONORIFICS_AT_START = re.compile(r"^(?:さん|様|さま)")
_POSSESSIVE = re.compile(
    r"^(?:うちの|当社の|弊社の|わが社の|我が社の|いつもの|取引先の|自社の|うち)")
_MAX_TOPICS = 3
_EVIDENCE_MIN = 2  # sentences a word must share with a topic's referrals to point at it
_SHARED_WORDS = 1.0  # a phrase with no topic word needs a content word of that topic alone


def content_lemmas(text: str) -> set[str]:
    """Dictionary forms of the content words of ``text`` (common words left out)."""
    return {lemma for lemma, pos in lemmas(text) if (pos in _CONTENT and len(lemma) >= 2
            and lemma not in _TOO_COMMON) or lemma in ("畳む", "継ぐ", "売る")}


def word_lemmas(text: str) -> frozenset[str]:
    """Dictionary forms of every word of ``text`` but particles, auxiliaries and symbols
    (店を出し -> 店, 出す): what a topic word needs to be found by dictionary form."""
    return frozenset(lemma for lemma, pos in lemmas(text) if pos not in _FUNCTION)


def _inflected_lemmas(text: str) -> frozenset[str]:
    """:func:`word_lemmas` of a topic word with a verb or adjective (たたみたい: 畳みたい
    matches it); empty for a word of nouns only, which is matched as written (工場を is not
    in 工場が浸水した)."""
    found = lemmas(text)
    if not any(pos in ("動詞", "形容詞") for _, pos in found):
        return frozenset()
    return frozenset(lemma for lemma, pos in found if pos not in _FUNCTION)


@cache
def _institution_lemmas(onto: Ontology) -> frozenset[str]:
    """Content words of the kinds' names, aliases and head nouns (機関, センター, 協会): they say
    who, not what the problem is."""
    out: set[str] = set()
    for k in onto.kinds.values():
        for w in (k.name, *k.aliases, *k.suffixes, *k.heads):
            out |= content_lemmas(w)
    return frozenset(out)


@cache
def _lemma_topics(onto: Ontology) -> dict[str, frozenset[str]]:
    """content lemma -> the topics whose name, aliases or words contain it."""
    out: dict[str, set[str]] = {}
    for t in onto.topics.values():
        for w in (t.name, *t.aliases, *t.words):
            for lemma in content_lemmas(w):
                out.setdefault(lemma, set()).add(t.name)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def _topic_keys(onto: Ontology) -> list[tuple[str, str, frozenset[str], float]]:
    """(topic, word as written (folded), its word lemmas, weight) for every alias and word."""
    out = []
    for t in onto.topics.values():
        for w, weight in [(a, 2.0) for a in (t.name, *t.aliases)] + [(w, 1.0) for w in t.words]:
            out.append((t.name, fold(w), _inflected_lemmas(w), weight))
    return out


def topics_in(words: str, onto: Ontology,
              evidence: EvidenceIndex | Callable[[], EvidenceIndex] | None = None) -> list[str]:
    """The topics a phrase speaks of, best first (at most three).

    A topic word matches as written or, when it is not written as such, by dictionary forms
    (every word of it but particles: 畳みたい for たたみたい, not 創業計画 for 事業計画). A word
    written inside a longer word of another topic does not count (売りたい in 海外で売りたい).
    Failing those, the evidence index (built by ``evidence()`` only then), then a content word
    of one topic alone.
    """
    key = fold(words)
    exact = onto.topic(key)
    if exact is not None:
        return [exact.name]
    have = word_lemmas(words)
    written_hits: list[tuple[str, float, int, int]] = []  # topic, score, start, end
    lemma_hits: list[tuple[str, float]] = []
    for topic, written, need, weight in _topic_keys(onto):
        at = key.find(written) if written else -1
        if at >= 0:
            written_hits.append((topic, weight * (1 + len(written) / 10), at, at + len(written)))
        elif need and need <= have:
            lemma_hits.append((topic, weight * 0.8))
    longest = [(t, a, b) for t, _, a, b in written_hits]
    scores: Counter[str] = Counter()  # the best match of each topic, and a little per other
    for topic, hit, a, b in written_hits:
        if any(t != topic and a2 < b and a < b2 and b2 - a2 > b - a for t, a2, b2 in longest):
            continue  # inside a longer word of another topic
        scores[topic] = max(scores[topic], hit) + 0.1
    for topic, hit in lemma_hits:
        scores[topic] = max(scores[topic], hit) + 0.1
    if not scores and evidence is not None:  # no topic word: the documents' own words
        scores = _evidence_topics(words, evidence() if callable(evidence) else evidence)
    if not scores:  # nor those: the topics sharing its distinctive content words
        mine = content_lemmas(words) - _institution_lemmas(onto)
        known = [lemma for lemma in mine if lemma in _lemma_topics(onto)]
        if 2 * len(known) >= len(mine):  # most of what it says is about some topic
            for lemma in known:
                owners = _lemma_topics(onto)[lemma]
                for topic in owners:
                    scores[topic] += 1 / len(owners)
            scores = Counter({t: v for t, v in scores.items() if v >= _SHARED_WORDS})
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    return [t for t in ranked if scores[t] >= best / 2][:_MAX_TOPICS]


def evidence_index(pairs: Iterable[tuple[Iterable[str], Iterable[str]]]) -> EvidenceIndex:
    """lemma -> how many documented referral sentences about each topic contain it, from
    (topic names, evidence quotes) pairs: the documents' own words for each topic."""
    index: dict[str, Counter[str]] = {}
    for topics, quotes in pairs:
        topics = list(topics)
        if not topics:
            continue
        for quote in quotes:
            for lemma in content_lemmas(quote):
                c = index.setdefault(lemma, Counter())
                for t in topics:
                    c[t] += 1
    return index


def _evidence_topics(words: str, evidence: EvidenceIndex) -> Counter[str]:
    """Topics whose documented referral sentences share the phrase's content words: a word
    counts for a topic it occurs with in at least two sentences, half of its occurrences."""
    scores: Counter[str] = Counter()
    for lemma in content_lemmas(words):
        c = evidence.get(lemma)
        if not c:
            continue
        total = sum(c.values())
        for topic, n in c.items():
            if n >= _EVIDENCE_MIN and n / total >= 0.5:
                scores[topic] += n / total
    return scores


def topic_suggestions(words: str, onto: Ontology, n: int = 5) -> list[str]:
    """Topics whose names, aliases or words look like the unknown ones."""
    names = sorted({a for t in onto.topics.values() for a in (t.name, *t.aliases)})
    near = difflib.get_close_matches(words, names, n=n, cutoff=0.3)
    return list(dict.fromkeys(onto.topic(x).name for x in near if onto.topic(x)))[:n]


def holder_candidates(text: str, onto: Ontology) -> list[tuple[str, str]]:
    """What a loosely written holder names, best first: (label, name) with label 機関 (a named
    body) or 機関種別 (a kind). 取引銀行(第二地銀) -> 銀行; 市の商工会の指導員 -> 商工会;
    うちの信組 -> 信用組合; 保証協会さん -> 信用保証協会."""
    s = text.strip()
    inner = re.findall(r"[(（]([^()（）]+)[)）]", s)
    outer = re.sub(r"[(（][^()（）]*[)）]", "", s)
    out: list[tuple[str, str]] = []
    for part in (*inner, outer):
        cleaned = _POSSESSIVE.sub("", _HONORIFICS.sub("", part.strip()))
        if not cleaned:
            continue
        known = onto.institution(cleaned)
        if known is not None:
            out.append((INSTITUTION, known.name))
        kind = onto.kind(cleaned)
        if kind is not None:
            out.append((KIND, kind.name))
        found = [m for m in finder_for(onto).find(cleaned)
                 if m.is_party or (m.label == ANAPHOR and m.heads_of)]
        if not any(m.label in (INSTITUTION, KIND) for m in found):
            out += _government(cleaned, onto)  # 市の商工課: the government, not a 窓口 anaphor
        for m in reversed(found):  # the last party written is the holder (市の商工会)
            if m.label == INSTITUTION:
                out.append((INSTITUTION, m.name))
                if m.kind:  # a body the graph may not hold (三条商工会議所): its kind
                    out.append((KIND, m.kind))
            elif m.label == KIND and m.kind:
                out.append((KIND, m.kind))
            elif m.label == ANAPHOR:  # 県の拠点: the kind the word refers to
                out.append((KIND, m.heads_of[0]))
    return list(dict.fromkeys(out))


_LEVEL_KIND = {"市": "市町村", "区": "市町村", "町": "市町村", "村": "市町村",
               "都": "都道府県", "道": "都道府県", "府": "都道府県", "県": "都道府県"}


def _government(text: str, onto: Ontology) -> list[tuple[str, str]]:
    """A local government written as its office or a department of it: 市役所, 町役場 ->
    市町村; 市の商工課, 県の移住相談窓口 -> its kind; 小樽市の産業振興担当 -> 小樽市 (where the
    graph has it) and 市町村. Offices and department words are language.toml's."""
    lang = onto.language
    place, sep, dept = text.partition("の")
    if sep and not dept.endswith(tuple(lang.government_departments)):
        return []
    office = next((o for o in lang.government_offices if place.endswith(o)), None)
    if office is not None:
        place = place[:-len(office)]  # 市役所(の商工課) -> 市
    elif not sep:
        return []
    kind = _LEVEL_KIND.get(place[-1:]) if place else None
    if kind is None:
        return []
    if len(place) > 1 and onto.region(place) is not None:  # 小樽市の…: the body named so
        return [(INSTITUTION, place), (KIND, kind)]
    return [(KIND, kind)]


def wished_kinds(text: str, onto: Ontology) -> list[str]:
    """Kinds the firm asks for in its own words: a kind or body named right before a wish
    marker (topics.toml [wish]): 銀行と一緒に見てほしい -> 銀行; 税理士さんに相談したい ->
    税理士. A body named without one (銀行から言われた) is not a wish."""
    out: list[str] = []
    if not any(w in text for w in onto.wish_markers):
        return out  # no wish marker at all: no need to build the name finder (~1 s)
    for m in finder_for(onto).find(text):
        if m.label not in (INSTITUTION, KIND) or not m.kind:
            continue
        rest = _HONORIFICS_AT_START.sub("", text[m.end:])
        if rest.startswith(onto.wish_markers):
            out.append(m.kind)
    return list(dict.fromkeys(out))


def holder_suggestions(text: str, onto: Ontology, region_bodies: Iterable[str],
                       n: int = 5) -> list[str]:
    """Kinds (names and aliases) and the case region's bodies that look like the unknown
    holder - not every node that shares a character with it."""
    kinds = sorted({a for k in onto.kinds.values() for a in (k.name, *k.aliases)})
    pool = [*kinds, *region_bodies]
    near = difflib.get_close_matches(text, pool, n=n, cutoff=0.4)
    return [onto.kind(x).name if onto.kind(x) else x for x in near]
