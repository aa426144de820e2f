"""Search keys of the map's nodes: the names people type to find an institution.

A node is found by its name, its aliases and former names, and — for an institution of a kind
that has one body per prefecture (per_prefecture in kinds.toml; never for banks, where
長野 + 銀行 would name another bank) — by the prefecture (or its short stem) followed by any name
of the kind: 静岡県信用保証協会 is also 静岡県保証協会, 静岡保証協会 and 静岡信用保証協会; a
中小企業活性化協議会 is also found by its former name (静岡県中小企業再生支援協議会). Keys are
folded as the graph folds names (NFKC, variant kanji, no spaces); the page folds what is typed the
same way.
"""

from __future__ import annotations

import networkx as nx

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import INSTITUTION, KIND, fold

# what the page's JavaScript folds besides NFKC and spaces (graph.schema's variant table)
JS_VARIANTS = {"縣": "県", "嶋": "島", "ヶ": "ケ", "ヵ": "カ", "＆": "&"}


def search_keys(g: nx.MultiDiGraph, n: str, onto: Ontology | None = None) -> list[str]:
    """Folded names under which node ``n`` is found, sorted."""
    onto = onto or default_ontology()
    d = g.nodes[n]
    names = {d.get("name", ""), *d.get("aliases", []), *d.get("former_names", [])}
    kind = onto.kinds.get(d.get("type", "") if d.get("label") == INSTITUTION else "")
    if d.get("label") == KIND and d.get("name") in onto.kinds:
        k = onto.kinds[d["name"]]
        names |= {*k.aliases, *k.former_names}
    if kind is not None and kind.per_prefecture and d.get("region"):
        region = onto.regions.get(d["region"].split(":", 1)[-1])
        if region is not None:
            prefixes = {region.name, region.stem or region.name}
            kind_names = {kind.name, *kind.aliases, *kind.former_names}
            name = d.get("name", "")
            if name.startswith(region.name):
                names |= {p + name[len(region.name):] for p in prefixes}
            for k in kind_names:  # 県保証協会 follows the stem only: 静岡 + 県保証協会
                stems = {region.stem} if k[:1] in "県都府道" and region.stem else prefixes
                names |= {p + k for p in stems}
    return sorted({fold(x) for x in names if x})


__all__ = ["JS_VARIANTS", "search_keys"]
