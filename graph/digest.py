"""Content hashes that caches beside a graph file are keyed by: the graph file's bytes and the
shipped reference data (``graph/data``), on which categories, prefectures and region
membership depend."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from shienmap.graph.ontology import DATA_DIR

CACHE_DIR = "cache"  # <graph folder>/cache holds every cache of a graph file


def graph_digest(path: Path | str) -> str:
    """SHA-256 of a graph file's bytes (a 226 MB national graph: about 0.3 s)."""
    with Path(path).open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@cache
def reference_digest() -> str:
    """SHA-256 over the shipped reference data (``graph/data``)."""
    h = hashlib.sha256()
    for p in sorted(DATA_DIR.rglob("*.toml")):
        h.update(p.relative_to(DATA_DIR).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


__all__ = ["CACHE_DIR", "graph_digest", "reference_digest"]
