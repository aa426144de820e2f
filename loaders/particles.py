"""Case roles of mentions, read from the Japanese particles that follow them.

``A から`` source, ``A に/へ`` destination, ``A は`` topic, ``A が/も`` subject, ``A を``
object, ``A との`` partner, ``A と/とで`` coordinated, ``A の`` genitive, ``A、/や/及び``
listed with the next mention. Staff nouns (職員, 担当者), 等 and brackets between a mention
and its particle are skipped, and so is a generic head noun in apposition ("A、B等の身近な
支援機関は": the は is A's and B's).
"""

from __future__ import annotations

import re

from .mentions import Mention

SRC, DST, TOPIC, SUBJ, OBJ = "src", "dst", "topic", "subj", "obj"
PARTNER, AND, GEN, LIST, OTHER = "partner", "and", "gen", "list", "other"
VENUE = "venue"  # A本店で, A会館で: where it happened, not who
MODIFIER = "mod"  # Aの運営財団と: A only qualifies the party named after it
AGENT_ROLES = (TOPIC, SUBJ)

# The patterns below are matched at a mention's end (``pattern.match(text, end)``: anchored
# there, with no lookbehind to see before it), not on a copy of the rest of the sentence.
_SKIP_AFTER = re.compile(
    r"(?:等|など|各|自身|側|[」』\"]|\([^)]{0,30}\)|「[^」]{0,30}」|の(?:職員|担当者|営業店|本部|支店|"
    r"行員|コーディネーター|ビジネスサポート部)|職員|担当者|営業店担当者|営業店|本部|行員|会員|主導で"
    r"|主導|の[^、。とはがを]{0,6}?[0-9一二三四五六七八九十]+(?:支店|店舗|拠点)"
    # a department or branch of the body (当行地域共創部に, 同公庫松山支店に, 県商工労働部へ)
    r"|[^\s、。のはがをにでともへや()「」]{1,10}?(?:部|課|室|局|支店|支部|事務所)(?=[にへでのが])"
    r"|の皆さま|の皆様|の方々)+"
)
_GENERIC_HEAD = re.compile(
    r"(?:等|など)?(?:の|をはじめとする|をはじめ|といった|などの)[^、。「」や]{0,16}?"
    r"(?:支援機関|機関|専門家|支援者|団体|組織|主体|関係者)(?:等|など)?(?=[はがもにへをとの])"
)
_PARTICLE_ROLES = (  # longest first where one particle starts another
    ("も含め", OTHER), ("を含め", OTHER), ("のほか", OTHER), ("に加えて", LIST),
    ("に加え", LIST), ("を擁する", OTHER), ("からの", SRC), ("から", SRC), ("への", DST),
    ("に対して", DST), ("に対し", DST), ("による", OTHER), ("によって", OTHER),
    ("により", OTHER), ("において", DST), ("における", DST), ("には", DST), ("に", DST),
    ("へ", DST), ("では", TOPIC), ("でも", TOPIC), ("のみならず", LIST), ("は", TOPIC),
    ("が", SUBJ), ("も", SUBJ), ("を", OBJ), ("と一緒に", PARTNER), ("とともに", PARTNER),
    ("と共に", PARTNER), ("との", PARTNER), ("とも", PARTNER),
    ("とで", AND), ("と", AND), ("及び", LIST), ("および", LIST), ("並びに", LIST),
    ("や", LIST), ("、", LIST), (",", LIST), ("・", LIST), ("の", GEN),
)
# the first of _PARTICLE_ROLES that the text goes on with (alternatives are tried in order)
_PARTICLE = re.compile("|".join(re.escape(p) for p, _ in _PARTICLE_ROLES))
_ROLE_OF = dict(_PARTICLE_ROLES)
_COORDINATE_GAP = 6
# after "Aの", people acting for A (Aの経営指導員は, Aのコーディネーターと)
_PEOPLE = ("員", "長", "者", "官", "コーディネーター", "担当", "スタッフ", "幹部", "役員", "士")
# after "Aの", words that leave A the party (Aの担当者と, Aの各支店は) or that are the relation
_NOT_HEAD_NOUNS = ("職員", "担当者", "営業店", "本部", "支店", "行員", "会員", "協定", "覚書",
                   "連携", "提携", "紹介", "出向", "同行", "間", "両者", "者", "機関", "団体", "方")


_VENUE = re.compile(
    r"(?:の)?(?:本店|本社|本部|会館|ビル|役場|庁舎|会議室|会場)(?:\([^()]*\))?(?:で|にて)")
_MODIFIED = re.compile(
    r"の(?P<noun>[^、。とはがをにでのも「」()\s]{1,8})(?:と|との|とは|は|が|も|\s)")


def particle_role(text: str, end: int) -> str:
    """The role the particle after the mention ending at ``end`` gives it."""
    if _VENUE.match(text, end):
        return VENUE
    quoted = text.startswith(("」", "』"), end)
    mod = _MODIFIED.match(text, end + 1 if quoted else end)
    if mod and not mod.group("noun").endswith((*_NOT_HEAD_NOUNS, *_PEOPLE)) and not re.match(
            r"[0-9一二三四五六七八九十両各]", mod.group("noun")):  # Aの3所と: the count of them
        return MODIFIER
    pos = end
    skip = _SKIP_AFTER.match(text, pos)
    if skip:
        pos = skip.end()
    head = _GENERIC_HEAD.match(text, pos)
    if head:
        pos = head.end()
    particle = _PARTICLE.match(text, pos)
    return _ROLE_OF[particle.group(0)] if particle else OTHER


def roles(text: str, ms: list[Mention]) -> list[str]:
    """Roles of the mentions; a listed (、/や/及び) or coordinated (と) mention takes the role
    of the mention right after it."""
    out = [particle_role(text, m.end) for m in ms]
    for i in range(len(ms) - 2, -1, -1):
        close = ms[i + 1].start - ms[i].end <= _COORDINATE_GAP
        joined = text[ms[i].end:ms[i + 1].start] == "と"  # AとBへ: to A and B
        if close and (out[i] == LIST or (out[i] == AND and out[i + 1] in (*AGENT_ROLES, AND,
                                                                          PARTNER))
                      or (joined and out[i] == AND and out[i + 1] in (DST, OBJ))):
            out[i] = out[i + 1]
    return out
