"""What people read from the command line: Japanese first, English with --lang en, tables
that fit 100 columns, documents by title; --json unchanged; the gaps command."""

from __future__ import annotations

import csv
import json

import pytest

from shienmap.cli import main
from shienmap.graph.store import write_graph
from shienmap.present.table import display_width

ROUTE = ["route", "--region", "栃木県", "--topic", "事業承継", "--holder", "信用金庫"]


@pytest.fixture(scope="module")
def graph_file(corpus_graph, tmp_path_factory):
    return write_graph(corpus_graph[0], tmp_path_factory.mktemp("cli") / "graph.json")


@pytest.fixture
def run(graph_file, capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("SHIENMAP_LANG", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--graph", str(graph_file)])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def _widest(text: str) -> int:
    return max(display_width(line) for line in text.splitlines())


@pytest.mark.parametrize("args", [ROUTE, ["hubs"], ["hubs", "--level", "機関種別"], ["gaps"],
                                  ["gaps", "--by", "prefecture"],
                                  ["gaps", "--kinds", "保証協会", "活性化協議会"],
                                  ["route", "--region", "北海道", "--topic", "経営課題が不明確"]])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_default_tables_fit_100_columns(run, args, lang):
    code, out, _ = run(*args, "--lang", lang)
    assert code == 0 and out.strip()
    assert _widest(out) <= 100


def test_tables_follow_the_terminal_width(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    code, out, _ = run(*ROUTE)
    assert code == 0 and _widest(out) <= 72


def test_route_reads_like_a_colleague_in_japanese(run, corpus_graph):
    code, out, _ = run(*ROUTE)
    assert code == 0
    assert "事案: 栃木県" in out and "次の担当" in out and "理由と経路" in out
    assert "栃木県の事例に基づく: 信用金庫 →" in out
    assert "地域金融機関 → 金融機関" not in out  # kind hops collapsed
    # evidence by document title, publisher and year, and file name
    assert "過剰債務企業・事業承継の連携支援体制と地域事例 (関東経済産業局, 2023)" in out
    assert "[000_55274fec655c80b9.txt]" in out


def test_english_with_lang_en(run):
    code, out, _ = run(*ROUTE, "--lang", "en")
    assert code == 0 and "Case: 栃木県" in out and "next handler" in out
    assert "based on practice in 栃木県" in out and "次の担当" not in out
    code, out, _ = run("hubs", "--lang", "en")
    assert "Hub score, degree, betweenness and PageRank measure" in out
    code, out, _ = run("gaps", "--lang", "en")
    assert "pair of kinds" in out and "prefectures with a record" in out


def test_json_stays_english_and_unchanged(run):
    code, out, _ = run(*ROUTE, "--json")
    answers = json.loads(out)
    assert code == 0 and set(answers[0]) >= {"id", "name", "label", "type", "region", "score",
                                             "path", "evidence"}  # the contract's keys
    assert set(answers[0]) - {"instance"} <= {"id", "name", "label", "type", "region", "score",
                                              "path", "evidence", "basis", "topics",
                                              "references", "reason", "next"}
    code, out, _ = run("hubs", "--json", "--top", "3")
    assert {"id", "name", "degree", "betweenness", "pagerank", "hub_score"} <= set(
        json.loads(out)[0])


def test_hubs_say_what_centrality_means_and_show_coverage(run):
    code, out, _ = run("hubs", "--top", "5")
    assert code == 0
    assert "文書の偏り" in out and "/ 004 95%" in out  # 関東経済産業局: one document
    assert "文書に書かれた関係の数と位置を測る指標" in out
    assert "1位の関東経済産業局の関係の95%は1文書（地域金融機関との連携プログラム2023" in out


def test_gaps_json_on_the_corpus(run):
    code, out, _ = run("gaps", "--json")
    cells = json.loads(out)
    assert code == 0 and len(cells) % 47 == 0
    assert set(cells[0]) >= {"prefecture", "code", "relation", "kind_a", "kind_b", "directed",
                             "expected", "documented", "latest", "documents", "links"}

    def cell(pref, a, b):
        return next(c for c in cells if c["prefecture"] == pref and c["kind_a"] == a and
                    c["kind_b"] == b and c["relation"] == "紹介")

    shizuoka = cell("静岡県", "信用保証協会", "中小企業活性化協議会")
    assert shizuoka["documented"] and shizuoka["latest"] == "2025"
    assert any(ev["doc"] == "001_eb38d82ed57d49b5.txt"
               for link in shizuoka["links"] for ev in link["evidence"])
    assert not cell("北海道", "商工団体", "下請かけこみ寺")["documented"]


def test_gaps_csv_opens_in_excel(run, tmp_path):
    path = tmp_path / "gaps.csv"
    code, _, _ = run("gaps", "--kinds", "信用保証協会", "中小企業活性化協議会", "--csv", str(path))
    raw = path.read_bytes()
    assert code == 0 and raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    shizuoka = next(r for r in rows if r["都道府県"] == "静岡県" and r["関係"] == "紹介"
                    and r["機関種別A"] == "信用保証協会")
    assert shizuoka["記録あり"] == "1" and "中小企業の再生に向けた中小企業庁の取り組み" in (
        shizuoka["根拠"])
    assert "静岡県信用保証協会 → 静岡県中小企業活性化協議会" in shizuoka["記録された関係"]
    assert any(r["記録あり"] == "0" for r in rows)


def test_gaps_heat_map(run, tmp_path):
    path = tmp_path / "gaps.png"
    code, _, err = run("gaps", "--plot", str(path))
    assert code == 0, err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def test_gaps_table_for_one_pair_lists_every_prefecture(run):
    code, out, _ = run("gaps", "--kinds", "保証協会", "活性化協議会", "--relation", "紹介")
    assert code == 0
    for pref in ("北海道", "静岡県", "沖縄県"):
        assert pref in out
    assert "あり" in out and "なし" in out


def test_gaps_bad_kind_is_an_error(run):
    code, _, err = run("gaps", "--kinds", "存在しない", "信用保証協会")
    assert code == 1 and "unknown institution kind" in err


def test_build_names_documents_by_title(corpus_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: titles on one line
    assert main(["build", str(corpus_dir), "--out", str(tmp_path / "g.json"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "地域金融機関との連携プログラム2023 (関東経済産業局, 2023)" in out
    assert "に書き出した" in out and "文書" in out
