"""The embedded store (graph/sqlite_store.py) and routing from it (queries/sqlite_backend.py):
real files, real SQLite; answers compared with routing on the whole graph."""

from __future__ import annotations

import json
import os
import sqlite3
import tomllib
from pathlib import Path

import pytest

from conftest import ANNOTATIONS
from national import small_national
from shienmap.cli import main
from shienmap.graph.sqlite_store import GraphStore, open_store, store_path
from shienmap.graph.store import read_graph, to_node_link, write_graph
from shienmap.queries.case import CaseError, make_case
from shienmap.queries.routing import route
from shienmap.queries.sqlite_backend import StoreBackend, route_with_store

SCALE, SEED = 0.05, 11


def _bench_cases():
    import importlib.util
    import sys

    name = "shienmap_bench_route_national"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_route_national.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name].random_cases


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """A generated national-shape graph, its file and its store."""
    g = small_national(SCALE, SEED)
    path = write_graph(g, tmp_path_factory.mktemp("national") / "graph.json")
    messages: list[str] = []
    store = open_store(path, on_message=messages.append)
    assert any("building the store" in m for m in messages)
    g = read_graph(path)
    yield g, path, store
    store.close()


def _same(g, sub, case) -> int:
    """Routing on the store's part of the graph answers as routing on the whole graph.

    The whole graph keeps its routing index (and its per-region cache of where receivers
    land) from case to case while each part is fresh, so this also checks that an answer does
    not depend on the cases routed before it (it once did: two look-ups shared a cache key)."""
    full, part = route(g, case), route(sub, case)
    assert [a.as_dict() for a in part.answers] == [a.as_dict() for a in full.answers], case
    assert part.reason == full.reason
    assert {t: [a.as_dict() for a in answers] for t, answers in part.by_topic.items()} == {
        t: [a.as_dict() for a in answers] for t, answers in full.by_topic.items()}
    for a, b in zip(part.answers, full.answers, strict=True):
        assert (a.specialist, a.wished, a.instance, a.evidence) == (
            b.specialist, b.wished, b.instance, b.evidence)
    return sum(a.basis == "partner" for a in full.answers)  # the holder's own agreements


def test_round_trip(national):
    g, _, store = national
    back = store.read_graph()
    assert to_node_link(back) == to_node_link(g)
    assert back.graph == g.graph


def test_parity_random_cases(national):
    g, _, store = national
    backend = StoreBackend(store)
    cases = _bench_cases()(g, 120, 5)
    assert sum(1 for c in cases if c[2] is None) >= 10
    for words in cases:
        case = make_case(g, *words)
        assert backend.make_case(*words) == case
        _same(g, backend.subgraph(case), case)


def test_parity_several_topics_and_municipality(national):
    g, _, store = national
    backend = StoreBackend(store)
    holders = [d["name"] for _, d in g.nodes(data=True)
               if d.get("label") == "機関" and d.get("region") == "地域:群馬県"][:5]
    for words in [("群馬県", ["事業承継", "資金繰り"], holders[0]),
                  ("高崎市", ["創業"], "商工会議所"), ("高崎市", ["創業", "販路開拓"], None),
                  ("群馬県", ["難しい案件", "事業再生"], "信用金庫"),
                  ("群馬県", ["事業再生"], holders[-1]), ("前橋市", ["知的財産"], holders[1]),
                  ("群馬県", ["難しい案件"], holders[2]), ("長野県", ["難しい案件"], None),
                  ("長野県", ["事業承継"], "税理士"), ("長野県", ["創業"], "商工団体")]:
        case = make_case(g, *words)
        assert backend.make_case(*words) == case
        _same(g, backend.subgraph(case), case)


def _corpus_cases() -> list[dict]:
    cases = []
    for f in (ANNOTATIONS / "routing_cases.toml", ANNOTATIONS / "heldout" / "routing_cases.toml"):
        cases += tomllib.loads(f.read_text(encoding="utf-8"))["case"]
    return cases


def test_parity_corpus_routing_cases(corpus_graph, tmp_path):
    g, _ = corpus_graph
    path = write_graph(g, tmp_path / "graph.json")
    g = read_graph(path)
    with_store = StoreBackend(open_store(path, on_message=lambda m: None))
    cases = _corpus_cases()
    assert len(cases) >= 100
    refused = partners = 0
    for c in cases:
        words = (c["region"], c["topics"], c.get("holder"))
        try:
            case = make_case(g, *words)
        except CaseError as exc:  # the store refuses it alike
            with pytest.raises(CaseError) as again:
                with_store.make_case(*words)
            assert str(again.value) == str(exc)
            refused += 1
            continue
        assert with_store.make_case(*words) == case
        partners += _same(g, with_store.subgraph(case), case)
    assert refused < len(cases) // 10
    assert partners  # answers resting on the holder's own agreements came from the store too


def test_stale_store_rebuilt(tmp_path):
    g = small_national(0.02, 13)
    path = write_graph(g, tmp_path / "graph.json")
    said: list[str] = []
    open_store(path, on_message=said.append).close()
    built = store_path(path).stat().st_mtime_ns
    os.utime(path)  # same bytes, new mtime: hashed, kept
    said.clear()
    store = open_store(path, on_message=said.append)
    assert said == [] and store_path(path).stat().st_mtime_ns == built
    store.close()
    changed = g.copy()
    changed.add_node("機関:テスト追加機関", label="機関", name="テスト追加機関", type="信用金庫",
                     region="地域:群馬県", aliases=[])
    write_graph(changed, path)
    store = open_store(path, on_message=said.append)
    assert any("out of date" in m for m in said), said
    assert store.has_node("機関:テスト追加機関")
    assert store.institution_named("テスト追加機関") == "機関:テスト追加機関"
    store.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "old_format", "empty", "foreign"])
def test_damaged_store_reported_and_rebuilt(tmp_path, damage):
    g = small_national(0.02, 13)
    path = write_graph(g, tmp_path / "graph.json")
    open_store(path, on_message=lambda m: None).close()
    sp = store_path(path)
    if damage == "garbage":
        sp.write_bytes(b"not a database at all\n" * 100)
    elif damage == "truncated":
        sp.write_bytes(sp.read_bytes()[:8192])
    elif damage == "empty":
        sp.write_bytes(b"")
    elif damage == "foreign":  # another program's SQLite database
        sp.unlink()
        with sqlite3.connect(sp) as db:
            db.execute("CREATE TABLE t(x)")
        db.close()
    else:
        with sqlite3.connect(sp) as db:
            db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
        db.close()
    said: list[str] = []
    store = open_store(path, on_message=said.append)
    assert any("damaged" in m or "out of date" in m for m in said), said
    assert any("store built" in m for m in said)
    assert isinstance(store, GraphStore) and store.has_node("地域:群馬県")
    store.close()


def test_cli_route_from_store_equals_json(national, capsys):
    g, path, _ = national
    holder = next(d["name"] for _, d in g.nodes(data=True)
                  if d.get("label") == "機関" and d.get("region") == "地域:長野県")
    outs = []
    for store in ("never", "always"):
        args = ["route", "--graph", str(path), "--region", "長野県", "--topic", "事業承継",
                "--holder", holder, "--json", "--store", store]
        assert main(args) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] and json.loads(outs[0])
    texts = []
    for store in ("never", "always"):
        assert main(["route", "--graph", str(path), "--region", "長野県", "--topic", "創業",
                     "--store", store]) == 0
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[1]


def test_cli_unknown_holder_from_store(national, capsys):
    _, path, _ = national
    args = ["route", "--graph", str(path), "--region", "長野県", "--topic", "事業承継",
            "--holder", "存在しない謎の機関", "--json"]
    codes = [main([*args, "--store", s]) for s in ("never", "always")]
    errors = capsys.readouterr().err.splitlines()
    assert codes[0] == codes[1] != 0
    assert errors[0] == errors[-1] and "存在しない謎の機関" in errors[0]


def test_route_with_store_retries_damaged_file(tmp_path):
    g = small_national(0.02, 13)
    path = write_graph(g, tmp_path / "graph.json")
    open_store(path, on_message=lambda m: None).close()
    with sqlite3.connect(store_path(path)) as db:  # readable meta, unreadable rows
        db.execute("UPDATE edges SET attrs = 'not json' WHERE key = '種別'")
    db.close()
    said: list[str] = []
    case, result, _ = route_with_store(path, "群馬県", ["事業承継"], "信用金庫",
                                       on_message=said.append)
    assert any("damaged" in m for m in said) and result.answers
    assert case.holder is not None
