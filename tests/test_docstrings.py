"""The Examples sections of the public query functions run as written."""

from __future__ import annotations

import doctest

import shienmap.queries.routing


def test_routing_docstring_examples():
    result = doctest.testmod(shienmap.queries.routing)
    assert result.attempted > 0 and result.failed == 0
