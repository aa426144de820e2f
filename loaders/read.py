"""Stage 1, read: a file on disk -> its raw text.

Reads ``.txt``/``.md`` (plain text), ``.html``/``.htm`` (visible text) and ``.pdf`` (text
layer, via pdfminer.six). Text encodings are detected, not assumed: UTF-8 (with or without
BOM), Shift_JIS/CP932 and EUC-JP, with charset-normalizer arbitrating when more than one
decodes cleanly. Every failure is a :class:`DocumentError` naming the file and the reason.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
    """A document's raw text. Fills: name, path, text, format, encoding."""

    path: Path
    name: str
    text: str
    format: str  # text / html / pdf
    encoding: str  # the detected encoding, or "pdf"


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


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line; scripts and styles dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    return soup.get_text("\n")


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
    if fmt == "pdf":
        return RawDocument(p, p.name, pdf_to_text(data, p), "pdf", "pdf")
    text, enc = decode_text(data, p)
    if fmt == "html":
        text = html_to_text(text)
        if not text.strip():
            raise DocumentError(p, "HTML page has no visible text")
    return RawDocument(p, p.name, text, fmt, enc)
