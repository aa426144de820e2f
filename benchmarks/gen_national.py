"""A synthetic graph of the national shape, in the project's own node-link JSON (what
``shienmap build`` writes and ``graph/store.py`` reads). Not a test: benchmarks read it.

    python benchmarks/gen_national.py --scale 0.1 --out out/national-0.1.json [--seed 13]

At ``--scale 1``: ~31,000 institutions (商工会 1,661, 商工会議所 515, 信用金庫 254, 信用組合 145,
banks 100 and 日本政策金融公庫 152 branches, 26,000 士業 and 認定支援機関, every municipality's
and prefecture's government, the national bodies and the bureaus) and 300,000 documented
relations (紹介, 協定, 同行訪問, 出向, 連携). Other scales multiply these counts; every
prefecture's body of each per-prefecture kind (信用保証協会 51, よろず支援拠点 47 …) and the
reference data (regions, kinds, topics, mandates) come from the real ontology at every scale,
through the same :class:`GraphBuilder` that ``build`` uses.

Shape: each institution gets a weight, a kind factor times a Pareto draw, so degrees are
heavy-tailed (the prefecture's 信用保証協会, よろず支援拠点 and 活性化協議会 are the hubs, a
士業 office has one or two relations). A relation stays within its prefecture (80 %), reaches a
prefecture of the same 地方 (8 %), a national body or the bureau of its 地方 (9 %) or anyone
(3 %). Referrals carry ``topics`` and go mostly to an institution whose kind handles the topic
(mandates.toml); in-prefecture relations carry ``regions``. Every edge has one to three
evidence sentences, written here from templates (synthetic text, no corpus text), in synthetic
documents ``gen_<code>_<n>.txt`` listed in ``graph["documents"]``.

Names: registry banks, 信用金庫 and 信用組合 (banks.toml) placed by the region their name starts
with, else by a seeded draw; 商工会 and 商工会議所 named after their municipality; 士業 offices
"place + word + office". Deterministic: the same scale and seed give a byte-identical file.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from shienmap.graph.builder import Evidence, GraphBuilder
from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    ACCOMPANIED_VISIT,
    AGREEMENT,
    COLLABORATION,
    INSTITUTION,
    KIND,
    REFERRAL,
    REGION,
    SECONDMENT,
    TOPIC,
    node_id,
)
from shienmap.graph.store import write_graph

NATIONAL = "全国"
RELATIONS_AT_1 = 300_000
COUNTS_AT_1 = {  # institutions drawn at scale 1 (per-prefecture bodies come on top, always)
    "商工会": 1661, "商工会議所": 515, "信用金庫": 254, "信用組合": 145, "銀行": 100,
    "日本政策金融公庫": 152, "市町村": 1741,
    "税理士": 8000, "認定経営革新等支援機関": 7000, "中小企業診断士": 4000, "公認会計士": 2500,
    "社会保険労務士": 2500, "弁護士": 2000,
}
PROFESSIONS = ("税理士", "認定経営革新等支援機関", "中小企業診断士", "公認会計士",
               "社会保険労務士", "弁護士")
OFFICES = {
    "税理士": ("税理士事務所", "税理士法人", "会計事務所"),
    "認定経営革新等支援機関": ("経営コンサルティング", "経営支援センター", "事業サポート"),
    "中小企業診断士": ("経営研究所", "診断士事務所", "マネジメント"),
    "公認会計士": ("公認会計士事務所", "監査法人", "会計パートナーズ"),
    "社会保険労務士": ("社会保険労務士事務所", "労務管理事務所", "社労士法人"),
    "弁護士": ("法律事務所", "総合法律事務所", "法律会計事務所"),
}
WORDS = ("中央", "駅前", "みらい", "あおば", "さくら", "ひかり", "つばさ", "こもれび", "北", "南",
         "東", "西", "本町", "やまびこ", "なかま", "いずみ", "かけはし", "ともしび", "はるか",
         "あすなろ", "みどり", "わかば", "かがやき", "あさひ", "すばる", "ゆうき", "まごころ",
         "しらかば", "にじ", "きずな")
# Weight of a kind: how many relations its bodies tend to have (times a Pareto draw).
KIND_FACTOR = {
    "信用保証協会": 40.0, "よろず支援拠点": 40.0, "中小企業活性化協議会": 30.0,
    "事業承継・引継ぎ支援センター": 25.0, "国の行政機関": 15.0, "国の支援機関": 15.0,
    "経済産業局": 25.0, "財務局": 15.0, "政府系金融機関": 6.0, "銀行": 14.0, "信用金庫": 9.0,
    "信用組合": 5.0, "商工会議所": 7.0, "商工会": 2.5, "商工会連合会": 8.0,
    "都道府県": 10.0, "市町村": 1.2,
}
DEFAULT_KIND_FACTOR = 4.0  # per-prefecture bodies not named above
PROFESSION_FACTOR = 0.35
NATIONAL_FACTOR = 12.0  # the most a national body or a bureau weighs
TYPE_SHARES = ((REFERRAL, 0.45), (AGREEMENT, 0.18), (ACCOMPANIED_VISIT, 0.14),
               (SECONDMENT, 0.08), (COLLABORATION, 0.15))
NATIONAL_SOURCE = "shienmap 合成データ (benchmarks/gen_national.py)"

# Synthetic sentences (written for this generator). {a}, {b}: the ends; {t}: a topic; {n}: a count.
TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (with topic, without)
    REFERRAL: (
        ("{a}は、{t}の相談に来た事業者を{b}へ紹介した。",
         "{a}が受け付けた{t}の案件は、{b}に取り次がれている。",
         "{a}は{t}について専門的な助言が要る場合、事業者を{b}につないでいる。",
         "{t}の相談のうち{a}だけでは難しいものは、{b}へ橋渡しされる。"),
        ("{a}は、相談に来た事業者を{b}に紹介している。",
         "{a}で受けた案件の一部は{b}へ取り次がれる。"),
    ),
    AGREEMENT: (
        ("{a}と{b}は、{t}の支援に関する連携協定を締結した。",
         "{a}と{b}は覚書を交わし、{t}の相談に共同で対応することとした。"),
        ("{a}と{b}は、地域の事業者を支えるための協定を結んでいる。",
         "{a}と{b}の間で業務協力に関する覚書が交わされた。"),
    ),
    ACCOMPANIED_VISIT: (
        ("{a}の担当者が{b}の職員と同行訪問し、{t}について助言した。",
         "{a}と{b}が事業者を同行訪問し、{t}の課題を聞き取った。"),
        ("{a}の職員は{b}と同行して取引先を訪ねている。",),
    ),
    SECONDMENT: ((), ("{a}は{b}へ職員を出向させ、支援の手法を学ばせている。",
                      "{a}の若手職員が{b}にトレーニーとして派遣されている。",
                      "{a}から{b}に職員1名が出向している。")),
    COLLABORATION: (
        ("{a}は{b}と連携して{t}のセミナーを開いた。",
         "{a}と{b}は{t}の相談会を連携して開いている。"),
        ("{a}と{b}は事業者向けの相談窓口を連携して運営している。",),
    ),
}
COUNT_TEMPLATE = "{a}から{b}への{t}案件の持ち込みは{period}に{n}件であった。"
DOC_SENTENCES = 40  # sentences per synthetic document


@dataclass
class Body:
    """One institution of the generated graph."""

    id: str
    name: str
    kind: str
    region: str | None  # 地域 name (prefecture, municipality, 地方 or 全国)
    pref: str | None  # its prefecture; None for national bodies and bureaus
    block: str | None  # its 地方
    weight: float


class _Pool:
    """Bodies with cumulative weights, for weighted draws."""

    def __init__(self, bodies: Sequence[Body]) -> None:
        self.bodies = list(bodies)
        self.cum = list(itertools.accumulate(b.weight for b in self.bodies))

    def __bool__(self) -> bool:
        return bool(self.bodies)

    def draw(self, rng: random.Random) -> Body:
        return self.bodies[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def _scaled(n: int, scale: float) -> int:
    return max(1, round(n * scale))


class _Generator:
    def __init__(self, scale: float, seed: int, onto: Ontology) -> None:
        self.scale, self.onto = scale, onto
        self.rng = random.Random(seed)
        self.builder = GraphBuilder(onto)
        self.g = self.builder.g
        self.bodies: list[Body] = []
        self.names: set[str] = set(onto.instances) | set(onto.institutions)
        self.prefs = [r.name for r in onto.regions.values() if r.level == "都道府県"]
        self.blocks = [r.name for r in onto.regions.values() if r.level == "地方"]
        self.munis: dict[str, list[str]] = {p: [] for p in self.prefs}
        for r in onto.regions.values():
            if r.level == "市区町村":
                self.munis[r.parent or ""].append(r.name)
        self.pools: dict[tuple[str, str], _Pool] = {}
        self.documents: list[dict[str, str | None]] = []
        self.doc_state: dict[str, tuple[str, int, int]] = {}  # scope -> (doc, sentences, offset)
        self.doc_count: dict[str, int] = {}
        self.mentioned: set[str] = set()
        self.n_relations = 0
        self.scopes: dict[str, list[Body]] = {}
        self.handles: dict[tuple[str, str], bool] = {}
        all_munis = [m for p in self.prefs for m in self.munis[p]]
        self.muni_pool = (all_munis, list(itertools.accumulate(
            4.0 if m.endswith(("市", "区")) else 1.0 for m in all_munis)))

    # ------------------------------------------------------------ places
    def block_of(self, region: str | None) -> str | None:
        chain = self.onto.region_chain(region)
        return next((r for r in chain if self.onto.regions[r].level == "地方"), None)

    def place(self, muni: str) -> str:
        """The short form of a municipality used in names (高崎市 -> 高崎)."""
        r = self.onto.regions[muni]
        if r.stem:
            return r.stem
        return muni[:-1] if len(muni) > 2 and muni[-1] in "市区町村" else muni

    def region_by_name(self, name: str) -> str | None:
        """The region a body's name starts with (いわき信用組合 -> いわき市), longest first."""
        best: tuple[int, str] | None = None
        for r in self.onto.regions.values():
            if r.level not in ("都道府県", "市区町村"):
                continue
            for key in (r.name, r.stem):
                if key and len(key) >= 2 and name.startswith(key) and (
                        best is None or len(key) > best[0]):
                    best = (len(key), r.name)
        return best[1] if best else None

    def draw_muni(self) -> str:
        """A municipality, a city or ward four times as likely as a town or village."""
        munis, cum = self.muni_pool
        return munis[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    # ------------------------------------------------------------ institutions
    def add(self, name: str, kind: str, region: str | None, factor: float | None = None) -> None:
        if factor is None:
            factor = KIND_FACTOR.get(kind, DEFAULT_KIND_FACTOR)
        self.builder.institution(name, kind, region)
        nid = node_id(INSTITUTION, name)
        node = self.g.nodes[nid]
        region = node["region"].split(":", 1)[1] if node.get("region") else None
        pref = self.onto.prefecture_of(region)
        if pref is None:
            factor = min(factor, NATIONAL_FACTOR)  # national bodies: many partners, not most
        weight = factor * min(self.rng.paretovariate(1.6), 60.0)
        self.bodies.append(Body(nid, name, node["type"], region, pref, self.block_of(region),
                                weight))
        self.names.add(name)

    def unique(self, candidates: Sequence[str]) -> str | None:
        return next((c for c in candidates if c not in self.names), None)

    def institutions(self) -> None:
        o, rng, s = self.onto, self.rng, self.scale
        for name, (kind, region) in sorted(o.instances.items()):
            self.add(name, kind, region)
        for i in o.institutions.values():  # national bodies and reviewed named bodies
            if not i.source and i.region:
                self.add(i.name, i.type, i.region)
        for block in self.blocks:  # every bureau of 経済産業局 and 財務局
            stem = block.removesuffix("地方")
            for name, kind in ((f"{stem}経済産業局", "経済産業局"),
                               ({"中部": "東海財務局"}.get(stem, f"{stem}財務局"), "財務局")):
                if name not in self.names:
                    self.add(name, kind, block)
        for pref in self.prefs:  # the prefectures' governments
            self.add(pref, "都道府県", pref)
        munis = [m for p in self.prefs for m in self.munis[p]]
        for m in sorted(rng.sample(munis, _scaled(COUNTS_AT_1["市町村"], s))):
            if m not in self.names:
                self.add(m, "市町村", m)
        self.financial()
        self.chambers()
        for i in range(_scaled(COUNTS_AT_1["日本政策金融公庫"], s)):
            pref = self.prefs[i] if i < len(self.prefs) else rng.choice(self.prefs)
            cities = [m for m in self.munis[pref] if m.endswith("市")] or self.munis[pref]
            name = self.unique([f"日本政策金融公庫{self.place(c)}支店"
                                for c in rng.sample(cities, len(cities))])
            if name:
                self.add(name, "政府系金融機関", pref)
        for kind in PROFESSIONS:
            for _ in range(_scaled(COUNTS_AT_1[kind], s)):
                muni = self.draw_muni()
                p = self.place(muni)
                words = rng.sample(WORDS, len(WORDS))
                name = self.unique([f"{p}{w}{off}" for w in words for off in OFFICES[kind]]) \
                    or self.unique([f"{p}{w}第{n}{OFFICES[kind][0]}" for n in range(2, 1000)
                                    for w in words[:1]])
                if name:
                    self.add(name, kind, muni, PROFESSION_FACTOR)

    def financial(self) -> None:
        """Banks, 信用金庫 and 信用組合 of the registry, placed by name or a seeded draw."""
        reg = [i for i in self.onto.institutions.values()
               if i.source and i.type in ("銀行", "信用金庫", "信用組合")]
        for kind in ("信用金庫", "信用組合", "銀行"):
            rows = [i for i in reg if i.type == kind]
            if kind == "銀行":  # regional banks first, then the city banks
                order = {"地方銀行": 0, "第二地方銀行": 1, "都市銀行等": 2}
                rows = sorted(rows, key=lambda i: order.get(i.bank_class or "", 3))
            n = _scaled(COUNTS_AT_1[kind], self.scale)
            chosen = rows[:n] if kind == "銀行" else self.rng.sample(rows, min(n, len(rows)))
            for i in sorted(chosen, key=lambda i: i.name):
                if i.name in self.names and node_id(INSTITUTION, i.name) in self.g:
                    continue
                region = i.region or self.region_by_name(i.name)
                if region is None and i.bank_class == "都市銀行等":
                    region = "東京都"
                region = region or self.rng.choice(self.prefs)
                self.add(i.name, kind, region)

    def chambers(self) -> None:
        """商工会 in towns and villages first (then cities); 商工会議所 in cities."""
        rng, s = self.rng, self.scale
        munis = [m for p in self.prefs for m in self.munis[p]]
        towns = [m for m in munis if m.endswith(("町", "村"))]
        cities = [m for m in munis if m.endswith(("市", "区"))]
        n = _scaled(COUNTS_AT_1["商工会"], s)
        picks = rng.sample(towns, min(n, len(towns)))
        picks += rng.sample(cities, min(n - len(picks), len(cities)))
        for m in sorted(picks):
            name = self.unique([f"{m}商工会"])
            if name:
                self.add(name, "商工会", m)
        for m in sorted(rng.sample(cities, min(_scaled(COUNTS_AT_1["商工会議所"], s),
                                               len(cities)))):
            name = self.unique([f"{self.place(m)}商工会議所", f"{m}商工会議所"])
            if name:
                self.add(name, "商工会議所", m)

    # ------------------------------------------------------------ pools
    def handlers(self, topic: str) -> Callable[[Body], bool]:
        """Whether a body handles a topic: its kind (or a broader one) or itself is mandated."""
        kinds = {m.handler for m in self.onto.mandates if m.topic == topic and m.is_kind}
        bodies = {m.handler for m in self.onto.mandates if m.topic == topic and not m.is_kind}

        def handles(b: Body) -> bool:
            key = (topic, b.kind)
            if key not in self.handles:
                self.handles[key] = any(k in kinds for k in self.onto.kind_ancestors(b.kind))
            return self.handles[key] or b.name in bodies
        return handles

    def scope(self, scope: str) -> list[Body]:
        """The bodies of a scope (see :meth:`pool`)."""
        if scope not in self.scopes:
            if scope == "all":
                self.scopes[scope] = self.bodies
            elif scope.startswith("national:"):
                block = scope.split(":", 1)[1]
                self.scopes[scope] = [b for b in self.bodies if b.pref is None
                                      and b.region in (NATIONAL, block)]
            else:
                self.scopes[scope] = [b for b in self.bodies if b.pref == scope]
        return self.scopes[scope]

    def pool(self, scope: str, what: str) -> _Pool:
        """Bodies of a scope (a prefecture, a 地方's bureaus and the national bodies as
        ``national:<地方>``, or ``all``) that pass a filter (``all``, ``finance``, ``public``,
        ``topic:<課題>``)."""
        key = (scope, what)
        if key not in self.pools:
            base = self.scope(scope)
            if what == "all":
                keep: Callable[[Body], bool] = lambda b: True  # noqa: E731
            elif what == "finance":
                keep = lambda b: self.category(b.kind) in ("金融機関", "行政機関")  # noqa: E731
            elif what == "public":
                keep = lambda b: self.category(b.kind) == "公的支援機関" or b.kind in (  # noqa: E731
                    "信用保証協会", "経済産業局", "財務局", "都道府県")
            else:
                keep = self.handlers(what.split(":", 1)[1])
            self.pools[key] = _Pool([b for b in base if keep(b)])
        return self.pools[key]

    def category(self, kind: str) -> str:
        k = self.onto.kinds.get(kind)
        return k.category if k else "その他"

    # ------------------------------------------------------------ relations
    def target_scope(self, u: Body) -> str:
        r = self.rng.random()
        if u.pref is None or r >= 0.97:
            return "all"
        if r < 0.80:
            return u.pref
        if r < 0.88:
            near = [p for p in self.prefs if p != u.pref and self.block_of(p) == u.block]
            return self.rng.choice(near) if near else u.pref
        return f"national:{u.block}"

    def draw_target(self, scope: str, what: str) -> Body | None:
        for s, w in ((scope, what), (scope, "all"), ("all", what), ("all", "all")):
            p = self.pool(s, w)
            if p:
                return p.draw(self.rng)
        return None

    def evidence(self, scope: str, quote: str) -> Evidence:
        """A sentence in the current synthetic document of a scope (a new one every
        ``DOC_SENTENCES`` sentences)."""
        doc, count, offset = self.doc_state.get(scope, ("", DOC_SENTENCES, 0))
        if count >= DOC_SENTENCES:
            code = self.onto.regions[scope].code if scope in self.onto.regions else None
            n = self.doc_count[scope] = self.doc_count.get(scope, 0) + 1
            doc = f"gen_{(code or '00')[:2]}_{n:05d}.txt"
            year = 2016 + self.rng.randrange(9)
            self.documents.append({
                "name": doc, "scope": scope, "date": f"{year}-{self.rng.randrange(1, 13):02d}",
                "publisher": NATIONAL_SOURCE,
                "title": f"{scope}の中小企業支援機関の連携状況（合成データ 第{n}号）"})
            count, offset = 0, 0
        ev = Evidence(doc, offset, offset + len(quote), quote)
        self.doc_state[scope] = (doc, count + 1, offset + len(quote) + 1)
        return ev

    def relations(self) -> None:
        rng, o = self.rng, self.onto
        target = _scaled(RELATIONS_AT_1, self.scale)
        topics = list(o.topics)
        types = [t for t, _ in TYPE_SHARES]
        shares = list(itertools.accumulate(w for _, w in TYPE_SHARES))
        everyone = self.pool("all", "all")
        finance = self.pool("all", "finance")
        firsts = iter(sorted(self.bodies, key=lambda b: b.id))  # everyone gets one relation
        kinds = sorted(k for k in o.kinds if k in KIND_FACTOR or o.kinds[k].per_prefecture
                       or k in PROFESSIONS)
        attempts = 0
        while self.n_relations < target and attempts < 4 * target:
            attempts += 1
            rtype = types[bisect.bisect_right(shares, rng.random() * shares[-1])]
            u = next(firsts, None) or (finance if rtype == SECONDMENT else everyone).draw(rng)
            scope = self.target_scope(u)
            n_topics = 0 if rtype == SECONDMENT else rng.choices(
                (0, 1, 2), weights=(15, 75, 10) if rtype == REFERRAL else (45, 50, 5))[0]
            chosen = rng.sample(topics, n_topics)
            if rtype == REFERRAL and chosen and rng.random() < 0.75:
                what = f"topic:{chosen[0]}"
            elif rtype == SECONDMENT:
                what = "public"
            else:
                what = "all"
            v = self.draw_target(scope, what)
            if v is None or v.id == u.id:
                continue
            a, b = u.id, v.id
            if rng.random() < 0.004:  # a general statement about kinds (no region)
                a = node_id(KIND, rng.choice(kinds)) if rng.random() < 0.5 else a
                b = node_id(KIND, rng.choice(kinds))
                if a == b:
                    continue
            self.relation(a, b, rtype, u, v, chosen)

    def relation(self, a: str, b: str, rtype: str, u: Body, v: Body, topics: list[str]) -> None:
        rng = self.rng
        general = a.startswith(KIND) or b.startswith(KIND)
        name = {x: self.g.nodes[x]["name"] for x in (a, b)}
        with_topic, without = TEMPLATES[rtype]
        props: dict[str, object] = {}
        if general:
            regions: list[str] = []
        elif u.pref and v.pref:
            regions = sorted({u.pref, v.pref})
        else:
            regions = [p for p in (u.pref, v.pref) if p]
        if regions and rng.random() < 0.05:
            regions = []  # a few documents state a relation without saying where
        scope = regions[0] if regions else NATIONAL
        first_new = not self.g.has_edge(*((a, b) if rtype in (REFERRAL, SECONDMENT)
                                          else sorted((a, b))), key=rtype)
        n_ev = 1 if rng.random() < 0.7 else (2 if rng.random() < 0.85 else 3)
        for i in range(n_ev):
            t = rng.choice(topics) if topics else None
            if rtype == REFERRAL and t and rng.random() < 0.15:
                props["count"] = rng.randint(1, 40)
                props["period"] = f"{2016 + rng.randrange(9)}年度"
                quote = COUNT_TEMPLATE.format(a=name[a], b=name[b], t=t, n=props["count"],
                                              period=props["period"])
            else:
                pick = rng.choice(with_topic) if t and with_topic else rng.choice(without)
                quote = pick.format(a=name[a], b=name[b], t=t)
            ev = self.evidence(scope if i == 0 else rng.choice(self.prefs), quote)
            for x in (a, b):
                if x not in self.mentioned and x.startswith(f"{INSTITUTION}:"):
                    self.mentioned.add(x)
                    self.g.nodes[x]["evidence"].append(ev.as_dict())
            self.builder.relation(a, b, rtype, ev, topics=[node_id(TOPIC, t) for t in topics],
                                  **props)
        for r in regions:
            self.builder.relation(a, b, rtype, ev, region=node_id(REGION, r))
        self.n_relations += first_new

    def finish(self) -> nx.MultiDiGraph:
        g = self.builder.finish()
        g.graph["documents"] = sorted(
            ({"date": d["date"], "name": d["name"], "publisher": d["publisher"], "source": None,
              "title": d["title"]} for d in self.documents), key=lambda d: str(d["name"]))
        g.graph["generator"] = {"script": "benchmarks/gen_national.py", "scale": self.scale}
        return g


def generate(scale: float = 1.0, seed: int = 13, onto: Ontology | None = None
             ) -> nx.MultiDiGraph:
    """The national-shape graph at ``scale`` (1.0: ~31k institutions, 300k relations)."""
    if not 0 < scale <= 2:
        raise ValueError(f"scale {scale} out of range (0, 2]")
    gen = _Generator(scale, seed, onto or default_ontology())
    gen.institutions()
    gen.relations()
    g = gen.finish()
    g.graph["generator"]["seed"] = seed
    return g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1, help="0.1, 0.5 or 1 (default 0.1)")
    ap.add_argument("--out", type=Path, required=True, help="the graph file to write")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        g = generate(args.scale, args.seed)
    except ValueError as exc:
        print(f"--scale: {exc}", file=sys.stderr)
        return 2
    t1 = time.perf_counter()
    write_graph(g, args.out)
    inst = sum(1 for _, d in g.nodes(data=True) if d["label"] == INSTITUTION)
    rels = sum(1 for _, _, k in g.edges(keys=True) if k in dict(TYPE_SHARES))
    print(f"{args.out}: {inst} institutions, {rels} relations, {g.number_of_nodes()} nodes, "
          f"{g.number_of_edges()} edges, {len(g.graph['documents'])} documents "
          f"(generated in {t1 - t0:.1f} s, written in {time.perf_counter() - t1:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
