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
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

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
    with replacing(p) as tmp, tmp.open("wb") as f:
        _dump(data, f)
    return p


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_NL = os.linesep.encode()  # what a file opened as text writes for "\n"
_EVIDENCE_KEYS = frozenset(("doc", "end", "quote", "start"))
_MEMO_BYTES = 16 << 20  # encoded strings kept for reuse, at most


def _dump(data: dict[str, Any], f: BinaryIO) -> None:
    """``data`` as JSON with sorted keys, one node or edge per line: json's C encoder writes
    each line (``json.dump`` with ``indent`` runs the pure-Python encoder, ~10× slower on a
    national graph), and the file still diffs line by line. The bytes are those of
    ``json.dumps(…, ensure_ascii=False, sort_keys=True)`` for each line; an evidence quote
    (a sentence, quoted by every fact it states) is encoded once, not once per fact, and the
    pieces go out in chunks of a few megabytes."""
    enc = _Encoder()
    out = _Chunks(f)
    out.add(b"{")
    for i, key in enumerate(sorted(data)):
        out.add((b"," if i else b"") + _NL + enc.value(key) + b": ")
        value = data[key]
        if isinstance(value, list):
            out.add(b"[")
            for j, item in enumerate(value):
                out.add((b"," if j else b"") + _NL)
                enc.item(item, out.add)
            out.add(_NL + b"]")
        else:
            out.add(enc.value(value))
    out.add(_NL + b"}" + _NL)
    out.flush()


class _Chunks:
    """Pieces of bytes written to ``f`` a few megabytes at a time."""

    SIZE = 4 << 20

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, b: bytes) -> None:
        self.parts.append(b)
        self.size += len(b)
        if self.size >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        self.f.write(b"".join(self.parts))
        self.parts, self.size = [], 0


class _Encoder:
    """JSON bytes of the graph file's values, each quote string encoded once."""

    def __init__(self) -> None:
        self._strings: dict[str, bytes] = {}
        self._size = 0

    def value(self, v: Any) -> bytes:
        return _ENCODE(v).encode("utf-8")

    def string(self, s: str) -> bytes:
        out = self._strings.get(s)
        if out is None:
            if self._size > _MEMO_BYTES:  # a huge graph: memory stays bounded
                self._strings.clear()
                self._size = 0
            out = self._strings[s] = self.value(s)
            self._size += len(out)
        return out

    def item(self, item: Any, put: Callable[[bytes], None]) -> None:
        """A node or edge, to ``put`` in pieces: its evidence list spliced in where sorted
        keys put it."""
        ev = item.get("evidence") if type(item) is dict else None
        if type(ev) is not list or not all(type(k) is str for k in item):
            put(self.value(item))
            return
        before = {k: v for k, v in item.items() if k < "evidence"}
        after = {k: v for k, v in item.items() if k > "evidence"}
        put((self.value(before)[:-1] + b", " if before else b"{") + b'"evidence": [')
        for i, e in enumerate(ev):
            if i:
                put(b", ")
            self.evidence(e, put)
        put(b"]" + (b", " + self.value(after)[1:] if after else b"}"))

    def evidence(self, e: Any, put: Callable[[bytes], None]) -> None:
        if not (type(e) is dict and e.keys() == _EVIDENCE_KEYS and type(e["doc"]) is str
                and type(e["quote"]) is str and type(e["start"]) is int
                and type(e["end"]) is int):
            put(self.value(e))
            return
        put(b'{"doc": ' + self.string(e["doc"]) + b', "end": ' + str(e["end"]).encode()
            + b', "quote": ')
        put(self.string(e["quote"]))
        put(b', "start": ' + str(e["start"]).encode() + b"}")


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
