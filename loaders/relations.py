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
from dataclasses import dataclass, replace
from itertools import combinations

from shienmap.graph.ontology import Ontology
from shienmap.graph.schema import (
    AGREEMENT,
    COLLABORATION,
    DIRECTED_RELATIONS,
    INSTITUTION,
    PROGRAMME,
    REFERRAL,
    REGION,
    SECONDMENT,
)

from .analyse import analyse
from .context import Resolved
from .mentions import Mention
from .particles import (
    AGENT_ROLES,
    DST,
    GEN,
    LIST,
    MODIFIER,
    OBJ,
    PARTNER,
    SRC,
    SUBJ,
    TOPIC,
    VENUE,
    particle_role,
    roles,
)

_GIVEN_ENDINGS = ("を受け", "をうけ", "いただ", "頂", "まれ", "られ", "してもら", "して頂")
_AFTERWARDS = re.compile(r"(?:み|し|い)?後")  # 締結後, 連携し後: matched right after a trigger
_VERB_ENDING = re.compile(r"(?:する|した|している|していた)")  # matched right after a trigger
_STAFF_OF = re.compile(r"の(?:若手|中堅)?(?:行員|職員|社員|スタッフ|担当者)")
_AGREEMENT_CONTENT = ("協定", "覚書", "提携", "契約", "連携", "協力", "取り組", "取組", "項目",
                      "柱", "盛り込", "掲げ", "内容")
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
        self.frame: list[Mention] = []  # the parties of the agreement the document is about
        self.frame_line = -1  # the paragraph that stated it
        self.content_line = -1  # the paragraph that speaks of the agreement's content
        # parties that each concluded an agreement of their own with one agent (それぞれ):
        # not bound to each other, whatever a headline's shorthand suggests
        self.unbound: set[frozenset[str]] = set()

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
            # the text after the word, read in place (a copy of it per word was quadratic)
            if text.startswith(self.onto.planned_markers, m.end()) or self._planned(
                    text[m.end():m.end() + 12]):
                continue
            if _AFTERWARDS.match(text, m.end()):
                continue
            spec = self.onto.relations[rtype]
            clause = re.split(r"[、。]", text[max(0, m.start() - 16):m.start()])[-1]
            if text.endswith(spec.exclude_before, 0, m.start()) or any(
                    w in clause for w in spec.exclude_before
                    if len(w) >= 2 and not w.endswith(("の", "を"))):
                continue  # 講師の派遣, 専門家を派遣: not staff seconded to an institution
            confirm = spec.confirm_after.get(m.group(0))
            if confirm and not any(w in text[m.end():m.end() + 14] for w in confirm):
                continue
            if rtype == AGREEMENT and self._modifies_noun(text, m.end()):
                continue  # 信金中央金庫が提携する専門機関: what it has agreements with, no party
            found.append(Trigger(rtype, m.start(), m.end(), m.group(0), passive))
        return [t for t in found if not (t.type == COLLABORATION and any(
            o.type != COLLABORATION and (0 <= o.start - t.end <= 2 or 0 <= t.start - o.end <= 2)
            for o in found))]

    def _modifies_noun(self, text: str, end: int) -> bool:
        """"…提携する専門機関": a relative clause on a common noun that is not itself a trigger."""
        verb = _VERB_ENDING.match(text, end)
        if verb is None:
            return False
        nxt = [t for t in analyse(text) if t.start == verb.end()]
        return bool(nxt) and nxt[0].pos[:1] == ("名詞",) and not self.pattern.match(
            text, nxt[0].start) and not any(
                m.start == nxt[0].start for m in ())

    def _planned(self, rest: str) -> bool:
        """"…について検討に入る", "…を予定している": considered or planned, not done (read in
        the first 12 characters of ``rest``, up to a 、 or 。)."""
        head = re.split(r"[、。]", rest[:12], maxsplit=1)[0]
        return any(mk in head for mk in self.onto.planned_markers)

    def extract(self, text: str, res: Resolved) -> list[Relation]:
        """All relations one sentence states."""
        if any(w in text for w in _AGREEMENT_CONTENT):
            self.content_line = res.line
        rels = self._extract(text, res)
        agreed = list({m.name: m for r in rels if r.type == AGREEMENT
                       for m in (r.source, r.target)
                       if m.label == INSTITUTION or m.generic}.values())
        if len(agreed) >= 2:
            self.frame, self.frame_line = agreed, res.line
        return rels

    def _extract(self, text: str, res: Resolved) -> list[Relation]:
        parties = [m for m in res.mentions if m.is_party]
        trigs = self.triggers(text, res.mentions)
        if not trigs:
            return []
        mutual = any(mk in text for mk in self.onto.mutual_markers)
        out: list[Relation] = []
        window_start = 0
        last_ends: list[Mention] = []
        precedent = any(mk in text for mk in self.onto.precedent_markers)
        for i, t in enumerate(trigs):
            nxt = trigs[i + 1] if i + 1 < len(trigs) else None
            if nxt is not None and nxt.start - t.end <= _SAME_CLAUSE and nxt.type == t.type \
                    and not re.search("[、。]", text[t.end:nxt.start]):
                continue
            window = [m for m in parties if window_start <= m.start and m.end <= t.start]
            if precedent and t.type == AGREEMENT:
                window = [m for m in window if m.label == INSTITUTION]  # 市町村との協定は初めて
                earlier = _earlier_partners(text, res.mentions, self.onto)
                agents = [m for m in window if particle_role(text, m.end) in AGENT_ROLES]
                if earlier and agents:  # 岩手銀行が…協定を交わすのは、久慈市や花巻市に続き
                    out += [Relation(t.type, agents[0], p, t.word) for p in earlier]
            if t.type == AGREEMENT:
                after, joining = self._named_after(text, t, parties, nxt)
                if after:
                    rels = self._partners_after(t, window, after, res, joining)
                    out += rels
                    last_ends = list({m.name: m for r in rels
                                      for m in (r.source, r.target)}.values()) or last_ends
                    window_start = t.end  # a later trigger (出向させ) may take them too
                    continue
            if t.type in DIRECTED_RELATIONS:
                rels = self._directed(text, t, window, parties, res, mutual)
            else:
                rels = self._undirected(text, t, window, res, last_ends)
            out += rels
            if rels:  # a trigger that stated nothing leaves its parties to the next one
                last_ends = list({m.name: m for r in rels for m in (r.source, r.target)}.values())
                window_start = t.end
        return _dedupe(out)

    # ---------------------------------------------------------------- directed
    def _directed(self, text: str, t: Trigger, window: list[Mention], parties: list[Mention],
                  res: Resolved, mutual: bool) -> list[Relation]:
        exchange = mutual or "交流" in t.word
        if exchange and t.type == REFERRAL and not self._about_clients(text, t):
            exchange = False  # 互いに連携して…支援を切れ目なくつなぐ: no client is passed on
        distinct = _first_by_name(window)
        if exchange and len(distinct) >= 2:
            return [Relation(t.type, a, b, t.word, True)
                    for a in distinct for b in distinct if a.name != b.name]
        if not distinct and self._between_parties(text, t, exchange, res.line):
            return [Relation(t.type, a, b, t.word, True)
                    for a in self.frame for b in self.frame if a.name != b.name]
        rs = roles(text, window)
        after = [m for m in parties if m.start >= t.end]
        if t.word.endswith(_SENDER_SUFFIX) and after and after[0].start - t.end <= 3:
            agents = _agents(window, rs)
            receiver = agents or [m for m in window if m.name != after[0].name][:1]
            if not receiver and res.subject is not None:
                receiver = [res.subject]
            return [Relation(t.type, after[0], r, t.word) for r in receiver
                    if r.name != after[0].name]
        receivers = _destinations(text, window, rs, (DST,) if t.type == SECONDMENT else (DST, OBJ))
        if receivers and t.start - receivers[-1].end > _RECEIVER_GAP:
            receivers = []
        if not receivers and window and rs[-1] == GEN and t.start - window[-1].end <= 3:
            receivers = [window[-1]]
        counters = _counters_of(text, window, rs, t)
        if counters and (not receivers or receivers[-1].end < counters[-1].start):
            receivers = counters  # 同協会の創業保証制度へ案内: the body whose service it is
        sources = self._from_sources(window, rs, receivers, t)
        receiving = any(w in text[t.end:t.end + 20] for w in _RECEIVE_WORDS)
        senders = [m for m in window if _STAFF_OF.match(text, m.end)] if (
            t.type == SECONDMENT and receiving and not sources) else []
        if senders:  # Aの行員をBに受け入れ: A sends, the one receiving is the agent
            sources = senders
            receivers = [m for m in _agents(window, rs) if m not in senders] or [
                m for m in (res.author, res.subject) if m is not None
                and m.name not in {s.name for s in senders}][:1]
        elif sources and (not receivers or receiving):
            receivers = _agents(window, rs) or [
                m for m in window if m not in sources][:1]
        given = text[t.end:].startswith(_GIVEN_ENDINGS)
        if given and receivers and not sources and any(r == DST for r in rs):
            # 税理士にはご紹介いただきます: the に-party gives, the one writing receives
            givers = [m for m, r in zip(window, rs, strict=True) if r == DST and m not in receivers]
            if givers:
                sources = givers
        if not receivers and sources and given:
            named = {m.name for m in sources}  # Aから推薦を受けた: the one writing, or the subject
            receivers = [m for m in (res.author, res.subject) if m is not None
                         and m.name not in named][:1]
        if not receivers and t.type == SECONDMENT:
            receivers = _working_at(text, t, parties)  # トレーニーとして拠点で働く
        if not receivers and not sources:
            receivers = self._handed_to(text, t, window, rs)
            if receivers:
                sources = [m for m in _agents(window, rs) if m not in receivers][:1]
        if not receivers and t.type == SECONDMENT and self._between_parties(
                text, t, False, res.line):
            agents = _agents(window, rs) or ([res.subject] if res.subject else [])
            receivers = [m for m in self.frame if agents and m.name not in {a.name for a in agents}]
            sources = agents if receivers else []
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

    def _about_clients(self, text: str, t: Trigger) -> bool:
        """A referral word proper (紹介, 取次) or one whose object is a client."""
        if t.word.startswith(("紹介", "取り次", "取次", "橋渡し", "案内")):
            return True
        return any(w in text[max(0, t.start - 14):t.start] for w in self.onto.client_words)

    def _named_after(self, text: str, t: Trigger, parties: list[Mention],
                     nxt: Trigger | None) -> tuple[list[Mention], bool]:
        """Parties named after an agreement word that introduces them: "協定の相手先である
        A と B" (partners of the agent), "協定には A、B も名を連ねる" (joining it)."""
        limit = nxt.start if nxt is not None else len(text)
        after = [m for m in parties if t.end <= m.start and m.end <= limit]
        if not after:
            return [], False
        lead = text[t.end:after[0].start]
        if re.match(r"^の?(?:" + "|".join(self.onto.partner_words) + r")", lead):
            agents = [m for m in after if particle_role(text, m.end) in AGENT_ROLES]
            return [m for m in after if m not in agents or len(agents) == len(after)], False
        if re.match(r"^(?:に|には|では)", lead) and any(v in text[after[-1].end:]
                                                       for v in self.onto.join_verbs):
            return after, True
        return [], False

    def _partners_after(self, t: Trigger, window: list[Mention], after: list[Mention],
                        res: Resolved, joining: bool) -> list[Relation]:
        """Partners named after the agreement word: with the agent (相手先), or joining the
        agreement the document is about (名を連ねる), bound to all of its parties."""
        partners = list({m.name: m for m in after}.values())
        if joining and not window:
            ends = [m for m in self.frame if m.name not in {p.name for p in partners}]
            ends += partners
            return [Relation(t.type, a, b, t.word) for a, b in combinations(ends, 2)]
        agents = [m for m in window if m.label == INSTITUTION] or (
            [res.subject] if res.subject is not None else [])
        return [Relation(t.type, a, b, t.word) for a in agents[:1] for b in partners
                if a.name != b.name]

    def _between_parties(self, text: str, t: Trigger, exchange: bool, line: int) -> bool:
        """A sentence about what the agreement's parties do for each other (互いの顧客の紹介,
        職員の派遣, トレーニーの派遣をはじめとする人材交流): its parties are the agreement's,
        when it speaks of the agreement or follows it in the same paragraph."""
        if len(self.frame) < 2:
            return False
        if line not in (self.frame_line, self.content_line):
            return False
        if exchange or t.type == SECONDMENT:
            return True
        near = text[max(0, t.start - 12):t.end + 6]
        return any(w in near for w in self.onto.client_words)

    @staticmethod
    def _handed_to(text: str, t: Trigger, window: list[Mention], rs: list[str]) -> list[Mention]:
        """"Aが掘り起こし、Bが…へつなぐ": two agents in turn - the case goes from A to B."""
        agents = [(m, r) for m, r in zip(window, rs, strict=True) if r in AGENT_ROLES]
        if len(agents) < 2 or agents[-1][0].name == agents[0][0].name:
            return []
        first, last = agents[0][0], agents[-1][0]
        between = [tk for tk in analyse(text) if first.end <= tk.start and tk.end <= last.start]
        if "、" not in text[first.end:last.start] or not any(tk.pos[0] == "動詞" for tk in between):
            return []  # one coordinated subject (商工会・商工会議所、金融機関は), not two turns
        return [last]

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
        ends = _first_by_name(window)
        if not ends and t.type != COLLABORATION:
            ends = last_ends
        rs = roles(text, ends)
        keep = [(m, r) for m, r in zip(ends, rs, strict=True) if r not in (VENUE, MODIFIER)]
        ends, rs = [m for m, _ in keep], [r for _, r in keep]
        agents = [m for m, r in zip(ends, rs, strict=True) if r in AGENT_ROLES]
        partners = [m for m, r in zip(ends, rs, strict=True) if r == PARTNER]
        distributive = any(mk in text for mk in self.onto.distributive_markers)
        pairs: list[tuple[Mention, Mention]]
        only_partners = bool(ends) and all(r == PARTNER for r in rs)
        each = {m.name for m in ends if m.via == "group" and m.surface.startswith("各")}
        if t.type == AGREEMENT and distributive and agents:
            self.unbound |= {frozenset((a.name, b.name)) for a, b in combinations(ends, 2)
                             if a not in agents and b not in agents}
        if t.type == AGREEMENT and len(ends) >= 2 and not distributive and not only_partners:
            # one agreement binds every party to every other; a kind named in general is bound
            # to the agent only (地域金融機関は…自治体と連携協定: no 自治体—金融機関 agreement)
            pairs = [(a, b) for a, b in combinations(ends, 2)
                     if (a.label == INSTITUTION and b.label == INSTITUTION) or a in agents
                     or b in agents or not agents]
        elif t.type == AGREEMENT and (distributive or only_partners) and not agents \
                and res.subject is not None and all(m.name != res.subject.name for m in ends):
            pairs = [(res.subject, b) for b in ends]
        elif len(ends) == 1:
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
        return [Relation(t.type, a, b, t.word) for a, b in pairs if a.name != b.name
                and not (a.name in each and b.name in each)]  # 各所の担当者と: each, not among them


def _earlier_partners(text: str, ms: list[Mention], onto: Ontology) -> list[Mention]:
    """"…に続き N例目": the bodies (or local governments) an agreement like it was made with
    before, listed right before に続き / に次いで."""
    out: list[Mention] = []
    cue = re.compile(r"^(?:など|等)?(?:に続き|に続いて|に次いで|に次ぐ)")
    for i, m in enumerate(ms):
        if m.label not in (INSTITUTION, REGION) or not cue.match(text[m.end:]):
            continue
        listed = [m]
        j = i - 1
        while j >= 0 and text[ms[j].end:listed[0].start] in ("、", "や", "と", "及び"):
            listed.insert(0, ms[j])
            j -= 1
        for x in listed:
            if x.label == REGION:
                r = onto.regions.get(x.name)
                if r is None or r.level not in ("都道府県", "市区町村"):
                    continue
                kind = "都道府県" if r.level == "都道府県" else "市町村"
                x = replace(x, label=INSTITUTION, kind=kind, region=r.name, via="government")
            out.append(x)
    return out


def _destinations(text: str, ms: list[Mention], rs: list[str],
                  roles_wanted: tuple[str, ...]) -> list[Mention]:
    """The receivers: the に/へ (or を, for a referral) group nearest the trigger, and in a
    parallel sentence ("A へ2名、B へ1名を派遣") every に/へ party after the agent. Staff sent
    (行員を派遣) are no receiver."""
    group = _group(ms, rs, roles_wanted)
    agent_end = max((m.end for m, r in zip(ms, rs, strict=True) if r in AGENT_ROLES), default=-1)
    extra = [m for m, r in zip(ms, rs, strict=True) if r == DST and m.start > agent_end
             and m not in group and group and m.end <= group[0].start
             and "、" in text[m.end:group[0].start] and not any(
                 tk.pos[0] == "動詞" for tk in analyse(text)
                 if m.end <= tk.start and tk.end <= group[0].start)]
    return [*extra, *group]


def _counters_of(text: str, ms: list[Mention], rs: list[str], t: Trigger) -> list[Mention]:
    """"同協会の創業保証制度や同公庫の新規開業資金へご案内": the bodies whose service (窓口,
    制度, 資金) receives the client: the last one so marked, and those listed with it (や)."""
    out: list[Mention] = []
    for m, r in zip(reversed(ms), reversed(rs), strict=True):
        if r != GEN:
            break
        rest = text[m.end:out[0].start if out else t.start]
        pattern = _SERVICE_LISTED if out else _SERVICE_RECEIVES
        if not pattern.match(rest):
            break
        out.insert(0, m)
    return out


_SERVICE_RECEIVES = re.compile(r"^の[^、。はがを]{1,14}?(?:に|へ)(?:と)?(?:ご|お)?$")
_SERVICE_LISTED = re.compile(r"^の[^、。はがを]{1,14}?(?:や|、|及び|および)$")


def _working_at(text: str, t: Trigger, parties: list[Mention]) -> list[Mention]:
    """"職員がトレーニーとして拠点で働いています": where the seconded staff work."""
    after = [m for m in parties if t.end <= m.start <= t.end + 12]
    return [m for m in after if text.startswith(("で", "において", "に勤務", "に配属"), m.end)][:1]


def _first_by_name(ms: list[Mention]) -> list[Mention]:
    """One mention per party, the first (a later group reference keeps no role of its own)."""
    seen: dict[str, Mention] = {}
    for m in ms:
        seen.setdefault(m.name, m)
    return list(seen.values())


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
