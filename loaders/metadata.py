"""Document metadata: title, publisher, date and source of a document.

Reads the raw text (and what the format itself declares: an HTML ``<title>`` and ``<meta>``
tags, a PDF's information dictionary); fills :class:`DocumentMeta`.

* Header lines at the very top of a text file, ``key: value`` up to the first blank line,
  are metadata, not body text: ``title:``, ``publisher:``, ``source:``, ``date:`` (and the
  Japanese ``表題:``, ``発行:``/``発行者:``, ``出典:``, ``日付:``). :func:`split_header` takes
  them off, so they never become evidence.
* Without a ``title:`` line, the title is what the format declares, else the first short
  line of the body (a headline).
* Without a ``date:`` line, the date is what the format declares, else a date line near the
  top of the body (a dateline or the title's date: 2020年4月8日, 令和5年8月2日, 平成27年11月11日;
  a year in running text is history, not the date), else the year and month a source URL
  carries (``/2015/03/``, ``20181024``). Dates are ISO: YYYY-MM-DD, YYYY-MM or YYYY.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_KEYS = {
    "title": "title", "表題": "title", "タイトル": "title", "件名": "title",
    "publisher": "publisher", "author": "publisher", "発行": "publisher", "発行者": "publisher",
    "発信者": "publisher", "source": "source", "url": "source", "出典": "source",
    "date": "date", "日付": "date", "発行日": "date",
}
_HEADER_LINE = re.compile(r"^\s*(?P<key>[A-Za-z]+|[^\s:：]{1,4})\s*[:：]\s*(?P<value>.*?)\s*$")
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
_DATE = re.compile(
    r"(?:(?P<era>令和|平成|昭和)(?P<ey>元|[0-9]{1,2})|(?P<y>(?:19|20)[0-9]{2}))年"
    r"\s*(?:(?P<m>[0-9]{1,2})月(?:\s*(?P<d>[0-9]{1,2})日)?)?")
_URL_DATE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?:/|-)?(0[1-9]|1[0-2])(?:(?:/|-)?"
                       r"(0[1-9]|[12][0-9]|3[01]))?(?![0-9])")
_TITLE_MAX = 80
_DATE_LINES = 4
_DATELINE_MAX = 60


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself. Every field may be None."""

    title: str | None = None
    publisher: str | None = None
    date: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    source: str | None = None  # where it was published (URL)

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None

    def as_dict(self) -> dict[str, str | None]:
        return {"title": self.title, "publisher": self.publisher, "date": self.date,
                "source": self.source}


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Take ``key: value`` header lines off the top of ``text``; return (header, body).

    A header is one or more recognised lines at the very start, ended by a blank line or the
    first other line; anything else leaves the text untouched.
    """
    lines = text.split("\n")
    header: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = _HEADER_LINE.match(lines[i])
        key = _KEYS.get(m.group("key").lower()) if m else None
        if m is None or key is None or (key == "source" and not m.group("value")):
            break
        header.setdefault(key, m.group("value"))
        i += 1
    if not header:
        return {}, text
    while i < len(lines) and not lines[i].strip():
        i += 1
    return header, "\n".join(lines[i:])


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO (YYYY-MM-DD, YYYY-MM or YYYY), or None."""
    m = _DATE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    if m.group("era"):
        ey = m.group("ey")
        year = _ERAS[m.group("era")] + (1 if ey == "元" else int(ey))
    else:
        year = int(m.group("y"))
    month, day = m.group("m"), m.group("d")
    if month and not 1 <= int(month) <= 12:
        month = day = None
    if day and not 1 <= int(day) <= 31:
        day = None
    out = f"{year:04d}"
    if month:
        out += f"-{int(month):02d}"
        if day:
            out += f"-{int(day):02d}"
    return out


def infer_meta(body: str, header: dict[str, str] | None = None,
               declared: dict[str, str] | None = None) -> DocumentMeta:
    """Metadata from header lines, then what the format declares, then the body's top."""
    header = header or {}
    declared = declared or {}
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    title = header.get("title") or declared.get("title")
    if not title:
        title = next((ln for ln in lines[:3] if len(ln) <= _TITLE_MAX and "。" not in ln), None)
        title = title.lstrip("#").strip() if title else title  # a Markdown heading
    date_text = header.get("date") or declared.get("date")
    date = parse_date(date_text) if date_text else None
    if date is None:
        datelines = [ln for ln in lines[:_DATE_LINES] if len(ln) <= _DATELINE_MAX]
        date = next((d for d in map(parse_date, datelines) if d and len(d) >= 7), None)
    source = header.get("source") or declared.get("source")
    if date is None and source:
        m = _URL_DATE.search(source)
        if m:
            date = "-".join(x for x in m.groups() if x)
    return DocumentMeta(
        title=_clean(title), publisher=_clean(header.get("publisher") or declared.get("publisher")),
        date=date, source=_clean(header.get("source") or declared.get("source")))


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(unicodedata.normalize("NFKC", value).split())
    return value or None
