"""How much a map may draw, and what a map does above that.

vis-network draws every node and edge on a canvas on each frame; the time to open a map grows
with the edges above all, and with the size of the file the browser parses. Measured with
``benchmarks/bench_map_draw.py`` in headless Chromium (Debian chromium, 2 cores shared with other
jobs, load average ~3–4; the time from opening the file to the map drawn and framed; figures in
benchmarks/README.md), on whole prefectures' networks cut from a generated national graph, as
compact pages: 1,000 nodes / 5,626 edges 1.4 s, 2,000 / 11,841 2.3 s, 2,500 / 15,015 4.5 s,
3,000 / 18,895 5.9 s, 3,868 / 29,825 8.0 s; denser cuts: 500 / 12,932 2.6 s, 1,000 / 20,465
6.0 s. 東京都 at national scale (1,515 / 11,312) took 3.5–5.6 s as the load varied. The limits
below keep a map within ~5 s with some margin for a busier machine.

Above them the national map becomes an aggregate overview (:mod:`.aggregate`) and other views
are refused with a reason and a hint (``network_map.MapTooLarge``).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_NODES = 2_500  # nodes vis-network lays out and draws within ~5 s (measured, see above)
MAX_EDGES = 12_000  # edges drawn within ~5 s, with the nodes above (measured, see above)
EXACT_SIZES_UP_TO = 1_000  # nodes: above, node sizes come from cached hub scores or degree
# relations: from here a map's page is compact (compact.py). A full page costs ~3 KB per
# relation (three quotes in its tooltip, every evidence sentence in the panel): 福井県 at national
# scale, 2,997 relations, was 9.9 MB in full and is 1.7 MB compact.
COMPACT_FROM = 1_000


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
