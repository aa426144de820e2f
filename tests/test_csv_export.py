"""`cypher export --csv`: files that `neo4j-admin database import full` accepts.

The header rules checked here are those of the Neo4j Operations Manual, "Import" (CSV header
format): each field is ``name:type`` or ``name`` (a string); node files have exactly one
``:ID`` field (optionally named, ``id:ID``) and may have ``:LABEL``; relationship files have
``:START_ID``, ``:END_ID`` and ``:TYPE``; types are int, long, float, double, boolean, byte,
short, char, string, point, date, localtime, time, localdatetime, datetime, duration, each
optionally an array (``[]``, items joined by the array delimiter, ``;`` by default); a
property name appears once per file. The values must parse as their declared type, IDs are
unique across node files (one ID space), and every relationship's ends are imported nodes.
"""

from __future__ import annotations

import csv
import re

from shienmap.graph.cypher import META_LABEL, export_csv

TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string",
         "point", "date", "localtime", "time", "localdatetime", "datetime", "duration"}
SPECIAL_NODE = {"ID", "LABEL", "IGNORE"}
SPECIAL_REL = {"START_ID", "END_ID", "TYPE", "IGNORE"}
FIELD = re.compile(r"^(?P<name>[^:]*)"
                   r"(?::(?P<type>[A-Za-z_]+)(?P<array>\[\])?(?:\((?P<group>[^)]*)\))?)?$")


def _parse_header(header: list[str], special: set[str]) -> list[tuple[str, str, bool]]:
    """(name, type or special, is array) of each field; raises AssertionError on a rule."""
    out: list[tuple[str, str, bool]] = []
    names: set[str] = set()
    for field in header:
        m = FIELD.match(field)
        assert m, f"not a header field: {field!r}"
        name, kind, array = m["name"], m["type"] or "string", bool(m["array"])
        if kind in special:
            assert not array, field
        else:
            assert kind.lower() in TYPES, f"unknown type in {field!r}"
            assert name, f"a property needs a name: {field!r}"
            assert name not in names, f"property {name!r} twice"
            names.add(name)
        out.append((name, kind, array))
    return out


def _parses(value: str, kind: str) -> bool:
    if value == "":
        return True  # no property
    if kind in ("int", "long", "short", "byte"):
        return re.fullmatch(r"-?\d+", value) is not None
    if kind in ("float", "double"):
        return re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value) is not None
    if kind == "boolean":
        return value in ("true", "false")
    return True


def test_csv_files_follow_the_import_header_rules(corpus_graph, tmp_path):
    g = corpus_graph[0]
    files = export_csv(g, tmp_path)
    ids: set[str] = set()
    ends: list[tuple[str, str]] = []
    labels: set[str] = set()
    nodes = rels = 0
    for f in files:
        with f.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        is_node = f.name.startswith("nodes_")
        fields = _parse_header(rows[0], SPECIAL_NODE if is_node else SPECIAL_REL)
        kinds = [k for _, k, _ in fields]
        if is_node:
            assert kinds.count("ID") == 1 and kinds.count("LABEL") <= 1, f.name
        else:
            assert all(kinds.count(k) == 1 for k in ("START_ID", "END_ID", "TYPE")), f.name
        for row in rows[1:]:
            assert len(row) == len(fields), f.name
            for value, (name, kind, array) in zip(row, fields, strict=True):
                items = value.split(";") if array and value else [value]
                assert all(_parses(x, kind) for x in items), (f.name, name, value)
            record = dict(zip(kinds, row, strict=False))
            if is_node:
                assert record["ID"] not in ids, f"duplicate id {record['ID']}"
                ids.add(record["ID"])
                labels.add(record["LABEL"])
                nodes += 1
            else:
                ends.append((record["START_ID"], record["END_ID"]))
                rels += 1
    assert all(s in ids and t in ids for s, t in ends)
    assert META_LABEL in labels  # the pointer node the shipped queries read through
    assert (nodes, rels) == (g.number_of_nodes() + 1, g.number_of_edges())


def test_every_row_names_the_pointers_generation(corpus_graph, tmp_path):
    files = export_csv(corpus_graph[0], tmp_path)
    pointer = next(f for f in files if f.name == "nodes_pointer.csv")
    with pointer.open(encoding="utf-8", newline="") as fh:
        [head, row] = list(csv.reader(fh))
    generation = dict(zip(head, row, strict=True))["push:string"]
    for f in files:
        if f == pointer:
            continue
        with f.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert {r["_push:string"] for r in reader} == {generation}, f.name


def test_the_checker_catches_a_broken_header():
    import pytest

    for bad in (["id:ID", "name:strng"], ["id:ID", "name", "name:int"], ["id:ID", ":int"]):
        with pytest.raises(AssertionError):
            _parse_header(bad, SPECIAL_NODE)
