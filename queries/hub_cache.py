"""Exact hub scores computed once per graph file and served from a cache beside it.

Exact betweenness of a national graph takes minutes even compiled, so ``shienmap hubs`` keeps
what it computed for a graph file in ``<graph folder>/cache/hubs-<graph hash>-<options>.json``
(for ``out/graph.json``: ``out/cache/``): every ranked row at full precision and each node's
document coverage, for one combination of region, relation types and level. The graph hash is
the SHA-256 of the file's bytes, so a rebuilt or edited graph gets new files and never the old
answers; the file also records the reference data's hash and the cache format, and one made with
other reference data or by another version, or that is damaged, is reported and recomputed. A
cached answer needs no reading of the graph: it is the same answer as the computed one.

Sampled runs (``--k``) are for ad-hoc looks and are not cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from shienmap.graph.atomic import replacing
from shienmap.graph.digest import CACHE_DIR, graph_digest, reference_digest
from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.queries.coverage import CoverageSummary, document_coverage
from shienmap.queries.hubs import DEFAULT_RELATIONS, HubRow, check_options, hubs

CACHE_FORMAT = 1  # raised whenever what is cached, or how it is computed, changes
SLOW = 5.0  # seconds: a computation that took longer is reported with where it was cached


@dataclass
class HubResult:
    """A complete ranking (every node, best first), its nodes' document coverage and the
    metadata of the documents that coverage names."""

    rows: list[HubRow]
    coverage: dict[str, CoverageSummary]
    documents: list[dict[str, Any]]
    cached: bool = False  # served from the cache
    graph: nx.MultiDiGraph | None = None  # the graph, when it had to be read


class HubCache:
    """The hubs cache of one graph file (see the module docstring).

    ``on_message(key, values)`` receives what a person should know, as a message key of the
    ``hubs.cache`` catalogue (``shienmap/i18n``) and its values: a cache that could not be used
    or written, and where a slow computation was kept.
    """

    def __init__(self, graph_path: Path | str, *, directory: Path | str | None = None,
                 on_message: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self.graph_path = Path(graph_path)
        self.directory = Path(directory) if directory else self.graph_path.parent / CACHE_DIR
        self.on_message = on_message or (lambda key, values: None)
        self._digest: str | None = None

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = graph_digest(self.graph_path)
        return self._digest

    def path_for(self, params: dict[str, Any]) -> Path:
        """The cache file of one combination of options."""
        key = hashlib.sha256(json.dumps(params, ensure_ascii=False, sort_keys=True).encode())
        return self.directory / f"hubs-{self.digest[:16]}-{key.hexdigest()[:12]}.json"

    def load(self, params: dict[str, Any]) -> HubResult | None:
        """The cached result, or None (absent; unusable ones are reported first)."""
        path = self.path_for(params)
        try:
            text = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._unusable(path, "unreadable", str(exc.strerror or exc))
        try:
            data = json.loads(text)
        except ValueError:  # also bytes that are not UTF-8
            return self._unusable(path, "not_json")
        if not isinstance(data, dict):
            return self._unusable(path, "damaged", "not an object")
        if data.get("format") != CACHE_FORMAT:
            return self._unusable(path, "format",
                                 f"{data.get('format')!r}, not {CACHE_FORMAT}")
        if data.get("graph_sha256") != self.digest or data.get("params") != params:
            return self._unusable(path, "other")
        if data.get("reference_sha256") != reference_digest():
            return self._unusable(path, "reference")
        try:
            rows = [HubRow(**r) for r in data["rows"]]
            coverage = {n: CoverageSummary(*c) for n, c in data["coverage"].items()}
            documents = list(data["documents"])
        except (KeyError, TypeError, AttributeError) as exc:
            return self._unusable(path, "damaged", f"{type(exc).__name__}: {exc}")
        return HubResult(rows, coverage, documents, cached=True)

    def store(self, params: dict[str, Any], result: HubResult) -> Path | None:
        """Write the result atomically; None (and a message) when the folder is not writable."""
        path = self.path_for(params)
        data = {"format": CACHE_FORMAT, "graph": str(self.graph_path),
                "graph_sha256": self.digest, "reference_sha256": reference_digest(),
                "params": params, "rows": [dataclasses.asdict(r) for r in result.rows],
                "coverage": {n: list(dataclasses.astuple(c))
                             for n, c in sorted(result.coverage.items())},
                "documents": result.documents}
        try:
            with replacing(path) as tmp, tmp.open("w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        except OSError as exc:
            self.on_message("hubs.cache.unwritable",
                            {"path": str(path), "detail": str(exc.strerror or exc)})
            return None
        return path

    def _unusable(self, path: Path, why: str, detail: str = "") -> None:
        """Report a cache file that cannot be used (``why``: a message of ``hubs.cache``)."""
        self.on_message(f"hubs.cache.{why}", {"path": str(path), "detail": detail})
        return None


def cached_hubs(cache: HubCache, load_graph: Callable[[], nx.MultiDiGraph], *,
                region: str | None = None, relations: tuple[str, ...] = DEFAULT_RELATIONS,
                level: str = "機関", onto: Ontology | None = None) -> HubResult:
    """The exact ranking of :func:`~shienmap.queries.hubs.hubs` (every row) with coverage,
    from the cache when it holds it, else computed from ``load_graph()`` and cached.

    Options are checked first (:class:`~shienmap.queries.hubs.HubError`). When the graph file
    cannot be hashed (missing, a folder) the graph is loaded, so its loader reports why.
    """
    onto = onto or default_ontology()
    region_name = check_options(region=region, relations=relations, level=level, onto=onto)
    params = {"region": region_name, "relations": sorted(set(relations)), "level": level}
    try:
        _ = cache.digest
    except OSError:
        load_graph()  # no readable graph file: its loader says what is wrong
        raise
    found = cache.load(params)
    if found is not None:
        return found
    g = load_graph()
    t0 = time.perf_counter()
    rows = hubs(g, region=region, relations=relations, level=level, onto=onto)
    coverage = {n: c.summary() for n, c in document_coverage(
        g, region=region, relations=relations, level=level, onto=onto).items()}
    tops = {c.top_document for c in coverage.values() if c.top_document}
    documents = [d for d in g.graph.get("documents", []) if d.get("name") in tops]
    result = HubResult(rows, coverage, documents, graph=g)
    seconds = time.perf_counter() - t0
    path = cache.store(params, result)
    if path is not None and seconds >= SLOW:
        cache.on_message("hubs.cache.built", {"path": str(path), "seconds": f"{seconds:.0f}"})
    return result


def cached_scores(graph_path: Path | str, relations: tuple[str, ...] = DEFAULT_RELATIONS
                  ) -> dict[str, float] | None:
    """Node id -> hub score of the national 機関 ranking when the cache beside the graph file
    holds it (computed earlier by ``shienmap hubs``), else None. Never computes: maps use it to
    size nodes and fall back on degree."""
    params = {"region": None, "relations": sorted(set(relations)), "level": "機関"}
    try:
        found = HubCache(graph_path).load(params)
    except OSError:
        return None
    return {r.id: r.hub_score for r in found.rows} if found else None


__all__ = ["CACHE_FORMAT", "HubCache", "HubResult", "cached_hubs", "cached_scores",
           "graph_digest", "reference_digest"]
