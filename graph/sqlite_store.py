"""An embedded SQLite copy of a graph file, so queries on a large graph read only what they need.

The store of ``out/graph.json`` is ``out/cache/store-graph.json.sqlite`` (the folder of the hubs
cache, :mod:`shienmap.graph.digest`). It is built from the JSON on first use (progress on
stderr), written to a temporary file and renamed, so a killed build leaves no half store. It
records the SHA-256 of the JSON it was built from, the reference data's hash and its own format;
a store of other content, other reference data or another format, or a damaged file, is
reported and rebuilt. Fast path: the store also records the JSON's size and modification time
(ns); when both still match, the file is not hashed again (0.3-0.5 s for a national graph).
When they differ the file is hashed: same bytes (a copy, a touch) keep the store, other bytes
rebuild it. Delete the ``cache`` folder to drop every cache of a graph.

Tables: ``nodes`` and ``edges`` in the JSON's order (``ord``) with their properties as JSON
less their evidence, which sits in ``node_evidence`` and ``edge_evidence`` and is read only
when asked for; ``names`` (folded institution name or alias -> the first institution holding
it, as :func:`shienmap.queries.case.institution_names`); ``documents``; ``meta``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
import tomllib
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx

from shienmap.graph.atomic import replacing
from shienmap.graph.digest import CACHE_DIR, graph_digest, reference_digest
from shienmap.graph.ontology import DATA_DIR, Ontology, default_ontology, load_ontology
from shienmap.graph.schema import INSTITUTION, IS_KIND, KIND, REFERRAL, fold, node_id
from shienmap.graph.store import GraphFileError, check_node_link

STORE_FORMAT = 1  # raised whenever the tables or what they hold change
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes(ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
                   kind TEXT, region TEXT, prefecture TEXT, attrs TEXT NOT NULL);
CREATE TABLE node_evidence(ord INTEGER PRIMARY KEY, evidence TEXT NOT NULL);
CREATE TABLE edges(ord INTEGER PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL,
                   key TEXT NOT NULL, type TEXT NOT NULL, topics TEXT NOT NULL,
                   attrs TEXT NOT NULL);
CREATE TABLE edge_evidence(ord INTEGER PRIMARY KEY, evidence TEXT NOT NULL);
CREATE TABLE referral_topics(topic TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
                             ord INTEGER NOT NULL);
CREATE TABLE names(folded TEXT PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE documents(ord INTEGER PRIMARY KEY, name TEXT NOT NULL, attrs TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX nodes_label ON nodes(label);
CREATE INDEX nodes_kind ON nodes(kind);
CREATE INDEX nodes_region ON nodes(region);
CREATE INDEX nodes_prefecture ON nodes(prefecture);
CREATE INDEX edges_key ON edges(key);
CREATE INDEX edges_source ON edges(source, key, target, topics);
CREATE INDEX edges_target ON edges(target, key, source, topics);
CREATE INDEX referral_topics_source ON referral_topics(source, topic, target, ord);
CREATE INDEX referral_topics_target ON referral_topics(target, topic, source, ord);
CREATE INDEX referral_topics_topic ON referral_topics(topic, source, target, ord);
CREATE INDEX documents_name ON documents(name);
"""
_BATCH = 20_000
Message = Callable[[str], None]
Row = tuple[int, str, str]  # an edge's ord, source and target


class StoreError(Exception):
    """The store cannot be used (it is then rebuilt)."""


def stderr_message(text: str) -> None:
    print(f"shienmap: {text}", file=sys.stderr, flush=True)


def store_path(graph_path: Path | str) -> Path:
    """Where the store of a graph file lives."""
    p = Path(graph_path)
    return p.parent / CACHE_DIR / f"store-{p.name}.sqlite"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _prefecture(region: str | None, onto: Ontology) -> str | None:
    """The prefecture of a region id, as routing reads it (``_Graph.prefecture``)."""
    return onto.prefecture_of(region.split(":", 1)[1]) if region else None


class GraphStore:
    """An open store (read-only use); :func:`open_store` finds, checks or builds it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(f"file:{quote(str(self.path.resolve()))}?mode=ro",
                                      uri=True)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open it ({exc})") from exc
        try:
            self.db.execute(f"PRAGMA mmap_size = {1 << 31}")
            self.meta: dict[str, str] = dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as exc:
            self.db.close()
            raise StoreError(f"not a shienmap store ({exc})") from exc

    def ontology(self) -> Ontology:
        """The ontology of the reference data the store was built with (the same data: the
        store is rebuilt when it changes), without parsing the TOML files again."""
        data = json.loads(self.meta["reference_data"])
        return load_ontology(read=lambda p: data[p.relative_to(DATA_DIR).as_posix()])

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ nodes and names
    def has_node(self, nid: str) -> bool:
        return self.db.execute("SELECT 1 FROM nodes WHERE id = ?", (nid,)).fetchone() is not None

    def node(self, nid: str) -> dict[str, Any] | None:
        """A node's properties (without evidence), or None."""
        row = self.db.execute("SELECT attrs FROM nodes WHERE id = ?", (nid,)).fetchone()
        return json.loads(row[0]) if row else None

    def institution_named(self, name: str) -> str | None:
        """The first institution (in the graph's order) with this name or alias, folded."""
        row = self.db.execute("SELECT id FROM names WHERE folded = ?", (fold(name),)).fetchone()
        return row[0] if row else None

    def institution_names_in(self, prefecture: str | None) -> list[str]:
        """The names of the institutions located in a prefecture, in the graph's order."""
        rows = self.db.execute("SELECT attrs FROM nodes WHERE label = ? AND prefecture IS ? "
                               "ORDER BY ord", (INSTITUTION, prefecture))
        return [json.loads(a)["name"] for a, in rows]

    def ids(self, sql: str, params: Iterable[Any] = ()) -> set[str]:
        """The first column of a query, as a set."""
        return {r[0] for r in self.db.execute(sql, tuple(params))}

    # ------------------------------------------------------------ edges
    def institutions_outside(self, ids: Iterable[str], prefecture: str) -> set[str]:
        """Those of ``ids`` that are institutions located in another prefecture."""
        with self._selection(ids) as table:
            return {r[0] for r in self.db.execute(
                f"SELECT n.id FROM {table} s CROSS JOIN nodes n ON n.id = s.id "
                "WHERE n.label = ? AND n.prefecture IS NOT NULL AND n.prefecture != ?",
                (INSTITUTION, prefecture))}

    def edges_from(self, sources: Iterable[str], key: str) -> list[Row]:
        """(ord, source, target) of the edges of ``key`` out of ``sources``."""
        with self._selection(sources) as table:
            return self.db.execute(
                f"SELECT e.ord, e.source, e.target FROM {table} s CROSS JOIN edges e "
                "ON e.source = s.id AND e.key = ?", (key,)).fetchall()

    def referrals(self, end: str, ids: Iterable[str], topics: Collection[str] | None
                  ) -> list[Row]:
        """(ord, source, target) of the referrals whose ``end`` ("source" or "target") is
        one of ``ids``, about one of ``topics`` ("" for about no topic; None: all)."""
        if topics is None:
            with self._selection(ids) as table:
                return self.db.execute(
                    f"SELECT e.ord, e.source, e.target FROM {table} s CROSS JOIN edges e "
                    f"ON e.{end} = s.id AND e.key = ?", (REFERRAL,)).fetchall()
        topics = sorted(set(topics))
        with self._selection(ids) as table:
            return self.db.execute(
                f"SELECT r.ord, r.source, r.target FROM {table} s CROSS JOIN referral_topics r "
                f"ON r.{end} = s.id AND r.topic IN ({','.join('?' * len(topics))})",
                topics).fetchall()

    def edges_where(self, where: str, params: Iterable[Any] = ()) -> list[Row]:
        """(ord, source, target) of the edges ``e`` matching an SQL condition."""
        return self.db.execute(f"SELECT e.ord, e.source, e.target FROM edges e WHERE {where}",
                               tuple(params)).fetchall()

    def kind_referrals(self, kind: str, topics: Collection[str] | None) -> list[Row]:
        """The referrals out of the institutions of a kind (their 種別 edges), about one of
        ``topics`` (as :meth:`referrals`)."""
        if topics is None:
            return self.db.execute(
                "SELECT e.ord, e.source, e.target FROM edges k CROSS JOIN edges e "
                "ON e.source = k.source AND e.key = ? WHERE k.target = ? AND k.key = ?",
                (REFERRAL, kind, IS_KIND)).fetchall()
        topics = sorted(set(topics))
        return self.db.execute(
            "SELECT r.ord, r.source, r.target FROM edges k CROSS JOIN referral_topics r "
            f"ON r.source = k.source AND r.topic IN ({','.join('?' * len(topics))}) "
            "WHERE k.target = ? AND k.key = ?", (*topics, kind, IS_KIND)).fetchall()

    @contextmanager
    def _selection(self, ids: Iterable[str]) -> Iterator[str]:
        """A temporary table of node ids, for joins."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS sel(id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.sel")
        self.db.executemany("INSERT OR IGNORE INTO temp.sel VALUES (?)", ((i,) for i in ids))
        try:
            yield "temp.sel"
        finally:
            self.db.execute("DELETE FROM temp.sel")

    # ------------------------------------------------------------ graphs
    def subgraph(self, ids: Iterable[str], edges: Iterable[int],
                 evidence_keys: Iterable[str] = ()) -> nx.MultiDiGraph:
        """The nodes ``ids`` (those the store holds) and the edges numbered ``edges`` between
        them, in the graph's order; edges of ``evidence_keys`` with their evidence, the
        rest without."""
        with_ev = set(evidence_keys)
        g = nx.MultiDiGraph()
        g.graph.update(json.loads(self.meta["graph"]))
        with self._selection(ids) as table:
            for nid, attrs in self.db.execute(
                    f"SELECT n.id, n.attrs FROM {table} s CROSS JOIN nodes n ON n.id = s.id "
                    "ORDER BY n.ord"):
                g.add_node(nid, **json.loads(attrs))
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS sel_edges(ord INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.sel_edges")
        self.db.executemany("INSERT OR IGNORE INTO temp.sel_edges VALUES (?)",
                            ((o,) for o in edges))
        rows = self.db.execute(
            "SELECT e.ord, e.source, e.target, e.key, e.attrs, v.evidence FROM temp.sel_edges s "
            "CROSS JOIN edges e ON e.ord = s.ord LEFT JOIN edge_evidence v ON v.ord = e.ord "
            f"AND e.key IN ({','.join('?' * len(with_ev))}) ORDER BY e.ord",
            sorted(with_ev)).fetchall()
        self.db.execute("DELETE FROM temp.sel_edges")
        decoded: dict[str, dict[str, Any]] = {}  # many edges have the same properties
        for _, u, v, k, attrs, evidence in rows:
            if u in g and v in g:
                data = decoded.get(attrs)
                if data is None:
                    data = decoded[attrs] = json.loads(attrs)
                if evidence is not None:
                    data = {**data, "evidence": json.loads(evidence)}
                g.add_edge(u, v, key=k, **data)  # copied into the edge's own dict
        return g

    def documents(self, names: Iterable[str]) -> list[dict[str, Any]]:
        """The ``documents`` entries of these file names, in the graph's order."""
        names = sorted(set(names))
        if not names:
            return []
        rows = self.db.execute("SELECT attrs FROM documents WHERE name IN "
                               f"({','.join('?' * len(names))}) ORDER BY ord", names)
        return [json.loads(a) for a, in rows]

    def read_graph(self) -> nx.MultiDiGraph:
        """The whole graph, evidence and documents included (as ``read_graph`` of the JSON)."""
        g = nx.MultiDiGraph()
        g.graph.update(json.loads(self.meta["graph"]))
        if self.meta.get("has_documents") == "1":
            g.graph["documents"] = [json.loads(a) for a, in self.db.execute(
                "SELECT attrs FROM documents ORDER BY ord")]
        g.graph = dict(sorted(g.graph.items()))
        node_ev = dict(self.db.execute("SELECT ord, evidence FROM node_evidence"))
        for o, nid, attrs in self.db.execute("SELECT ord, id, attrs FROM nodes ORDER BY ord"):
            data = json.loads(attrs)
            if o in node_ev:
                data["evidence"] = json.loads(node_ev[o])
            g.add_node(nid, **data)
        edge_ev = dict(self.db.execute("SELECT ord, evidence FROM edge_evidence"))
        for o, u, v, k, attrs in self.db.execute(
                "SELECT ord, source, target, key, attrs FROM edges ORDER BY ord"):
            data = json.loads(attrs)
            if o in edge_ev:
                data["evidence"] = json.loads(edge_ev[o])
            g.add_edge(u, v, key=k, **data)
        return g


# ---------------------------------------------------------------- opening and building


def open_store(graph_path: Path | str, *, on_message: Message | None = None,
               onto: Ontology | None = None) -> GraphStore:
    """The store of a graph file, checked (fast path: size and mtime) or (re)built.

    Raises :class:`~shienmap.graph.store.GraphFileError` when the graph file itself is
    missing or not a graph, and ``OSError`` when the store cannot be written.
    """
    say = on_message or stderr_message
    graph = Path(graph_path)
    if graph.is_dir() or not graph.is_file():
        from shienmap.graph.store import read_graph

        read_graph(graph)  # says what is wrong with the path
    path = store_path(graph)
    st = graph.stat()
    digest: str | None = None
    if path.exists():
        try:
            store = GraphStore(path)
            why = _unusable(store, st)
            if why == "stat":  # the file changed on disk, perhaps not its bytes
                digest = graph_digest(graph)
                why = "" if store.meta.get("graph_sha256") == digest else "content"
            if not why:
                return store
            store.close()
            say(f"the store {path} is out of date ({why}); rebuilding it")
        except StoreError as exc:
            say(f"the store {path} is damaged ({exc}); rebuilding it")
    build_store(graph, path, digest=digest, on_message=say, onto=onto)
    return GraphStore(path)


def _unusable(store: GraphStore, st: os.stat_result) -> str:
    """Why the store cannot serve the graph file ('' when it can; 'stat' when only the
    file's size or mtime differ and the content must be hashed)."""
    meta = store.meta
    try:
        if meta.get("format") != str(STORE_FORMAT):
            return f"format {meta.get('format')!r}, not {STORE_FORMAT}"
        if meta.get("reference_sha256") != reference_digest():
            return "other reference data"
        if not {"graph", "graph_sha256", "reference_data"} <= meta.keys():
            raise StoreError("no graph metadata")
        store.db.execute("SELECT ord, id, attrs FROM nodes LIMIT 1").fetchall()
        store.db.execute("SELECT ord, source, topics FROM edges LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        raise StoreError(str(exc)) from exc
    if meta.get("size") != str(st.st_size) or meta.get("mtime_ns") != str(st.st_mtime_ns):
        return "stat"
    return ""


def build_store(graph_path: Path | str, path: Path | str | None = None, *,
                digest: str | None = None, on_message: Message | None = None,
                onto: Ontology | None = None) -> Path:
    """Build the store of a graph file from its JSON, atomically; returns its path."""
    say = on_message or stderr_message
    onto = onto or default_ontology()
    graph = Path(graph_path)
    path = Path(path) if path else store_path(graph)
    t0 = time.perf_counter()
    st = graph.stat()
    say(f"building the store of {graph} in {path} (once per graph file)...")
    digest = digest or graph_digest(graph)
    try:
        with graph.open(encoding="utf-8") as f:
            data = json.load(f)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphFileError(f"{graph}: not a shienmap graph file (not JSON: {exc})") from exc
    check_node_link(data, graph)
    with replacing(path) as tmp, closing(sqlite3.connect(tmp)) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(_SCHEMA)
        _fill(db, data, onto, say)
        attrs = {k: v for k, v in data.get("graph", {}).items()
                 if k not in ("shienmap_format", "documents")}
        meta = {"format": STORE_FORMAT, "graph_sha256": digest, "size": st.st_size,
                "mtime_ns": st.st_mtime_ns, "reference_sha256": reference_digest(),
                "reference_data": _dumps(_reference_data()),
                "graph": _dumps(attrs), "source": str(graph),
                "has_documents": int("documents" in data.get("graph", {}))}
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [(k, str(v)) for k, v in meta.items()])
        db.executescript(_INDEXES)
        db.commit()
    say(f"store built in {time.perf_counter() - t0:.1f} s: {path}")
    return path


def _reference_data() -> dict[str, Any]:
    """Every shipped reference file, parsed: file path (relative) -> its TOML data."""
    return {p.relative_to(DATA_DIR).as_posix(): tomllib.loads(p.read_text(encoding="utf-8"))
            for p in sorted(DATA_DIR.rglob("*.toml"))}


def _fill(db: sqlite3.Connection, data: dict[str, Any], onto: Ontology, say: Message) -> None:
    """Insert nodes, edges, names and documents in the JSON's order."""
    names: dict[str, str] = {}
    nodes, node_ev = [], []
    for i, n in enumerate(data["nodes"]):
        attrs = {k: v for k, v in n.items() if k not in ("id", "evidence")}
        label = attrs.get("label")
        kind = (node_id(KIND, attrs["type"]) if label == INSTITUTION and "type" in attrs
                else n["id"] if label == KIND else None)
        region = attrs.get("region")
        nodes.append((i, n["id"], label, kind, region, _prefecture(region, onto), _dumps(attrs)))
        if "evidence" in n:
            node_ev.append((i, _dumps(n["evidence"])))
        if label == INSTITUTION:
            for name in (attrs.get("name", ""), *attrs.get("aliases", [])):
                names.setdefault(fold(name), n["id"])
    db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?)", nodes)
    db.executemany("INSERT INTO node_evidence VALUES (?, ?)", node_ev)
    db.executemany("INSERT INTO names VALUES (?, ?)", names.items())
    total = len(data["edges"])
    for start in range(0, total, _BATCH * 5):
        edges, edge_ev = [], []
        for i, e in enumerate(data["edges"][start:start + _BATCH * 5], start):
            attrs = {k: v for k, v in e.items()
                     if k not in ("source", "target", "key", "evidence")}
            edges.append((i, e["source"], e["target"], e.get("key", e["type"]), e["type"],
                          "\t".join(attrs.get("topics") or ()), _dumps(attrs)))
            if "evidence" in e:
                edge_ev.append((i, _dumps(e["evidence"])))
        db.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)", edges)
        db.executemany("INSERT INTO referral_topics VALUES (?, ?, ?, ?)",
                       ((t, u, v, i) for i, u, v, k, _, ts, _ in edges if k == REFERRAL
                        for t in (ts.split("\t") if ts else [""])))
        db.executemany("INSERT INTO edge_evidence VALUES (?, ?)", edge_ev)
        if total > _BATCH * 5:
            say(f"  store: {min(start + _BATCH * 5, total)}/{total} edges")
    docs = data.get("graph", {}).get("documents") or []
    db.executemany("INSERT INTO documents VALUES (?, ?, ?)",
                   ((i, d.get("name", ""), _dumps(d)) for i, d in enumerate(docs)))


__all__ = ["STORE_FORMAT", "GraphStore", "Row", "StoreError", "build_store", "open_store",
           "stderr_message", "store_path"]
