"""When a routing answer counts as one of a case's accepted answers.

A case's `accept` lists bodies and kinds, as the annotator wrote them. An answer counts when
it is an accepted body (or the body the ontology names for it), or a body of an accepted kind
(or of a narrower kind: a 信用金庫 for 金融機関) in the case's prefecture or national, or an
accepted kind or a narrower one, or a kind whose area-splitting narrower kinds (`serves`) are
all accepted (商工団体 when both 商工会 and 商工会議所 are).
"""

from __future__ import annotations

from shienmap.graph.ontology import Ontology, default_ontology


def accepted(answer, accept: list[str], case, onto: Ontology | None = None) -> bool:
    onto = onto or default_ontology()
    ok = set(accept)
    if answer.name in ok or (answer.instance or "") in ok:
        return True
    if answer.label == "機関":
        if not ok & set(onto.kind_ancestors(answer.type)):
            return False
        region = (answer.region or ":").split(":", 1)[1]
        return (region == "全国" or onto.instance_name(answer.type, case.region) == answer.name
                or onto.prefecture_of(region) == case.prefecture)
    if answer.label == "機関種別":
        if ok & set(onto.kind_ancestors(answer.name)):
            return True
        narrower = [k.name for k in onto.kinds.values()
                    if k.parent == answer.name and k.serves]  # the kinds that split its area
        return bool(narrower) and all(n in ok for n in narrower)
    return False


def hits(result, accept: list[str]) -> list[bool]:
    """Whether each answer of a routing result counts (see the module docstring)."""
    return [accepted(a, accept, result.case) for a in result.answers]
