"""Exact hub scores are computed once per graph file and served from the cache beside it:
the same answers as computed ones, never another graph's, and a damaged or old cache is
reported and recomputed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shienmap.cli import main
from shienmap.graph.store import read_graph, write_graph
from shienmap.queries.hub_cache import CACHE_FORMAT, HubCache, cached_hubs, graph_digest
from shienmap.queries.hubs import HubError, hubs


@pytest.fixture
def graph_file(corpus_graph, tmp_path):
    return write_graph(corpus_graph[0], tmp_path / "graph.json")


def _no_graph():
    raise AssertionError("the graph was read although the cache holds the answer")


def _cache_files(graph_file: Path) -> list[Path]:
    return sorted((graph_file.parent / "cache").glob("hubs-*.json"))


def test_served_from_the_cache_with_the_computed_answer(graph_file, corpus_graph):
    messages: list[tuple[str, dict]] = []
    cache = HubCache(graph_file, on_message=lambda key, values: messages.append((key, values)))
    first = cached_hubs(cache, lambda: read_graph(graph_file), level="機関", region="栃木")
    assert not first.cached and first.rows[0].name == "栃木県信用保証協会"
    [path] = _cache_files(graph_file)
    assert path.name.startswith(f"hubs-{graph_digest(graph_file)[:16]}-")
    second = cached_hubs(HubCache(graph_file), _no_graph, level="機関", region="栃木県")
    assert second.cached and second.rows == first.rows  # every field, full precision
    assert second.rows == hubs(read_graph(graph_file), region="栃木県")
    assert second.coverage == first.coverage and second.coverage
    assert messages == []  # a fast computation is not announced


def test_command_output_is_the_same_from_the_cache(graph_file, capsys):
    for args in (["--json", "--top", "50"], ["--top", "5"],
                 ["--lang", "en", "--level", "機関種別"]):
        assert main(["hubs", "--graph", str(graph_file), *args]) == 0
        computed = capsys.readouterr()
        assert main(["hubs", "--graph", str(graph_file), *args]) == 0
        served = capsys.readouterr()
        assert served.out == computed.out and served.err == computed.err == ""
    assert main(["hubs", "--graph", str(graph_file), "--top", "3"]) == 0  # from the cache
    assert "1位の関東経済産業局の関係の95%は1文書（地域金融機関との連携プログラム2023" in (
        capsys.readouterr().out)  # the footer names the document by title
    assert len(_cache_files(graph_file)) == 2  # one per combination of options


def test_options_are_checked_before_the_cache(graph_file):
    with pytest.raises(HubError, match="unknown region"):
        cached_hubs(HubCache(graph_file), _no_graph, region="アトランティス")


def test_another_graph_file_is_never_answered_from_this_cache(graph_file, corpus_graph):
    old = cached_hubs(HubCache(graph_file), lambda: read_graph(graph_file))
    g = corpus_graph[0].copy()
    u, v = "機関:栃木県信用保証協会", "機関:関東経済産業局"
    g.add_edge(u, v, key="紹介", type="紹介", topics=[], evidence=[
        {"doc": "x.txt", "start": 0, "end": 3, "quote": "abc"}])
    write_graph(g, graph_file)  # same path, other content
    result = cached_hubs(HubCache(graph_file), lambda: read_graph(graph_file))
    assert not result.cached and result.rows == hubs(read_graph(graph_file))
    degree = {r.id: r.degree for r in result.rows}
    assert degree[u] == {r.id: r.degree for r in old.rows}[u] + 1
    assert len(_cache_files(graph_file)) == 2


BAD_CACHES = {
    "garbage": (b"\xff\x00 not json", "hubs.cache.not_json"),
    "truncated": (b'{"format": 1, "rows": [', "hubs.cache.not_json"),
    "a list": (b"[]", "hubs.cache.damaged"),
    "old format": (None, "hubs.cache.format"),
    "other graph": (None, "hubs.cache.other"),
    "other reference data": (None, "hubs.cache.reference"),
    "row without a field": (None, "hubs.cache.damaged"),
}


@pytest.mark.parametrize("what", list(BAD_CACHES))
def test_damaged_or_old_cache_is_reported_and_recomputed(graph_file, what):
    expected = cached_hubs(HubCache(graph_file), lambda: read_graph(graph_file)).rows
    [path] = _cache_files(graph_file)
    content, key = BAD_CACHES[what]
    if content is None:
        data = json.loads(path.read_text(encoding="utf-8"))
        if what == "old format":
            data["format"] = CACHE_FORMAT - 1
        elif what == "other graph":
            data["graph_sha256"] = "0" * 64
        elif what == "other reference data":
            data["reference_sha256"] = "0" * 64
        else:
            del data["rows"][3]["betweenness"]
        content = json.dumps(data).encode()
    path.write_bytes(content)
    messages: list[tuple[str, dict]] = []
    cache = HubCache(graph_file, on_message=lambda k, values: messages.append((k, values)))
    result = cached_hubs(cache, lambda: read_graph(graph_file))
    assert not result.cached and result.rows == expected
    assert [k for k, _ in messages] == [key] and messages[0][1]["path"] == str(path)
    again = cached_hubs(HubCache(graph_file), _no_graph)  # rewritten, usable again
    assert again.cached and again.rows == expected


def test_damaged_cache_message_on_the_command_line(graph_file, capsys):
    assert main(["hubs", "--graph", str(graph_file), "--json"]) == 0
    expected = capsys.readouterr().out
    [path] = _cache_files(graph_file)
    path.write_text("{", encoding="utf-8")
    assert main(["hubs", "--graph", str(graph_file), "--json"]) == 0
    out, err = capsys.readouterr()
    assert out == expected
    assert str(path) in err and "壊れている" in err and "計算し直す" in err


def test_unwritable_cache_folder_is_reported_and_the_answer_still_given(graph_file, capsys):
    (graph_file.parent / "cache").write_text("a file where the folder would be",
                                             encoding="utf-8")
    assert main(["hubs", "--graph", str(graph_file), "--top", "3", "--json",
                 "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 3
    assert "cannot save the hubs cache" in err and str(graph_file.parent / "cache") in err


def test_sampled_runs_are_not_cached(graph_file, capsys):
    assert main(["hubs", "--graph", str(graph_file), "--k", "20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert _cache_files(graph_file) == []
