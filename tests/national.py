"""The national-shape generator of ``benchmarks/gen_national.py``, imported by path (the
benchmarks are not an installed package)."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import networkx as nx

GEN_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "gen_national.py"


def gen_module() -> ModuleType:
    """The generator module, loaded once."""
    name = "shienmap_bench_gen_national"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GEN_PATH)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@cache
def small_national(scale: float = 0.02, seed: int = 13) -> nx.MultiDiGraph:
    """A small generated graph of the national shape (shared: treat it as read-only)."""
    return gen_module().generate(scale, seed)
