"""The notebooks run top to bottom on the reference corpus (nbclient, a real kernel) and show
what they promise; they are stored without outputs; their prose is Japanese."""

from __future__ import annotations

import os
import re

import nbformat
import pytest

from conftest import CORPUS, ROOT

NOTEBOOKS = ROOT / "notebooks"
EXPECTED = {  # text each notebook's outputs must show
    "01_tour.ipynb": ["000_55274fec655c80b9.txt", "栃木県信用保証協会", "紹介",
                      "地域金融機関との連携プログラム2023 (関東経済産業局, 2023)"],
    "02_routing.ipynb": ["知財総合支援窓口", "静岡県中小企業活性化協議会", "地域サポート委員会",
                         "静岡県事業承継・引継ぎ支援センター", "役割に基づく",
                         "栃木県の事例に基づく: 信用金庫 →",
                         "(中小企業政策審議会, 2017)"],
    "03_hubs.ipynb": ["よろず支援拠点", "中小企業活性化協議会", "hub_score", "image/png",
                      "最も多い文書", "地域金融機関との連携プログラム2023"],
    "04_gaps.ipynb": ["信用保証協会→中小企業活性化協議会 (紹介)", "image/png", "記録なし:",
                      "静岡県信用保証協会 → 静岡県中小企業活性化協議会", "栃木県"],
}
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


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


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prose_is_japanese(name):
    """Every text cell is written in Japanese: its words are mostly Japanese characters (code
    names such as `route` or README may appear)."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    prose = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert prose
    for text in prose:
        plain = re.sub(r"`[^`]*`", "", text)  # code in backticks is not prose
        japanese = len(_JAPANESE.findall(plain))
        latin = sum(len(w) for w in _LATIN_WORD.findall(plain))
        assert japanese > 0 and japanese >= latin, text[:80]


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
