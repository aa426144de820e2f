"""Stage 1, read: a file on disk -> its raw text.

Reads ``.txt``/``.md`` (plain text), ``.html``/``.htm`` (visible text) and ``.pdf`` (text
layer, via pdfminer.six; encrypted PDFs that open with the empty user password are read,
with pypdf as a second reader when pdfminer's text is unreadable). Text encodings are
detected, not assumed: UTF-8, UTF-16 and UTF-32 (with or without BOM), Shift_JIS/CP932,
EUC-JP (with the NEC special characters ① Ⅰ № ㈱ of row 13) and ISO-2022-JP, with
charset-normalizer arbitrating when more than one decodes cleanly. Text that decodes but is
not text — ``(cid:…)`` codes of a PDF font without a Unicode mapping, mostly U+FFFD
replacement characters — is refused, not loaded.

Every failure is a :class:`DocumentError` naming the file and the reason. File names that
are not UTF-8 (a Shift_JIS name from a Windows zip) are read like any other and shown with
their undecodable bytes escaped (``\\x83``): :func:`shown`. Folders that cannot be read,
broken links and special files met in a folder are reported by name, never passed over.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .metadata import DocumentMeta, infer_meta, split_header

SUFFIXES = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
JAPANESE_ENCODINGS = ("cp932", "euc_jp", "euc_jis_2004")  # euc_jis_2004: EUC-JP + NEC row 13
_BOMS = (  # longest first: a UTF-32-LE BOM starts with the UTF-16-LE one
    (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xfe\xff", "utf-16"), (b"\xff\xfe", "utf-16"),
)
_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(Q", b"\x1b$(O")
_CID = re.compile(r"\(cid:\d+\)")
# control characters (general category Cc: U+0000-001F, U+007F-009F) but \t \n \f \r
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")  # \s of a str pattern is str.isspace
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(path: Path | str) -> str:
    """A path as printable text: bytes of a file name that are not UTF-8 become ``\\xNN``.

    >>> shown(os.fsdecode(b"\\x8cQ\\x94n.txt"))
    '\\\\x8cQ\\\\x94n.txt'
    """
    text = os.fsdecode(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)  # a line break in a name


class DocumentError(Exception):
    """A document that cannot be read; ``path`` and ``reason`` say which and why, ``shown``
    is the path as printable text (see :func:`shown`)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{shown(path)}: {reason}")
        self.path = Path(path)
        self.shown = shown(path)
        self.reason = reason

    def __reduce__(self) -> tuple[type[DocumentError], tuple[Path, str]]:
        return DocumentError, (self.path, self.reason)  # across processes (build --jobs)


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
    document) met while walking a folder are passed over silently. Folders that cannot be
    listed, broken links and special files (pipes, devices) with a document suffix are
    returned as errors, by name.
    """
    found: list[Path] = []
    errors: list[DocumentError] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            walked: list[Path] = []
            _walk(p, walked, errors, set())
            found += sorted(walked)
        elif p.is_file():
            if p.suffix.lower() in SUFFIXES:
                found.append(p)
            else:
                errors.append(DocumentError(p, f"unsupported file type {p.suffix or '(none)'!r}"
                                               " (expected .txt, .md, .html or .pdf)"))
        else:
            errors.append(DocumentError(p, _missing_reason(p)))
    unique = list(dict.fromkeys(found))
    return unique, errors


def _missing_reason(p: Path) -> str:
    """Why a path that is neither a file nor a folder cannot be read."""
    try:
        if p.is_symlink() and not p.exists():
            return "broken link (its target does not exist)"
        if p.exists():
            return "not a regular file (a pipe, socket or device); not read"
    except OSError as exc:  # a link loop, a name too long
        return f"cannot read ({exc.strerror or exc})"
    return "no such file or folder"


def _walk(folder: Path, found: list[Path], errors: list[DocumentError],
          seen: set[tuple[int, int]]) -> None:
    """Collect the documents under ``folder``; report what cannot be read (see above)."""
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:  # a link back to a folder already walked
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        errors.append(DocumentError(folder, f"cannot read folder ({exc.strerror or exc}); "
                                            "its documents were not read"))
        return
    for e in entries:
        if e.name.startswith("."):
            continue
        p = Path(e.path)
        try:
            is_dir = e.is_dir()
            is_file = not is_dir and e.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            _walk(p, found, errors, seen)
        elif p.suffix.lower() not in SUFFIXES or e.name.upper().startswith("README"):
            continue
        elif is_file:
            found.append(p)
        else:
            errors.append(DocumentError(p, _missing_reason(p)))


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode document bytes (see the module docstring); return (text, encoding)."""
    if not data.strip():
        raise DocumentError(path, "empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), enc, path)
            except UnicodeDecodeError as exc:
                raise DocumentError(path, f"undecodable text: starts with a {enc} byte-order "
                                          f"mark but is not {enc} ({exc.reason})") from exc
    if b"\x00" in data:
        return _wide(data, path)
    if any(esc in data for esc in _ISO2022_ESCAPES) and data.isascii():
        return _iso2022(data, path)
    try:
        return _checked(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    clean: dict[str, str] = {}
    for enc in JAPANESE_ENCODINGS:
        if enc == "euc_jis_2004" and "euc_jp" in clean:
            continue  # a superset: only needed for what euc_jp cannot decode (①, №)
        try:
            clean[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
    if not clean:
        if len(data) % 2 == 0:
            with contextlib.suppress(DocumentError):  # UTF-16 without BOM and without ASCII:
                return _wide(data, path, plausible=0.9)  # then nearly all of it is Japanese
        raise DocumentError(path, "undecodable text: not valid UTF-8, UTF-16, UTF-32, "
                                  "Shift_JIS/CP932, EUC-JP or ISO-2022-JP")
    if len(clean) == 1:
        enc, text = next(iter(clean.items()))
        return _checked(text, enc, path)
    chosen = _arbitrate(data, clean)
    return _checked(clean[chosen], chosen, path)


def _wide(data: bytes, path: Path | str, plausible: float = 0.5) -> tuple[str, str]:
    """UTF-32 or UTF-16 without a byte-order mark, told apart by where the NUL bytes are;
    accepted when at least ``plausible`` of the characters are Japanese or ASCII."""
    candidates = []
    if len(data) % 4 == 0:
        units = [data[i:i + 4] for i in range(0, min(len(data), 4096), 4)]
        if sum(u[2:] == b"\0\0" for u in units) > len(units) // 2:
            candidates.append("utf-32-le")
        if sum(u[:2] == b"\0\0" for u in units) > len(units) // 2:
            candidates.append("utf-32-be")
    if len(data) % 2 == 0:
        odd, even = data[1::2].count(0), data[0::2].count(0)
        candidates += ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        with contextlib.suppress(DocumentError):
            if _plausibility(text) >= plausible:
                return _checked(text, enc, path)
    raise DocumentError(path, "binary file (contains NUL bytes), not a text document")


def _iso2022(data: bytes, path: Path | str) -> tuple[str, str]:
    """ISO-2022-JP, also with the NEC special characters of Windows' variant (①)."""
    for enc in ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2004"):
        try:
            return _checked(data.decode(enc), enc, path)
        except UnicodeDecodeError:
            continue
    euc = _iso2022_to_euc(data)
    if euc is not None:
        with contextlib.suppress(UnicodeDecodeError):
            return _checked(euc.decode("euc_jis_2004"), "iso2022_jp (NEC)", path)
    raise DocumentError(path, "undecodable text: ISO-2022-JP escape sequences, but not valid "
                              "ISO-2022-JP")


def _iso2022_to_euc(data: bytes) -> bytes | None:
    """The same text as EUC-JP bytes (JIS X 0208 rows and half-width katakana), or None."""
    out = bytearray()
    mode = "ascii"
    i = 0
    while i < len(data):
        if data[i] == 0x1B:
            seq = data[i + 1:i + 3]
            modes = {b"$B": "jis", b"$@": "jis", b"(B": "ascii", b"(J": "ascii", b"(I": "kana"}
            if seq not in modes:
                return None
            mode = modes[seq]
            i += 3
        elif mode == "jis" and data[i] > 0x20 and i + 1 < len(data):
            out += bytes((data[i] | 0x80, data[i + 1] | 0x80))
            i += 2
        elif mode == "kana" and data[i] > 0x20:
            out += bytes((0x8E, data[i] | 0x80))
            i += 1
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _arbitrate(data: bytes, clean: dict[str, str]) -> str:
    """Pick between encodings that all decode cleanly: charset-normalizer, then plausibility."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(clean)).best()
    if best is not None and best.encoding in clean:
        return best.encoding
    return max(clean, key=lambda enc: _plausibility(clean[enc]))


def _plausibility(text: str) -> float:
    """Share of characters that ordinary Japanese prose is made of (half-width katakana and
    private-use characters, what a wrong legacy decoding produces, do not count)."""
    if not text:
        return 0.0
    sample = text[:20_000]
    good = sum(1 for ch in sample if ch.isascii() or "\u3000" <= ch <= "\u30ff"
               or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uff60"
               or "\uffa0" <= ch <= "\uffef" or "\u2460" <= ch <= "\u24ff")
    return good / len(sample)


def _checked(text: str, encoding: str, path: Path | str) -> tuple[str, str]:
    controls = len(_CONTROLS.findall(text))
    if controls > max(8, len(text) // 50):
        raise DocumentError(path, f"mis-encoded or binary content ({controls} control characters"
                                  f" after decoding as {encoding})")
    if not text.strip():
        raise DocumentError(path, "no text")
    garbage = unreadable(text)
    if garbage:
        raise DocumentError(path, garbage)
    return text, encoding


def unreadable(text: str) -> str | None:
    """Why a decoded text is not text, or None: mostly ``(cid:…)`` codes (a PDF font without
    a Unicode mapping) or mostly U+FFFD replacement characters (a damaged conversion)."""
    visible = len(text) - sum(map(len, _SPACES.findall(text)))
    if not visible:
        return None
    cid = sum(len(m.group(0)) for m in _CID.finditer(text))
    if cid > visible * 0.3:
        return ("unreadable text layer: mostly (cid:…) codes (the PDF's fonts have no Unicode "
                "mapping); OCR it or find a text version")
    if text.count("\ufffd") > visible * 0.1:
        return (f"unreadable text: {text.count(chr(0xFFFD))} replacement characters (U+FFFD) "
                "of a damaged conversion")
    return None


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
            if (isinstance(value, str) and value.strip() and name not in out
                    and value.strip().lower() not in _PLACEHOLDERS):
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
    """The text layer of a PDF (pdfminer.six, then pypdf if pdfminer's text is unreadable);
    encrypted PDFs are opened with the empty user password. A PDF without a readable text
    layer, or one that needs a password, is an error."""
    if not data.startswith(b"%PDF"):
        raise DocumentError(path, "not a PDF file (no %PDF header)")
    try:
        from pdfminer.high_level import extract_text
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        try:
            text = extract_text(io.BytesIO(data), password="")
        except PDFPasswordIncorrect as exc:
            raise DocumentError(path, "encrypted PDF that needs a password to open; not read"
                                ) from exc
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise DocumentError(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not text.replace("\x0c", "").strip():
        raise DocumentError(path, "PDF has no text layer (scanned image?); OCR it first")
    if unreadable(text):
        text = _pypdf_text(data) or text
    garbage = unreadable(text)
    if garbage:
        raise DocumentError(path, garbage)
    return text


def _pypdf_text(data: bytes) -> str | None:
    """pypdf's reading of the text layer (it maps some encrypted CID fonts that pdfminer
    does not), or None."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        return "\x0c".join(page.extract_text() or "" for page in reader.pages)
    except Exception:  # a second opinion only: pdfminer's verdict stands
        return None


_PLACEHOLDERS = frozenset({"untitled", "anonymous", "unknown", "none", "no title", "title",
                           "author", "user", "owner", "admin", "administrator"})
_MARKDOWN_LINE = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,3}[.)]|>)[ \t]+)+", re.MULTILINE)


def mask_markdown(text: str) -> str:
    """Markdown's list and quote markers (``-`` ``1.`` ``>``) blanked out, one space per
    character so that offsets into the text hold; headings (``#``) stay, the segmenter reads
    them as headings, and tables are read as tables.

    >>> mask_markdown("## 見出し\n- 項目")
    '## 見出し\n  項目'
    """
    return _MARKDOWN_LINE.sub(lambda m: " " * len(m.group(0)), text)


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
        del data  # a large text file: keep one copy, not the bytes beside it
        if fmt == "html":
            text, declared = _html(text)
            if not text.strip():
                raise DocumentError(p, "HTML page has no visible text")
    if p.suffix.lower() == ".md":
        text = mask_markdown(text)
    header, body = split_header(text)
    if not body.strip():
        raise DocumentError(p, "only metadata header lines, no text")
    return RawDocument(p, shown(p.name), body, fmt, enc, infer_meta(body, header, declared))
