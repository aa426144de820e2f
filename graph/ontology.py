"""The ontology: institution kinds, named institutions, regions, topics, programmes and
relation triggers, loaded from the reviewed TOML files in ``graph/data`` and validated once.

Adding a kind of institution, an alias or a trigger word is a data change, not a code change.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .schema import CATEGORIES, fold

DATA_DIR = Path(__file__).with_name("data")
GENERATED = "generated"  # data files written by tools/gen_reference_data.py


class OntologyError(ValueError):
    """The ontology data is inconsistent (unknown parent, category, topic, region ...)."""


@dataclass(frozen=True)
class Region:
    name: str
    level: str  # 全国 / 地方 / 都道府県 / 市区町村
    parent: str | None = None
    code: str | None = None
    stem: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    category: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    per_prefecture: bool = False
    per_prefecture_source: str = ""
    named_by_region: bool = False
    instance_names: dict[str, str] = field(default_factory=dict)
    extra_instances: tuple[tuple[str, str], ...] = ()  # (name, region)
    short_forms: dict[str, str] = field(default_factory=dict)  # 信金 -> 信用金庫
    instance_head: str = ""  # the head of its per-prefecture bodies' names, if not its name
    instance_template: str = ""  # e.g. "{stem}労働局" (広島労働局)
    serves: tuple[str, ...] = ()  # municipality name endings its bodies serve (市, 区)


@dataclass(frozen=True)
class KnownInstitution:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    region: str | None = None
    region_source: str = ""
    source: str = ""  # the public registry the entry was generated from
    bank_class: str | None = None  # 業態 of a deposit-taking institution (地方銀行 …)


@dataclass(frozen=True)
class Topic:
    name: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # everyday words for the problem (店をたたみたい)
    broader: str | None = None  # 第三者承継・M&A -> 事業承継
    fallback: bool = False  # only when no more definite topic is named (経営課題が不明確)


@dataclass(frozen=True)
class Mandate:
    """A kind or a named body handles a topic, on the authority of ``source``."""

    topic: str
    handler: str  # a kind's or an institution's name
    is_kind: bool
    role: str  # 専門 (the topic's specialist) or 対応
    rank: int  # order among the topic's handlers, 0 first
    source: str
    first: bool = False  # a firm goes there first (the 身近な支援機関 of 003 別添2)


@dataclass(frozen=True)
class Programme:
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationSpec:
    type: str
    directed: bool
    triggers: tuple[str, ...]
    passive: tuple[str, ...] = ()
    exclude_before: tuple[str, ...] = ()
    confirm_after: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Language:
    """How documents write names (language.toml): titles, legal forms, branch words ..."""

    titles: frozenset[str] = frozenset()
    legal_forms: tuple[str, ...] = ()
    legal_form_heads: dict[str, str] = field(default_factory=dict)
    branch_heads: tuple[str, ...] = ()
    head_office: tuple[str, ...] = ()
    place_suffixes: tuple[str, ...] = ()
    government_offices: tuple[str, ...] = ()
    government_departments: tuple[str, ...] = ()
    generic_before: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()
    plural_counts: dict[str, str] = field(default_factory=dict)  # counted word -> kind
    plural_groups: tuple[str, ...] = ()


@dataclass(eq=False)
class Ontology:
    """All reference knowledge, with lookup indexes keyed by :func:`fold`."""

    regions: dict[str, Region]
    kinds: dict[str, Kind]
    institutions: dict[str, KnownInstitution]
    topics: dict[str, Topic]
    programmes: dict[str, Programme]
    relations: dict[str, RelationSpec]
    mutual_markers: tuple[str, ...]
    planned_markers: tuple[str, ...]
    distributive_markers: tuple[str, ...]
    client_words: tuple[str, ...]
    precedent_markers: tuple[str, ...]
    partner_words: tuple[str, ...]
    join_verbs: tuple[str, ...]
    programme_quoted_suffixes: tuple[str, ...]
    sources: dict[str, str]
    escalation_words: tuple[str, ...] = ()
    wish_markers: tuple[str, ...] = ()  # と一緒に, に相談したい: a named kind is the firm's wish
    language: Language = field(default_factory=Language)
    mandates: tuple[Mandate, ...] = ()
    escalation_next: dict[str, tuple[str, ...]] = field(default_factory=dict)  # topic -> kinds
    region_keys: dict[str, str] = field(default_factory=dict)
    kind_keys: dict[str, str] = field(default_factory=dict)
    institution_keys: dict[str, str] = field(default_factory=dict)
    topic_keys: dict[str, str] = field(default_factory=dict)
    programme_keys: dict[str, str] = field(default_factory=dict)
    instances: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (kind, region)

    # ------------------------------------------------------------------ regions
    def region(self, text: str) -> Region | None:
        """The region a name or stem means (栃木県, 栃木, 名古屋市), or None."""
        if text in self.regions:
            return self.regions[text]
        name = self.region_keys.get(fold(text))
        return self.regions[name] if name else None

    def prefecture_of(self, region: str | None) -> str | None:
        """The prefecture a region lies in (itself for a prefecture), or None."""
        while region:
            r = self.regions.get(region)
            if r is None:
                return None
            if r.level == "都道府県":
                return r.name
            region = r.parent
        return None

    def region_chain(self, region: str | None) -> list[str]:
        """The region and every region containing it, innermost first."""
        chain: list[str] = []
        while region and region in self.regions and region not in chain:
            chain.append(region)
            region = self.regions[region].parent
        return chain

    # ------------------------------------------------------------------ kinds
    def kind(self, text: str) -> Kind | None:
        name = self.kind_keys.get(fold(text))
        return self.kinds[name] if name else None

    def kind_ancestors(self, kind: str) -> list[str]:
        """The kind and its broader kinds, narrowest first."""
        chain: list[str] = []
        while kind and kind in self.kinds and kind not in chain:
            chain.append(kind)
            kind = self.kinds[kind].parent or ""
        return chain

    def kind_for_region(self, kind: str, region: str | None) -> str:
        """The narrower kind that serves a municipality (商工団体 in 新富町 -> 商工会, in
        高崎市 -> 商工会議所, by the kinds' ``serves``); the kind itself otherwise."""
        r = self.regions.get(region or "")
        if r is None or r.level != "市区町村":
            return kind
        for k in self.kinds.values():
            if k.parent == kind and any(r.name.endswith(end) for end in k.serves):
                return k.name
        return kind

    def instance_name(self, kind: str, region: str | None) -> str | None:
        """Name of the concrete institution of a per-prefecture kind in a region.

        A municipality with its own instance (横浜市信用保証協会) gets it; otherwise the
        prefecture's instance. None when the kind is not per-prefecture or the region unknown.
        """
        k = self.kinds.get(kind)
        if k is None or region is None:
            return None
        for name, inst_region in k.extra_instances:
            if inst_region == region:
                return name
        pref = self.prefecture_of(region)
        if not k.per_prefecture or pref is None:
            return None
        if pref in k.instance_names:
            return k.instance_names[pref]
        if k.instance_template:
            stem = self.regions[pref].stem or pref
            return k.instance_template.format(pref=pref, stem=stem)
        return f"{pref}{k.instance_head or k.name}"

    def category_of(self, node: dict) -> str:
        """The category (金融機関 …) of a 機関 or 機関種別 node's attributes."""
        kind = self.kinds.get(node.get("type") or node.get("name", ""))
        if node.get("label") == "機関種別" and node.get("category"):
            return node["category"]
        return kind.category if kind else "その他"

    # ------------------------------------------------------------------ others
    def institution(self, text: str) -> KnownInstitution | None:
        name = self.institution_keys.get(fold(text))
        return self.institutions[name] if name else None

    def topic(self, text: str) -> Topic | None:
        name = self.topic_keys.get(fold(text))
        return self.topics[name] if name else None

    def programme(self, text: str) -> Programme | None:
        name = self.programme_keys.get(fold(text))
        return self.programmes[name] if name else None


def _tuple(value: object) -> tuple[str, ...]:
    return tuple(value or ())  # type: ignore[arg-type]


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise OntologyError(f"{path.name}: {exc}") from exc


def _municipalities(data: dict, generated: dict) -> list[dict]:
    """Every municipality from the generated registry, with the reviewed stems of regions.toml.

    A name that two prefectures share (府中市, 伊達市) is named with its prefecture
    (東京都府中市); a city's or ward's stem (桐生市 -> 桐生) is derived when no other
    municipality shares it, so that names such as 桐生信用金庫 can be placed.
    """
    rows = [dict(m) for m in generated.get("municipality", [])]
    known = {(m["name"], m["prefecture"]) for m in rows}
    rows += [dict(m) for m in data.get("municipality", [])
             if (m["name"], m["prefecture"]) not in known]
    stems = {(m["name"], m["prefecture"]): m["stem"] for m in data.get("municipality", [])
             if m.get("stem")}
    count: dict[str, int] = {}
    for m in rows:
        count[m["name"]] = count.get(m["name"], 0) + 1
    derived: dict[str, list[tuple[str, str]]] = {}
    for m in rows:
        if m["name"].endswith(("市", "区")) and len(m["name"]) >= 3:
            derived.setdefault(m["name"][:-1], []).append((m["name"], m["prefecture"]))
    for stem, owners in derived.items():
        if len(owners) == 1:
            stems.setdefault(owners[0], stem)
    out = []
    for m in rows:
        key = (m["name"], m["prefecture"])
        name = m["name"] if count[m["name"]] == 1 else m["prefecture"] + m["name"]
        out.append({"name": name, "prefecture": m["prefecture"], "stem": stems.get(key),
                    "code": m.get("code"), "short": m["name"]})
    return out


def _regions(data: dict, generated: dict) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    munis = _municipalities(data, generated)
    names = [data["national"]["name"]] + [x["name"] for part in ("block", "prefecture")
                                           for x in data[part]] + [m["name"] for m in munis]
    seen: set[str] = set()
    dupes = sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
    if dupes:
        raise OntologyError(f"regions.toml: names used twice: {dupes}")
    nat = data["national"]["name"]
    regions[nat] = Region(nat, "全国", source=data["source_blocks"])
    for b in data["block"]:
        regions[b["name"]] = Region(b["name"], "地方", parent=nat, source=data["source_blocks"])
    for p in data["prefecture"]:
        regions[p["name"]] = Region(
            p["name"], "都道府県", parent=p["block"], code=p["code"], stem=p["stem"],
            source=data["source_prefectures"],
        )
    for m in munis:
        regions[m["name"]] = Region(
            m["name"], "市区町村", parent=m["prefecture"], stem=m.get("stem"), code=m.get("code"),
            source=generated.get("source", data["source_municipalities"]),
        )
    return regions


def _registry_institutions(banks: dict, kinds: dict[str, Kind]) -> list[KnownInstitution]:
    """Deposit-taking institutions of the generated registry (banks.toml), with the short
    forms documents use (旭川信金, 北洋銀) as aliases."""
    out = []
    for b in banks.get("bank", []):
        if b["kind"] not in kinds:
            continue
        bank = b["name"].endswith("銀行")
        aliases = {b["short"]} if b["short"] != b["name"] and not bank else set()
        if b["name"].endswith("銀行") and len(b["short"]) >= 2:
            aliases.add(b["short"] + "銀")
        out.append(KnownInstitution(b["name"], b["kind"], tuple(sorted(aliases)),
                                    source=banks.get("source", ""), bank_class=b["class"]))
    return out


def _add_key(index: dict[str, str], key: str, name: str, what: str) -> None:
    k = fold(key)
    if k in index and index[k] != name:
        raise OntologyError(f"{what} alias {key!r} names both {index[k]!r} and {name!r}")
    index[k] = name


def load_ontology(data_dir: Path | None = None, *,
                  read: Callable[[Path], dict] | None = None) -> Ontology:
    """Load and validate the ontology from ``data_dir`` (default: the shipped data);
    ``read`` parses one TOML file (default: tomllib; the embedded store passes the parsed
    data it keeps)."""
    d = data_dir or DATA_DIR
    parse = read or _read_toml
    reg = parse(d / "regions.toml")
    kin = parse(d / "kinds.toml")
    ins = parse(d / "institutions.toml")
    top = parse(d / "topics.toml")
    pro = parse(d / "programmes.toml")
    rel = parse(d / "relations.toml")
    lang = parse(d / "language.toml")
    man = parse(d / "mandates.toml")
    gen = d / GENERATED
    munis = parse(gen / "municipalities.toml") if (gen / "municipalities.toml").is_file() else {}
    banks = parse(gen / "banks.toml") if (gen / "banks.toml").is_file() else {}

    regions = _regions(reg, munis)
    kinds = {
        k["name"]: Kind(
            name=k["name"], category=k["category"], parent=k.get("parent"),
            aliases=_tuple(k.get("aliases")), former_names=_tuple(k.get("former_names")),
            heads=_tuple(k.get("heads")), suffixes=_tuple(k.get("suffixes")),
            per_prefecture=bool(k.get("per_prefecture", False)),
            named_by_region=bool(k.get("named_by_region", False)),
            per_prefecture_source=k.get("per_prefecture_source", ""),
            instance_names=dict(k.get("instance_names", {})),
            extra_instances=tuple((e["name"], e["region"]) for e in k.get("extra_instances", [])),
            short_forms=dict(k.get("short_forms", {})),
            instance_head=k.get("instance_head", ""),
            serves=_tuple(k.get("serves")),
            instance_template=k.get("instance_template", ""),
        )
        for k in kin["kind"]
    }
    institutions = {
        i["name"]: KnownInstitution(
            name=i["name"], type=i["type"], aliases=_tuple(i.get("aliases")),
            region=i.get("region"), region_source=i.get("region_source", ""),
        )
        for i in ins["institution"]
    }
    for i in _registry_institutions(banks, kinds):
        institutions.setdefault(i.name, i)
    topics = {t["name"]: Topic(t["name"], _tuple(t.get("aliases")), _tuple(t.get("related")),
                               _tuple(t.get("words")), t.get("broader"),
                               bool(t.get("fallback", False)))
              for t in top["topic"]}
    programmes = {p["name"]: Programme(p["name"], _tuple(p.get("aliases")))
                  for p in pro["programme"]}
    relations = {
        r["type"]: RelationSpec(r["type"], bool(r["directed"]), _tuple(r["triggers"]),
                                _tuple(r.get("passive")), _tuple(r.get("exclude_before")),
                                {k: _tuple(v) for k, v in r.get("confirm_after", {}).items()})
        for r in rel["relation"]
    }
    onto = Ontology(
        regions=regions, kinds=kinds, institutions=institutions, topics=topics,
        programmes=programmes, relations=relations,
        mutual_markers=_tuple(rel.get("mutual_markers")),
        planned_markers=_tuple(rel.get("planned_markers")),
        distributive_markers=_tuple(rel.get("distributive_markers")),
        client_words=_tuple(rel.get("client_words")),
        precedent_markers=_tuple(rel.get("precedent_markers")),
        partner_words=_tuple(rel.get("partner_words")),
        join_verbs=_tuple(rel.get("join_verbs")),
        programme_quoted_suffixes=_tuple(pro.get("quoted_suffixes")),
        sources={"topics": top.get("source", "")},
        escalation_words=_tuple(top.get("escalation", {}).get("words")),
        wish_markers=_tuple(top.get("wish", {}).get("after")),
        mandates=tuple(
            Mandate(m["topic"], h.get("kind") or h.get("institution", ""), "kind" in h,
                    h.get("role", "対応"), rank, h.get("source", ""), bool(h.get("first")))
            for m in man.get("topic", []) for rank, h in enumerate(m.get("handlers", []))),
        escalation_next={m["topic"]: _tuple(m.get("next")) for m in man.get("topic", [])
                         if m.get("next")},
        language=Language(
            titles=frozenset(lang.get("titles", ())), legal_forms=_tuple(lang.get("legal_forms")),
            legal_form_heads=dict(lang.get("legal_form_heads", {})),
            branch_heads=_tuple(lang.get("branch_heads")),
            head_office=_tuple(lang.get("head_office")),
            place_suffixes=_tuple(lang.get("place_suffixes")),
            government_offices=_tuple(lang.get("government_offices")),
            government_departments=_tuple(lang.get("government_departments")),
            generic_before=_tuple(lang.get("generic_before")),
            not_names=frozenset(lang.get("not_names", ())),
            plural_counts=dict(lang.get("plural_counts", {})),
            plural_groups=_tuple(lang.get("plural_groups")),
        ),
    )
    _index(onto)
    _validate(onto)
    return onto


def _index(o: Ontology) -> None:
    ambiguous: set[str] = set()
    for r in o.regions.values():
        keys = [r.name] + ([r.stem] if r.level == "都道府県" and r.stem else [])
        for key in map(fold, keys):
            if o.region_keys.get(key, r.name) != r.name:
                ambiguous.add(key)  # 鹿嶋市 and 鹿島市 fold alike: only the exact name works
            o.region_keys.setdefault(key, r.name)
    for key in ambiguous:
        del o.region_keys[key]
    for k in o.kinds.values():
        for a in (k.name, *k.aliases, *k.former_names):
            _add_key(o.kind_keys, a, k.name, "kind")
        for pref in (r.name for r in o.regions.values() if r.level == "都道府県"):
            name = o.instance_name(k.name, pref)
            if name:
                o.instances[name] = (k.name, pref)
        for name, region in k.extra_instances:
            o.instances[name] = (k.name, region)
    for i in o.institutions.values():
        if i.source:
            continue  # registry entries come after the reviewed ones and yield to them
        for a in (i.name, *i.aliases):
            _add_key(o.institution_keys, a, i.name, "institution")
    for i in o.institutions.values():
        if i.source:
            for a in (i.name, *i.aliases):
                o.institution_keys.setdefault(fold(a), i.name)
    for t in o.topics.values():
        for a in (t.name, *t.aliases):
            _add_key(o.topic_keys, a, t.name, "topic")
    for p in o.programmes.values():
        for a in (p.name, *p.aliases):
            _add_key(o.programme_keys, a, p.name, "programme")


def _validate(o: Ontology) -> None:
    problems: list[str] = []
    for r in o.regions.values():
        if r.parent and r.parent not in o.regions:
            problems.append(f"region {r.name}: unknown parent {r.parent}")
        if o.region_chain(r.name)[-1] != "全国":
            problems.append(f"region {r.name}: its parents do not lead to 全国 (a cycle?)")
    for k in o.kinds.values():
        if k.category not in CATEGORIES:
            problems.append(f"kind {k.name}: unknown category {k.category}")
        if k.parent and k.parent not in o.kinds:
            problems.append(f"kind {k.name}: unknown parent {k.parent}")
        if k.per_prefecture and not k.per_prefecture_source:
            problems.append(f"kind {k.name}: per_prefecture without a source")
        problems += [f"kind {k.name}: unknown region {r}" for _, r in k.extra_instances
                     if r not in o.regions]
    for t in o.topics.values():
        problems += [f"topic {t.name}: unknown related topic {r}" for r in t.related
                     if r not in o.topics]
    for i in o.institutions.values():
        if i.type not in o.kinds:
            problems.append(f"institution {i.name}: unknown type {i.type}")
        if i.region and i.region not in o.regions:
            problems.append(f"institution {i.name}: unknown region {i.region}")
    for m in o.mandates:
        if m.topic not in o.topics:
            problems.append(f"mandate: unknown topic {m.topic}")
        if (m.is_kind and m.handler not in o.kinds) or (
                not m.is_kind and m.handler not in o.institutions):
            problems.append(f"mandate for {m.topic}: unknown {'kind' if m.is_kind else 'body'}"
                            f" {m.handler}")
        if not m.source:
            problems.append(f"mandate {m.handler} -> {m.topic}: no source")
        if m.role not in ("専門", "対応"):
            problems.append(f"mandate {m.handler} -> {m.topic}: role {m.role!r}")
    for t in o.topics.values():
        if t.broader and t.broader not in o.topics:
            problems.append(f"topic {t.name}: unknown broader topic {t.broader}")
        if not any(m.topic == t.name for m in o.mandates) and o.mandates:
            problems.append(f"topic {t.name}: no institution handles it (mandates.toml)")
    for topic, kinds in o.escalation_next.items():
        problems += [f"mandate next of {topic}: unknown {k}" for k in kinds
                     if k not in o.kinds and k not in o.institutions]
    if problems:
        raise OntologyError("; ".join(problems))


@cache
def default_ontology() -> Ontology:
    """The shipped ontology, loaded once per process."""
    return load_ontology()
