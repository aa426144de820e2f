"""The graph file's bytes: one JSON value per line, each as ``json.dumps(ensure_ascii=False,
sort_keys=True)`` writes it, whatever the values (the writer splices evidence lists in)."""

from __future__ import annotations

import json

import networkx as nx

from shienmap.graph.store import to_node_link, write_graph


def _reference(data: dict) -> str:
    """The file as json's own encoder writes it, line by line."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    out = "{"
    for i, key in enumerate(sorted(data)):
        out += ("," if i else "") + f"\n{encode(key)}: "
        value = data[key]
        if isinstance(value, list):
            out += "[" + "".join(("," if j else "") + "\n" + encode(x)
                                 for j, x in enumerate(value)) + "\n]"
        else:
            out += encode(value)
    return out + "\n}\n"


def _graph() -> nx.MultiDiGraph:
    quote = '信用金庫と"商工会"が\\協定\n\t\u2028🙂'
    ev = {"doc": "a.txt", "start": 3, "end": 10, "quote": quote}
    g = nx.MultiDiGraph(documents=[{"name": "a.txt", "title": None}])
    g.add_node("機関:A", label="機関", name="A", aliases=["ア"], evidence=[ev, dict(ev, start=4)])
    g.add_node("機関:B", label="機関", evidence=[], zeta=1.5, alpha=None)
    g.add_node("機関:C", label="機関", evidence=[{"doc": "b", "start": 1, "end": 2}],
               flag=True)
    g.add_node("機関:D", evidence=[dict(ev, extra=[1, 2])], count=10**20)
    g.add_node("機関:E", evidence=[dict(ev, start=True)])
    g.add_node("機関:F", label="機関", evidence="not a list")
    g.add_node("機関:G", label="機関")
    g.add_edge("機関:A", "機関:B", key="協定", type="協定", evidence=[ev], topics=["課題:x"],
               regions=[])
    g.add_edge("機関:B", "機関:A", key="紹介", type="紹介", evidence=[ev, ev], count=3)
    return g


def test_bytes_are_jsons_own(tmp_path):
    g = _graph()
    path = write_graph(g, tmp_path / "g.json")
    assert path.read_bytes() == _reference(to_node_link(g)).encode("utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == to_node_link(g)
