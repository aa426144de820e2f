"""The ``shienmap`` command line: a thin layer that parses arguments, calls the library and
prints tables (or JSON with ``--json``). Errors go to stderr with a non-zero exit status."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shienmap.graph.ontology import OntologyError
from shienmap.graph.store import GraphFileError, write_graph

DEFAULT_GRAPH = Path("out/graph.json")


class UserError(Exception):
    """An error the user can fix (bad argument, missing file); printed without a traceback."""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", type=Path, default=DEFAULT_GRAPH,
                   help=f"graph file (node-link JSON; default {DEFAULT_GRAPH})")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shienmap",
        description="Graph model of Japan's SME support network (中小企業支援ネットワーク).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="read documents and write the evidenced graph",
                       description="Read .txt/.md/.html/.pdf documents (UTF-8, Shift_JIS/CP932, "
                                   "EUC-JP) and write the graph as node-link JSON.")
    b.add_argument("docs", nargs="+", metavar="DOCS", help="files or folders (recursed)")
    b.add_argument("--out", type=Path, default=None,
                   help="where to write the graph (default: the --graph path)")
    b.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _common(b)
    b.set_defaults(func=cmd_build)
    return parser


def _progress(quiet: bool):
    def report(i: int, n: int, name: str) -> None:
        if not quiet:
            print(f"[{i + 1}/{n}] reading {name}", file=sys.stderr, flush=True)
    return report


def cmd_build(args: argparse.Namespace) -> int:
    from shienmap.loaders.pipeline import build_graph

    out = args.out or args.graph
    g, report = build_graph(args.docs, progress=_progress(args.quiet))
    for path, reason in report.skipped:
        print(f"shienmap: skipped {path}: {reason}", file=sys.stderr)
    if not report.documents:
        print("shienmap: error: no document could be read; nothing written", file=sys.stderr)
        return 1
    write_graph(g, out)
    counts = report.counts(g)
    if args.json:
        _print_json({"graph": str(out), "documents": [vars(d) for d in report.documents],
                     "skipped": [{"path": p, "reason": r} for p, r in report.skipped], **counts})
        return 0
    print(f"Wrote {out}")
    print()
    print(_table(["document", "format", "encoding", "characters", "sentences", "relations"],
                 [[d.name, d.format, d.encoding, d.characters, d.sentences, d.relations]
                  for d in report.documents]))
    print()
    print(_table(["node label", "count"], [[k, v] for k, v in counts["nodes"].items()]))
    print()
    print(_table(["edge type", "count"], [[k, v] for k, v in counts["edges"].items()]))
    if report.skipped:
        print()
        print(_table(["skipped", "reason"], [[p, r] for p, r in report.skipped]))
    return 0


# ---------------------------------------------------------------- output helpers


def _width(s: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True))

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])]).rstrip()


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4f}"
    if v is None:
        return "-"
    return str(v)


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (UserError, GraphFileError, OntologyError) as exc:
        print(f"shienmap: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"shienmap: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("shienmap: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
