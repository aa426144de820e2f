"""Reading documents: formats, encodings, and bad input reported by name and skipped."""

from __future__ import annotations

import pytest

from conftest import OWN_DOCS
from shienmap.cli import main
from shienmap.loaders.read import DocumentError, decode_text, read_document

SENTENCE = "群馬県よろず支援拠点は、知的財産の相談を群馬県知財総合支援窓口に取り次ぐ。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "euc_jp"])
def test_encodings_are_detected(encoding):
    text, detected = decode_text((SENTENCE * 3).encode(encoding))
    assert text == SENTENCE * 3
    assert detected == encoding


@pytest.mark.parametrize(("name", "encoding", "needle"), [
    ("okayama_cp932.txt", "cp932", "岡山県信用保証協会"),
    ("miyagi_eucjp.txt", "euc_jp", "七十七銀行"),
    ("tottori.pdf", "pdf", "山陰合同銀行"),
])
def test_own_documents_in_each_encoding(name, encoding, needle):
    doc = read_document(OWN_DOCS / name)
    assert doc.encoding == encoding
    assert needle in doc.text


def test_html_scripts_are_not_text():
    doc = read_document(OWN_DOCS / "nagano.html")
    assert "諏訪信用金庫" in doc.text
    assert "document.write" not in doc.text and "color: red" not in doc.text
    assert "<script>" in doc.text  # an escaped name in the page is text, kept as text


def _blank_pdf(path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 200, 200)
    c.save()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \n\n ", "empty file"),
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("garbage.txt", bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 50, "undecodable"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "PDF"),
    ("fake.pdf", b"hello, not a pdf", "not a PDF"),
])
def test_bad_input_is_a_clear_error(tmp_path, name, content, reason):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(DocumentError) as exc:
        read_document(p)
    assert exc.value.path == p
    assert reason in str(exc.value)


def test_pdf_without_text_layer(tmp_path):
    p = tmp_path / "scan.pdf"
    _blank_pdf(p)
    with pytest.raises(DocumentError, match="no text layer"):
        read_document(p)


def test_build_skips_bad_files_and_keeps_the_rest(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    (tmp_path / "docs" / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    out = tmp_path / "g.json"
    code = main(["build", str(tmp_path / "docs"), str(tmp_path / "missing.txt"),
                 "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0 and out.is_file()
    assert "empty.txt: empty file" in captured.err
    assert "scan.pdf" in captured.err and "missing.txt: no such file" in captured.err
    assert "Traceback" not in captured.err
    assert "good.txt" in captured.out


def test_build_fails_when_nothing_is_readable(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "g.json"
    code = main(["build", str(tmp_path / "empty.txt"), "--out", str(out), "--quiet"])
    assert code == 1 and not out.exists()
    assert "no document could be read" in capsys.readouterr().err
