"""The Cypher store: push the graph to Neo4j (or another Bolt server) through the official
``neo4j`` driver, and export it as a Cypher script or as CSV for ``neo4j-admin``.

Statements are generated from the schema's own labels and relationship types only (always
backtick-quoted, checked against the schema); every value travels as a parameter.

Readers see the previous complete graph or the new complete one, never a mixture, by
generations and a pointer. A push writes the graph as a new generation: every node is
MERGEd by (id, ``_push``) — the push's own id — and every relationship between the new
generation's nodes; the numbers written are checked; then one statement switches the
current-generation pointer, the node ``(:`_shienmap` {id: 'current', push: …})``, to the new
generation, and a last statement deletes the older generations. Every reader goes through
the pointer: the shipped ``queries/cypher/*.cypher`` files start with
``MATCH (cur:`_shienmap` {id: 'current'})`` and keep nodes whose ``_push`` is ``cur.push``
(relationships only join nodes of one generation), the Cypher backend checks that the pointer
did not move while it read, and an exported script switches the pointer with its last
statements. A push deletes only nodes that carry a shienmap label and a ``_push`` (what an
earlier shienmap push or export to the same database wrote), never anything else.

A push that fails or is interrupted (Ctrl-C, SIGTERM) before the switch deletes what it had
written and raises :class:`PushError` (:class:`PushInterrupted`); readers never saw any of
it. If the process is killed outright (SIGKILL, power loss) or the server goes away, the
partial generation stays in the server, invisible to readers, and the next push (which
starts by removing generations the pointer does not name) or :meth:`CypherStore.cleanup`
(``shienmap neo4j cleanup``) removes it. What differs between servers is isolated in
:class:`Dialect`:

* Neo4j: the whole push — batched ``UNWIND $rows … MERGE`` statements, check, switch and
  retire — runs in one explicit write transaction.
* FalkorDB (the Bolt server the tests use) applies no statement sent inside an explicit Bolt
  transaction (measured: the commit reports success, nothing is written) and its Bolt server
  crashes on a statement whose text and parameters, which it splices into the text, pass
  about 4,100 bytes (measured on 4.16.3). Statements therefore run one by one (each atomic,
  all in one session) in batches as large as 4,000 bytes a statement allow, long list
  properties are appended in pieces, and an evidence quote too long for one message is
  trimmed around the names it states, its offsets moved with it (the full sentence stays in
  the JSON graph). Its Bolt server has no databases: a named database is not a graph name
  (measured: every name lands in one graph called ``db``), so ``database`` is refused
  (:class:`TargetError`) before anything is written.

Schema statements differ too: Neo4j gets uniqueness constraints on ``(id, _push)``, FalkorDB
indexes on ``id``.
Evidence becomes four parallel list properties (``evidence_doc``, ``evidence_start``,
``evidence_end``, ``evidence_quote``), which Neo4j Browser shows; Neo4j properties cannot hold
maps.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import StoreError as StoreError  # raised by queries/cypher_backend.py
from .schema import (
    INSTITUTION_RELATIONS,
    LABELS,
    STRUCTURAL_RELATIONS,
    UNDIRECTED_RELATIONS,
)

RELATIONSHIP_TYPES = frozenset({*INSTITUTION_RELATIONS, *UNDIRECTED_RELATIONS,
                                *STRUCTURAL_RELATIONS})
BATCH = 1000
EXPORT_GENERATION = "export"  # prefix of the _push value of data loaded from an exported script
EVIDENCE_KEYS = ("doc", "start", "end", "quote")
META_LABEL = "_shienmap"  # the current-generation pointer: (:`_shienmap` {id: 'current'})
# Test hook (a "failpoint"): a push stops and waits before the stage named here, so that the
# fault tests can kill or interrupt it at a known point. Never set outside tests.
FAILPOINT = "SHIENMAP_PUSH_PAUSE"
PUSH_STAGES = ("connected", "cleaned", "nodes-started", "nodes-written",
               "relationships-started", "written", "checked", "switched", "done")


class PushError(RuntimeError):
    """A push that did not complete; readers still see the previous graph."""


class PushInterrupted(KeyboardInterrupt):
    """A push stopped by Ctrl-C or SIGTERM; ``message`` says what readers see now."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TargetError(ValueError):
    """A database the server cannot give, or a server that refuses every query of this user
    (raised before anything is written)."""


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


def _shienmap_node(var: str) -> str:
    """A WHERE condition: ``var`` is a node of one of the schema's labels."""
    return "(" + " OR ".join(f"{var}:{label_of(label)}" for label in LABELS) + ")"


META = "`" + META_LABEL + "`"
CURRENT = f"MATCH (c:{META} {{id: 'current'}}) RETURN c.push AS push"
SWITCH = (f"MERGE (c:{META} {{id: 'current'}}) SET c.push = $push, c.nodes = $nodes, "
          "c.relationships = $relationships, c.pushed_at = $pushed_at")
# delete every shienmap generation but $push (after the switch: the old ones; at the start of
# a push or in cleanup: orphans of pushes that never switched)
RETIRE = (f"MATCH (n) WHERE n._push IS NOT NULL AND n._push <> $push AND {_shienmap_node('n')} "
          "DETACH DELETE n")
SWAP = RETIRE  # the name of the swap statement before the pointer existed
ABORT = f"MATCH (n) WHERE n._push = $push AND {_shienmap_node('n')} DETACH DELETE n"
COUNT_NODES = "MATCH (n) WHERE n._push = $push RETURN count(n) AS n"
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() WHERE r._push = $push RETURN count(r) AS n"
GENERATIONS = (f"MATCH (n) WHERE n._push IS NOT NULL AND {_shienmap_node('n')} "
               "RETURN n._push AS push, count(n) AS nodes ORDER BY push")


# ---------------------------------------------------------------- dialects


@dataclass(frozen=True)
class Dialect:
    """What differs between Bolt servers (see the module docstring)."""

    name: str
    transactional: bool  # the push can run in one explicit transaction
    max_message: int  # bytes one statement may take: its text and its parameters
    escape_strings: bool = False  # the server splices string parameters into the query
    read_access: bool = True  # reads can run in read sessions (FalkorDB: they see no graph)

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
# FalkorDB: measured on 4.16.3, a statement whose text and spliced parameters pass about
# 4,100 bytes crashes the server (a 4,070-byte string parameter with a 20-byte query passes,
# 4,075 does not; with a 1,000-byte longer query text the parameter's limit drops by 1,000)
FALKORDB = Dialect("falkordb", transactional=False, max_message=4_000, escape_strings=True,
                   read_access=False)
MESSAGE_OVERHEAD = 200  # the $push parameter, parameter names, Bolt framing
QUOTE_BYTES = 1_500  # an evidence quote longer than this is trimmed for FalkorDB


def detect_dialect(driver: Any, database: str | None = None) -> Dialect:
    """Neo4j answers ``dbms.components()``; FalkorDB (which also calls itself Neo4j over
    Bolt) does not. Asked of the server's default database: on FalkorDB a named one would
    create a graph (``database`` is accepted for compatibility and not used)."""
    from neo4j.exceptions import Neo4jError

    try:
        with driver.session() as s:
            s.run("CALL dbms.components() YIELD name RETURN name").consume()
        return NEO4J
    except Neo4jError as exc:
        if (exc.code or "").startswith("Neo.ClientError.Security"):
            raise  # wrong user or password on Neo4j: not a sign of FalkorDB
        return FALKORDB


# ---------------------------------------------------------------- push


@dataclass
class PushReport:
    dialect: str
    nodes: int
    relationships: int
    statements: int
    push_id: str
    removed_orphans: int = 0  # nodes of unfinished earlier pushes removed at the start


@dataclass
class CleanupReport:
    current: str | None  # the generation readers see (None: nothing pushed)
    removed: dict[str, int]  # generation -> nodes removed


def _float_bytes(value: Any) -> int:
    """Bytes the floats of a parameter value take as FalkorDB writes them (``%f``: six
    decimals, every digit of the integer part; measured)."""
    kind = type(value)
    if kind is float:
        return len(f"{value:f}") + 2
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return 0
    total = 0
    for v in value:  # mostly strings and ints: skipped without a call
        if type(v) in (float, dict, list):
            total += _float_bytes(v)
    return total


def _size(value: Any) -> int:
    """Bytes a parameter value takes in a statement, at most: its JSON, plus one byte per
    ``'`` (FalkorDB escapes it in the text it builds) and each float's length as FalkorDB
    writes it (measured: 500 floats of 0.1, 2 KB of JSON, crash it)."""
    text = json.dumps(value, ensure_ascii=False)
    return len(text.encode("utf-8")) + text.count("'") + _float_bytes(value)


def trim_quote(ev: dict[str, Any], names: list[str], budget: int) -> dict[str, Any]:
    """An evidence record whose quote fits in ``budget`` bytes (UTF-8): the part of the
    sentence around the first of ``names`` it contains (else its start), with ``start`` and
    ``end`` moved so that they still point at exactly that quote in the document's text."""
    quote = ev["quote"]
    if len(quote.encode("utf-8")) <= budget:
        return ev
    chars = max(1, budget // 4)  # a character is at most 4 bytes in UTF-8
    hits = [i for i in (quote.find(n) for n in names if n) if i >= 0]
    centre = min(hits) if hits else 0
    begin = max(0, min(centre - chars // 4, len(quote) - chars))
    piece = quote[begin:begin + chars]
    return {**ev, "start": ev["start"] + begin, "end": ev["start"] + begin + len(piece),
            "quote": piece}


def _fit_evidence(row: dict[str, Any], budget: int) -> dict[str, Any]:
    """A row whose evidence quotes each fit in ``budget`` bytes (see :func:`trim_quote`)."""
    props = row["props"]
    quotes = props.get("evidence_quote")
    if not quotes or all(len(q.encode("utf-8")) <= budget for q in quotes):
        return row
    ids = [row[k] for k in ("id", "s", "t") if k in row]
    names = [i.split(":", 1)[-1] for i in ids]
    records = [dict(zip(EVIDENCE_KEYS, vals, strict=True)) for vals in zip(
        *(props[f"evidence_{k}"] for k in EVIDENCE_KEYS), strict=True)]
    fitted = [trim_quote(ev, names, budget) for ev in records]
    new = dict(props)
    for k in EVIDENCE_KEYS:
        new[f"evidence_{k}"] = [ev[k] for ev in fitted]
    return {**row, "props": new}


def _split_row(row: dict[str, Any], budget: int, append_budget: int | None = None
               ) -> tuple[dict[str, Any], list[tuple[str, list]]]:
    """Fit a row into ``budget`` bytes: evidence quotes trimmed to :data:`QUOTE_BYTES` (or
    half the budget, if smaller), then list properties that do not fit are moved, item by item,
    into appends whose items take at most ``append_budget`` bytes each (default ``budget``)."""
    row = _fit_evidence(row, min(QUOTE_BYTES, budget // 2))
    append_budget = budget if append_budget is None else append_budget
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
            if _size(item) > append_budget:
                raise PushError(f"a value of {k!r} on {row.get('id') or row.get('s')} is "
                                f"{_size(item)} bytes, more than this server takes in a message")
            if chunk and _size([*chunk, item]) > append_budget:
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
    """The write statements of a push, with their parameters (``$push`` added by the caller):
    the nodes, label by label, then the relationships. Each statement's text and parameters
    fit in ``dialect.max_message`` bytes: batches (UNWIND rows) are as large as that allows, up
    to :data:`BATCH` rows."""

    def room(statement: str) -> int:
        return dialect.max_message - len(statement.encode("utf-8")) - MESSAGE_OVERHEAD

    longest_key = "x" * 32  # property keys are short ASCII identifiers
    for label, rows in node_rows(g).items():
        budget = room(node_statement(label))
        append = room(node_append_statement(label, longest_key))
        fitted = [_split_row(r, budget, append - _size(r["id"])) for r in rows]
        for batch in _batches([r for r, _ in fitted], budget):
            yield node_statement(label), {"rows": batch}
        for r, appends in fitted:
            for key, items in appends:
                yield node_append_statement(label, key), {"id": r["id"], "items": items}
    for (rtype, start, end), rows in edge_rows(g).items():
        budget = room(edge_statement(rtype, start, end))
        append = room(edge_append_statement(rtype, start, end, longest_key))
        fitted = [_split_row(r, budget, append - _size(r["s"]) - _size(r["t"])) for r in rows]
        for batch in _batches([r for r, _ in fitted], budget):
            yield edge_statement(rtype, start, end), {"rows": batch}
        for r, appends in fitted:
            for key, items in appends:
                yield (edge_append_statement(rtype, start, end, key),
                       {"s": r["s"], "t": r["t"], "items": items})


def _failpoint(stage: str) -> None:
    """Test hook: when $SHIENMAP_PUSH_PAUSE names this stage, say so on stderr and wait for a
    line on stdin (or a signal)."""
    if os.environ.get(FAILPOINT) == stage:
        sys.stderr.write(f"shienmap: paused at push stage {stage}\n")
        sys.stderr.flush()
        sys.stdin.readline()


class CypherStore:
    """A shienmap graph in a Bolt server (Neo4j 5, Aura, or FalkorDB for tests).

    ``database`` names a Neo4j database; one that does not exist, or any name on FalkorDB
    (whose Bolt server has no databases), raises :class:`TargetError` here, before anything
    is written. ``progress(stage)`` is told each stage of a push (see ``PUSH_STAGES``).
    """

    def __init__(self, uri: str, user: str, password: str, database: str | None = None,
                 dialect: Dialect | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        from neo4j import GraphDatabase

        self.driver = GraphDatabase.driver(uri, auth=(user, password))
        self.database = database
        self.progress = progress
        try:
            self.dialect = dialect or detect_dialect(self.driver, database)
            self._check_target()
        except BaseException:
            self.driver.close()
            raise

    def _check_target(self) -> None:
        from neo4j.exceptions import Neo4jError

        if self.database is None:
            try:
                self.run("RETURN 1 AS ok")
            except Neo4jError as exc:  # FalkorDB answers a wrong password this way
                raise TargetError(f"the server refuses every query ({exc.message}); check "
                                  "NEO4J_USER and NEO4J_PASSWORD") from exc
            return
        if self.dialect.name != "neo4j":
            raise TargetError(
                f"--database {self.database}: this server is FalkorDB, whose Bolt server has no "
                "databases (every database name lands in one graph called 'db', so the name "
                "would not keep graphs apart); leave out --database to use its default graph")
        try:
            self.run("RETURN 1 AS ok")
        except Neo4jError as exc:
            raise TargetError(f"--database {self.database}: the server refuses it "
                              f"({exc.code}: {exc.message}); SHOW DATABASES lists the "
                              "databases there") from exc

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

    @contextmanager
    def reading(self) -> Iterator[Callable[..., list[dict[str, Any]]]]:
        """A read session, as a function like :meth:`run`: on a cluster or Aura its queries
        go to a reader (a secondary or read replica), and each sees at least what the ones
        before it saw (the session's bookmarks). FalkorDB's Bolt server answers a read
        session's queries from an empty graph (measured), so there it is a default session."""
        from neo4j import READ_ACCESS, WRITE_ACCESS

        mode = READ_ACCESS if self.dialect.read_access else WRITE_ACCESS
        with self.driver.session(database=self.database, default_access_mode=mode) as s:
            def run(query: str, /, **params: Any) -> list[dict[str, Any]]:
                return s.run(query, self.dialect.encode(params)).data()

            yield run

    def create_schema(self, labels: list[str]) -> None:
        from neo4j.exceptions import Neo4jError

        for stmt in self.dialect.schema_statements(labels):
            try:
                self.run(stmt)
            except Neo4jError:
                if self.dialect.name == "neo4j":
                    raise
                # FalkorDB has no IF NOT EXISTS: an index that exists already is fine

    # ------------------------------------------------------------ generations
    def current_generation(self) -> str | None:
        """The generation readers see (the pointer), or None when nothing was pushed."""
        rows = self.run(CURRENT)
        return rows[0]["push"] if rows else None

    def generations(self) -> dict[str, int]:
        """Every shienmap generation in the store, with its number of nodes."""
        return {r["push"]: r["nodes"] for r in self.run(GENERATIONS)}

    def cleanup(self) -> CleanupReport:
        """Remove every generation but the current one (orphans of pushes that were killed
        or lost their server). Without a pointer nothing is removed: which generation is
        the graph cannot be known."""
        current = self.current_generation()
        if current is None:
            return CleanupReport(None, {})
        removed = {k: v for k, v in self.generations().items() if k != current}
        if removed:
            self.run(RETIRE, push=current)
        return CleanupReport(current, removed)

    def _stage(self, stage: str) -> None:
        if self.progress is not None:
            self.progress(stage)
        _failpoint(stage)

    # ------------------------------------------------------------ push
    def push(self, g: nx.MultiDiGraph) -> PushReport:
        """Write the whole graph as a new generation and switch readers to it (see the module
        docstring). Raises :class:`PushError` (or :class:`PushInterrupted` on Ctrl-C/SIGTERM),
        readers still on the previous graph."""

        push_id = uuid.uuid4().hex
        expected = (g.number_of_nodes(), g.number_of_edges())
        statements = list(push_statements(g, self.dialect))  # refuses values that cannot fit
        removed = 0
        state = {"switched": False}
        try:
            self._stage("connected")
            self.create_schema(sorted({d["label"] for _, d in g.nodes(data=True)}))
            if self.dialect.transactional:
                with self.driver.session(database=self.database) as s:
                    s.execute_write(self._write_all, statements, push_id, expected, state)
            else:
                removed = sum(self.cleanup().removed.values())
                self._stage("cleaned")
                with self.driver.session(database=self.database) as s:  # one for them all
                    self._write_all(None, statements, push_id, expected, state, s)
        except BaseException as exc:  # server errors, lost connections, Ctrl-C, SIGTERM
            raise self._failed(exc, push_id, state["switched"]) from exc
        self._stage("done")
        return PushReport(self.dialect.name, *expected, len(statements) + 4, push_id, removed)

    def _failed(self, exc: BaseException, push_id: str, switched: bool) -> BaseException:
        """The error to raise for a push that stopped: its partial generation removed (if
        the server still answers), and a message saying what readers see."""
        from neo4j.exceptions import Neo4jError

        if switched:
            seen = ("the new graph was already switched in and readers see it; older "
                    "generations are left for the next push or `shienmap neo4j cleanup`")
        elif self.dialect.transactional:
            seen = "the transaction was rolled back; the previous graph is unchanged"
        else:
            gone = self._abort(push_id)
            seen = ("the previous graph is unchanged and readers still see it" + (
                    "; its partial generation was removed" if gone else
                    "; its partial generation stays, invisible to readers, until the next "
                    "push or `shienmap neo4j cleanup`"))
        if isinstance(exc, KeyboardInterrupt):
            return PushInterrupted(f"push interrupted; {seen}")
        if isinstance(exc, PushError):
            return PushError(f"push failed: {exc}; {seen}")
        msg = exc.message if isinstance(exc, Neo4jError) else f"{type(exc).__name__}: {exc}"
        return PushError(f"push failed: {msg}; {seen}")

    def _write_all(self, tx: Any, statements: list[tuple[str, dict[str, Any]]], push_id: str,
                   expected: tuple[int, int], state: dict[str, bool],
                   session: Any = None) -> None:
        """Write, check, switch and retire: in the transaction ``tx`` (Neo4j), else statement
        by statement (each atomic) in ``session``."""
        def run(query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
            return (tx or session).run(query, self.dialect.encode(params)).data()

        first_edge = next((i for i, (q, _) in enumerate(statements) if "]->" in q),
                          len(statements))
        for i, (query, params) in enumerate(statements):
            if i == first_edge:
                self._stage("nodes-written")
            run(query, {**params, "push": push_id})
            if i == 0:
                self._stage("nodes-started")
            if i == first_edge:
                self._stage("relationships-started")
        self._stage("written")
        written = (run(COUNT_NODES, {"push": push_id})[0]["n"],
                   run(COUNT_RELATIONSHIPS, {"push": push_id})[0]["n"])
        if written != expected:
            raise PushError(f"wrote {written[0]} nodes and {written[1]} relationships, "
                            f"expected {expected[0]} and {expected[1]}")
        self._stage("checked")
        run(SWITCH, {"push": push_id, "nodes": expected[0], "relationships": expected[1],
                     "pushed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        state["switched"] = tx is None  # in a transaction nothing counts before the commit
        self._stage("switched")
        run(RETIRE, {"push": push_id})

    def _abort(self, push_id: str) -> bool:
        """Delete a partial generation; False if the server could not be asked."""
        try:
            self.run(ABORT, push=push_id)
            return True
        except Exception:  # the server may be gone: the next push or cleanup removes it
            return False

    def counts(self) -> dict[str, int]:
        """Numbers of nodes and relationships of the current generation (what readers see)."""
        current = self.current_generation()
        if current is None:
            return {"nodes": 0, "relationships": 0}
        n = self.run(COUNT_NODES, push=current)[0]["n"]
        r = self.run(COUNT_RELATIONSHIPS, push=current)[0]["n"]
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
    """The statements of a script that loads the graph into Neo4j: constraints, the nodes and
    relationships as a generation named after the graph's content (``export-…``: running the
    same script again rewrites the same values), then the pointer switched to it and older
    generations deleted, last — so readers see the earlier graph until the script is done."""
    labels = sorted({d["label"] for _, d in g.nodes(data=True)})
    out = NEO4J.schema_statements(labels)  # the push's constraints: a later push swaps it
    body: list[tuple[str, str]] = []  # (statement with $push, rows literal)
    for label, rows in node_rows(g).items():
        for i in range(0, len(rows), batch):
            body.append((node_statement(label), cypher_literal(rows[i:i + batch])))
    for (rtype, start, end), rows in edge_rows(g).items():
        for i in range(0, len(rows), batch):
            body.append((edge_statement(rtype, start, end), cypher_literal(rows[i:i + batch])))
    gen = cypher_literal(export_generation(g))
    out += [q.replace("$rows", rows).replace("$push", gen) for q, rows in body]
    out.append(f"MERGE (c:{META} {{id: 'current'}}) SET c.push = {gen}, "
               f"c.nodes = {g.number_of_nodes()}, c.relationships = {g.number_of_edges()}, "
               "c.pushed_at = null")
    out.append(RETIRE.replace("$push", gen))
    return out


def export_generation(g: nx.MultiDiGraph) -> str:
    """The generation an export writes, named after the graph's content (the same graph gives
    the same name, in the Cypher script and in the CSV files)."""
    body = [cypher_literal(rows) for rows in node_rows(g).values()]
    body += [cypher_literal(rows) for rows in edge_rows(g).values()]
    digest = hashlib.sha256("\n".join(body).encode("utf-8")).hexdigest()[:16]
    return f"{EXPORT_GENERATION}-{digest}"


def export_cypher(g: nx.MultiDiGraph, path: Path | str) -> Path:
    """Write a script for ``cypher-shell -f FILE`` or Neo4j Browser (statements end with ;)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    header = ("// shienmap graph export: run with `cypher-shell -f FILE` or paste into Neo4j "
              "Browser.\n// Labels and relationship types are Japanese, always backtick-quoted."
              "\n// It writes the graph as a generation named after its content, then points "
              "the\n// current-generation pointer (:`_shienmap` {id: 'current'}) at it and "
              "deletes older\n// generations: readers (queries/cypher/*.cypher) see the "
              "earlier graph until the end.\n// A later `shienmap neo4j push` replaces it.\n")
    p.write_text(header + "".join(s + ";\n" for s in export_statements(g)), encoding="utf-8")
    return p


def export_csv(g: nx.MultiDiGraph, folder: Path | str) -> list[Path]:
    """CSV files for ``neo4j-admin database import full`` (one per label and per type, and
    one for the current-generation pointer): every node and relationship carries ``_push``,
    the export's generation, so the shipped queries read the imported graph as they read a
    pushed one. Header fields follow the tool's format (``name:type``, ``:ID``, ``:LABEL``,
    ``:START_ID``, ``:END_ID``, ``:TYPE``; arrays ``type[]`` joined by ``;``)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    gen = export_generation(g)

    def header_of(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
        keys: dict[str, str] = {}
        for r in rows:
            for k, v in r["props"].items():
                if v is None or v == [] or (k in keys and keys[k] != "string[]"):
                    continue  # an empty list says nothing of its items' type
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
                if keys.get(k) in (None, "string[]"):
                    keys[k] = kind
        for r in rows:  # keys only ever empty
            for k in r["props"]:
                keys.setdefault(k, "string[]")
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
            w.writerow(["id:ID", *(f"{k}:{t}" for k, t in cols), "_push:string", ":LABEL"])
            for r in rows:
                w.writerow([r["id"], *(cell(r["props"].get(k)) for k, _ in cols), gen, label])
        written.append(p)
    p = out / "nodes_pointer.csv"  # (:`_shienmap` {id: 'current', push}) names the generation
    with p.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id:ID", "push:string", "nodes:long", "relationships:long", ":LABEL"])
        w.writerow(["current", gen, g.number_of_nodes(), g.number_of_edges(), META_LABEL])
    written.append(p)
    for i, ((rtype, _, _), rows) in enumerate(edge_rows(g).items()):
        cols = header_of(rows)
        p = out / f"relationships_{i}_{rtype}.csv"
        with p.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow([":START_ID", ":END_ID", ":TYPE", *(f"{k}:{t}" for k, t in cols),
                        "_push:string"])
            for r in rows:
                w.writerow([r["s"], r["t"], rtype, *(cell(r["props"].get(k)) for k, _ in cols),
                            gen])
        written.append(p)
    return written
