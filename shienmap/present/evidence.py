"""Evidence as people read it: the quote, then the document's title, publisher and year, and
the file name for tracing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shienmap.documents import Documents
from shienmap.i18n import Messages, messages
from shienmap.present.table import truncate


def evidence_text(ev: dict[str, Any], docs: Documents, m: Messages | None = None, *,
                  quote_width: int | None = None, with_file: bool = True) -> str:
    """``title (publisher, year) [file]: 「quote」``; the quote cut to ``quote_width`` columns.

    The document comes first so that a table cell cut short still names it."""
    m = m or messages()
    quote = " ".join(str(ev.get("quote", "")).split())
    if quote_width is not None:
        quote = truncate(quote, quote_width)
    info = docs[ev["doc"]]
    source = info.label_with_file() if with_file else info.label()
    return m("evidence.line", quote=quote, source=source)


def document_line(name: str, docs: Documents) -> str:
    """``title (publisher, year) [file]`` of one document."""
    return docs[name].label_with_file()


def sources(evidence: Iterable[dict[str, Any]], docs: Documents) -> list[str]:
    """The distinct documents of some evidence, as ``title (publisher, year) [file]``, in order
    of first mention."""
    seen: dict[str, None] = {}
    for ev in evidence:
        seen.setdefault(ev["doc"], None)
    return [document_line(name, docs) for name in seen]


__all__ = ["document_line", "evidence_text", "sources"]
