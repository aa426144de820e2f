"""Scoring extraction against hand-annotated edges: precision and recall per relation type.

Gold edges cite their stating sentence by document and raw line number; the quote is read
from the corpus at scoring time, so annotations carry no corpus text.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    DIRECTED_RELATIONS,
    INSTITUTION,
    INSTITUTION_RELATIONS,
    KIND,
    fold,
    node_id,
)

from .normalise import normalise_chars
from .read import decode_text


@dataclass(frozen=True)
class GoldEdge:
    doc: str
    lines: tuple[int, ...]
    type: str
    source: str
    target: str
    count: int | None = None


@dataclass
class Score:
    """Counts for one relation type (or all)."""

    tp: int = 0
    fp: int = 0
    gold: int = 0
    recalled: int = 0
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[GoldEdge] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 0.0


def load_gold(path: Path) -> list[GoldEdge]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return [GoldEdge(e["doc"], tuple(e["lines"]), e["type"], e["source"], e["target"],
                     e.get("count")) for e in data["edge"]]


def party_id(name: str, onto: Ontology) -> str:
    """The node id of a party named in an annotation (a kind, else an institution)."""
    return node_id(KIND, name) if name in onto.kinds else node_id(INSTITUTION, name)


def edge_key(rtype: str, u: str, v: str) -> tuple[str, str, str]:
    if rtype in DIRECTED_RELATIONS:
        return (rtype, u, v)
    a, b = sorted((u, v))
    return (rtype, a, b)


def _overlaps(quote: str, line: str) -> bool:
    a, b = fold(quote), fold(line)
    if not a or not b:
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= min(8, len(a), len(b))


def score(g: nx.MultiDiGraph, gold: list[GoldEdge], corpus: Path,
          onto: Ontology | None = None) -> dict[str, Score]:
    """Precision (extracted edges that are annotated) and recall (annotated edges extracted
    with evidence at the annotated sentence), per relation type and for ``"all"``."""
    onto = onto or default_ontology()
    docs = {e.doc for e in gold}
    raw_lines = {d: normalise_chars(decode_text((corpus / d).read_bytes(), d)[0]).split("\n")
                 for d in docs}
    gold_keys = {edge_key(e.type, party_id(e.source, onto), party_id(e.target, onto)) for e in gold}
    extracted: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for u, v, d in g.edges(data=True):
        if d["type"] in INSTITUTION_RELATIONS and any(ev["doc"] in docs for ev in d["evidence"]):
            extracted[edge_key(d["type"], u, v)] += d["evidence"]
    scores: dict[str, Score] = {t: Score() for t in (*INSTITUTION_RELATIONS, "all")}
    for key in sorted(extracted):
        for t in (key[0], "all"):
            if key in gold_keys:
                scores[t].tp += 1
            else:
                scores[t].fp += 1
                scores[t].false_positives.append(key)
    for e in gold:
        key = edge_key(e.type, party_id(e.source, onto), party_id(e.target, onto))
        evidence = extracted.get(key, [])
        lines = [raw_lines[e.doc][n - 1] for n in e.lines if 0 < n <= len(raw_lines[e.doc])]
        hit = any(ev["doc"] == e.doc and any(_overlaps(ev["quote"], ln) for ln in lines)
                  for ev in evidence)
        for t in (e.type, "all"):
            scores[t].gold += 1
            if hit:
                scores[t].recalled += 1
            else:
                scores[t].missed.append(e)
    return scores


def format_scores(scores: dict[str, Score]) -> str:
    rows = [f"{'type':<8} {'gold':>5} {'recalled':>8} {'recall':>7} {'extracted':>9} "
            f"{'correct':>7} {'precision':>9}"]
    for t, s in scores.items():
        rows.append(f"{t:<8} {s.gold:>5} {s.recalled:>8} {s.recall:>7.2f} {s.tp + s.fp:>9} "
                    f"{s.tp:>7} {s.precision:>9.2f}")
    return "\n".join(rows)


# ---------------------------------------------------------------- dev-set format (jsonl)
#
# ../shared/devset/CONVENTIONS.md: gold_edges.jsonl holds one relation a line
# ({"doc", "type", "source", "target", "level", "directed", "quote", ...}) and
# gold_entities.jsonl one institution a line ({"name", "aliases", "type", "region", "doc"}).
# Ends are full official names, or a kind (with the region in its name when the text gives
# one: "三重県内の商工会"). Matching is by name, strictly: an institution node counts only
# under its canonical name (a short form such as 旭川信金 is a naming error), a kind-level end
# matches the graph's 機関種別 of that kind. Undirected gold (協定, 同行訪問, mutual 紹介 and
# 出向) matches an edge in either direction.


@dataclass(frozen=True)
class DevEdge:
    doc: str
    type: str
    source: str
    target: str
    directed: bool
    quote: str = ""
    id: str = ""


@dataclass(frozen=True)
class DevEntity:
    doc: str
    name: str
    type: str = ""
    region: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass
class PRF:
    """Precision, recall and F1 from counts; ``errors`` lists what was missed or wrong."""

    gold: int = 0
    predicted: int = 0
    correct_predicted: int = 0
    recalled: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"gold": self.gold, "predicted": self.predicted,
                "correct": self.correct_predicted, "recalled": self.recalled,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def _jsonl(path: Path) -> list[dict]:
    import json

    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not JSON ({exc})") from exc
    return rows


def load_dev_edges(path: Path) -> list[DevEdge]:
    """Gold relations in the dev-set format."""
    return [DevEdge(e["doc"], e["type"], e["source"], e["target"], bool(e.get("directed")),
                    e.get("quote", ""), e.get("id", "")) for e in _jsonl(path)]


def load_dev_entities(path: Path) -> list[DevEntity]:
    """Gold institutions in the dev-set format."""
    return [DevEntity(e["doc"], e["name"], e.get("type", ""), e.get("region"),
                      tuple(e.get("aliases") or ())) for e in _jsonl(path)]


def _kind_in(name: str, onto: Ontology) -> str | None:
    """The kind a kind-level end names: the longest ending of the name that is a kind, after
    nothing or a qualifier (三重県内の商工会 -> 商工会, 四国4県の中小企業診断士協会 ->
    中小企業診断協会, 県内に本店を置く金融機関 -> 金融機関); a body's name (荘内銀行) is none."""
    for i in range(len(name)):
        kind = onto.kind(name[i:])
        if kind is not None and (i == 0 or name[:i].endswith(("の", "く", "る", "た", "内"))):
            return kind.name
    return None


def _gold_end(name: str, doc: str, bodies: dict[str, set[str]], onto: Ontology) -> str:
    key = fold(name)
    if key in bodies.get(doc, set()):
        return f"機関:{key}"
    kind_name = _kind_in(name, onto)
    return f"機関種別:{kind_name}" if kind_name else f"機関:{key}"


def _graph_ends(g: nx.MultiDiGraph, n: str) -> set[str]:
    """The keys a node answers to: its canonical name and its aliases (a body's former or
    written names, 熊本県事業引継ぎ支援センター for the renamed センター), or its kind."""
    d = g.nodes[n]
    if d.get("label") == KIND:
        return {f"機関種別:{d['name']}"}
    return {f"機関:{fold(x)}" for x in (d.get("name", n), *d.get("aliases", []))}


def score_devset(g: nx.MultiDiGraph, gold: list[DevEdge], entities: list[DevEntity] | None = None,
                 onto: Ontology | None = None) -> dict[str, PRF]:
    """Per relation type, ``"all"`` and (with ``entities``) ``"機関"``: precision, recall, F1.

    A predicted relation is an extracted edge of one of the four types with evidence in a
    gold document, counted once per document. It is correct when the document's gold holds
    it (directed gold in its direction; undirected gold either way); the two directions of a
    mutual referral count once. A gold relation is recalled when such an edge exists.
    Institutions: the 機関 nodes with evidence in a gold document against that document's
    gold institutions, by canonical name or alias.
    """
    onto = onto or default_ontology()
    docs = {e.doc for e in gold} | {e.doc for e in entities or []}
    bodies: dict[str, set[str]] = defaultdict(set)
    for ent in entities or []:
        bodies[ent.doc].add(fold(ent.name))
    by_doc: dict[tuple[str, str], list[tuple[DevEdge, str, str]]] = defaultdict(list)
    for e in gold:
        by_doc[(e.doc, e.type)].append((e, _gold_end(e.source, e.doc, bodies, onto),
                                         _gold_end(e.target, e.doc, bodies, onto)))
    predicted: dict[tuple[str, str, str, str], DevEdge | None] = {}
    for u, v, d in g.edges(data=True):
        if d["type"] not in INSTITUTION_RELATIONS:
            continue
        us, vs = _graph_ends(g, u), _graph_ends(g, v)
        for doc in {ev["doc"] for ev in d["evidence"]} & docs:
            predicted[(doc, d["type"], g.nodes[u]["name"], g.nodes[v]["name"])] = _match(
                by_doc.get((doc, d["type"]), []), us, vs, d["type"] in DIRECTED_RELATIONS)
    out: dict[str, PRF] = {t: PRF() for t in (*INSTITUTION_RELATIONS, "all")}
    recalled: set[int] = set()
    for key in sorted(predicted):
        hit = predicted[key]
        if hit is not None and id(hit) in recalled:
            continue  # the other direction of a mutual relation already counted
        for t in (key[1], "all"):
            out[t].predicted += 1
            if hit is not None:
                out[t].correct_predicted += 1
            else:
                out[t].wrong.append(f"{key[0]} {key[1]} {key[2]} → {key[3]}")
        if hit is not None:
            recalled.add(id(hit))
    for e in gold:
        for t in (e.type, "all"):
            out[t].gold += 1
            if id(e) in recalled:
                out[t].recalled += 1
            else:
                arrow = "→" if e.directed else "—"
                out[t].missed.append(f"{e.doc} {e.type} {e.source} {arrow} {e.target}")
    if entities is not None:
        out["機関"] = _score_entities(g, entities, docs)
    return out


def _match(candidates: list[tuple[DevEdge, str, str]], us: set[str], vs: set[str],
           directed: bool) -> DevEdge | None:
    for e, a, b in candidates:
        if a in us and b in vs:
            return e
        if (not e.directed or not directed) and a in vs and b in us:
            return e
    return None


def _score_entities(g: nx.MultiDiGraph, entities: list[DevEntity], docs: set[str]) -> PRF:
    gold = {(e.doc, fold(e.name)): e.name for e in entities}
    found: dict[tuple[str, str], str] = {}
    answers: dict[tuple[str, str], set[str]] = {}
    for _, d in g.nodes(data=True):
        if d.get("label") != INSTITUTION:
            continue
        for doc in {ev["doc"] for ev in d.get("evidence", [])} & docs:
            found[(doc, fold(d["name"]))] = d["name"]
            answers[(doc, fold(d["name"]))] = {fold(x) for x in (d["name"], *d.get("aliases", []))}
    hits = {key for key in found if any((key[0], k) in gold for k in answers[key])}
    recalled = {(doc, k) for (doc, _), keys in answers.items() if (doc, _) in hits
                for k in keys if (doc, k) in gold}
    prf = PRF(gold=len(gold), predicted=len(found))
    prf.correct_predicted, prf.recalled = len(hits), len(recalled)
    found = {key: name for key, name in found.items() if key not in hits} | {
        k: found[k] for k in hits}
    prf.wrong = [f"{key[0]} {name}" for key, name in sorted(found.items()) if key not in hits]
    prf.missed = [f"{key[0]} {name}" for key, name in sorted(gold.items()) if key not in recalled]
    return prf


def evaluate_documents(docs: str | Path, gold_edges: Path,
                       gold_entities: Path | None = None) -> dict[str, PRF]:
    """Build a graph from ``docs`` and score it against the annotations: the dev-set format
    (``.jsonl``) or the corpus annotations (``.toml`` citing lines of ``docs``)."""
    from .pipeline import build_graph

    g, report = build_graph([docs])
    if not report.documents:
        raise ValueError(f"{docs}: no document could be read")
    if gold_edges.suffix == ".toml":
        folder = Path(docs) if Path(docs).is_dir() else Path(docs).parent
        old = score(g, load_gold(gold_edges), folder)
        out = {}
        for t, s in old.items():
            prf = PRF(gold=s.gold, predicted=s.tp + s.fp, correct_predicted=s.tp,
                      recalled=s.recalled)
            prf.wrong = [" ".join(k) for k in s.false_positives]
            prf.missed = [f"{e.doc} {e.type} {e.source} → {e.target}" for e in s.missed]
            out[t] = prf
        return out
    entities = load_dev_entities(gold_entities) if gold_entities else None
    return score_devset(g, load_dev_edges(gold_edges), entities)


def format_prf(scores: dict[str, PRF]) -> str:
    """A plain table of the dev-set scores."""
    rows = [f"{'':<8} {'gold':>5} {'found':>6} {'correct':>8} {'precision':>9} {'recall':>7} "
            f"{'F1':>6}"]
    for t, s in scores.items():
        rows.append(f"{t:<8} {s.gold:>5} {s.predicted:>6} {s.correct_predicted:>8} "
                    f"{s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f}")
    return "\n".join(rows)
