"""The loader pipeline, top to bottom:

    read -> normalise -> segment -> analyse + recognise (mentions) -> resolve (context)
         -> relate (+ tables/lists) -> graph

:func:`extract_text` runs the text stages on one document and returns what it states:
every sentence is recognised first, then the document's index (author, short forms,
prefecture) is built, then sentences are resolved and related in order.
:func:`build_graph` reads many documents and merges their facts into one graph.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx

from shienmap.graph.builder import Evidence, GraphBuilder
from shienmap.graph.ontology import Ontology, default_ontology
from shienmap.graph.schema import (
    AGREEMENT,
    COLLABORATION,
    DIRECTED_RELATIONS,
    INSTITUTION,
    KIND,
    PROGRAMME,
    REGION,
    TAKES_PART,
    TOPIC,
    node_id,
)

from .analyse import analyse
from .context import DocumentContext, DocumentIndex
from .mentions import Mention, finder_for
from .normalise import normalise_text
from .read import DocumentError, RawDocument, find_documents, read_document
from .relations import Relation, RelationExtractor
from .segment import Segment, segment
from .tables import CountTable, find_count_tables, footnote_marker, labelled_lists


@dataclass(frozen=True)
class Fact:
    """A relation between two parties, with the sentence that states it."""

    relation: Relation
    evidence: tuple[Evidence, ...]
    topics: tuple[str, ...] = ()
    region: str | None = None
    count: int | None = None
    period: str | None = None


@dataclass(frozen=True)
class Membership:
    """A party that runs, hosts or joins a programme."""

    party: Mention
    programme: str
    role: str
    evidence: Evidence
    region: str | None = None


@dataclass
class Extraction:
    """Everything one document states: mentions, relations, memberships, count tables."""

    doc: str
    text: str
    mentions: list[tuple[Mention, Evidence]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    tables: list[CountTable] = field(default_factory=list)
    sentences: int = 0


log = logging.getLogger(__name__)
WINDOW = 5000  # sentences resolved together: any ordinary document, a bounded part of a huge one


def extract_text(doc: str, text: str, onto: Ontology | None = None,
                 publisher: str | None = None) -> Extraction:
    """Run segment -> recognise -> resolve -> relate on a normalised text; ``publisher`` (from
    the document's metadata) is who ``当協会`` and the like refer to."""
    out = Extraction(doc, text)
    for part in extract_windows(doc, text, onto, publisher):
        out.sentences += part.sentences
        out.mentions += part.mentions
        out.facts += part.facts
        out.memberships += part.memberships
        out.tables += part.tables
    return out


def extract_windows(doc: str, text: str, onto: Ontology | None = None,
                    publisher: str | None = None) -> Iterator[Extraction]:
    """What a document states, a window of sentences at a time (one window for any ordinary
    document), so that memory is bounded by the window, not by the document."""
    onto = onto or default_ontology()
    window: list[Segment] = []
    for seg in segment(text):
        window.append(seg)
        if len(window) >= WINDOW:
            yield _extract_window(doc, text, window, onto, publisher)
            window = []
    if window:
        yield _extract_window(doc, text, window, onto, publisher)


def _extract_window(doc: str, text: str, segments: list[Segment], onto: Ontology,
                    publisher: str | None) -> Extraction:
    finder = finder_for(onto)
    relater = RelationExtractor(onto)
    out = Extraction(doc, text)
    out.sentences = len(segments)
    recognised = [finder.find(seg.text) for seg in segments]
    index = DocumentIndex.build(onto, finder, [s.text for s in segments], recognised, publisher)
    ctx = DocumentContext(onto, index)
    pending_notes: dict[str, tuple[str, Evidence, Mention | None]] = {}
    line_topics: dict[int, set[str]] = {}
    fact_lines: dict[int, int] = {}  # index in out.facts -> its line
    for seg, found in zip(segments, recognised, strict=True):
        ev = Evidence(doc, seg.start, seg.end, seg.text)
        if seg.is_heading:
            ctx.start_section(found)
        line = text.rfind("\n", 0, seg.start) + 1
        res = ctx.resolve(seg.text, found, line, heading=seg.is_heading)
        line_topics.setdefault(line, set()).update(m.name for m in found if m.label == TOPIC)
        out.mentions += [(m, ev) for m in res.mentions if m.is_party or m.label in (
            REGION, TOPIC, PROGRAMME)]
        rels = relater.extract(seg.text, res)
        new = _facts(rels, ev, res.topics, res.region)
        fact_lines.update((len(out.facts) + i, line) for i in range(len(new)))
        out.facts += new
        _lists(seg, res, ev, out, relater, ctx)
        marker = footnote_marker(seg.text)
        if marker and seg.text.startswith(marker):
            _footnote_list(marker, res.mentions, ev, pending_notes, out)
        elif marker:
            trig = relater.triggers(seg.text, res.mentions)
            if trig:
                subj = ctx.author if ctx.author is not None else res.subject
                pending_notes[marker] = (trig[-1].type, ev, subj)
    # a sentence's topics include those of the rest of its paragraph (one line once joined)
    for i, ln in fact_lines.items():
        f = out.facts[i]
        out.facts[i] = replace(f, topics=tuple(sorted({*f.topics, *line_topics[ln]})))
    out.facts = [f for f in out.facts if not (  # それぞれ: separate agreements, not a joint one
        f.relation.type == AGREEMENT
        and frozenset((f.relation.source.name, f.relation.target.name)) in relater.unbound)]
    triggers = {w: t for w, (t, _p) in relater.words.items()}
    out.tables = find_count_tables(segments, finder, onto, triggers)
    return out


def _facts(rels: list[Relation], ev: Evidence, topics: tuple[str, ...],
           region: str | None) -> list[Fact]:
    specific = {frozenset((r.source.name, r.target.name)) for r in rels
                if r.type != COLLABORATION}
    return [Fact(r, (ev,), topics, region) for r in rels
            if r.type != COLLABORATION or frozenset((r.source.name, r.target.name)) not in specific]


def _lists(seg: Segment, res, ev: Evidence, out: Extraction, relater: RelationExtractor,
           ctx: DocumentContext) -> None:
    """Labelled member lists: a relation among the members, or membership of the programme."""
    for lst in labelled_lists(seg.text, res.mentions):
        trig = relater.triggers(lst.label, [])
        members = list({m.name: m for m in lst.mentions}.values())
        if trig and trig[0].type not in DIRECTED_RELATIONS:
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    out.facts.append(Fact(Relation(trig[0].type, a, b, trig[0].word), (ev,),
                                          res.topics, res.region))
        elif res.programme:
            out.memberships += [Membership(m, res.programme, lst.label, ev, res.region)
                                for m in members]


def _footnote_list(marker: str, mentions: list[Mention], ev: Evidence,
                   pending: dict[str, tuple[str, Evidence, Mention | None]],
                   out: Extraction) -> None:
    """"(※) A、B、C" completing an earlier sentence "…と人事交流等 (※)"."""
    if marker not in pending:
        return
    rtype, first_ev, agent = pending.pop(marker)
    listed = [m for m in mentions if m.is_party and m.label == INSTITUTION]
    if agent is None or len(listed) < 2:
        return
    for m in listed:
        if m.name == agent.name:
            continue
        rel = Relation(rtype, m, agent, "(※)")
        out.facts.append(Fact(rel, (ev, first_ev)))


# ---------------------------------------------------------------- graph assembly


def _party_node(b: GraphBuilder, m: Mention, ev: Evidence) -> str:
    if m.label == INSTITUTION:
        named = not m.via and m.surface != m.name and len(m.surface) > 3
        alias = m.alias or (m.surface if named else None)  # a written name, not a reference
        return b.institution(m.name, m.kind or "金融機関", m.region, ev, alias=alias)
    return b.mention_node(KIND, m.name, ev)


def add_extraction(b: GraphBuilder, ext: Extraction) -> None:
    """Merge one document's extraction into the graph."""
    onto = b.onto
    for m, ev in ext.mentions:
        if m.is_party:
            _party_node(b, m, ev)
        else:
            b.mention_node(m.label, m.name, ev)
    topic_ids: dict[tuple[str, ...], list[str]] = {}  # a sentence's facts share its topics
    for f in ext.facts:
        u = _party_node(b, f.relation.source, f.evidence[0])
        v = _party_node(b, f.relation.target, f.evidence[0])
        topics = topic_ids.get(f.topics)
        if topics is None:
            topics = topic_ids[f.topics] = [node_id(TOPIC, t) for t in f.topics]
        for ev in f.evidence:
            b.relation(u, v, f.relation.type, ev, topics=topics,
                       region=node_id(REGION, f.region) if f.region else None,
                       count=f.count, period=f.period)
    for ms in ext.memberships:
        u = _party_node(b, ms.party, ms.evidence)
        v = b.mention_node(PROGRAMME, ms.programme, ms.evidence)
        b.relation(u, v, TAKES_PART, ms.evidence, role=ms.role,
                   region=node_id(REGION, ms.region) if ms.region else None)
    for t in ext.tables:
        head = Evidence(ext.doc, t.heading.start, t.heading.end, t.heading.text)
        for c in t.cells:
            src = onto.instance_name(t.source_kind, c.region)
            dst = onto.instance_name(t.target_kind, c.region)
            if not src or not dst or c.count == 0:
                continue  # a count of zero states that no case was brought
            cell = Evidence(ext.doc, c.start, c.end, ext.text[c.start:c.end])
            u = b.institution(src, t.source_kind, None, cell)
            v = b.institution(dst, t.target_kind, None, cell)
            b.relation(u, v, t.type, cell, count=c.count, period=t.period,
                       region=node_id(REGION, c.region))
            b.relation(u, v, t.type, head)


@dataclass
class DocumentSummary:
    """What was read from one document."""

    name: str
    path: str
    format: str
    encoding: str
    characters: int
    sentences: int
    relations: int
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass
class BuildReport:
    """Documents read, documents skipped (with the reason), and counts of the graph."""

    documents: list[DocumentSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def counts(self, g: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
        nodes: dict[str, int] = {}
        edges: dict[str, int] = {}
        for _, d in g.nodes(data=True):
            nodes[d["label"]] = nodes.get(d["label"], 0) + 1
        for _, _, d in g.edges(data=True):
            edges[d["type"]] = edges.get(d["type"], 0) + 1
        return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}


def load_raw(b: GraphBuilder, raw: RawDocument) -> DocumentSummary:
    """Normalise, extract and merge one read document, a window at a time."""
    summary, parts = _extracted(raw, b.onto)
    del raw  # the raw text is not needed beside the normalised one
    for part in parts:
        _merge_part(b, summary, part)
    return summary


def _extracted(raw: RawDocument, onto: Ontology
               ) -> tuple[DocumentSummary, Iterator[Extraction]]:
    """A read document's summary and its extraction, a window at a time (lazily)."""
    summary = DocumentSummary(raw.name, str(raw.path), raw.format, raw.encoding, 0, 0, 0,
                              **raw.meta.as_dict())
    text = normalise_text(raw.text)
    summary.characters = len(text)
    return summary, extract_windows(summary.name, text, onto, raw.meta.publisher)


def _merge_part(b: GraphBuilder, summary: DocumentSummary, part: Extraction) -> None:
    add_extraction(b, part)
    summary.sentences += part.sentences
    summary.relations += len(part.facts) + sum(len(t.cells) for t in part.tables)


# ---------------------------------------------------------------- in parallel

_WORKER_ONTO: Ontology | None = None


def _worker_start(onto: Ontology) -> None:
    global _WORKER_ONTO
    _WORKER_ONTO = onto


def _worker_extract(path: Path) -> tuple[DocumentSummary, list[Extraction]] | DocumentError:
    """Read and extract one document in a worker process (merging stays in the parent, in
    document order, so the graph is the same as a serial build's)."""
    assert _WORKER_ONTO is not None
    try:
        raw = read_document(path)
    except DocumentError as exc:
        return exc
    summary, parts = _extracted(raw, _WORKER_ONTO)
    del raw
    return summary, list(parts)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def load_reference(onto: Ontology | None = None) -> Ontology:
    """Load the ontology and its name finder now (a build would at its first document)."""
    onto = onto or default_ontology()
    finder_for(onto)
    return onto


def _pool(onto: Ontology, jobs: int) -> ProcessPoolExecutor | None:
    """``jobs`` worker processes (forked where the platform allows, so the loaded dictionary
    and ontology are shared, not loaded again), or None where processes cannot be started
    (a sandbox without semaphores): the build then runs in this process."""
    method = "fork" if "fork" in mp.get_all_start_methods() else None
    if method == "fork":  # load once here; the workers inherit them
        load_reference(onto)
        analyse("支援機関。")
    try:
        return ProcessPoolExecutor(jobs, mp_context=mp.get_context(method),
                                   initializer=_worker_start, initargs=(onto,))
    except (ImportError, OSError, NotImplementedError) as exc:
        log.warning("cannot start %d worker processes (%s); reading in this one", jobs, exc)
        return None


def build_graph(inputs: Iterable[str | Path], onto: Ontology | None = None,
                progress: Callable[[int, int, str], None] | None = None, jobs: int = 1,
                ) -> tuple[nx.MultiDiGraph, BuildReport]:
    """Read every document under ``inputs`` and build the merged graph.

    Unreadable documents are skipped and listed in the report; the others still load.
    ``progress(i, n, name)`` is called before each document is merged. With ``jobs`` > 1
    documents are read and extracted in that many processes and merged here in order: the
    graph is the same as with one.
    """
    onto = onto or default_ontology()
    builder = GraphBuilder(onto)
    report = BuildReport()
    paths, errors = find_documents(inputs)
    report.skipped += [(str(e.path), e.reason) for e in errors]
    names: dict[str, str] = {}

    def fresh(p: Path, name: str) -> bool:
        if name in names:
            report.skipped.append((str(p), f"same file name as {names[name]}; evidence "
                                           "names documents by file name"))
            return False
        names[name] = str(p)
        return True

    pool = _pool(onto, min(jobs, len(paths))) if jobs > 1 and len(paths) > 1 else None
    if pool is not None:
        with pool:  # documents extracted in the workers, merged here in their order
            results = pool.map(_worker_extract, paths)
            for i, (p, result) in enumerate(zip(paths, results, strict=True)):
                if progress:
                    progress(i, len(paths), p.name)
                if isinstance(result, DocumentError):
                    report.skipped.append((str(result.path), result.reason))
                    continue
                summary, parts = result
                if fresh(p, summary.name):
                    for part in parts:
                        _merge_part(builder, summary, part)
                    report.documents.append(summary)
    else:
        for i, p in enumerate(paths):
            if progress:
                progress(i, len(paths), p.name)
            try:
                raw = read_document(p)
            except DocumentError as exc:
                report.skipped.append((str(exc.path), exc.reason))
                continue
            if fresh(p, raw.name):
                pending, raw = [raw], None  # only load_raw holds the raw text
                report.documents.append(load_raw(builder, pending.pop()))
    builder.g.graph["documents"] = [
        {"name": d.name, "title": d.title, "publisher": d.publisher, "date": d.date,
         "source": d.source} for d in sorted(report.documents, key=lambda d: d.name)]
    return builder.finish(), report


def normalised_document(path: str | Path) -> str:
    """The normalised text of a document, as evidence offsets index it."""
    return normalise_text(read_document(path).text)
