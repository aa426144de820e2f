"""The Examples in the docstrings of the presentation and gaps modules run as written."""

from __future__ import annotations

import doctest

import pytest

import shienmap.i18n
import shienmap.present.routes
import shienmap.present.table
import shienmap.queries.gaps


@pytest.mark.parametrize("module", [shienmap.i18n, shienmap.present.routes,
                                    shienmap.present.table, shienmap.queries.gaps])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
