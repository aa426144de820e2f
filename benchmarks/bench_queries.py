"""Route latency (median and p99 over many cases) and hub analysis time on the corpus graph.
Not a test: prints figures.

    python benchmarks/bench_queries.py [--graph out/graph.json] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from shienmap.graph.ontology import default_ontology
from shienmap.graph.store import read_graph
from shienmap.queries.case import make_case
from shienmap.queries.hubs import hubs
from shienmap.queries.routing import route

HOLDERS = [None, "よろず支援拠点", "信用金庫", "商工会", "信用保証協会", "金融機関",
           "中小企業活性化協議会", "事業承継・引継ぎ支援センター"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", type=Path, default=Path("out/graph.json"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    g = read_graph(args.graph)
    onto = default_ontology()
    prefs = [r.name for r in onto.regions.values() if r.level == "都道府県"]
    cases = [make_case(g, p, [t], h) for p in prefs for t in list(onto.topics)[:10]
             for h in HOLDERS]
    times = []
    for _ in range(args.repeat):
        for c in cases:
            t0 = time.perf_counter()
            route(g, c)
            times.append(time.perf_counter() - t0)
    times.sort()
    p99 = times[int(0.99 * (len(times) - 1))]
    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    print(f"route: {len(times)} calls over {len(cases)} cases; median "
          f"{statistics.median(times) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, "
          f"max {times[-1] * 1000:.2f} ms")
    for level in ("機関", "機関種別"):
        for region in (None, "栃木県"):
            t0 = time.perf_counter()
            rows = hubs(g, level=level, region=region)
            print(f"hubs level={level} region={region or '全国'}: {len(rows)} nodes, "
                  f"{(time.perf_counter() - t0) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
