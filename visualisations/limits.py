"""How much a map may draw, and what a map does above that.

vis-network draws every node and edge on a canvas on each frame; the time to open a map grows
with the edges (curved lines) and with the size of the file the browser parses. Measured with
``benchmarks/bench_map_draw.py`` in headless Chromium (Debian chromium, 2 shared cores; the
time from opening the file to the map drawn and framed; figures in benchmarks/README.md):
maps of whole prefectures' networks cut from a generated national graph drew in ~3 s at 1,000
nodes / 5,600 edges, ~3.6 s at 2,000 / 11,800 and ~8 s at 3,000 / 18,900; 500 nodes with 12,900
edges among them took 6 s. The limits below keep a map within ~5 s.

Above them the national map becomes an aggregate overview (:mod:`.aggregate`) and other views
are refused with a reason and a hint (:class:`TooLarge`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_NODES = 2_500  # nodes vis-network lays out and draws within ~5 s (measured, see above)
MAX_EDGES = 12_000  # edges drawn within ~5 s, with the nodes above (measured, see above)
EXACT_SIZES_UP_TO = 1_000  # nodes: above, node sizes come from cached hub scores or degree
COMPACT_FROM = 3_000  # edges: from here tooltips are short and edges carry one quote each


@dataclass(frozen=True)
class Limits:
    """The largest map drawn node by node (tests pass smaller ones)."""

    nodes: int = MAX_NODES
    edges: int = MAX_EDGES

    def exceeded(self, nodes: int, edges: int) -> bool:
        return nodes > self.nodes or edges > self.edges


DEFAULT_LIMITS = Limits()

__all__ = ["COMPACT_FROM", "DEFAULT_LIMITS", "EXACT_SIZES_UP_TO", "MAX_EDGES", "MAX_NODES",
           "Limits"]
