"""Routing on a national-shape graph: how long one answer takes once the graph is loaded.
Not a test: prints figures.

    python benchmarks/gen_national.py --scale 1 --out out/national-1.json
    python benchmarks/bench_route_national.py --graph out/national-1.json [--cases 200]

Cases are drawn at random (seeded) from the graph's institutions: the institution holds the
case, its prefecture is the region, one topic at random; a tenth have no holder. The first
pass builds the graph's routing index (GraphIndex: referrals by topic, peer groups per kind,
where each receiver lands per region) and is reported apart; the figures that matter are the
second pass over the same cases: wall-clock and CPU time per call, p50 / p99 / max.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path
from typing import Any

from shienmap.graph.ontology import default_ontology
from shienmap.graph.schema import INSTITUTION
from shienmap.graph.store import read_graph
from shienmap.queries.case import make_case
from shienmap.queries.routing import route


def _q(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def random_cases(g: Any, n: int, seed: int) -> list[tuple[str, list[str], str | None]]:
    """``n`` cases in the user's terms: a random institution of the graph holds it (one in
    ten has no holder), its prefecture is the region, one topic at random."""
    onto = default_ontology()
    rnd = random.Random(seed)
    bodies = [d for _, d in g.nodes(data=True) if d.get("label") == INSTITUTION
              and d.get("region") and onto.prefecture_of(d["region"].split(":", 1)[1])]
    topics = list(onto.topics)
    out = []
    for i in range(n):
        d = rnd.choice(bodies)
        pref = onto.prefecture_of(d["region"].split(":", 1)[1])
        out.append((pref, [rnd.choice(topics)], None if i % 10 == 9 else d["name"]))
    return out


def measure(g: Any, n: int = 200, seed: int = 7) -> dict[str, float]:
    """Seconds: make_case p50/p99, the first pass (builds the routing index), and the warm
    pass's wall and CPU p50/p99/max per call."""
    made, cases = [], []
    for w in random_cases(g, n, seed):
        t1 = time.perf_counter()
        cases.append(make_case(g, *w))
        made.append(time.perf_counter() - t1)
    first = time.perf_counter()
    for c in cases:
        route(g, c)
    first = time.perf_counter() - first
    wall, cpu = [], []
    for c in cases:
        w0, c0 = time.perf_counter(), time.process_time()
        route(g, c)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return {"case_p50": _q(made, .5), "case_p99": _q(made, .99), "first": first,
            "p50": _q(wall, .5), "p99": _q(wall, .99), "max": max(wall),
            "cpu_p50": _q(cpu, .5), "cpu_p99": _q(cpu, .99), "cpu_mean": statistics.mean(cpu)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", type=Path, required=True)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    t0 = time.perf_counter()
    g = read_graph(args.graph)
    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges, "
          f"read in {time.perf_counter() - t0:.1f} s")
    f = measure(g, args.cases, args.seed)
    ms = 1000.0
    print(f"make_case: p50 {f['case_p50'] * ms:.1f} ms, p99 {f['case_p99'] * ms:.1f} ms "
          f"(the first builds the name index)")
    print(f"route, first pass over {args.cases} cases (builds the routing index): "
          f"{f['first']:.1f} s")
    print(f"route, warm: wall p50 {f['p50'] * ms:.1f} ms, p99 {f['p99'] * ms:.1f} ms, "
          f"max {f['max'] * ms:.1f} ms; CPU p50 {f['cpu_p50'] * ms:.1f} ms, "
          f"p99 {f['cpu_p99'] * ms:.1f} ms, mean {f['cpu_mean'] * ms:.1f} ms")


if __name__ == "__main__":
    main()
