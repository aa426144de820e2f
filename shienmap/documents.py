"""Documents as readers know them: title, publisher and year beside the file name.

Every evidence item names its document by file name (``{"doc": "003_e5dd….txt", ...}``);
people know a document by its title, publisher and year. :func:`document_index` joins the
graph's own document list (``g.graph["documents"]``, filled by the loaders from header lines,
HTML ``<title>``/``<meta>``, PDF information or the text's headline) with the reviewed entries
of ``graph/data/documents.toml``, which take precedence for the fields they give (the corpus
PDF dumps name no publisher, and a headline can be a section heading).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DocumentInfo:
    """One document: its file name (for tracing) and what a reader calls it."""

    name: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    source: str | None = None

    @property
    def year(self) -> str | None:
        """The year of the document's date, or None."""
        return self.date[:4] if self.date else None

    def label(self) -> str:
        """``title (publisher, year)``; what is missing is left out, a missing title is the
        file name."""
        extra = ", ".join(x for x in (self.publisher, self.year) if x)
        title = self.title or self.name
        return f"{title} ({extra})" if extra else title

    def label_with_file(self) -> str:
        """``title (publisher, year) [file name]``: the reader's name and the trace."""
        return f"{self.label()} [{self.name}]"


def _reviewed_path() -> Path:
    """Where the reviewed entries are: beside the graph package, installed or in a checkout."""
    from shienmap import graph

    return Path(graph.__file__).resolve().parent / "data" / "documents.toml"


@lru_cache(maxsize=1)
def reviewed_documents() -> dict[str, dict[str, str]]:
    """The reviewed entries of ``graph/data/documents.toml`` by file name."""
    with _reviewed_path().open("rb") as f:
        data = tomllib.load(f)
    return {d["name"]: {k: v for k, v in d.items() if k != "name"}
            for d in data.get("document", [])}


def document_index(g_or_docs: Any) -> dict[str, DocumentInfo]:
    """File name -> :class:`DocumentInfo` for a graph (or its ``documents`` list).

    Reviewed entries win for the fields they give; the graph's metadata fills the rest. A
    document named only by evidence (a graph built without the list) gets its file name.
    """
    docs = g_or_docs.graph.get("documents", []) if hasattr(g_or_docs, "graph") else g_or_docs
    reviewed = reviewed_documents()
    out: dict[str, DocumentInfo] = {}
    for d in docs or []:
        fields = {k: d.get(k) for k in ("title", "publisher", "date", "source")}
        fields.update(reviewed.get(d["name"], {}))
        out[d["name"]] = DocumentInfo(name=d["name"], **fields)
    return out


class Documents(Mapping[str, DocumentInfo]):
    """A document index that also answers for file names it was not given."""

    def __init__(self, g_or_docs: Any = None) -> None:
        self._index = document_index(g_or_docs) if g_or_docs is not None else {}

    def __getitem__(self, name: str) -> DocumentInfo:
        info = self._index.get(name)
        if info is None:
            fields = reviewed_documents().get(name, {})
            info = DocumentInfo(name=name, **fields)
        return info

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def latest(self, names: list[str] | set[str]) -> str | None:
        """The latest date among these documents (ISO strings compare in date order)."""
        dates = [d for d in (self[n].date for n in names) if d]
        return max(dates) if dates else None


__all__ = ["DocumentInfo", "Documents", "document_index", "reviewed_documents"]
