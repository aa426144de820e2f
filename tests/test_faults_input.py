"""Bad input at every edge: bad files beside a good one (each reported by name, the good one
still in the graph), every encoding, odd file names, pathological texts (bounded sentences and
lines, so that every later stage stays linear), bad arguments (a range and a message, never a
traceback), bad graph files (one line saying what was expected), a closed pipe, passwords.
Regression tests named after what broke in issue 11."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OWN_DOCS
from shienmap.cli import main
from shienmap.graph.store import read_graph, write_graph
from shienmap.loaders.normalise import MAX_LINE, normalise_text
from shienmap.loaders.read import DocumentError, decode_text, read_document
from shienmap.loaders.segment import MAX_SENTENCE, segment

GOOD = "群馬県よろず支援拠点は、知的財産の相談を群馬県知財総合支援窓口に取り次ぐ。\n"
GOOD_EDGE = ("機関:群馬県よろず支援拠点", "機関:群馬県知財総合支援窓口", "紹介")


def build(tmp_path: Path, capsys, *inputs: Path | str) -> tuple[int, str, dict | None]:
    """Run `shienmap build --json`; (exit status, stderr, JSON summary or None)."""
    out = tmp_path / "out" / "graph.json"
    code = main(["build", *map(str, inputs), "--out", str(out), "--quiet", "--json"])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    return code, cap.err, json.loads(cap.out) if cap.out.strip() else None


def good_doc_loaded(tmp_path: Path) -> bool:
    g = read_graph(tmp_path / "out" / "graph.json")
    return g.has_edge(*GOOD_EDGE) and any(
        e["doc"] == "good.txt" for e in g.edges[GOOD_EDGE]["evidence"])


# ---------------------------------------------------------------- bad files


def _pdf(path: Path, text: str | None, **encrypt) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    enc = pdfencrypt.StandardEncryption(**encrypt) if encrypt else None
    c = canvas.Canvas(str(path), invariant=1, encrypt=enc)
    if text is None:
        c.rect(100, 100, 200, 200)  # an image-only page: no text layer
    else:
        c.setFont("HeiseiKakuGo-W5", 11)
        c.drawString(72, 700, text)
    c.save()


def _pypdf_encrypted(path: Path, algorithm: str, user: str = "") -> None:
    from pypdf import PdfReader, PdfWriter

    plain = path.with_suffix(".plain")
    _pdf(plain, GOOD.strip())
    w = PdfWriter(clone_from=PdfReader(plain))
    w.encrypt(user_password=user, owner_password="owner", algorithm=algorithm,
              permissions_flag=0xFFFFF0C0)  # printing and copying forbidden
    w.write(path)
    plain.unlink()


BAD_FILES = [  # (name, bytes or a writer, what the report must say)
    ("empty.txt", b"", "empty file"),
    ("blank.md", b" \n\t\n", "empty file"),
    ("nul.txt", bytes(range(256)) * 8, "binary"),
    ("png.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
    ("latin1.txt", "Pâté à la café, élève\n".encode("latin-1") * 30, "undecodable"),
    ("garbage.txt", bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 50, "undecodable"),
    ("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08 " * 50, "control characters"),
    ("cid.txt", ("(cid:1800)(cid:3333)(cid:1885) " * 40).encode(), "(cid:"),
    ("replacement.txt", ("\ufffd" * 30 + "の" + "\ufffd" * 30 + "\n").encode() * 5,
     "replacement characters"),
    ("bad-bom.txt", b"\xff\xfe\x00\xd8\x00\xd8", "byte-order mark"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "PDF"),
    ("fake.pdf", b"hello, not a pdf at all", "not a PDF"),
    ("image-only.pdf", lambda p: _pdf(p, None), "no text layer"),
    ("user-password.pdf", lambda p: _pdf(p, GOOD.strip(), userPassword="secret",
                                         ownerPassword="owner"), "needs a password"),
    ("user-password-aes.pdf", lambda p: _pypdf_encrypted(p, "AES-256", user="secret"),
     "needs a password"),
    ("script-only.html", b"<html><script>var a = 1;</script></html>", "no visible text"),
    ("header-only.txt", "title: 表題だけ\nsource: https://example.jp/x\n".encode(), "metadata"),
    ("metadata-only.html", b"<html><head><title>t</title></head><body> </body></html>",
     "no visible text"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_reported_and_the_good_one_loads(tmp_path, capsys, name, content, reason):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD, encoding="utf-8")
    bad = docs / name
    if callable(content):
        content(bad)
    else:
        bad.write_bytes(content)
    code, err, summary = build(tmp_path, capsys, docs)
    assert code == 0
    [skipped] = summary["skipped"]
    assert skipped["path"].endswith(name) and reason in skipped["reason"]
    assert f"skipped {bad}: " in err
    assert good_doc_loaded(tmp_path)


def _owner_only(algorithm: str):
    return lambda p: _pypdf_encrypted(p, algorithm)


READABLE = [  # (name, bytes or writer, expected encoding): read, not refused
    ("utf8.txt", GOOD.encode("utf-8"), "utf-8"),
    ("utf8-bom.txt", GOOD.encode("utf-8-sig"), "utf-8-sig"),
    ("utf16-bom-le.txt", b"\xff\xfe" + GOOD.encode("utf-16-le"), "utf-16"),
    ("utf16-bom-be.txt", b"\xfe\xff" + GOOD.encode("utf-16-be"), "utf-16"),
    ("utf16-le.txt", GOOD.encode("utf-16-le"), "utf-16-le"),
    ("utf16-be.txt", GOOD.encode("utf-16-be"), "utf-16-be"),
    ("utf16-le-no-ascii.txt", GOOD.strip().encode("utf-16-le"), "utf-16-le"),
    ("utf32-bom.txt", GOOD.encode("utf-32"), "utf-32"),
    ("utf32-le.txt", GOOD.encode("utf-32-le"), "utf-32-le"),
    ("utf32-be.txt", GOOD.encode("utf-32-be"), "utf-32-be"),
    ("cp932.txt", GOOD.encode("cp932"), "cp932"),
    ("cp932-nec.txt", ("①" + GOOD).encode("cp932"), "cp932"),
    ("cp932-ibm.txt", ("髙" + GOOD).encode("cp932"), "cp932"),
    ("eucjp.txt", GOOD.encode("euc_jp"), "euc_jp"),
    ("eucjp-nec.txt", ("①②№" + GOOD).encode("euc_jis_2004"), "euc_jis_2004"),
    ("iso2022jp.txt", GOOD.encode("iso2022_jp"), "iso2022_jp"),
    ("iso2022jp-nec.txt", b"\x1b$B-!\x1b(B" + GOOD.encode("iso2022_jp"), "iso2022_jp (NEC)"),
    ("crlf.txt", GOOD.replace("\n", "\r\n").encode(), "utf-8"),
    ("cr.txt", GOOD.replace("\n", "\r").encode(), "utf-8"),
    ("no-final-newline.txt", GOOD.strip().encode(), "utf-8"),
    ("owner-password-rc4.pdf", lambda p: _pdf(p, GOOD.strip(), userPassword="",
                                              ownerPassword="owner", canPrint=0, canCopy=0),
     "pdf"),
    ("owner-password-rc4-128.pdf", lambda p: _pdf(p, GOOD.strip(), userPassword="",
                                                  ownerPassword="owner", canCopy=0,
                                                  strength=128), "pdf"),
    ("owner-password-aes128.pdf", _owner_only("AES-128"), "pdf"),
    ("owner-password-aes256.pdf", _owner_only("AES-256"), "pdf"),
    ("cp932.html", f"<html><body><p>{GOOD}</p></body></html>".encode("cp932"), "cp932"),
    ("utf16.html", f"<html><body><p>{GOOD}</p></body></html>".encode("utf-16"), "utf-16"),
]


@pytest.mark.parametrize(("name", "content", "encoding"), READABLE, ids=[r[0] for r in READABLE])
def test_every_encoding_is_read(tmp_path, capsys, name, content, encoding):
    doc = tmp_path / name
    if callable(content):
        content(doc)
    else:
        doc.write_bytes(content)
    raw = read_document(doc)
    assert raw.encoding == encoding
    assert "群馬県知財総合支援窓口" in raw.text
    code, err, summary = build(tmp_path, capsys, doc)
    assert code == 0 and summary["skipped"] == [], err
    g = read_graph(tmp_path / "out" / "graph.json")
    assert g.has_edge(*GOOD_EDGE)


FILE_NAMES = [  # (name as bytes, how the report and the evidence show it)
    (b"\x8cQ\x94n\x8c\xa7.txt", "\\x8cQ\\x94n\\x8c\\xa7.txt"),  # 群馬県 in Shift_JIS
    ("群馬県.txt".encode("euc_jp"), "\\xb7\\xb2\\xc7ϸ\\xa9.txt"),  # CF B8 is UTF-8 (ϸ)
    (b"caf\xe9.txt", "caf\\xe9.txt"),  # Latin-1
    ("群馬 よろず 支援.txt".encode(), "群馬 よろず 支援.txt"),
    ("📄資料.txt".encode(), "📄資料.txt"),
    (b"line\nbreak.txt", "line\\nbreak.txt"),
    (b"tab\tname.txt", "tab\\tname.txt"),
    (("長" * 80 + ".txt").encode(), "長" * 80 + ".txt"),  # 244 bytes
    (b"-starts-with-a-dash.txt", "-starts-with-a-dash.txt"),
    (b"UPPER.TXT", "UPPER.TXT"),
]


@pytest.mark.parametrize(("raw", "shown"), FILE_NAMES, ids=[s for _, s in FILE_NAMES])
def test_odd_file_names_are_read_and_shown_escaped(tmp_path, capsys, raw, shown):
    """Regression (issue 11): a Shift_JIS file name from a Windows zip crashed build."""
    docs = tmp_path / "docs"
    docs.mkdir()
    path = os.path.join(os.fsencode(docs), raw)
    with open(path, "wb") as f:
        f.write(GOOD.encode())
    (docs / "empty.txt").write_bytes(b"")
    code, _, summary = build(tmp_path, capsys, docs)
    assert code == 0 and [d["name"] for d in summary["documents"]] == [shown]
    assert "\n" not in shown or shown.count("\\n") == 1
    g = read_graph(tmp_path / "out" / "graph.json")
    assert [e["doc"] for e in g.edges[GOOD_EDGE]["evidence"]] == [shown]
    json.dumps(summary, ensure_ascii=False).encode("utf-8")  # valid UTF-8 all through


def _special(kind: str, docs: Path) -> Path:
    p = docs / f"{kind}.txt"
    if kind == "broken-link":
        p.symlink_to(docs / "missing-target.txt")
    elif kind == "link-loop":
        p.symlink_to(p)
    elif kind == "fifo":
        os.mkfifo(p)  # reading it would block for ever: it must not be opened
    elif kind == "socket":
        import socket

        s = socket.socket(socket.AF_UNIX)
        s.bind(str(p))
        s.close()
    return p


@pytest.mark.parametrize(("kind", "reason"), [
    ("broken-link", "broken link"), ("link-loop", "broken link"),
    ("fifo", "not a regular file"), ("socket", "not a regular file"),
])
def test_special_files_in_a_folder_are_reported(tmp_path, capsys, kind, reason):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD, encoding="utf-8")
    bad = _special(kind, docs)
    code, err, summary = build(tmp_path, capsys, docs)
    assert code == 0 and summary["skipped"] == [{"path": str(bad), "reason": summary[
        "skipped"][0]["reason"]}]
    assert reason in summary["skipped"][0]["reason"] and str(bad) in err
    assert good_doc_loaded(tmp_path)


@pytest.mark.parametrize(("kind", "reason"), [
    ("missing", "no such file or folder"), ("broken-link", "broken link"),
    ("fifo", "not a regular file"), ("unsupported", "unsupported file type"),
])
def test_bad_paths_named_directly_are_reported(tmp_path, capsys, kind, reason):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    docs = tmp_path / "d"
    docs.mkdir()
    if kind == "missing":
        bad = tmp_path / "missing.txt"
    elif kind == "unsupported":
        bad = tmp_path / "table.xlsx"
        bad.write_bytes(b"PK")
    else:
        bad = _special(kind, docs)
    code, err, summary = build(tmp_path, capsys, tmp_path / "good.txt", bad)
    assert code == 0 and reason in summary["skipped"][0]["reason"] and str(bad) in err
    assert good_doc_loaded(tmp_path)


def test_folder_link_back_up_is_walked_once(tmp_path, capsys):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "good.txt").write_text(GOOD, encoding="utf-8")
    (docs / "sub" / "up").symlink_to(docs)
    code, _, summary = build(tmp_path, capsys, docs)
    assert code == 0 and [d["name"] for d in summary["documents"]] == ["good.txt"]


UNREADABLE_SCRIPT = """
import json, os, sys
import shienmap.cli, shienmap.graph.cypher, shienmap.graph.store, shienmap.loaders.pipeline
shienmap.graph.ontology.default_ontology()  # modules and data read before dropping rights
import shienmap.loaders.analyse
shienmap.loaders.analyse.analyse("読む")  # the analyser's dictionary, too
os.setgid(65534); os.setuid(65534)  # nobody: permissions apply (root reads everything)
sys.exit(shienmap.cli.main(["build", sys.argv[1], "--out", sys.argv[2], "--quiet", "--json"]))
"""


@pytest.mark.parametrize("what", ["folder", "file"])
def test_unreadable_folder_or_file_is_reported_by_name(what):
    """Regression (issue 11): an unreadable subfolder was skipped without a word."""
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="shienmap-perm-"))  # outside root's private tmp
    try:
        docs = work / "docs"
        (docs / "locked").mkdir(parents=True)
        (docs / "good.txt").write_text(GOOD, encoding="utf-8")
        (docs / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
        out = work / "out"
        out.mkdir()
        for p in (work, docs, docs / "locked", out):
            p.chmod(0o777)
        (docs / "good.txt").chmod(0o644)
        locked = docs / "locked" if what == "folder" else docs / "locked" / "inside.txt"
        locked.chmod(0)
        if os.geteuid() == 0:
            cmd = [sys.executable, "-c", UNREADABLE_SCRIPT, str(docs), str(out / "g.json")]
        else:
            cmd = [sys.executable, "-m", "shienmap", "build", str(docs), "--out",
                   str(out / "g.json"), "--quiet", "--json"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
        [skipped] = json.loads(p.stdout)["skipped"]
        assert skipped["path"] == str(locked) and "Permission denied" in skipped["reason"]
        assert str(locked) in p.stderr
        assert read_graph(out / "g.json").has_edge(*GOOD_EDGE)
    finally:
        for p in work.rglob("*"):
            p.chmod(0o777) if p.is_dir() else p.chmod(0o666)
        shutil.rmtree(work)


# ---------------------------------------------------------------- pathological texts

PATHOLOGICAL = {
    "1 MiB paragraph without 。": ("群馬県よろず支援拠点は知的財産の相談を受け付け、" * 14_000),
    "one line of 、": "、" * 300_000,
    "one character repeated": "あ" * 300_000,
    "letter-spaced": "北 " * 150_000,
    "latin letter-spaced": "a " * 150_000,
    "one character per line": "字\n" * 100_000,
    "wrapped lines never ending": "信用保証協会は金融機関と連携して経営改善を支援する\n" * 20_000,
    "sentence ends only": "。" * 200_000,
    "exclamations": "!?" * 100_000,
    "nested brackets": "「" * 50_000 + "」" * 50_000,
    "a long URL": "https://example.jp/" + "a" * 300_000,
    "numbers and spaces": "12 34 56 78 " * 50_000,
    "blank lines": "\n" * 200_000 + "群馬県。",
    "page furniture": "- 12 -\n" * 50_000,
    "headings only": "1. 見出し\n" * 50_000,
    "mixed scripts": ("신용보증재단 Кредит 信用金庫 ☃ 𠮷野家 " * 20_000),
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_text_is_cut_into_bounded_pieces(name):
    """Regression (issue 11): a 1 MiB paragraph without 。 took 28 s (quadratic). No line of
    the normalised text and no sentence is longer than a bound, so the per-sentence stages
    cost at most a constant per character (timings: benchmarks/bench_reliability.py)."""
    text = normalise_text(PATHOLOGICAL[name])
    assert max(len(line) for line in text.split("\n")) <= MAX_LINE
    last = 0
    for s in segment(text):
        assert len(s.text) <= MAX_SENTENCE and text[s.start:s.end] == s.text
        assert s.start >= last
        last = s.end


def test_a_long_paragraph_builds_with_its_relations(tmp_path, capsys):
    """The 2,000-character pieces keep the relations of ordinary sentences inside them."""
    doc = tmp_path / "long.txt"
    doc.write_text(GOOD.replace("。\n", "、") * 2_000, encoding="utf-8")
    code, _, summary = build(tmp_path, capsys, doc)
    assert code == 0 and summary["edges"].get("紹介", 0) >= 1


# ---------------------------------------------------------------- bad arguments

BAD_ARGUMENTS = [  # (argv after the graph option, the option the message names)
    (["hubs", "--top", "0"], "--top"),
    (["hubs", "--top", "-1"], "--top"),
    (["hubs", "--top", "x"], "--top"),
    (["hubs", "--top", "1.5"], "--top"),
    (["hubs", "--top", "99999999"], "--top"),
    (["hubs", "--k", "0"], "--k"),
    (["hubs", "--k", "-3"], "--k"),
    (["hubs", "--k", ""], "--k"),
    (["hubs", "--seed", "-1"], "--seed"),
    (["hubs", "--seed", "1e3"], "--seed"),
    (["hubs", "--level", "都道府県"], "--level"),
    (["hubs", "--backend", "sql"], "--backend"),
    (["route", "--region", "群馬県", "--topic", "事業承継", "--top", "0"], "--top"),
    (["route", "--region", "群馬県", "--topic", "事業承継", "--top", "-2"], "--top"),
    (["route", "--region", "群馬県", "--topic", "事業承継", "--top", "ten"], "--top"),
    (["route", "--topic", "事業承継"], "--region"),
    (["route", "--region", "群馬県"], "--topic"),
    (["map", "--relation"], "--relation"),
    (["build"], "DOCS"),
    (["frobnicate"], "frobnicate"),
]


@pytest.mark.parametrize(("argv", "option"), BAD_ARGUMENTS,
                         ids=[" ".join(a) for a, _ in BAD_ARGUMENTS])
def test_bad_argument_names_the_option(own_graph_file, capsys, argv, option):
    """Regression (issue 11): `hubs --k 0` raised ZeroDivisionError; `--top 0` and `--top -1`
    printed wrong tables."""
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--graph", str(own_graph_file)])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and option in err and "Traceback" not in err


USER_ERRORS = [  # (argv, what the one-line message names)
    (["route", "--region", "アトランティス", "--topic", "事業承継"], "アトランティス"),
    (["route", "--region", "群馬県", "--topic", "宇宙旅行"], "宇宙旅行"),
    (["route", "--region", "群馬県", "--topic", "事業承継", "--holder", "謎の組織"], "謎の組織"),
    (["hubs", "--region", "アトランティス"], "アトランティス"),
    (["hubs", "--relation", "友達"], "友達"),
    (["map", "--relation", "友達", "--out", "{tmp}/m.html"], "友達"),
    (["map", "--region", "アトランティス", "--out", "{tmp}/m.html"], "アトランティス"),
    (["map", "--route-from", "信用金庫", "--out", "{tmp}/m.html"], "--region"),
    (["route", "--backend", "cypher", "--region", "群馬県", "--topic", "事業承継"], "--uri"),
    (["hubs", "--backend", "cypher", "--uri", "http://127.0.0.1:7474"], "--uri"),
    (["hubs", "--backend", "cypher", "--uri", "bolt://127.0.0.1:notaport"], "--uri"),
    (["neo4j", "push", "--uri", "localhost"], "--uri"),
    (["cypher", "export", "--out", "{tmp}"], "{tmp}"),
    (["map", "--out", "{tmp}"], "{tmp}"),
]


@pytest.mark.parametrize(("argv", "named"), USER_ERRORS, ids=[" ".join(a) for a, _ in USER_ERRORS])
def test_user_error_is_one_line_naming_the_culprit(own_graph_file, tmp_path, capsys, argv,
                                                   named):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code = main([*argv, "--graph", str(own_graph_file)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.count("\n") == 1 and named.replace("{tmp}", str(tmp_path)) in err


# ---------------------------------------------------------------- bad graph files

BAD_GRAPHS = {
    "a list": "[]",
    "an empty object": "{}",
    "a string": '"graph"',
    "not JSON": "nope",
    "truncated": '{"directed": true, "nodes": [{"id": "a"',
    "empty file": "",
    "links (another NetworkX format)": '{"nodes": [], "links": []}',
    "nodes not a list": '{"nodes": {}, "edges": []}',
    "node without label": '{"nodes": [{"id": "機関:x"}], "edges": []}',
    "node id not a string": '{"nodes": [{"id": 1, "label": "機関"}], "edges": []}',
    "edge to a missing node": ('{"nodes": [], "edges": [{"source": "a", "target": "b", '
                               '"type": "紹介"}]}'),
    "edge without type": ('{"nodes": [{"id": "a", "label": "機関"}], "edges": '
                          '[{"source": "a", "target": "a"}]}'),
    "newer format": '{"graph": {"shienmap_format": 99}, "nodes": [], "edges": []}',
    "graph not an object": '{"graph": [], "nodes": [], "edges": []}',
}
GRAPH_COMMANDS = {
    "hubs": ["hubs"],
    "route": ["route", "--region", "群馬県", "--topic", "事業承継"],
    "map": ["map", "--out", "{tmp}/m.html"],
    "export": ["cypher", "export", "--out", "{tmp}/g.cypher"],
}


@pytest.mark.parametrize("command", list(GRAPH_COMMANDS))
@pytest.mark.parametrize("content", list(BAD_GRAPHS))
def test_bad_graph_file_is_one_line_saying_what_was_expected(tmp_path, capsys, content, command):
    """Regression (issue 11): a graph.json holding [] or another version's format raised
    AttributeError."""
    path = tmp_path / "graph.json"
    path.write_text(BAD_GRAPHS[content], encoding="utf-8")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in GRAPH_COMMANDS[command]]
    code = main([*argv, "--graph", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1
    assert str(path) in err and ("expected" in err or "newer shienmap" in err)


@pytest.mark.parametrize("what", ["missing", "folder", "binary"])
def test_graph_path_that_is_not_a_graph_file(tmp_path, capsys, what):
    path = tmp_path / "graph.json"
    if what == "folder":
        path.mkdir()
    elif what == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01" * 10)
    code = main(["hubs", "--graph", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and str(path) in err and "Traceback" not in err


def test_graph_file_records_its_format_and_round_trips(own_graph_file):
    data = json.loads(own_graph_file.read_text(encoding="utf-8"))
    assert data["graph"]["shienmap_format"] == 1
    assert "shienmap_format" not in read_graph(own_graph_file).graph


# ---------------------------------------------------------------- pipes and secrets


@pytest.mark.parametrize("argv", [["hubs", "--top", "100"], ["hubs", "--json", "--top", "100"],
                                  ["route", "--region", "長野県", "--topic", "事業承継",
                                   "--json"]])
def test_closed_pipe_exits_quietly(own_graph_file, argv):
    """Regression (issue 11): `shienmap hubs | head` ended in a BrokenPipeError traceback."""
    p = subprocess.Popen([sys.executable, "-m", "shienmap", *argv, "--graph",
                          str(own_graph_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(1)
    p.stdout.close()  # what `head -c 1` does
    err = p.stderr.read().decode()
    code = p.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err and err == ""
    assert code in (0, 128 + signal.SIGPIPE)


@pytest.mark.parametrize("uri", [
    "bolt://user:hunter2-secret@127.0.0.1:9",
    "neo4j://user:hunter2-secret@127.0.0.1:9",
    "bolt://user:hunter2%2Dsecret@127.0.0.1:9",
    "http://user:hunter2-secret@127.0.0.1:9",
])
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_password_in_the_uri_is_never_printed(own_graph_file, capsys, uri, json_flag):
    """Regression (issue 11): a password inside --uri was printed twice in the error."""
    code = main(["neo4j", "push", "--graph", str(own_graph_file), "--uri", uri, *json_flag])
    cap = capsys.readouterr()
    assert code == 1 and "Traceback" not in cap.err
    assert "hunter2" not in cap.err + cap.out and "127.0.0.1:9" in cap.err


def test_password_from_the_environment_is_never_printed(own_graph_file, capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "env-secret-99")
    code = main(["hubs", "--backend", "cypher", "--uri", "bolt://127.0.0.1:9"])
    cap = capsys.readouterr()
    assert code == 1 and "env-secret-99" not in cap.err + cap.out


# ---------------------------------------------------------------- deterministic outputs

SEEDS = ("1", "2")


def _run_under_seed(seed: str, argv: list[str], cwd: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "shienmap", *argv], cwd=cwd, env=env, check=True,
                   capture_output=True, timeout=300)


@pytest.mark.parametrize("command", ["build", "export", "map", "route-map"])
def test_outputs_are_byte_identical_under_any_hash_seed(tmp_path, own_graph_file, corpus_graph,
                                                        command):
    """Regression (issue 11): `shienmap map` wrote a different file on every run."""
    corpus_file = write_graph(corpus_graph[0], tmp_path / "corpus.json")
    outputs = []
    for seed in SEEDS:
        out = tmp_path / seed
        out.mkdir()
        argv = {
            "build": ["build", str(OWN_DOCS), "--out", str(out / "g.json"), "--quiet"],
            "export": ["cypher", "export", "--graph", str(own_graph_file), "--out",
                       str(out / "g.cypher"), "--csv", str(out / "csv")],
            "map": ["map", "--graph", str(own_graph_file), "--out", str(out / "m.html")],
            "route-map": ["map", "--graph", str(corpus_file), "--out", str(out / "m.html"),
                          "--route-from", "信用金庫", "--region", "栃木県", "--topic", "事業承継"],
        }[command]
        _run_under_seed(seed, argv, tmp_path)
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*"))
                        if p.is_file()})
    assert outputs[0] and outputs[0] == outputs[1]


# ---------------------------------------------------------------- the readers never raise

def test_decode_text_raises_only_document_errors_on_any_bytes():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.binary(min_size=0, max_size=400))
    def check(data: bytes) -> None:
        try:
            text, enc = decode_text(data)
        except DocumentError:
            return
        assert isinstance(text, str) and enc

    check()


@pytest.fixture(scope="module")
def own_graph_file(own_graph, tmp_path_factory) -> Path:
    return write_graph(own_graph[0], tmp_path_factory.mktemp("own") / "graph.json")
