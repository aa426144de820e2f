"""The READMEs show the pictures tools/screenshots.py makes, and only those."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

PICTURES = {"map-national.png", "map-evidence.png", "map-route.png", "gaps-heatmap.png"}


@pytest.mark.parametrize("readme", ["README.md", "README.ja.md"])
def test_readme_shows_the_regenerated_pictures(readme):
    text = (ROOT / readme).read_text(encoding="utf-8")
    shown = set(re.findall(r"!\[[^\]]*\]\(docs/img/([^)]+)\)", text))
    assert shown == PICTURES
    for name in shown:
        assert (ROOT / "docs" / "img" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_script_makes_every_picture():
    script = (ROOT / "tools" / "screenshots.py").read_text(encoding="utf-8")
    assert all(f'"{name}"' in script for name in PICTURES)
