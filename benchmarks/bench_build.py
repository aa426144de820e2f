"""Time and peak memory of `build` on the reference corpus (and on copies of it, to see how
it scales), and the whole command `shienmap build` from a cold start (Python, the ontology and
the Japanese analyser's dictionary loaded anew each run) on the corpus and the dev set. Not a
test: prints figures to paste into notes.

    python benchmarks/bench_build.py [--corpus ../shared/corpus] [--devset ../shared/devset/docs]
                                     [--repeat 5] [--copies 1 4 16] [--cli-only]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from shienmap.graph.store import write_graph
from shienmap.loaders.pipeline import build_graph

ROOT = Path(__file__).resolve().parents[1]


def run_once(docs: Path, out: Path) -> tuple[float, float, int, int]:
    tracemalloc.start()
    t0 = time.perf_counter()
    g, _ = build_graph([docs])
    write_graph(g, out)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20, g.number_of_nodes(), g.number_of_edges()


def copies_of(corpus: Path, n: int, into: Path) -> Path:
    """n copies of the corpus under distinct file names (evidence names documents by file)."""
    target = into / f"x{n}"
    target.mkdir()
    for i in range(n):
        for f in sorted(corpus.glob("*.txt")):
            if not f.name.upper().startswith("README"):
                shutil.copy(f, target / f"{i:03d}_{f.name}")
    return target


def cold_cli(docs: Path, repeat: int) -> list[float]:
    """Wall seconds of `shienmap build DOCS` as a new process each time."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "shienmap", "build", str(docs), "--out",
                            str(Path(tmp) / "g.json"), "--quiet", "--json"], check=True,
                           stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset" / "docs")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--copies", type=int, nargs="*", default=[1, 4, 16])
    ap.add_argument("--cli-only", action="store_true", help="only the cold command-line runs")
    args = ap.parse_args()
    print("cold `shienmap build` (new process, analyser dictionary loaded each run):")
    for label, docs in (("corpus", args.corpus), ("dev set", args.devset)):
        if docs.is_dir():
            t = cold_cli(docs, args.repeat)
            print(f"  {label:<8} median {statistics.median(t):.2f} s  min {min(t):.2f}"
                  f"  max {max(t):.2f}  ({len(t)} runs)")
    if args.cli_only:
        return
    chars = sum(len(f.read_text(encoding="utf-8")) for f in args.corpus.glob("0*.txt"))
    print(f"corpus: {args.corpus} ({chars:,} characters in 5 documents)")
    print(f"{'copies':>6} {'median s':>9} {'min s':>7} {'peak MiB':>9} {'nodes':>6} {'edges':>6}"
          f" {'chars/s':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        build_graph([args.corpus])  # warm caches (ontology, gazetteer), as a long session would
        for n in args.copies:
            docs = copies_of(args.corpus, n, tmpdir)
            runs = [run_once(docs, tmpdir / "g.json") for _ in range(args.repeat if n < 16 else 1)]
            times = [r[0] for r in runs]
            med = statistics.median(times)
            print(f"{n:>6} {med:>9.2f} {min(times):>7.2f} {max(r[1] for r in runs):>9.1f}"
                  f" {runs[0][2]:>6} {runs[0][3]:>6} {n * chars / med:>9,.0f}")


if __name__ == "__main__":
    main()
