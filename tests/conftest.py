"""Shared fixtures: the reference corpus (read from ../shared/corpus, never copied) and the
graphs built from it and from our own test documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("SHIENMAP_CORPUS", ROOT.parent / "shared" / "corpus"))
FIXTURES = ROOT / "tests" / "fixtures"
OWN_DOCS = FIXTURES / "docs"
ANNOTATIONS = ROOT / "tests" / "annotations"


def corpus_available() -> bool:
    return CORPUS.is_dir() and any(CORPUS.glob("00*_*.txt"))


needs_corpus = pytest.mark.skipif(
    not corpus_available(),
    reason=f"reference corpus not found at {CORPUS} (set SHIENMAP_CORPUS to its folder)")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not corpus_available():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_graph(corpus_dir):
    from shienmap.loaders.pipeline import build_graph

    g, report = build_graph([corpus_dir])
    return g, report


@pytest.fixture(scope="session")
def own_graph():
    from shienmap.loaders.pipeline import build_graph

    return build_graph([OWN_DOCS])
