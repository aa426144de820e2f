"""The ``shienmap`` command line: a thin layer that parses arguments, calls the library and
prints tables (or JSON with ``--json``). Errors go to stderr with a non-zero exit status.

At the edge: every numeric option has a range (argparse prints which, naming the option);
errors are one line naming the file or argument, never a traceback; output into a closed
pipe (``| head``) ends quietly; bytes of file names that are not UTF-8 are printed as
``\\xNN``; a password — in ``--uri bolt://user:password@host`` or in ``$NEO4J_PASSWORD`` —
is replaced by ``***`` in every message, log line and JSON output.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import json
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from shienmap.graph.ontology import OntologyError
from shienmap.graph.store import GraphFileError, write_graph

DEFAULT_GRAPH = Path("out/graph.json")


class UserError(Exception):
    """An error the user can fix (bad argument, missing file); printed without a traceback."""


# ---------------------------------------------------------------- edge: numbers, secrets


def int_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, else a message saying so."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low} to {high}, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be from {low} to {high}, not {value}")
        return value

    parse.__name__ = f"whole number from {low} to {high}"
    return parse


_SECRETS: set[str] = set()
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@\s:]*):[^/@\s]*@")
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def redact(text: str) -> str:
    """``text`` with passwords replaced by ``***`` (URI userinfo and known secrets)."""
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _remember_secrets(argv: Sequence[str]) -> None:
    """Passwords this run knows of (never printed): $NEO4J_PASSWORD and --uri userinfo."""
    _SECRETS.clear()
    password = os.environ.get("NEO4J_PASSWORD", "")
    if len(password) >= 4:  # a shorter one would blank ordinary words out of messages
        _SECRETS.add(password)
    for arg in argv:
        m = _USERINFO.search(arg)
        if m:
            secret = arg[m.end("user") + 1:m.end() - 1]
            for form in {secret, unquote(secret)}:
                if len(form) >= 4:
                    _SECRETS.add(form)


def parse_uri(uri: str) -> tuple[str, str | None, str | None]:
    """(URI without userinfo, user, password) of a Bolt URI; refuses other schemes."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise UserError(f"--uri {redact(uri)}: not a valid URI ({exc})") from exc
    if parts.scheme not in BOLT_SCHEMES or not parts.hostname:
        raise UserError(f"--uri {redact(uri)}: expected bolt://HOST:PORT or neo4j://HOST:PORT "
                        "(+s or +ssc for TLS)")
    host = parts.netloc.rsplit("@", 1)[-1]
    clean = parts._replace(netloc=host).geturl()
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return clean, user, password


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", type=Path, default=DEFAULT_GRAPH,
                   help=f"graph file (node-link JSON; default {DEFAULT_GRAPH})")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")


def _backend(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=["networkx", "cypher"], default="networkx",
                   help="networkx: the graph file; cypher: a Neo4j (Bolt) server holding the "
                        "pushed graph")
    p.add_argument("--uri", default=os.environ.get("NEO4J_URI"),
                   help="Bolt URI for --backend cypher (default $NEO4J_URI)")
    p.add_argument("--database", default=os.environ.get("NEO4J_DATABASE"),
                   help="database name (default: the server's default)")


def _store(args: argparse.Namespace, progress: Callable[[str], None] | None = None):
    """A Cypher store from --uri/--database and $NEO4J_USER/$NEO4J_PASSWORD (never printed);
    a user and password written in the URI take precedence."""
    from shienmap.graph.cypher import CypherStore, TargetError

    if not args.uri:
        raise UserError("give --uri (or set NEO4J_URI) for the Cypher backend")
    uri, user, password = parse_uri(args.uri)
    user = user or os.environ.get("NEO4J_USER", "neo4j")
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
    try:
        return CypherStore(uri, user, password, database=args.database, progress=progress)
    except TargetError as exc:
        raise UserError(f"{uri}: {exc}") from exc
    except Exception as exc:  # driver errors: refused, unreachable, authentication
        raise UserError(f"cannot connect to {uri}: {type(exc).__name__}: {exc}") from exc


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
    b.add_argument("--jobs", type=int_range(1, 256), default=None, metavar="N",
                   help="documents read in N processes at once (default: this machine's "
                        "cores); the graph is the same whatever N")
    _common(b)
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("route", help="who handles this case next",
                       description="Rank the institutions that should take a firm's case next, "
                                   "with the path and evidence that justify each.")
    r.add_argument("--region", required=True, help="prefecture or municipality (群馬県, 横浜市)")
    r.add_argument("--topic", action="append", required=True, metavar="T",
                   help="support topic or free words (事業承継, 特許の相談); repeat for several")
    r.add_argument("--holder", help="institution now holding the case (信用金庫, 八十二銀行)")
    r.add_argument("--top", type=int_range(1, 10_000), default=10,
                   help="how many answers, 1 to 10000 (default 10)")
    r.add_argument("--store", choices=["auto", "always", "never"], default="auto",
                   help="answer from the embedded store beside the graph file (cache/store-*."
                        "sqlite, built on first use): auto for graph files of 20 MiB or more "
                        "(default), always, or never (read the whole JSON)")
    _backend(r)
    _common(r)
    r.set_defaults(func=cmd_route)

    h = sub.add_parser("hubs", help="hubs and brokers of the network",
                       description="Rank institutions (or kinds) by hub score: the mean of "
                                   "PageRank, betweenness and degree, each relative to the "
                                   "largest in the graph analysed.")
    h.add_argument("--region", help="only this prefecture or municipality (default: national)")
    h.add_argument("--relation", action="append", metavar="TYPE",
                   help="relationship types to use (default 紹介 出向 協定 同行訪問 連携)")
    h.add_argument("--level", choices=["機関", "機関種別"], default="機関",
                   help="named institutions or institution kinds (default 機関)")
    h.add_argument("--top", type=int_range(1, 100_000), default=20,
                   help="how many rows, 1 to 100000 (default 20)")
    h.add_argument("--k", type=int_range(1, 1_000_000), default=None,
                   help="sample k sources (1 to 1000000) for betweenness, not cached "
                        "(default: exact, computed once per graph file and cached beside it)")
    h.add_argument("--seed", type=int_range(0, 2**32 - 1), default=0,
                   help="seed for --k sampling (0 to 4294967295)")
    _backend(h)
    _common(h)
    h.set_defaults(func=cmd_hubs)

    m = sub.add_parser("map", help="write a self-contained HTML network map",
                       description="Write an HTML map (pyvis) that opens with no network access. "
                                   "With --route-from, the answers of that case are highlighted "
                                   "on their neighbourhood.")
    m.add_argument("--out", type=Path, default=Path("out/map.html"),
                   help="HTML file to write (default out/map.html)")
    m.add_argument("--region", help="only this region; with --route-from, the case's region")
    m.add_argument("--relation", action="append", metavar="TYPE",
                   help="relationship types to draw (default 紹介 出向 協定 同行訪問 連携)")
    m.add_argument("--route-from", metavar="HOLDER",
                   help="highlight the routing answers of a case held by HOLDER "
                        "(with --region and --topic)")
    m.add_argument("--topic", action="append", metavar="T", help="the case's topic(s)")
    m.add_argument("--title", default=None, help="page title")
    m.add_argument("--partners", type=int_range(0, 100_000), default=30, metavar="N",
                   help="with --region: keep the N outside partners with most relations to the "
                        "region (default 30); the others are counted in the title block")
    m.add_argument("--overview", action="store_true",
                   help="draw the whole country as totals by prefecture (automatic when the "
                        "graph is too large to draw institution by institution)")
    m.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="write an atlas instead of one file: DIR/index.html (the overview by "
                        "prefecture) and DIR/<prefecture code>.html for each prefecture, linked")
    _common(m)
    m.set_defaults(func=cmd_map)

    n = sub.add_parser("neo4j", help="Neo4j: push the graph")
    nsub = n.add_subparsers(dest="neo4j_command", required=True, metavar="ACTION")
    push = nsub.add_parser("push", help="write the graph to a Neo4j server (idempotent, "
                                        "all or nothing); user and password from "
                                        "$NEO4J_USER and $NEO4J_PASSWORD")
    push.add_argument("--uri", required=True, help="Bolt URI, e.g. neo4j://localhost:7687")
    push.add_argument("--database", default=None,
                      help="Neo4j database (default: the server's); refused on FalkorDB, "
                           "which has none")
    _common(push)
    push.set_defaults(func=cmd_neo4j_push)
    clean = nsub.add_parser("cleanup", help="remove what interrupted or killed pushes left "
                                            "behind (every generation but the current one)")
    clean.add_argument("--uri", required=True, help="Bolt URI, e.g. neo4j://localhost:7687")
    clean.add_argument("--database", default=None, help="Neo4j database (default: the server's)")
    clean.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")
    clean.set_defaults(func=cmd_neo4j_cleanup)

    c = sub.add_parser("cypher", help="Cypher exports")
    csub = c.add_subparsers(dest="cypher_command", required=True, metavar="ACTION")
    ex = csub.add_parser("export", help="write a Cypher script (cypher-shell or Neo4j Browser)"
                                        " and optionally CSV files for neo4j-admin import")
    ex.add_argument("--out", type=Path, required=True, help="the .cypher file to write")
    ex.add_argument("--csv", type=Path, default=None, metavar="DIR",
                    help="also write CSV files for `neo4j-admin database import full`")
    _common(ex)
    ex.set_defaults(func=cmd_cypher_export)
    _gaps_parser(sub)
    _evaluate_parser(sub)
    _people_options(sub)
    return parser


def _gaps_parser(sub) -> None:
    gp = sub.add_parser("gaps", help="where the network is thin: expected links per prefecture",
                        description="For every prefecture and pair of institution kinds that "
                                    "the documents say work together (the graph's kind-level "
                                    "relations), whether a document records that link in the "
                                    "prefecture, with evidence and date.")
    gp.add_argument("--relation", action="append", metavar="TYPE",
                    help="relation types (default 紹介 出向 協定 同行訪問)")
    gp.add_argument("--kinds", nargs=2, metavar=("A", "B"),
                    help="one pair of institution kinds (names or aliases), e.g. "
                         "信用保証協会 中小企業活性化協議会")
    gp.add_argument("--region", help="one prefecture (a municipality means its prefecture)")
    gp.add_argument("--by", choices=["pair", "prefecture", "cell"], default=None,
                    help="table rows: per pair (default), per prefecture, or per prefecture "
                         "and pair (default with --kinds or --region)")
    gp.add_argument("--csv", type=Path, metavar="FILE",
                    help="also write every prefecture × pair row to FILE (UTF-8 with BOM)")
    gp.add_argument("--plot", type=Path, metavar="FILE.png",
                    help="also draw the prefecture × pair heat-map to FILE.png")
    _common(gp)
    gp.set_defaults(func=cmd_gaps)


def _evaluate_parser(sub) -> None:
    ev = sub.add_parser(
        "evaluate", help="precision, recall and F1 of extraction against annotations",
        description="Build a graph from DOCS and score it against gold relations (and gold "
                    "institutions) in the dev-set format (gold_edges.jsonl, gold_entities.jsonl; "
                    "see ../shared/devset/CONVENTIONS.md), or against the corpus annotations "
                    "of tests/annotations (a .toml file citing lines).")
    ev.add_argument("docs", metavar="DOCS", help="the annotated documents (file or folder)")
    ev.add_argument("gold_edges", metavar="GOLD_EDGES", type=Path,
                    help="gold relations: .jsonl (dev-set format) or .toml (corpus annotations)")
    ev.add_argument("--entities", type=Path, metavar="GOLD_ENTITIES",
                    help="gold institutions (.jsonl): also score institution recognition")
    ev.add_argument("--errors", action="store_true",
                    help="also list every wrong and missed relation and institution")
    _common(ev)
    ev.set_defaults(func=cmd_evaluate)


def _people_options(sub) -> None:
    """--lang for the commands whose output people read (Japanese by default)."""
    from shienmap.i18n import LANGS

    for name in ("build", "route", "hubs", "map", "gaps", "evaluate"):
        sub.choices[name].add_argument(
            "--lang", choices=LANGS, default=os.environ.get("SHIENMAP_LANG") or "ja",
            help="language of tables, labels and hints (default ja; --json keys stay English)")


def cmd_neo4j_push(args: argparse.Namespace) -> int:
    from shienmap.graph.cypher import PushError

    g = _load(args)
    with _signals_interrupt():
        try:
            with _store(args) as store:
                report = store.push(g)
        except PushError as exc:
            raise UserError(str(exc)) from exc
    uri = parse_uri(args.uri)[0]
    if args.json:
        _print_json({**vars(report), "uri": uri})
    else:
        print(f"Pushed {report.nodes} nodes and {report.relationships} relationships to "
              f"{uri} ({report.dialect}, {report.statements} statements, "
              f"generation {report.push_id})")
        if report.removed_orphans:
            print(f"Removed {report.removed_orphans} nodes left by earlier pushes that were "
                  "stopped before they finished")
    return 0


def cmd_neo4j_cleanup(args: argparse.Namespace) -> int:
    with _signals_interrupt(), _store(args) as store:
        report = store.cleanup()
    if args.json:
        _print_json(vars(report))
    elif report.current is None:
        print("No current generation on the server (nothing pushed yet): nothing removed")
    else:
        removed = sum(report.removed.values())
        print(f"Current generation {report.current} kept; removed {len(report.removed)} other "
              f"generation(s), {removed} nodes")
    return 0


_SIGNAL: list[int] = []  # the signal that interrupted this run, if any


class _signals_interrupt:
    """SIGTERM and SIGHUP raise KeyboardInterrupt like Ctrl-C, so that a push or cleanup cleans
    up what it had written before the process ends (SIGKILL cannot be caught: the pointer
    design keeps readers safe then, see graph/cypher.py)."""

    SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))

    def __enter__(self) -> None:
        def handler(signum: int, _frame: object) -> None:
            _SIGNAL.append(signum)
            raise KeyboardInterrupt

        self.previous = {sig: signal.signal(sig, handler) for sig in self.SIGNALS}

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self.previous.items():
            signal.signal(sig, previous)


def cmd_cypher_export(args: argparse.Namespace) -> int:
    from shienmap.graph.cypher import export_csv, export_cypher

    g = _load(args)
    path = export_cypher(g, args.out)
    files = export_csv(g, args.csv) if args.csv else []
    if args.json:
        _print_json({"cypher": str(path), "csv": [str(f) for f in files]})
    else:
        print(f"Wrote {path} (run: cypher-shell -f {path.name})")
        if files:
            print(f"Wrote {len(files)} CSV files to {args.csv} (neo4j-admin database import full)")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from shienmap.i18n import messages
    from shienmap.queries.hub_cache import cached_scores
    from shienmap.queries.hubs import DEFAULT_RELATIONS
    from shienmap.visualisations.limits import DEFAULT_LIMITS
    from shienmap.visualisations.network_map import (
        MapError,
        map_size,
        map_subgraph,
        render_map,
        write_map,
    )

    m = messages(args.lang)
    g = _load(args)
    relations = tuple(args.relation) if args.relation else DEFAULT_RELATIONS
    whole = not (args.region or args.route_from or args.topic)
    if args.out_dir and not whole:
        raise UserError(m("map.out_dir_alone"))
    if args.out_dir or (whole and args.overview):
        return _map_overview(args, g, relations, m)
    result = None
    if args.route_from or args.topic:
        from shienmap.queries.case import CaseError, make_case
        from shienmap.queries.routing import route

        if not (args.region and args.topic):
            raise UserError(m("map.needs_case"))
        try:
            result = route(g, make_case(g, args.region, args.topic, args.route_from))
        except CaseError as exc:
            raise UserError(str(exc)) from exc
        if not result.answers:
            raise UserError(m("map.no_route", reason=result.reason))
    try:
        if whole and DEFAULT_LIMITS.exceeded(*(size := map_size(g, relations))):
            return _map_overview(args, g, relations, m, drawn=size)
        sub = map_subgraph(g, region=None if result else args.region, relations=relations,
                           route=result, partners=None if result else args.partners)
        scores = cached_scores(args.graph, relations) if sub.number_of_nodes() > 1000 else None
        path = write_map(render_map(sub, title=args.title, lang=args.lang,
                                    built=_built(args.graph), scores=scores), args.out)
    except MapError as exc:
        raise UserError(str(exc)) from exc
    summary = {"map": str(path), "nodes": sub.number_of_nodes(), "edges": sub.number_of_edges()}
    if args.json:
        _print_json(summary)
    else:
        print(m("map.wrote", path=path, nodes=summary["nodes"], edges=summary["edges"]))
    return 0


def _map_overview(args: argparse.Namespace, g, relations: tuple[str, ...], m,
                  drawn=None) -> int:
    """The national overview by prefecture (``--overview``, or a graph too large to draw
    whole), alone in ``--out`` or with every prefecture's map in ``--out-dir``."""
    from shienmap.graph.ontology import default_ontology
    from shienmap.queries.hub_cache import cached_scores
    from shienmap.visualisations.aggregate import overview, overview_page
    from shienmap.visualisations.layout import group_of
    from shienmap.visualisations.network_map import (
        MapError,
        map_subgraph,
        prefecture_edges,
        render_map,
        write_map,
    )

    onto = default_ontology()
    scores = cached_scores(args.graph, relations)
    built = _built(args.graph)
    links: dict[str, str] = {}
    no_map: dict[str, str] = {}
    if args.out_dir:
        prefs = {group_of(g, n, onto) for n, d in g.nodes(data=True) if d["label"] == "機関"}
        index = prefecture_edges(g, relations, onto)
        for name in sorted((p for p, level in prefs if level == "都道府県"),
                           key=lambda p: (onto.regions[p].code or "99", p)):
            try:
                sub = map_subgraph(g, region=name, relations=relations, partners=args.partners,
                                   edges=index.get(name, []))
                page = render_map(sub, lang=args.lang, built=built,
                                  scores=scores if sub.number_of_nodes() > 1000 else None)
            except MapError as exc:
                no_map[name] = str(exc)
                print(f"shienmap: {m('map.skipped_region', region=name, reason=exc)}",
                      file=sys.stderr)
                continue
            file = f"{onto.regions[name].code}.html"
            write_map(page, args.out_dir / file)
            links[name] = file
    ov = overview(g, relations=relations, scores=scores, onto=onto)
    out = args.out_dir / "index.html" if args.out_dir else args.out
    path = write_map(overview_page(ov, lang=args.lang, built=built, title=args.title,
                                   links=links, no_map=no_map, onto=onto), out)
    summary = {"map": str(path), "overview": True, "nodes": len(ov.nodes),
               "edges": len(ov.between), "prefecture_maps": len(links)}
    if args.json:
        _print_json(summary)
        return 0
    if drawn is not None:
        print(m("map.overview_wrote", path=path, **ov.shown(), edges=len(ov.between),
                nodes=f"{drawn[0]:,}", relations=f"{drawn[1]:,}"))
    if args.out_dir:
        print(m("map.wrote_dir", path=args.out_dir, count=len(links)))
    elif drawn is None:
        print(m("map.wrote", path=path, nodes=len(ov.nodes), edges=len(ov.between)))
    return 0


def _built(path: Path) -> str | None:
    """The graph file's date (YYYY-MM-DD), shown as the map's build date."""
    import datetime

    try:
        return datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return None


def _load(args: argparse.Namespace):
    from shienmap.graph.store import read_graph

    return read_graph(args.graph)


def cmd_route(args: argparse.Namespace) -> int:
    from shienmap.i18n import messages
    from shienmap.queries.case import CaseError, make_case
    from shienmap.queries.routing import route

    g = None
    try:
        if args.backend == "cypher":
            from shienmap.queries.cypher_backend import CypherBackend

            with _store(args) as store:
                backend = CypherBackend(store)
                case = backend.make_case(args.region, args.topic, args.holder)
                result = backend.route(case, limit=args.top)
        elif (routed := _route_from_store(args)) is not None:
            case, result, g = routed
        else:
            g = _load(args)
            case = make_case(g, args.region, args.topic, args.holder)
            result = route(g, case, limit=args.top)
    except CaseError as exc:
        raise UserError(str(exc)) from exc
    if not result.answers:
        print(f"shienmap: {messages(args.lang)('route.none', reason=result.reason)}",
              file=sys.stderr)
    if args.json:
        _print_json([a.as_dict() for a in result.answers])
        return 0
    from shienmap.present.reports import route_report

    print(route_report(_presentation_graph(args, g), case, result, lang=args.lang))
    return 0


def _route_from_store(args: argparse.Namespace):
    """(case, result, graph) from the embedded store, or None when the JSON is read instead:
    ``--store never``, a small graph file with ``auto``, or a store that cannot be written."""
    from shienmap.queries.sqlite_backend import STORE_MIN_BYTES, route_with_store

    if args.store == "never" or not args.graph.is_file():
        return None
    if args.store == "auto" and args.graph.stat().st_size < STORE_MIN_BYTES:
        return None
    try:
        return route_with_store(args.graph, args.region, args.topic, args.holder,
                                limit=args.top)
    except OSError as exc:
        print(f"shienmap: cannot use the store beside {args.graph} "
              f"({exc.strerror or exc}); reading the graph file", file=sys.stderr)
        return None


def _presentation_graph(args: argparse.Namespace, g=None):
    """The graph for names, regions and document titles in the output: the one already loaded,
    else the graph file when there is one (the Cypher backend may run without it)."""
    if g is not None:
        return g
    return _load(args) if args.graph.exists() else None


def _networkx_engine():
    from shienmap.queries.cypher_backend import HubEngine

    return HubEngine("networkx", "networkx", "this process: igraph betweenness, NetworkX "
                                             "PageRank (cached beside the graph file)")


def cmd_hubs(args: argparse.Namespace) -> int:
    from shienmap.queries.hubs import DEFAULT_RELATIONS, HubError, hubs

    relations = tuple(args.relation) if args.relation else DEFAULT_RELATIONS
    options = {"region": args.region, "relations": relations, "level": args.level,
               "top": args.top, "k": args.k, "seed": args.seed}
    g = None
    cached = None
    engine = _networkx_engine()
    try:
        if args.backend == "cypher":
            from shienmap.queries.cypher_backend import CypherBackend

            with _store(args) as store:
                backend = CypherBackend(store)
                rows = backend.hubs(**options)
                engine = backend.engine
        elif args.k is None:  # exact: served from the cache beside the graph file
            from shienmap.i18n import messages
            from shienmap.queries.hub_cache import HubCache, cached_hubs

            m = messages(args.lang)
            cache = HubCache(args.graph, on_message=lambda key, values: print(
                f"shienmap: {m(key, **values)}", file=sys.stderr))
            cached = cached_hubs(cache, lambda: _load(args), region=args.region,
                                 relations=relations, level=args.level)
            rows, g = cached.rows[:args.top], cached.graph
        else:
            g = _load(args)
            rows = hubs(g, **options)
    except HubError as exc:
        raise UserError(str(exc)) from exc
    if args.json:
        _print_json([{**r.as_dict(), "engine": engine.name} for r in rows])
        return 0
    from shienmap.documents import Documents
    from shienmap.present.reports import hubs_report
    from shienmap.queries.coverage import document_coverage

    if cached is not None:
        coverage, docs = cached.coverage, Documents(cached.documents)
    else:
        coverage = None if g is None else document_coverage(  # Cypher backend: no breakdown
            g, region=args.region, relations=relations, level=args.level)
        docs = Documents(_presentation_graph(args, g))
    print(hubs_report(rows, coverage, docs, lang=args.lang, engine=engine))
    return 0


def _progress(quiet: bool):
    """``[i/n] name`` on stderr, with documents a second and the time left once a few are
    done."""
    started = time.monotonic()

    def report(i: int, n: int, name: str) -> None:
        if quiet:
            return
        line = f"[{i + 1}/{n}] reading {name}"
        elapsed = time.monotonic() - started
        if i >= 3 and elapsed > 1.0:
            rate = i / elapsed
            line += f" ({rate:.1f} documents/s, about {(n - i) / rate:.0f} s left)"
        print(line, file=sys.stderr, flush=True)
    return report


def cmd_build(args: argparse.Namespace) -> int:
    from shienmap.loaders.pipeline import load_reference

    load_reference()
    # The build makes millions of objects that live until the graph is written: the ontology,
    # finder and modules are frozen out of the collector, and young objects are collected
    # every 10,000 allocations, not 700 (full collections re-traversed the growing graph).
    # Both are undone after: main() may be called again in this process (tests, notebooks).
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    try:
        return _build(args)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _build(args: argparse.Namespace) -> int:
    from shienmap.loaders.pipeline import build_graph, default_jobs

    out = args.out or args.graph
    jobs = args.jobs or default_jobs()
    g, report = build_graph(args.docs, progress=_progress(args.quiet), jobs=jobs)
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
    from shienmap.documents import Documents
    from shienmap.present.reports import build_report

    print(build_report(str(out), report, counts, Documents(g), lang=args.lang))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from shienmap.i18n import messages
    from shienmap.loaders.evaluate import evaluate_documents

    for path in (args.gold_edges, args.entities):
        if path is not None and not path.is_file():
            raise UserError(f"{path}: no such annotation file")
    try:
        scores = evaluate_documents(args.docs, args.gold_edges, args.entities)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if args.json:
        _print_json({t: s.as_dict() | ({"wrong": s.wrong, "missed": s.missed}
                                       if args.errors else {}) for t, s in scores.items()})
        return 0
    m = messages(args.lang)
    cols = ["type", "gold", "found", "correct", "precision", "recall", "f1"]
    print(_table([m(f"evaluate.col.{c}") for c in cols],
                 [[t, s.gold, s.predicted, s.correct_predicted, f"{s.precision:.2f}",
                   f"{s.recall:.2f}", f"{s.f1:.2f}"] for t, s in scores.items()]))
    if args.errors:
        for t, s in scores.items():
            for label, items in ((m("evaluate.wrong"), s.wrong), (m("evaluate.missed"), s.missed)):
                if items:
                    print(f"\n{t} {label}:")
                    print("\n".join(f"  {x}" for x in items))
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    from shienmap.documents import Documents
    from shienmap.graph.schema import INSTITUTION_RELATIONS
    from shienmap.present.reports import gaps_csv_rows, gaps_report
    from shienmap.queries.gaps import GapError, gaps

    g = _load(args)
    relations = tuple(args.relation) if args.relation else INSTITUTION_RELATIONS
    try:
        cells = gaps(g, relations=relations, kinds=tuple(args.kinds) if args.kinds else None,
                     region=args.region)
    except GapError as exc:
        raise UserError(str(exc)) from exc
    docs = Documents(g)
    if args.csv:
        _write_csv(args.csv, *gaps_csv_rows(cells, docs, lang=args.lang))
    if args.plot:
        from shienmap.visualisations.heatmap import PlotUnavailable, gap_heatmap, save_figure

        try:
            save_figure(gap_heatmap(cells, lang=args.lang), args.plot)
        except PlotUnavailable as exc:
            raise UserError(str(exc)) from exc
    if args.json:
        _print_json([c.as_dict() for c in cells])
        return 0
    by = args.by or ("cell" if args.kinds or args.region else "pair")
    print(gaps_report(cells, by=by, lang=args.lang, docs=docs))
    return 0


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    """CSV in UTF-8 with a byte-order mark, so that Excel opens it as UTF-8."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


# ---------------------------------------------------------------- output helpers


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table fitted to the terminal (see :mod:`shienmap.present.table`)."""
    from shienmap.present.table import render_table, terminal_width

    return render_table(headers, rows, width=terminal_width())


def _printable(data: Any) -> Any:
    """JSON data with file-name bytes that are not UTF-8 escaped and passwords redacted."""
    if isinstance(data, str):
        return redact(_escape_surrogates(data))
    if isinstance(data, dict):
        return {_printable(k): _printable(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_printable(v) for v in data]
    if isinstance(data, Path):
        return _printable(str(data))
    return data


def _escape_surrogates(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _print_json(data: Any) -> None:
    json.dump(_printable(data), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _escape_file_name_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a surrogate-escaped byte of a file name is printed as ``\\xNN``."""
    if isinstance(exc, UnicodeEncodeError):
        out = []
        for ch in exc.object[exc.start:exc.end]:
            code = ord(ch)
            out.append(f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF
                       else f"\\u{code:04x}")
        return "".join(out), exc.end
    raise exc


class _Redacting(logging.Filter):
    """Log records with passwords replaced (library warnings, e.g. the Neo4j driver's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        return True


def _setup_output() -> None:
    """Streams that escape file-name bytes; library logs redacted, warnings only."""
    codecs.register_error("shienmap-escape", _escape_file_name_bytes)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="shienmap-escape")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Redacting())
    handler.setFormatter(logging.Formatter("shienmap: %(name)s: %(message)s"))
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    for noisy in ("pdfminer", "pypdf"):  # notes on damaged fonts, permissions ignored
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _error(message: str) -> None:
    """One line on stderr (a driver's message may hold line breaks), passwords redacted."""
    line = " ".join(redact(_escape_surrogates(message)).split())
    print(f"shienmap: error: {line}", file=sys.stderr)


def _quiet_broken_pipe() -> int:
    """Output went into a closed pipe (``| head``): stop quietly, as a Unix tool does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more can fail at exit
    except (OSError, ValueError):
        pass
    return 141  # 128 + SIGPIPE, what a shell shows for a tool ended by it


def run() -> None:
    """The process's entry (the ``shienmap`` command, ``python -m shienmap``): :func:`main`,
    then exit. What the command left (a built graph, the ontology, the analyser) goes with the
    process: it is frozen out of the collections the interpreter makes at exit, which would
    only traverse and free it (~0.1 s after a large build). Standard streams are flushed and
    exit handlers run as always."""
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    from shienmap.graph.errors import StoreError

    argv = list(sys.argv[1:] if argv is None else argv)
    _remember_secrets(argv)
    _setup_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    _SIGNAL.clear()
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not as a warning at exit
        return code
    except (UserError, GraphFileError, OntologyError, StoreError) as exc:
        _error(str(exc))
        return 1
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except OSError as exc:
        name = exc.filename if exc.filename is not None else ""
        _error(f"{os.fsdecode(name) if name else ''}: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt as exc:
        message = getattr(exc, "message", "")
        print(redact(f"shienmap: interrupted{': ' + message if message else ''}"),
              file=sys.stderr)
        return 128 + (_SIGNAL[-1] if _SIGNAL else signal.SIGINT)


if __name__ == "__main__":
    run()
