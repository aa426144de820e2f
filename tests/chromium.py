"""Headless Chromium for the map tests and the map benchmarks (Debian's chromium, driven by
Playwright): where it is, how it is started, and how long a map takes to be drawn."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("SHIENMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 900}


def draw_seconds(browser: Any, path: Path, timeout_s: float = 120.0) -> tuple[float, list[str]]:
    """(seconds from opening the file to the map drawn and framed, page errors), offline."""
    ctx = browser.new_context(viewport=VIEWPORT, offline=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.shienmapDrawn === true", timeout=timeout_s * 1000)
    seconds = time.perf_counter() - t0
    ctx.close()
    return seconds, errors


def open_page(browser: Any, path: Path) -> tuple[Any, Any]:
    """(context, page): a drawn map in a fresh offline page, its page errors collected in
    ``page.errors`` (the caller closes the context)."""
    ctx = browser.new_context(viewport=VIEWPORT, offline=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.shienmapDrawn === true", timeout=30_000)
    page.errors = errors
    return ctx, page
