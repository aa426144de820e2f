"""Persisting the graph as NetworkX node-link JSON (the contract of DESIGN.md).

Serialisation is deterministic: nodes sorted by id, edges by (source, target, type), keys
sorted, so the same input gives a byte-identical file. The file is written to a temporary
file beside it, streamed, and renamed over the old one: a failed or killed write leaves the
previous file intact. Reading checks the shape before anything uses it: a file that is not
a shienmap graph (a list, another program's JSON, NetworkX's ``links`` format, a format
version from a newer shienmap, an edge to a missing node) is one clear
:class:`GraphFileError` naming the file and what was expected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

import networkx as nx

from shienmap.graph.atomic import replacing

FORMAT = 1  # graph["shienmap_format"]: raised when the file's shape changes incompatibly
_EXPECTED = ('expected NetworkX node-link JSON written by `shienmap build`: an object with '
             '"directed", "multigraph", "graph", "nodes" and "edges"')


class GraphFileError(Exception):
    """The graph file is missing or not a shienmap graph."""


def to_node_link(g: nx.MultiDiGraph) -> dict[str, Any]:
    """The contract's node-link dict: directed, multigraph, graph, nodes, edges."""
    nodes = [{"id": n, **g.nodes[n]} for n in sorted(g.nodes)]
    edges = []
    for u, v, k, d in g.edges(keys=True, data=True):
        edges.append({"source": u, "target": v, "key": k, **d})
    edges.sort(key=lambda e: (e["source"], e["target"], e["type"]))
    graph = dict(sorted({**g.graph, "shienmap_format": FORMAT}.items()))
    return {"directed": True, "multigraph": True, "graph": graph, "nodes": nodes, "edges": edges}


def from_node_link(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Rebuild the ``MultiDiGraph`` from :func:`to_node_link` output."""
    g = nx.MultiDiGraph()
    g.graph.update({k: v for k, v in data.get("graph", {}).items() if k != "shienmap_format"})
    for n in data["nodes"]:
        attrs = {k: v for k, v in n.items() if k != "id"}
        g.add_node(n["id"], **attrs)
    for e in data["edges"]:
        attrs = {k: v for k, v in e.items() if k not in ("source", "target", "key")}
        g.add_edge(e["source"], e["target"], key=e.get("key", e["type"]), **attrs)
    return g


def write_graph(g: nx.MultiDiGraph, path: Path | str) -> Path:
    """Write the graph atomically (a failed write leaves any previous file intact)."""
    p = Path(path)
    data = to_node_link(g)
    with replacing(p) as tmp, tmp.open("w", encoding="utf-8") as f:
        _dump(data, f)
    return p


def _dump(data: dict[str, Any], f: TextIO) -> None:
    """``data`` as JSON with sorted keys, one node or edge per line: json's C encoder writes
    each line (``json.dump`` with ``indent`` runs the pure-Python encoder, ~10× slower on a
    national graph), and the file still diffs line by line."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    f.write("{")
    for i, key in enumerate(sorted(data)):
        f.write(("," if i else "") + f"\n{encode(key)}: ")
        value = data[key]
        if isinstance(value, list):
            f.write("[")
            for j, item in enumerate(value):
                f.write(("," if j else "") + "\n" + encode(item))
            f.write("\n]")
        else:
            f.write(encode(value))
    f.write("\n}\n")


def read_graph(path: Path | str) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_graph`; raise :class:`GraphFileError` if unusable."""
    p = Path(path)
    if p.is_dir():
        raise GraphFileError(f"{p}: a folder, not a graph file; give the graph.json written by "
                             "`shienmap build`")
    if not p.is_file():
        raise GraphFileError(f"{p}: no graph file; run `shienmap build DOCS... --out {p}` first")
    try:
        with p.open(encoding="utf-8") as f:
            data = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GraphFileError(f"{p}: not a shienmap graph file (not JSON: {exc}); "
                             f"{_EXPECTED}") from exc
    except OSError as exc:
        raise GraphFileError(f"{p}: cannot read the graph file ({exc.strerror or exc})") from exc
    check_node_link(data, p)
    return from_node_link(data)


def check_node_link(data: Any, p: Path | str) -> None:
    """Raise :class:`GraphFileError` unless ``data`` has the shape :func:`to_node_link` writes."""
    def bad(what: str) -> GraphFileError:
        return GraphFileError(f"{p}: not a shienmap graph file ({what}); {_EXPECTED}")

    if not isinstance(data, dict):
        raise bad(f"the JSON is a {type(data).__name__}")
    if "links" in data and "edges" not in data:
        raise bad('it has "links", the key of another NetworkX version\'s node-link format; '
                  "rebuild it with `shienmap build`")
    missing = [k for k in ("nodes", "edges") if not isinstance(data.get(k), list)]
    if missing:
        raise bad(f"no list of {' or '.join(missing)}")
    graph = data.get("graph", {})
    if not isinstance(graph, dict):
        raise bad('"graph" is not an object')
    version = graph.get("shienmap_format", FORMAT)
    if not isinstance(version, int) or version > FORMAT:
        raise GraphFileError(f"{p}: written by a newer shienmap (graph format {version!r}); this "
                             f"one reads format {FORMAT}: upgrade shienmap or rebuild the graph")
    ids: set[Any] = set()
    for i, n in enumerate(data["nodes"]):
        if not isinstance(n, dict) or not isinstance(n.get("id"), str) or not isinstance(
                n.get("label"), str):
            raise bad(f'node {i} has no string "id" and "label"')
        ids.add(n["id"])
    for i, e in enumerate(data["edges"]):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str)
                                              for k in ("source", "target", "type")):
            raise bad(f'edge {i} has no string "source", "target" and "type"')
        for end in (e["source"], e["target"]):
            if end not in ids:
                raise bad(f"edge {i} ({e['type']}) points at {end!r}, which is not a node")
