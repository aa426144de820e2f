"""The embedded store (graph/sqlite_store.py): how long it takes to build, to open, and how long
``shienmap route`` takes end to end when it answers from it. Not a test: prints figures.

    python benchmarks/gen_national.py --scale 1 --out out/national-1.json
    python benchmarks/bench_store.py --graph out/national-1.json [--cases 20] [--rebuild]

Cases are drawn as in bench_route_national.py (a random institution holds the case, its
prefecture is the region, one topic at random; a tenth have no holder), from the store's
institutions, so the graph file is never read whole here. Each case is one ``shienmap route
--json`` process, timed from start to exit (Python start-up and imports included). ``--check N``
also runs the first N cases with ``--store never`` (the whole JSON read) and compares the
outputs byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx

from shienmap.graph.digest import graph_digest
from shienmap.graph.schema import INSTITUTION
from shienmap.graph.sqlite_store import build_store, open_store, store_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_route_national import random_cases


def _q(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def _command(graph: Path, case: tuple[str, list[str], str | None], store: str) -> list[str]:
    exe = shutil.which("shienmap")
    cmd = [exe] if exe else [sys.executable, "-m", "shienmap"]
    cmd += ["route", "--graph", str(graph), "--region", case[0], "--json", "--store", store]
    cmd += [a for t in case[1] for a in ("--topic", t)]
    return cmd + (["--holder", case[2]] if case[2] else [])


def _run(cmd: list[str]) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t0, done.stdout


def _breakdown(graph: Path, cases: list[tuple[str, list[str], str | None]]) -> None:
    """p50 and max of each step of a store answer, timed in this process."""
    from shienmap.graph.schema import REFERRAL
    from shienmap.queries.routing import route
    from shienmap.queries.sqlite_backend import StoreBackend

    imports = [_run([sys.executable, "-c", "import shienmap.cli, shienmap.queries."
                     "sqlite_backend, shienmap.queries.routing"])[0] for _ in range(5)]
    steps: dict[str, list[float]] = {k: [] for k in ("ontology", "case", "part", "read",
                                                     "route")}
    sizes = []
    for words in cases:
        t0 = time.perf_counter()
        store = open_store(graph)
        onto = store.ontology()
        t1 = time.perf_counter()
        backend = StoreBackend(store, onto)
        case = backend.make_case(*words)
        t2 = time.perf_counter()
        nodes, edges = backend.case_part(case)
        t3 = time.perf_counter()
        g = store.subgraph(nodes, edges, (REFERRAL,))
        t4 = time.perf_counter()
        route(g, case, onto=onto)
        t5 = time.perf_counter()
        store.close()
        for k, v in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            steps[k].append(v)
        sizes.append((g.number_of_nodes(), g.number_of_edges()))
    print(f"  Python start-up and imports (a process): median "
          f"{statistics.median(imports):.2f} s")
    for k, v in steps.items():
        print(f"  {k}: p50 {_q(v, .5) * 1e3:.0f} ms, max {max(v) * 1e3:.0f} ms")
    print(f"  the case's part: p50 {_q([n for n, _ in sizes], .5)} nodes, "
          f"{_q([e for _, e in sizes], .5)} edges; largest {max(sizes)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", type=Path, required=True)
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rebuild", action="store_true", help="delete the store and time its build")
    ap.add_argument("--breakdown", action="store_true",
                    help="also time each step in this process (imports timed apart)")
    ap.add_argument("--check", type=int, default=0, metavar="N",
                    help="compare the first N answers with --store never (slow: reads the JSON)")
    args = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    path = store_path(args.graph)
    if args.rebuild or not path.exists():
        path.unlink(missing_ok=True)
        t0 = time.perf_counter()
        build_store(args.graph, on_message=lambda m: None)
        print(f"store build: {time.perf_counter() - t0:.1f} s "
              f"({path.stat().st_size / 2**20:.0f} MiB; graph file "
              f"{args.graph.stat().st_size / 2**20:.0f} MiB)")
    opens = []
    for _ in range(5):
        t0 = time.perf_counter()
        open_store(args.graph).close()
        opens.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    graph_digest(args.graph)
    digest = time.perf_counter() - t0
    print(f"store open (size and mtime unchanged): median {statistics.median(opens) * 1e3:.1f} "
          f"ms; when they changed the file is hashed first: {digest:.2f} s")

    store = open_store(args.graph)
    light = nx.MultiDiGraph()  # the institutions only: what random_cases reads
    light.add_nodes_from((n, json.loads(a)) for n, a in store.db.execute(
        "SELECT id, attrs FROM nodes WHERE label = ? ORDER BY ord", (INSTITUTION,)))
    store.close()
    cases = random_cases(light, args.cases, args.seed)
    _run(_command(args.graph, cases[0], "always"))  # the page cache, as for a user's 2nd call
    walls = []
    for case in cases:
        wall, _ = _run(_command(args.graph, case, "always"))
        walls.append(wall)
    print(f"shienmap route --json from the store, end to end over {len(cases)} cases: "
          f"p50 {_q(walls, .5):.2f} s, p90 {_q(walls, .9):.2f} s, max {max(walls):.2f} s")
    if args.breakdown:
        _breakdown(args.graph, cases)
    for case in cases[:args.check]:
        t_store, out_store = _run(_command(args.graph, case, "always"))
        t_json, out_json = _run(_command(args.graph, case, "never"))
        same = "identical" if out_store == out_json else "DIFFERENT"
        print(f"  {case}: store {t_store:.2f} s, JSON {t_json:.1f} s, output {same}")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
