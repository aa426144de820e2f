"""The count-table scans find exactly what their regular expressions find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shienmap.loaders.tables import _CELL, _COUNT_HEADING, cell_matches, count_heading

_CELLS = st.text(alphabet="AB県市,,| :\n\u30001２09", max_size=60)
_HEADINGS = st.text(alphabet="AB県へのから。 ", max_size=120)


@settings(max_examples=600, deadline=None)
@given(_CELLS)
def test_cells_as_the_regex(text):
    expected = [(c.group("region"), c.group("count"), c.start(), c.end())
                for c in _CELL.finditer(text)]
    assert cell_matches(text) == expected


@settings(max_examples=600, deadline=None)
@given(_HEADINGS)
def test_heading_as_the_regex(text):
    a, b = count_heading(text), _COUNT_HEADING.search(text)
    assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))


def test_examples():
    assert cell_matches("北海道 12 青森県|3,4\n岩手 x 宮城県 7") == [
        ("北海道", "12", 0, 6), ("青森県", "3,4", 7, 14), ("宮城県", "7", 20, 25)]
    heading = "信用保証協会から中小企業活性化協議会への事前相談の持込件数"
    assert count_heading("表1 " + heading).group("a") == "表1 信用保証協会"
    long = "から" * 40 + "への"
    assert count_heading(long).span() == _COUNT_HEADING.search(long).span() == (18, 82)
