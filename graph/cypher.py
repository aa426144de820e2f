"""The Cypher store: push the graph to Neo4j (or another Bolt server) through the official
``neo4j`` driver, and export it as a Cypher script or as CSV for ``neo4j-admin``.

Statements are generated from the schema's own labels and relationship types only (always
backtick-quoted, checked against the schema); every value travels as a parameter.

Writes are idempotent and leave no half graph, by generations. A push writes the graph as a
new generation: every node is MERGEd by (id, ``_push``) — the push's own id — and every
relationship between the new generation's nodes; the numbers written are checked; then one
statement deletes every earlier shienmap generation (the swap). A failed push deletes what it
had written of its own generation and raises :class:`PushError`; the previous graph stays.
What differs between servers is isolated in :class:`Dialect`:

* Neo4j: the whole push — batched ``UNWIND $rows … MERGE`` statements, check and swap — runs
  in one explicit write transaction, so readers see the old graph or the new one, never both.
* FalkorDB (the Bolt server the tests use) applies no statement sent inside an explicit Bolt
  transaction (measured: the commit reports success, nothing is written) and its Bolt server
  crashes on a message over about 4 KB (measured: a 4,000-byte parameter passes, 5,000 kills
  it). Statements therefore run one by one (each atomic) in batches kept under 3.6 KB, long
  list properties are appended in pieces, and during a push readers may see the new
  generation beside the old one until the swap.

Schema statements differ too: Neo4j gets uniqueness constraints on ``(id, _push)``, FalkorDB
indexes on ``id``.
Evidence becomes four parallel list properties (``evidence_doc``, ``evidence_start``,
``evidence_end``, ``evidence_quote``), which Neo4j Browser shows; Neo4j properties cannot hold
maps.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from .schema import (
    INSTITUTION_RELATIONS,
    LABELS,
    STRUCTURAL_RELATIONS,
    UNDIRECTED_RELATIONS,
)

RELATIONSHIP_TYPES = frozenset({*INSTITUTION_RELATIONS, *UNDIRECTED_RELATIONS,
                                *STRUCTURAL_RELATIONS})
BATCH = 1000
EXPORT_GENERATION = "export"  # the _push value of data loaded from an exported script
EVIDENCE_KEYS = ("doc", "start", "end", "quote")


class PushError(RuntimeError):
    """A push that did not complete; nothing of it was kept."""


def quote_name(name: str, allowed: frozenset[str] | tuple[str, ...]) -> str:
    """Backtick-quote a label or relationship type of the schema (and only those)."""
    if name not in allowed:
        raise ValueError(f"not a shienmap label or relationship type: {name!r}")
    return "`" + name.replace("`", "``") + "`"


def label_of(name: str) -> str:
    return quote_name(name, LABELS)


def rel_of(name: str) -> str:
    return quote_name(name, RELATIONSHIP_TYPES)


# ---------------------------------------------------------------- rows


def _flat(props: dict[str, Any]) -> dict[str, Any]:
    """Properties a Cypher store can hold: primitives and lists of primitives."""
    out: dict[str, Any] = {}
    for k, v in props.items():
        if v is None or k in ("label", "id"):
            continue
        if k == "evidence":
            for part in EVIDENCE_KEYS:
                out[f"evidence_{part}"] = [e[part] for e in v]
        elif isinstance(v, dict) or (
                isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v)):
            out[k] = json.dumps(v, ensure_ascii=False, sort_keys=True)
        else:
            out[k] = v
    return dict(sorted(out.items()))


def node_rows(g: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    """Rows per label: ``{"id", "props"}``, sorted by id."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in sorted(g.nodes):
        d = g.nodes[n]
        rows[d["label"]].append({"id": n, "props": _flat(d)})
    return dict(sorted(rows.items(), key=lambda kv: LABELS.index(kv[0])))


def edge_rows(g: nx.MultiDiGraph) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Rows per (type, start label, end label): ``{"s", "t", "props"}``, sorted."""
    rows: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        key = (k, g.nodes[u]["label"], g.nodes[v]["label"])
        props = _flat({x: y for x, y in d.items() if x != "type"})
        rows[key].append({"s": u, "t": v, "props": props})
    return dict(sorted(rows.items()))


_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def key_of(name: str) -> str:
    """Backtick-quote a property key of our own (ASCII identifiers only)."""
    if not _KEY.match(name):
        raise ValueError(f"not a shienmap property key: {name!r}")
    return f"`{name}`"


def node_statement(label: str) -> str:
    return (f"UNWIND $rows AS row MERGE (n:{label_of(label)} {{id: row.id, _push: $push}}) "
            "SET n += row.props")


def edge_statement(rtype: str, start: str, end: str) -> str:
    return (f"UNWIND $rows AS row MATCH (a:{label_of(start)} {{id: row.s, _push: $push}}) "
            f"MATCH (b:{label_of(end)} {{id: row.t, _push: $push}}) "
            f"MERGE (a)-[r:{rel_of(rtype)}]->(b) SET r += row.props, r._push = $push")


def node_append_statement(label: str, key: str) -> str:
    k = key_of(key)
    return (f"MATCH (n:{label_of(label)} {{id: $id, _push: $push}}) "
            f"SET n.{k} = coalesce(n.{k}, []) + $items")


def edge_append_statement(rtype: str, start: str, end: str, key: str) -> str:
    k = key_of(key)
    return (f"MATCH (a:{label_of(start)} {{id: $s, _push: $push}})-[r:{rel_of(rtype)}]->"
            f"(b:{label_of(end)} {{id: $t, _push: $push}}) "
            f"SET r.{k} = coalesce(r.{k}, []) + $items")


SWAP = "MATCH (n) WHERE n._push IS NOT NULL AND n._push <> $push DETACH DELETE n"
ABORT = "MATCH (n) WHERE n._push = $push DETACH DELETE n"
COUNT_NODES = "MATCH (n) WHERE n._push = $push RETURN count(n) AS n"
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() WHERE r._push = $push RETURN count(r) AS n"


# ---------------------------------------------------------------- dialects


@dataclass(frozen=True)
class Dialect:
    """What differs between Bolt servers (see the module docstring)."""

    name: str
    transactional: bool  # the push can run in one explicit transaction
    max_message: int  # bytes of parameters one statement may carry
    escape_strings: bool = False  # the server splices string parameters into the query

    def encode(self, value: Any) -> Any:
        """Parameters as this server needs them. FalkorDB's Bolt layer writes parameters into
        a ``CYPHER name='…'`` header without escaping (measured: a value with ' breaks the
        query, ``\\b`` arrives as a backspace), so its strings get ``\\`` and ``'`` escaped and
        reach the query as the same data; Neo4j takes parameters as they are."""
        if not self.escape_strings:
            return value
        if isinstance(value, str):
            return value.replace("\\", "\\\\").replace("'", "\\'")
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            return {k: self.encode(v) for k, v in value.items()}
        return value

    def schema_statements(self, labels: list[str]) -> list[str]:
        if self.name == "neo4j":
            return [f"CREATE CONSTRAINT shienmap_{i}_id_push IF NOT EXISTS "
                    f"FOR (n:{label_of(label)}) REQUIRE (n.id, n._push) IS UNIQUE"
                    for i, label in enumerate(LABELS) if label in labels]
        return [f"CREATE INDEX FOR (n:{label_of(label)}) ON (n.id)" for label in labels]


NEO4J = Dialect("neo4j", transactional=True, max_message=4_000_000)
FALKORDB = Dialect("falkordb", transactional=False, max_message=3_600, escape_strings=True)


def detect_dialect(driver: Any, database: str | None) -> Dialect:
    """Neo4j answers ``dbms.components()``; FalkorDB (which also calls itself Neo4j over
    Bolt) does not."""
    from neo4j.exceptions import Neo4jError

    try:
        with driver.session(database=database) as s:
            s.run("CALL dbms.components() YIELD name RETURN name").consume()
        return NEO4J
    except Neo4jError:
        return FALKORDB


# ---------------------------------------------------------------- push


@dataclass
class PushReport:
    dialect: str
    nodes: int
    relationships: int
    statements: int
    push_id: str


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def _split_row(row: dict[str, Any], budget: int) -> tuple[dict[str, Any], list[tuple[str, list]]]:
    """Fit a row into ``budget`` bytes: list properties that do not fit are moved, item by
    item, into appends of at most ``budget`` bytes each."""
    if _size(row) <= budget:
        return row, []
    props = dict(row["props"])
    lists = sorted((k for k, v in props.items() if isinstance(v, list)),
                   key=lambda k: -_size(props[k]))
    appends: list[tuple[str, list]] = []
    for k in lists:
        if _size({**row, "props": props}) <= budget:
            break
        items, props[k] = props[k], []
        chunk: list = []
        for item in items:
            if _size(item) > budget:
                raise PushError(f"a value of {k!r} on {row.get('id') or row.get('s')} is "
                                f"{_size(item)} bytes, more than this server takes in a message")
            if chunk and _size([*chunk, item]) > budget:
                appends.append((k, chunk))
                chunk = []
            chunk.append(item)
        if chunk:
            appends.append((k, chunk))
    if _size({**row, "props": props}) > budget:
        raise PushError(f"a row of {row.get('id') or row.get('s')} does not fit in a message")
    return {**row, "props": props}, appends


def _batches(rows: list[dict[str, Any]], budget: int, limit: int = BATCH
             ) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for r in rows:
        s = _size(r) + 2
        if batch and (size + s > budget or len(batch) >= limit):
            yield batch
            batch, size = [], 0
        batch.append(r)
        size += s
    if batch:
        yield batch


def push_statements(g: nx.MultiDiGraph, dialect: Dialect
                    ) -> Iterator[tuple[str, dict[str, Any]]]:
    """The write statements of a push, with their parameters (``$push`` added by the caller)."""
    budget = dialect.max_message - 600  # room for the statement text itself
    for label, rows in node_rows(g).items():
        fitted = [_split_row(r, budget) for r in rows]
        for batch in _batches([r for r, _ in fitted], budget):
            yield node_statement(label), {"rows": batch}
        for r, appends in fitted:
            for key, items in appends:
                yield node_append_statement(label, key), {"id": r["id"], "items": items}
    for (rtype, start, end), rows in edge_rows(g).items():
        fitted = [_split_row(r, budget) for r in rows]
        for batch in _batches([r for r, _ in fitted], budget):
            yield edge_statement(rtype, start, end), {"rows": batch}
        for r, appends in fitted:
            for key, items in appends:
                yield (edge_append_statement(rtype, start, end, key),
                       {"s": r["s"], "t": r["t"], "items": items})


class CypherStore:
    """A shienmap graph in a Bolt server (Neo4j 5, Aura, or FalkorDB for tests)."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None,
                 dialect: Dialect | None = None) -> None:
        from neo4j import GraphDatabase

        self.driver = GraphDatabase.driver(uri, auth=(user, password))
        self.database = database
        self.dialect = dialect or detect_dialect(self.driver, database)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> CypherStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, query: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run one query with parameters (never with values pasted into the text)."""
        with self.driver.session(database=self.database) as s:
            return s.run(query, self.dialect.encode(params)).data()

    def create_schema(self, labels: list[str]) -> None:
        from neo4j.exceptions import Neo4jError

        for stmt in self.dialect.schema_statements(labels):
            try:
                self.run(stmt)
            except Neo4jError:
                if self.dialect.name == "neo4j":
                    raise
                # FalkorDB has no IF NOT EXISTS: an index that exists already is fine

    def push(self, g: nx.MultiDiGraph) -> PushReport:
        """Write the whole graph as a new generation and swap it in (see the module
        docstring). Raises :class:`PushError`, leaving the previous graph as it was."""
        from neo4j.exceptions import Neo4jError

        push_id = uuid.uuid4().hex
        expected = (g.number_of_nodes(), g.number_of_edges())
        self.create_schema(sorted({d["label"] for _, d in g.nodes(data=True)}))
        statements = list(push_statements(g, self.dialect))
        try:
            if self.dialect.transactional:
                with self.driver.session(database=self.database) as s:
                    s.execute_write(self._write_all, statements, push_id, expected)
            else:
                self._write_all(None, statements, push_id, expected)
        except Exception as exc:  # server errors, lost connections, values the driver refuses
            if not self.dialect.transactional:
                self._abort(push_id)
            msg = exc.message if isinstance(exc, Neo4jError) else f"{type(exc).__name__}: {exc}"
            raise PushError(f"push failed; the previous graph is unchanged: {msg}") from exc
        return PushReport(self.dialect.name, *expected, len(statements) + 3, push_id)

    def _write_all(self, tx: Any, statements: list[tuple[str, dict[str, Any]]], push_id: str,
                   expected: tuple[int, int]) -> None:
        def run(query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
            if tx is not None:
                return tx.run(query, params).data()
            return self.run(query, **params)

        for query, params in statements:
            run(query, {**params, "push": push_id})
        written = (run(COUNT_NODES, {"push": push_id})[0]["n"],
                   run(COUNT_RELATIONSHIPS, {"push": push_id})[0]["n"])
        if written != expected:
            raise PushError(f"wrote {written[0]} nodes and {written[1]} relationships, "
                            f"expected {expected[0]} and {expected[1]}")
        run(SWAP, {"push": push_id})

    def _abort(self, push_id: str) -> None:
        # the server may be gone; the partial generation stays marked with its push id
        with contextlib.suppress(Exception):
            self.run(ABORT, push=push_id)

    def counts(self) -> dict[str, int]:
        """Numbers of shienmap nodes and relationships in the store."""
        n = self.run("MATCH (n) WHERE n._push IS NOT NULL RETURN count(n) AS c")[0]["c"]
        r = self.run("MATCH ()-[r]->() WHERE r._push IS NOT NULL RETURN count(r) AS c")[0]["c"]
        return {"nodes": n, "relationships": r}


# ---------------------------------------------------------------- exports


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a property value (strings escaped; lists; maps with quoted keys)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = (value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
                   .replace("\r", "\\r").replace("\t", "\\t"))
        return f"'{escaped}'"
    if isinstance(value, list):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"`{str(k).replace('`', '``')}`: {cypher_literal(v)}"
                          for k, v in value.items())
        return "{" + items + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def export_statements(g: nx.MultiDiGraph, batch: int = 200) -> list[str]:
    """The statements of a script that loads the graph into Neo4j (constraints first)."""
    labels = sorted({d["label"] for _, d in g.nodes(data=True)})
    out = NEO4J.schema_statements(labels)  # the push's constraints: a later push swaps it
    gen = cypher_literal(EXPORT_GENERATION)
    for label, rows in node_rows(g).items():
        for i in range(0, len(rows), batch):
            out.append(node_statement(label).replace("$rows", cypher_literal(rows[i:i + batch]))
                       .replace("$push", gen))
    for (rtype, start, end), rows in edge_rows(g).items():
        for i in range(0, len(rows), batch):
            out.append(edge_statement(rtype, start, end)
                       .replace("$rows", cypher_literal(rows[i:i + batch])).replace("$push", gen))
    return out


def export_cypher(g: nx.MultiDiGraph, path: Path | str) -> Path:
    """Write a script for ``cypher-shell -f FILE`` or Neo4j Browser (statements end with ;)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    header = ("// shienmap graph export: run with `cypher-shell -f FILE` or paste into Neo4j "
              "Browser.\n// Labels and relationship types are Japanese, always backtick-quoted."
              "\n// Re-running it updates the same nodes and relationships (MERGE by id and "
              "generation 'export';\n// a later `shienmap neo4j push` replaces them).\n")
    p.write_text(header + "".join(s + ";\n" for s in export_statements(g)), encoding="utf-8")
    return p


def export_csv(g: nx.MultiDiGraph, folder: Path | str) -> list[Path]:
    """CSV files for ``neo4j-admin database import full`` (one per label and per type)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def header_of(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
        keys: dict[str, str] = {}
        for r in rows:
            for k, v in r["props"].items():
                kind = "string"
                if isinstance(v, bool):
                    kind = "boolean"
                elif isinstance(v, int):
                    kind = "long"
                elif isinstance(v, float):
                    kind = "double"
                if isinstance(v, list):
                    inner = {type(x) for x in v}
                    kind = "long[]" if inner and inner <= {int} else "string[]"
                keys.setdefault(k, kind)
        return sorted(keys.items())

    def cell(v: Any) -> str:
        if isinstance(v, list):
            return ";".join(str(x).replace(";", ",") for x in v)
        if isinstance(v, bool):
            return "true" if v else "false"
        return "" if v is None else str(v)

    for i, (label, rows) in enumerate(node_rows(g).items()):
        cols = header_of(rows)
        p = out / f"nodes_{i}_{label}.csv"
        with p.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id:ID", *(f"{k}:{t}" for k, t in cols), ":LABEL"])
            for r in rows:
                w.writerow([r["id"], *(cell(r["props"].get(k)) for k, _ in cols), label])
        written.append(p)
    for i, ((rtype, _, _), rows) in enumerate(edge_rows(g).items()):
        cols = header_of(rows)
        p = out / f"relationships_{i}_{rtype}.csv"
        with p.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow([":START_ID", ":END_ID", ":TYPE", *(f"{k}:{t}" for k, t in cols)])
            for r in rows:
                w.writerow([r["s"], r["t"], rtype, *(cell(r["props"].get(k)) for k, _ in cols)])
        written.append(p)
    return written
