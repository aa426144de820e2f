"""Stage 1, read: a file on disk -> its raw text.

Reads ``.txt``/``.md`` (plain text), ``.html``/``.htm`` (visible text) and ``.pdf`` (text
layer, via pdfminer.six). Text encodings are detected, not assumed: UTF-8 (with or without
BOM), Shift_JIS/CP932 and EUC-JP, with charset-normalizer arbitrating when more than one
decodes cleanly. Every failure is a :class:`DocumentError` naming the file and the reason.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .metadata import DocumentMeta, infer_meta, split_header

SUFFIXES = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
JAPANESE_ENCODINGS = ("cp932", "euc_jp")


class DocumentError(Exception):
    """A document that cannot be read; ``path`` and ``reason`` say which and why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class RawDocument:
    """A document's raw text. Fills: name, path, text (without metadata header lines),
    format, encoding, meta (title, publisher, date, source)."""

    path: Path
    name: str
    text: str
    format: str  # text / html / pdf
    encoding: str  # the detected encoding, or "pdf"
    meta: DocumentMeta = field(default_factory=DocumentMeta)


def find_documents(inputs: Iterable[str | Path]) -> tuple[list[Path], list[DocumentError]]:
    """Expand files and folders (recursively) into readable document paths, sorted.

    Missing paths and files of an unsupported type named directly are returned as errors;
    unsupported files, hidden files and README files (which describe a folder, not a
    document) met while walking a folder are passed over silently.
    """
    found: list[Path] = []
    errors: list[DocumentError] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found += sorted(f for f in p.rglob("*")
                            if f.is_file() and f.suffix.lower() in SUFFIXES
                            and not f.name.upper().startswith("README")
                            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.is_file():
            if p.suffix.lower() in SUFFIXES:
                found.append(p)
            else:
                errors.append(DocumentError(p, f"unsupported file type {p.suffix or '(none)'!r}"
                                               " (expected .txt, .md, .html or .pdf)"))
        else:
            errors.append(DocumentError(p, "no such file or folder"))
    unique = list(dict.fromkeys(found))
    return unique, errors


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode document bytes as UTF-8, CP932 or EUC-JP; return (text, encoding)."""
    if not data.strip():
        raise DocumentError(path, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="strict"), "utf-8-sig", path)
    if b"\x00" in data:
        raise DocumentError(path, "binary file (contains NUL bytes), not a text document")
    try:
        return _checked(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    clean: dict[str, str] = {}
    for enc in JAPANESE_ENCODINGS:
        try:
            clean[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
    if not clean:
        raise DocumentError(path, "undecodable text: not valid UTF-8, Shift_JIS/CP932 or EUC-JP")
    if len(clean) == 1:
        enc, text = next(iter(clean.items()))
        return _checked(text, enc, path)
    chosen = _arbitrate(data, clean)
    return _checked(clean[chosen], chosen, path)


def _arbitrate(data: bytes, clean: dict[str, str]) -> str:
    """Pick between encodings that all decode cleanly: charset-normalizer, then plausibility."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(clean)).best()
    if best is not None and best.encoding in clean:
        return best.encoding
    return max(clean, key=lambda enc: _plausibility(clean[enc]))


def _plausibility(text: str) -> float:
    """Share of characters that ordinary Japanese prose is made of."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isascii() or "\u3000" <= ch <= "\u30ff"
               or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return good / len(text)


def _checked(text: str, encoding: str, path: Path | str) -> tuple[str, str]:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 50):
        raise DocumentError(path, f"mis-encoded or binary content ({controls} control characters"
                                  f" after decoding as {encoding})")
    if not text.strip():
        raise DocumentError(path, "no text")
    return text, encoding


_HTML_META = {  # <meta name/property=...> -> metadata field
    "author": "publisher", "publisher": "publisher", "og:site_name": "publisher",
    "date": "date", "dc.date": "date", "article:published_time": "date",
    "og:title": "title", "dc.title": "title", "og:url": "source",
}


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line; scripts and styles dropped."""
    return _html(markup)[0]


def _html(markup: str) -> tuple[str, dict[str, str]]:
    """(visible text, declared metadata) of an HTML page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    declared: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").lower()
        name = _HTML_META.get(key)
        content = tag.get("content")
        if name and isinstance(content, str) and content.strip():
            declared.setdefault(name, content.strip())
    if soup.title and soup.title.string and soup.title.string.strip():
        declared["title"] = soup.title.string.strip()
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    return soup.get_text("\n"), declared


def _pdf_info(data: bytes) -> dict[str, str]:
    """Title, author and creation date from a PDF's information dictionary, if readable."""
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        info = PDFDocument(PDFParser(io.BytesIO(data))).info
    except Exception:  # metadata is optional; the text layer decides readability
        return {}
    out: dict[str, str] = {}
    for entry in info:
        for key, name in (("Title", "title"), ("Author", "publisher"),
                          ("CreationDate", "date")):
            value = entry.get(key)
            if isinstance(value, bytes):
                value = _pdf_string(value)
            if isinstance(value, str) and value.strip() and name not in out:
                out[name] = value.strip()
    if "date" in out:  # D:20231019... -> 2023年10月19日 for parse_date
        m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", out["date"])
        out["date"] = (f"{m.group(1)}年{int(m.group(2) or 1)}月{int(m.group(3) or 1)}日"
                       if m else out["date"])
    return out


def _pdf_string(value: bytes) -> str:
    if value.startswith(b"\xfe\xff"):
        return value[2:].decode("utf-16-be", errors="replace")
    return value.decode("latin-1", errors="replace")


def pdf_to_text(data: bytes, path: Path | str) -> str:
    """The text layer of a PDF (pdfminer.six); a PDF without one is an error."""
    if not data.startswith(b"%PDF"):
        raise DocumentError(path, "not a PDF file (no %PDF header)")
    try:
        from pdfminer.high_level import extract_text

        text = extract_text(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise DocumentError(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not text.replace("\x0c", "").strip():
        raise DocumentError(path, "PDF has no text layer (scanned image?); OCR it first")
    return text


def read_document(path: Path | str) -> RawDocument:
    """Read one document; raise :class:`DocumentError` if it cannot be read."""
    p = Path(path)
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise DocumentError(p, f"unsupported file type {p.suffix!r}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(p, f"cannot read file ({exc.strerror or exc})") from exc
    if not data:
        raise DocumentError(p, "empty file")
    declared: dict[str, str] = {}
    if fmt == "pdf":
        text, enc = pdf_to_text(data, p), "pdf"
        declared = _pdf_info(data)
    else:
        text, enc = decode_text(data, p)
        if fmt == "html":
            text, declared = _html(text)
            if not text.strip():
                raise DocumentError(p, "HTML page has no visible text")
    header, body = split_header(text)
    if not body.strip():
        raise DocumentError(p, "only metadata header lines, no text")
    return RawDocument(p, p.name, body, fmt, enc, infer_meta(body, header, declared))
