"""The notebooks run top to bottom on the reference corpus (nbclient, a real kernel) and show
what they promise; they are stored without outputs."""

from __future__ import annotations

import os

import nbformat
import pytest

from conftest import CORPUS, ROOT

NOTEBOOKS = ROOT / "notebooks"
EXPECTED = {  # text each notebook's outputs must show
    "01_tour.ipynb": ["000_55274fec655c80b9.txt", "栃木県信用保証協会", "紹介"],
    "02_routing.ipynb": ["知財総合支援窓口", "静岡県中小企業活性化協議会", "地域サポート委員会",
                         "not 事業承継"],
    "03_hubs.ipynb": ["よろず支援拠点", "中小企業活性化協議会", "hub_score", "image/png"],
}


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for mime, value in out.get("data", {}).items():
                parts.append(mime)
                if mime.startswith("text/"):
                    parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_and_shows_its_answers(name, corpus_dir, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("SHIENMAP_CORPUS", str(CORPUS.resolve()))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    text = _outputs_text(nb)
    for needle in EXPECTED[name]:
        assert needle in text, f"{name} does not show {needle!r}"
    assert os.environ.get("SHIENMAP_CORPUS")
