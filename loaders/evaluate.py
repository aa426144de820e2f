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
