"""The national benchmark: figures for a graph of the national shape (benchmarks/gen_national.py).
Not a test: prints a Markdown table of figures, with the command that produced them.

    python benchmarks/bench_national.py --scale 0.1 [--graph PATH] [--networkx] [--k 64 256]

Without --graph it generates the graph (seed 13) into out/national-<scale>.json, or reuses that
file when it exists. Measured here: reading the graph, hubs exact (the first `shienmap hubs`,
which computes and caches, and the next one, served from the cache, both as the whole command
and in process), hubs sampled with --k and its top-50 agreement with exact, and with --networkx
the same exact ranking by NetworkX alone (hours at scale 1: for scale 0.1). Then the slots:
route (in process and one command), map (overview and a region, drawn in Chromium), push (to a
FalkorDB started here) and build (`--jobs 2` against serial); ``--only push`` runs one alone.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from shienmap.graph.schema import INSTITUTION
from shienmap.graph.store import read_graph, write_graph
from shienmap.queries.hub_cache import HubCache, cached_hubs, graph_digest
from shienmap.queries.hubs import betweenness, hub_scores, hubs, relation_graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_national import TYPE_SHARES, generate

Row = tuple[str, str, str]  # (what, figure, note)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """(result, seconds) of one call."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def command(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``shienmap ARGS`` as a user would (a new process) and time it."""
    return timed(lambda: subprocess.run([sys.executable, "-m", "shienmap", *args],
                                        capture_output=True, text=True, check=True))


def top_ids(rows: list[Any], n: int = 50) -> list[str]:
    return [r.id for r in rows[:n]]


# ---------------------------------------------------------------- measured here


def bench_load(path: Path) -> tuple[nx.MultiDiGraph, list[Row]]:
    g, dt = timed(lambda: read_graph(path))
    size = path.stat().st_size / 2**20
    return g, [("load: read_graph", f"{dt:.1f} s", f"{size:.0f} MiB of JSON")]


def bench_hubs(path: Path, g: nx.MultiDiGraph, ks: list[int], networkx: bool) -> list[Row]:
    """hubs exact (uncached and cached, command and in process) and sampled."""
    rows: list[Row] = []
    digest = graph_digest(path)[:16]
    for old in (path.parent / "cache").glob(f"hubs-{digest}-*.json"):
        old.unlink()  # start uncached
    h, _ = relation_graph(g)
    rows.append(("relation graph (機関, all types)", f"{h.number_of_nodes():,} nodes",
                 f"{h.number_of_edges():,} weighted arcs"))
    _, dt = command("hubs", "--graph", str(path), "--top", "20")
    rows.append(("hubs exact, first run (computes and caches)", f"{dt:.1f} s",
                 "`shienmap hubs --top 20`, whole command"))
    _, dt = command("hubs", "--graph", str(path), "--top", "20")
    rows.append(("hubs exact, cached", f"{dt:.2f} s", "same command again: served from cache"))
    _, dt = command("hubs", "--graph", str(path), "--top", "20", "--json")
    rows.append(("hubs exact, cached, --json", f"{dt:.2f} s", "whole command"))
    exact, dt = timed(lambda: hubs(g))
    rows.append(("hubs() exact in process", f"{dt:.1f} s", "graph already loaded; igraph"))
    served, dt = timed(lambda: cached_hubs(HubCache(path), lambda: g).rows)
    assert served == exact, "the cache must give the computed answer"
    rows.append(("cached_hubs() in process", f"{dt:.2f} s", "hash the file + read the cache"))
    for k in ks:
        sampled, dt = timed(lambda k=k: hubs(g, k=k))
        agree = len(set(top_ids(sampled)) & set(top_ids(exact)))
        rows.append((f"hubs --k {k} in process", f"{dt:.1f} s",
                     f"top 50 agrees with exact on {agree}/50"))
    if networkx:
        ranking, dt = timed(lambda: networkx_ranking(g))
        same = ranking[:50] == top_ids(exact)
        rows.append(("NetworkX exact ranking (the oracle)", f"{dt:.0f} s",
                     f"top 50 {'identical to' if same else 'DIFFERS from'} igraph's"))
    return rows


def bench_engines(g: nx.MultiDiGraph) -> list[Row]:
    """Exact betweenness of the national relation graph by each compiled engine: igraph in one
    process and in two (as hubs runs it), rustworkx when installed (not a dependency)."""
    import igraph

    h, _ = relation_graph(g)
    nodes = list(h)
    index = {x: i for i, x in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in h.edges()]
    n = len(nodes)
    rows: list[Row] = []
    one, dt = timed(lambda: igraph.Graph(n=n, edges=edges, directed=True).betweenness())
    rows.append((f"igraph {igraph.__version__} exact betweenness, 1 process", f"{dt:.1f} s", ""))
    two, dt = timed(lambda: betweenness(h, split_from=3))
    scale = 1 / ((n - 1) * (n - 2))
    diff = max(abs(one[i] * scale - two[x]) for i, x in enumerate(nodes))
    rows.append(("igraph, sources in two halves, 2 processes (hubs)", f"{dt:.1f} s",
                 f"max difference from 1 process {diff:.1e}"))
    try:
        import rustworkx
    except ImportError:
        rows.append(("rustworkx", "–", "not installed (pip install rustworkx)"))
        return rows
    rg = rustworkx.PyDiGraph()
    rg.add_nodes_from(nodes)
    rg.add_edges_from_no_data(edges)
    rx, dt = timed(lambda: rustworkx.digraph_betweenness_centrality(rg, normalized=True))
    diff = max(abs(rx[i] - two[x]) for i, x in enumerate(nodes))
    rows.append((f"rustworkx {rustworkx.__version__} exact betweenness (its threads)",
                 f"{dt:.1f} s", f"max difference from igraph {diff:.1e}"))
    return rows


def networkx_ranking(g: nx.MultiDiGraph) -> list[str]:
    """Node ids by hub score computed with NetworkX alone (betweenness in pure Python)."""
    h, _ = relation_graph(g)
    scores, _, _ = hub_scores(h, centrality=lambda h: (
        nx.betweenness_centrality(h), nx.pagerank(h, weight="weight")))
    return sorted(h, key=lambda n: (-scores[n], n))


# ---------------------------------------------------------------- slots for others


def bench_route(path: Path, g: nx.MultiDiGraph) -> list[Row] | None:
    """Route in process over 200 random cases (bench_route_national.py: one in ten with no
    holder), and one answer of the command end to end."""
    from bench_route_national import measure, random_cases

    f = measure(g, 200, 7)
    ms = 1000.0
    rows: list[Row] = [
        ("route, in process", f"p50 {f['p50'] * ms:.1f} ms, p99 {f['p99'] * ms:.1f} ms",
         f"200 cases, warm; CPU p50 {f['cpu_p50'] * ms:.1f} ms, p99 {f['cpu_p99'] * ms:.1f} ms;"
         f" first pass (builds the routing index) {f['first']:.1f} s"),
        ("make_case", f"p50 {f['case_p50'] * ms:.1f} ms", f"p99 {f['case_p99'] * ms:.1f} ms")]
    region, topics, holder = next(c for c in random_cases(g, 20, 11) if c[2])
    args = ["route", "--graph", str(path), "--region", region, "--topic", topics[0],
            "--holder", holder, "--json"]
    done, dt = command(*args)
    rows.append(("route, command end to end", f"{dt:.2f} s",
                 f"`shienmap {shlex.join(args)}` (exit {done.returncode})"))
    return rows


def bench_map(path: Path, g: nx.MultiDiGraph) -> list[Row] | None:
    """The national map (the overview by prefecture when the graph is large) and
    `map --region 東京都` (the region and its 30 strongest outside partners) as commands: time,
    file size and the time headless Chromium takes to draw each (tests/chromium.py)."""
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from chromium import ARGS, CHROMIUM, draw_seconds

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        views = [("map (national)", "overview.html", []),
                 ("map --region 東京都", "tokyo.html", ["--region", "東京都"])]
        drawn = []
        for what, name, extra in views:
            out = Path(tmp) / name
            args = ["map", "--graph", str(path), "--out", str(out), *extra]
            done, dt = command(*args)
            drawn.append(out)
            rows.append((what, f"{dt:.1f} s, {out.stat().st_size / 2**20:.1f} MiB",
                         f"`shienmap {shlex.join(args)}`: {done.stdout.strip()[:160]}"))
        if not Path(CHROMIUM).exists():
            return [*rows, ("map draw", "–", f"no Chromium at {CHROMIUM}")]
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for (what, _, _), out in zip(views, drawn, strict=True):
                times = [draw_seconds(browser, out)[0] for _ in range(2)]
                rows.append((f"{what}: drawn in Chromium", f"{min(times):.1f} s",
                             f"open to drawn and framed, best of 2 ({max(times):.1f} s)"))
            browser.close()
    return rows


HUBS_OVER_BOLT_BELOW = 10_000  # nodes: above, hubs over Bolt computes for minutes (not timed)


def bench_push(path: Path, g: nx.MultiDiGraph) -> list[Row] | None:
    """Push of the graph to a FalkorDB started here (and to Neo4j with NEO4J_URI): time,
    elements (nodes + relationships) a second, statements and rows per UNWIND batch, peak
    memory of this process (which holds the graph already) and of the server."""
    import os
    import resource

    from bench_push import peak_kib, start_falkordb

    from shienmap.graph.cypher import FALKORDB, NEO4J, CypherStore, push_statements

    items = g.number_of_nodes() + g.number_of_edges()
    rows: list[Row] = []
    targets: list[tuple[str, Any]] = [("FalkorDB", None)]
    if os.environ.get("NEO4J_URI"):
        targets.append(("Neo4j", os.environ["NEO4J_URI"]))
    for name, uri in targets:
        dialect = FALKORDB if uri is None else NEO4J
        statements, prep = timed(lambda d=dialect: list(push_statements(g, d)))
        batches = [len(p["rows"]) for _, p in statements if "rows" in p]
        del statements
        server = None
        if uri is None:
            server, uri = start_falkordb()
            store = CypherStore(uri, "falkordb", "", dialect=FALKORDB)
        else:
            store = CypherStore(uri, os.environ.get("NEO4J_USER", "neo4j"),
                                os.environ.get("NEO4J_PASSWORD", ""),
                                database=os.environ.get("NEO4J_DATABASE"))
        try:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            report, dt = timed(lambda s=store: s.push(g))
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            served = f"; server peak {peak_kib(server.pid) / 2**20:.2f} GiB" if server else ""
            tx = "one transaction" if dialect.transactional else "each its own transaction"
            rows.append((f"push to {name}", f"{dt:.0f} s, {items / dt:,.0f} elements/s",
                         f"{report.statements:,} statements ({tx}), "
                         f"{sum(batches) / len(batches):.1f} rows a batch (max {max(batches)}); "
                         f"statements prepared in {prep:.1f} s; this process peak "
                         f"{after / 2**20:.2f} GiB (+{max(0, after - before) / 2**20:.2f} GiB in "
                         f"the push){served}"))
            if g.number_of_nodes() < HUBS_OVER_BOLT_BELOW:
                from shienmap.queries.cypher_backend import CypherBackend

                backend = CypherBackend(store)
                _, dt = timed(lambda b=backend: b.hubs(top=20))
                rows.append((f"hubs --backend cypher ({name})", f"{dt:.1f} s",
                             f"engine {backend.engine.name}: {backend.engine.detail[:60]}…"))
        finally:
            store.close()
            if server is not None:
                server.kill()
    return rows


def bench_build(path: Path, g: nx.MultiDiGraph) -> list[Row] | None:
    """`build --jobs 2` against a serial build on the reference corpus copied 16 times (each
    copy under its own file names), and whether the two files are byte-identical."""
    import shutil
    import tempfile

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not corpus.is_dir():
        return [("build --jobs", "–", f"no corpus at {corpus}")]
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        for i in range(16):
            (docs / f"c{i}").mkdir(parents=True)
            for f in sorted(corpus.glob("*.txt")):
                shutil.copy(f, docs / f"c{i}" / f"{f.stem}_{i}.txt")
        times = {}
        for jobs in ("1", "2"):
            out = Path(tmp) / f"g{jobs}.json"
            _, times[jobs] = command("build", str(docs), "--jobs", jobs, "--out", str(out),
                                     "--quiet")
        same = (Path(tmp) / "g1.json").read_bytes() == (Path(tmp) / "g2.json").read_bytes()
    return [("build ×16 corpus", f"{times['1']:.1f} s serial, {times['2']:.1f} s --jobs 2",
             f"{times['1'] / times['2']:.2f}× faster; files identical: {same}")]


SLOTS = {"route": bench_route, "map": bench_map, "push": bench_push, "build": bench_build}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--graph", type=Path, help="a generated graph (default: out/national-<scale>"
                                               ".json, generated when missing)")
    ap.add_argument("--k", type=int, nargs="*", default=[64, 256, 1024],
                    help="sample sizes for sampled betweenness")
    ap.add_argument("--networkx", action="store_true",
                    help="also rank with NetworkX's pure-Python betweenness (slow)")
    ap.add_argument("--engines", action="store_true",
                    help="instead of the rest: time exact betweenness by igraph and rustworkx")
    ap.add_argument("--only", nargs="+", choices=sorted(SLOTS), metavar="SLOT",
                    help="instead of the rest: only these slots (route, map, push, build)")
    args = ap.parse_args(argv)
    path = args.graph or Path("out") / f"national-{args.scale:g}.json"
    rows: list[Row] = []
    if not path.exists():
        g, dt = timed(lambda: generate(args.scale, 13))
        _, dw = timed(lambda: write_graph(g, path))
        rows.append(("generate", f"{dt:.1f} s + {dw:.1f} s write", f"{path}"))
    g, load = bench_load(path)
    inst = sum(1 for _, d in g.nodes(data=True) if d["label"] == INSTITUTION)
    rels = sum(1 for *_, k in g.edges(keys=True) if k in dict(TYPE_SHARES))
    rows.append(("graph", f"{inst:,} institutions", f"{rels:,} relations, "
                 f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges"))
    rows += load
    if args.engines:
        rows += bench_engines(g)
    elif args.only:
        for name in args.only:
            rows += SLOTS[name](path, g) or [(name, "–", "not measured yet")]
    else:
        rows += bench_hubs(path, g, args.k, args.networkx)
        for name, slot in SLOTS.items():
            rows += slot(path, g) or [(name, "–", "not measured yet (slot in bench_national.py)")]
    print(f"`python benchmarks/bench_national.py {shlex.join(argv or sys.argv[1:])}`\n")
    print("| what | figure | note |\n| --- | --- | --- |")
    for what, figure, note in rows:
        print(f"| {what} | {figure} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
