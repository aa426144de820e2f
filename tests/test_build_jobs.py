"""`build --jobs N`: documents read in N processes, merged in order: the same graph."""

from __future__ import annotations

import shutil

from conftest import OWN_DOCS
from shienmap.cli import main
from shienmap.loaders.pipeline import build_graph


def test_parallel_build_writes_the_same_file(tmp_path, corpus_dir):
    docs = tmp_path / "docs"
    shutil.copytree(OWN_DOCS, docs / "own")
    shutil.copytree(corpus_dir, docs / "corpus")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")  # skipped the same way
    (docs / "own" / "nagano_copy.html").write_bytes((OWN_DOCS / "nagano.html").read_bytes())
    outs = []
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"g{jobs}.json"
        assert main(["build", str(docs), "--jobs", jobs, "--out", str(out), "--quiet",
                     "--json"]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]


def test_parallel_build_reports_the_same(tmp_path, corpus_dir):
    serial = build_graph([corpus_dir, OWN_DOCS], jobs=1)
    parallel = build_graph([corpus_dir, OWN_DOCS], jobs=2)
    assert [d.name for d in serial[1].documents] == [d.name for d in parallel[1].documents]
    assert [vars(d) for d in serial[1].documents] == [vars(d) for d in parallel[1].documents]
    assert serial[1].skipped == parallel[1].skipped
    assert serial[0].number_of_edges() == parallel[0].number_of_edges() > 100
