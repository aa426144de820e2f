"""Routing over the whole grid: every prefecture × every topic × the usual holders.

Whatever the case, the answer is never empty, among the first three is one for the topic (a
documented referral about it, or a body whose mandate covers it), nobody is sent to an
institution of another prefecture, the holder is never its own answer, and every path is made
of the graph's edges with the evidence or the reference it rests on. About 13,500 cases
on the corpus graph.
"""

from __future__ import annotations

import networkx as nx
import pytest

from routing_checks import assert_path_is_justified
from shienmap.graph.ontology import default_ontology
from shienmap.graph.schema import HANDLES, INSTITUTION, KIND, TOPIC, node_id
from shienmap.queries.case import make_case
from shienmap.queries.routing import route

HOLDERS = [None, "信用金庫", "地方銀行", "信用保証協会", "商工会", "商工会議所", "よろず支援拠点",
           "税理士"]
ONTO = default_ontology()
PREFECTURES = [r.name for r in ONTO.regions.values() if r.level == "都道府県"]


def _handlers(g: nx.MultiDiGraph, topic: str) -> set[str]:
    """Node ids holding a 対応 edge to the topic or to its broader topic."""
    topics = {topic, *([ONTO.topics[topic].broader] if ONTO.topics[topic].broader else [])}
    return {u for t in topics for u, _, k in g.in_edges(node_id(TOPIC, t), keys=True)
            if k == HANDLES}


def _is_handler(g: nx.MultiDiGraph, answer, handlers: set[str]) -> bool:
    """The answer, its kind or a broader kind of it has the topic's mandate."""
    if answer.id in handlers:
        return True
    kind = answer.type if answer.label == INSTITUTION else answer.name
    return any(node_id(KIND, k) in handlers for k in ONTO.kind_ancestors(kind))


def test_the_grid_of_cases(corpus_graph):
    g = corpus_graph[0]
    assert len(PREFECTURES) == 47
    failures: list[str] = []
    cases = 0
    for pref in PREFECTURES:
        for topic in ONTO.topics:
            handlers = _handlers(g, topic)
            for holder in HOLDERS:
                case = make_case(g, pref, [topic], holder)
                res = route(g, case)
                cases += 1
                where = f"{pref}/{topic}/{holder}"
                if not res.answers:
                    failures.append(f"{where}: no answer ({res.reason})")
                    continue
                if not any(topic in a.topics or _is_handler(g, a, handlers)
                           for a in res.answers[:3]):
                    failures.append(f"{where}: nobody for {topic} in the top 3: "
                                    f"{[a.name for a in res.answers[:3]]}")
                for a in res.answers:
                    if a.id == case.holder:
                        failures.append(f"{where}: the holder answers itself")
                    if a.label == INSTITUTION and a.region:
                        place = ONTO.prefecture_of(a.region.split(":", 1)[1])
                        if a.region != "地域:全国" and place != pref:
                            failures.append(f"{where}: {a.name} is in {place}")
                    try:
                        assert_path_is_justified(g, case, a)
                    except AssertionError as e:
                        failures.append(f"{where}: path of {a.name} {a.path}: {e}")
    assert cases == 47 * len(ONTO.topics) * len(HOLDERS)
    assert not failures, f"{len(failures)} of {cases} cases: " + "\n".join(failures[:20])


@pytest.mark.parametrize("region,kind,body", [
    ("新富町", "商工会", None),  # a 町: 商工会
    ("高崎市", "商工会議所", None),  # a 市: 商工会議所
    ("群馬県", "商工団体", None),  # a prefecture: both, as one kind
])
def test_chamber_or_society_by_municipality(corpus_graph, region, kind, body):
    """A 創業 case is sent to the 商工会 of a town and the 商工会議所 of a city."""
    g = corpus_graph[0]
    res = route(g, make_case(g, region, ["創業"]))
    kinds = [a.name if a.label == KIND else a.type for a in res.answers]
    assert kind in kinds
    other = {"商工会": "商工会議所", "商工会議所": "商工会"}.get(kind)
    assert other not in kinds
