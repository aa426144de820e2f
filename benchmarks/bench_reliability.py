"""Cost of pathological and huge inputs (issue 11): time and peak memory of `shienmap build`
on texts made from the reference corpus. Not a test; figures go into README's Benchmarks.

    python benchmarks/bench_reliability.py [--corpus ../shared/corpus] [--only NAME ...]

Inputs (written to a temporary folder):
  mib-no-period   1 MiB (UTF-8) of corpus text with every 。 turned into 、 and no line breaks:
                  one paragraph without a sentence end
  line-10mb       10 MB of corpus text as a single line (sentence ends kept)
  text-100mb      100 MB of corpus text (the five documents repeated, lines and headings kept)

Each is built by `shienmap build FILE --out … --quiet` as its own process, measured from
outside: wall and CPU seconds, and peak resident memory (ru_maxrss of the process, from os.wait4).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_text(corpus: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("00*.txt")))


def utf8_prefix(text: str, size: int) -> str:
    """The longest prefix of ``text`` (repeated as needed) of at most ``size`` UTF-8 bytes."""
    reps = size // max(1, len(text.encode("utf-8"))) + 1
    return (text * reps).encode("utf-8")[:size].decode("utf-8", errors="ignore")


def inputs(corpus: Path) -> dict[str, str]:
    src = corpus_text(corpus)
    return {
        "mib-no-period": utf8_prefix(src.replace("。", "、").replace("\n", ""), 1024 * 1024),
        "line-10mb": utf8_prefix(src.replace("\n", ""), 10 * 1000 * 1000),
        "text-100mb": utf8_prefix(src, 100 * 1000 * 1000),
    }


def measure(doc: Path, out: Path) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak RSS in KiB, exit status) of one `shienmap build`.
    CPU time (user + system) is what to compare on a shared machine: wall time grows with
    the other jobs' load, CPU time much less."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "shienmap", "build", str(doc), "--out",
                             str(out), "--quiet"], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu, usage.ru_maxrss, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'input':<15} {'bytes':>11} {'characters':>11} {'wall s':>7} {'CPU s':>6} "
              f"{'peak RSS':>10}")
        for name, text in inputs(args.corpus).items():
            if args.only and name not in args.only:
                continue
            doc = Path(tmp) / f"{name}.txt"
            doc.write_text(text, encoding="utf-8")
            seconds, cpu, rss, code = measure(doc, Path(tmp) / f"{name}.json")
            print(f"{name:<15} {doc.stat().st_size:>11,} {len(text):>11,} {seconds:>7.1f} "
                  f"{cpu:>6.1f} "
                  f"{rss / 1024:>7.0f} MiB" + ("" if code == 0 else f"  (exit {code})"))
            doc.unlink()


if __name__ == "__main__":
    main()
