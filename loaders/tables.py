"""Stage 6b, tables and lists: facts stated by layout rather than by a sentence.

* Count tables: a heading "<kind A>から<kind B>への…<trigger>…(period)" followed by rows of
  "region count" cells (001: 信用保証協会 -> 中小企業活性化協議会 事前相談の持込件数) become
  one relation per row, from A's institution in that region to B's, with ``count``/``period``.
* Labelled member lists "構成機関:A、B、C" / "協定機関:…" / "開催機関 …": the parties listed;
  the caller turns them into relations (when the label names one) or programme membership.
* Footnoted lists: a sentence ending in "(※)" whose note lists institutions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shienmap.graph.ontology import Ontology

from .mentions import Mention, MentionFinder
from .segment import Segment

_COUNT_HEADING = re.compile(r"(?P<a>[^。]{2,30}?)から(?P<b>[^。]{2,30}?)への(?P<rest>[^。]*)")
_PERIOD = re.compile(r"[(（]([^()（）]*?[0-9]{4}年度?[^()（）]*)[)）]")
_CELL = re.compile(r"(?P<region>[^\s\d|:]{2,6})[\s|:]+(?P<count>[0-9][0-9,]*)(?=[\s|]|$)")
_LABELLED_LIST = re.compile(
    r"(?P<label>[^\s::、。]{0,6}(?:機関|事務局))\s*[::]\s*(?P<list>[^\s。]+)")
_LABEL_END = re.compile(r"(?:機関|事務局)\s*[::]")  # what every _LABELLED_LIST match holds
_FOOTNOTE = re.compile(r"[(（]※\d?[)）]")
# _CELL from its separator and number: what follows a region name, and the name before it
_CELL_TAIL = re.compile(r"[\s|:]+(?P<count>[0-9][0-9,]*)(?=[\s|]|$)")
_CELL_REGION = re.compile(r"[^\s\d|:]{2,6}\Z")
_HEADING_LEFT = 30  # _COUNT_HEADING's longest "a" part: how far before a から it can start


@dataclass(frozen=True)
class Cell:
    """One table cell: a region and a number, with its span in the normalised text."""

    region: str
    count: int
    start: int
    end: int


@dataclass(frozen=True)
class CountTable:
    """A count table: relation type, the two kinds, the period and the cells."""

    type: str
    source_kind: str
    target_kind: str
    period: str | None
    heading: Segment
    cells: tuple[Cell, ...]


def find_count_tables(segments: list[Segment], finder: MentionFinder, onto: Ontology,
                      trigger_types: dict[str, str]) -> list[CountTable]:
    """Find count tables (see module docstring) among a document's segments."""
    tables: list[CountTable] = []
    for i, seg in enumerate(segments):
        m = count_heading(seg.text)
        if not m:
            continue
        kinds = []
        for part in ("a", "b"):
            parties = [x for x in finder.find(m.group(part)) if x.is_party and x.kind]
            kinds.append(parties[-1].kind if parties else None)
        rtype = next((t for w, t in trigger_types.items() if w in m.group("rest")), None)
        if None in kinds or rtype is None:
            continue
        period = _PERIOD.search(seg.text)
        cells = _cells_after(segments, i + 1, onto)
        if cells:
            tables.append(CountTable(rtype, kinds[0], kinds[1],  # type: ignore[arg-type]
                                     period.group(1) if period else None, seg, tuple(cells)))
    return tables


def _cells_after(segments: list[Segment], first: int, onto: Ontology) -> list[Cell]:
    cells: list[Cell] = []
    started = False
    for seg in segments[first:first + 60]:
        row = [c for c in cell_matches(seg.text) if onto.region(c[0])]
        if not row:
            if started:
                break
            continue
        started = True
        for name, count, start, end in row:
            region = onto.region(name)
            assert region is not None
            cells.append(Cell(region.name, int(count.replace(",", "")), seg.start + start,
                              seg.start + end))
    return cells


def count_heading(text: str) -> re.Match[str] | None:
    """``_COUNT_HEADING.search(text)``, trying only the places a few characters before a から
    (anywhere else it cannot match): a long sentence costs its から, not its length × 30."""
    if "への" not in text:
        return None
    tried = 0  # every start before this has been tried or cannot match
    k = text.find("から", 2)
    while k >= 0:
        for start in range(max(tried, k - _HEADING_LEFT), k - 1):
            m = _COUNT_HEADING.match(text, start)
            if m:
                return m
        tried = max(tried, k - 1)
        k = text.find("から", k + 1)
    return None


def cell_matches(text: str) -> list[tuple[str, str, int, int]]:
    """(region, count, start, end) of each match of ``_CELL.finditer(text)``, found from the
    separator and number (``_CELL_TAIL``) and the 2-6 characters of name right before them:
    the region part alone was tried at every character of a long sentence."""
    out = []
    pos = 0
    while (m := _CELL_TAIL.search(text, pos)) is not None:
        name = _CELL_REGION.search(text, max(0, m.start() - 6), m.start())
        if name is None:  # no name right before: the next separator may have one
            pos = m.start() + 1
            continue
        out.append((name.group(0), m.group("count"), name.start(), m.end()))
        pos = m.end()
    return out


@dataclass(frozen=True)
class LabelledList:
    """"構成機関:A、B、C": the label and the listed mentions (offsets in the sentence)."""

    label: str
    mentions: tuple[Mention, ...]


def labelled_lists(text: str, mentions: list[Mention]) -> list[LabelledList]:
    """Labelled member lists in a sentence, with the party mentions inside each list."""
    out: list[LabelledList] = []
    if not _LABEL_END.search(text):  # every list has one: no need to try at every character
        return out
    for m in _LABELLED_LIST.finditer(text):
        inside = tuple(x for x in mentions if x.is_party and m.start("list") <= x.start
                       and x.end <= m.end("list"))
        if inside:
            out.append(LabelledList(m.group("label"), inside))
    return out


def footnote_marker(text: str) -> str | None:
    """The footnote marker a sentence ends with or a note starts with ("(※)"), if any."""
    m = _FOOTNOTE.search(text)
    return m.group(0) if m else None
