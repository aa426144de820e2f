"""Persisting the graph as NetworkX node-link JSON (the contract of DESIGN.md).

Serialisation is deterministic: nodes sorted by id, edges by (source, target, type), keys
sorted, so the same input gives a byte-identical file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx


class GraphFileError(Exception):
    """The graph file is missing or not a shienmap graph."""


def to_node_link(g: nx.MultiDiGraph) -> dict[str, Any]:
    """The contract's node-link dict: directed, multigraph, graph, nodes, edges."""
    nodes = [{"id": n, **g.nodes[n]} for n in sorted(g.nodes)]
    edges = []
    for u, v, k, d in g.edges(keys=True, data=True):
        edges.append({"source": u, "target": v, "key": k, **d})
    edges.sort(key=lambda e: (e["source"], e["target"], e["type"]))
    return {"directed": True, "multigraph": True, "graph": dict(sorted(g.graph.items())),
            "nodes": nodes, "edges": edges}


def from_node_link(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Rebuild the ``MultiDiGraph`` from :func:`to_node_link` output."""
    g = nx.MultiDiGraph()
    g.graph.update(data.get("graph", {}))
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
    p.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_node_link(g), ensure_ascii=False, indent=1, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a graph file is for sharing
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def read_graph(path: Path | str) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_graph`; raise :class:`GraphFileError` if unusable."""
    p = Path(path)
    if not p.is_file():
        raise GraphFileError(f"{p}: no graph file; run `shienmap build DOCS... --out {p}` first")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return from_node_link(data)
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise GraphFileError(f"{p}: not a shienmap graph file ({exc})") from exc
