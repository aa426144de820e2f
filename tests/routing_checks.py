"""Checks on routing answers: when one counts as a case's accepted answer, and that its path
and evidence justify it.

A case's `accept` lists bodies and kinds, as the annotator wrote them. An answer counts when
it is an accepted body (or the body the ontology names for it), or a body of an accepted kind
(or of a narrower kind: a 信用金庫 for 金融機関) in the case's prefecture or national, or an
accepted kind or a narrower one, or a kind whose area-splitting narrower kinds (`serves`) are
all accepted (商工団体 when both 商工会 and 商工会議所 are).
"""

from __future__ import annotations

from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import INSTITUTION_RELATIONS, IS_KIND, PARTNER_RELATIONS, REFERRAL
from shienmap.loaders.pipeline import normalised_document


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


def assert_path_is_justified(g, case, a, texts=None, corpus_dir=None):
    """A path starts at the holder (a documented referral), the region (a first contact) or a
    case topic (a mandate); every hop is an edge of the graph; a documented answer carries the
    evidence of its referrals, a mandate the reference it rests on."""
    starts = {case.holder, f"地域:{case.region}", *(f"課題:{t}" for t in case.topics)}
    starts |= {f"課題:{b}" for t in case.topics if (b := _broader(t))}
    assert a.path[0] in starts and a.path[-1] == a.id, (a.id, a.path)
    kinds = (REFERRAL, IS_KIND, "上位種別", "対応", "所在")
    for i, (u, v) in enumerate(zip(a.path, a.path[1:], strict=False)):
        partner = i == 0 and a.basis == "partner" and any(
            g.has_edge(x, y, key=k) for k in PARTNER_RELATIONS for x, y in ((u, v), (v, u)))
        assert partner or any(g.has_edge(u, v, key=k) or g.has_edge(v, u, key=k)
                              for k in kinds) or u.startswith("地域:"), (u, v)
    if a.basis == "partner":  # the holder's own agreement on a case topic, quoted
        assert a.path[0] == case.holder and a.evidence
        assert {ev["type"] for ev in a.evidence} <= set(PARTNER_RELATIONS)
    elif a.basis in ("referral", "broader_referral"):
        assert any(g.has_edge(u, v, key=REFERRAL) for u, v in zip(a.path, a.path[1:],
                                                                     strict=False))
        assert a.evidence
    elif a.basis in ("mandate", "national"):
        assert a.references and a.path[0].startswith("課題:")
    assert a.reason
    for ev in a.evidence:
        if texts is not None and corpus_dir is not None:
            if ev["doc"] not in texts:
                texts[ev["doc"]] = normalised_document(corpus_dir / ev["doc"])
            assert texts[ev["doc"]][ev["start"]:ev["end"]] == ev["quote"]
        assert ev["type"] in (*INSTITUTION_RELATIONS, *PARTNER_RELATIONS)


def _broader(topic):
    from shienmap.graph.ontology import default_ontology

    t = default_ontology().topics.get(topic)
    return t.broader if t else None
