"""The command line's readable output: one function per command, returning text.

Each takes the library's results and a language, and returns the table (plus heading and
footer) to print; widths follow :func:`~shienmap.present.table.terminal_width`. The full texts
stay in ``--json`` and ``--csv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx

from shienmap.documents import Documents
from shienmap.i18n import Messages, messages
from shienmap.present.evidence import evidence_text
from shienmap.present.routes import answer_reason, plain_route
from shienmap.present.table import render_table, terminal_width, wrap


def _paragraph(text: str, width: int) -> str:
    """A paragraph wrapped to ``width`` (no line limit)."""
    return "\n".join(wrap(text, width, max_lines=1000))


# ---------------------------------------------------------------- route


def route_report(g: nx.MultiDiGraph | None, case: Any, result: Any, *, lang: str | None = None,
                 width: int | None = None) -> str:
    """Heading (the case) and the ranked answers: name, score, reason and plain path, and the
    first evidence with its document's title."""
    m = messages(lang)
    width = width or terminal_width()
    g = g if g is not None else nx.MultiDiGraph()
    docs = Documents(g)
    holder = (case.holder.split(":", 1)[1] if case.holder else m("route.no_holder"))
    head = m("route.case", region=case.region, prefecture=case.prefecture or "-",
             topics="、".join(case.topics) or "-", holder=holder)
    if case.escalate:
        head += m("route.hard_case")
    lines = [_paragraph(head, width)]
    if not result.answers:
        return "\n".join(lines)
    rows, notes = [], []
    for i, a in enumerate(result.answers, 1):
        name = a.name + (m("route.instance", instance=a.instance) if a.instance else "")
        plain = plain_route(g, a.path, a.evidence, reason=answer_reason(a), lang=m.lang)
        why = plain.text(m)
        if plain.reason:
            why = m("route.reason", reason=plain.reason) + " / " + why
        rows.append([i, name, f"{a.score:.2f}", why])
        notes.append(_evidence_note(i, a, docs, m, width))
    lines.append(render_table(
        [m("route.col.rank"), m("route.col.next"), m("route.col.score"), m("route.col.why")],
        rows, width=width, flex=[1, 3], max_lines=4))
    lines += ["", m("route.evidence_heading"), *notes]
    by_topic = getattr(result, "by_topic", None) or {}
    if by_topic:
        lines += ["", m("route.by_topic")]
        for topic, answers in by_topic.items():
            names = "、".join(a.name for a in answers[:3]) or "-"
            lines.append(_paragraph("  " + m("route.by_topic_line", topic=topic, names=names),
                                    width))
    return "\n".join(lines)


def _evidence_note(rank: int, answer: Any, docs: Documents, m: Messages, width: int) -> str:
    """``1. title (publisher, year) [file]`` and the first quote, indented, wrapped to width,
    with how many more sentences support the answer; for an answer from a mandate, the rule it
    rests on; then what usually comes next."""
    evidence: Sequence[dict[str, Any]] = answer.evidence
    references = getattr(answer, "references", None) or []
    after = getattr(answer, "next", None) or []
    if evidence:
        ev = evidence[0]
        text = _paragraph(f"{rank}. {docs[ev['doc']].label_with_file()}", width)
        quote = m("route.quote", quote=" ".join(ev["quote"].split()))
        if len(evidence) > 1:
            quote += " " + m("map.more", n=len(evidence) - 1)
    elif references:
        text = _paragraph(f"{rank}. {m('route.no_evidence')}", width)
        quote = m("route.reference", reference="; ".join(references))
    else:
        return _paragraph(f"{rank}. {m('route.no_evidence')}", width)
    body = ["   " + line for line in wrap(quote, width - 3, max_lines=3)]
    if after:
        body += ["   " + line for line in wrap(m("route.next", names="、".join(after)),
                                               width - 3, max_lines=1)]
    return text + "\n" + "\n".join(body)


# ---------------------------------------------------------------- hubs


def _io(row: Any) -> str:
    types = sorted(set(row.in_degree) | set(row.out_degree))
    return " ".join(f"{t}{row.in_degree.get(t, 0)}/{row.out_degree.get(t, 0)}" for t in types)


def hubs_report(rows: Sequence[Any], coverage: dict[str, Any] | None, docs: Documents, *,
                lang: str | None = None, width: int | None = None, engine: Any = None) -> str:
    """The ranking, with per-document coverage beside the scores, and a footer saying what
    centrality measures here."""
    m = messages(lang)
    width = width or terminal_width()
    if not rows:
        return m("hubs.empty")
    table_rows = []
    for i, r in enumerate(rows, 1):
        cov = (coverage or {}).get(r.id)
        table_rows.append([i, r.name, m.term(r.category), f"{r.hub_score:.3f}", r.degree,
                           f"{r.betweenness:.3f}", f"{r.pagerank:.3f}", r.brokerage,
                           _coverage_cell(cov, docs, m)])
    out = [render_table(
        [m("hubs.col.rank"), m("hubs.col.name"), m("hubs.col.category"), m("hubs.col.score"),
         m("hubs.col.degree"), m("hubs.col.betweenness"), m("hubs.col.pagerank"),
         m("hubs.col.brokerage"), m("hubs.col.coverage")],
        table_rows, width=width, flex=[1, 2, 8], max_lines=2)]
    out.append("")
    out.append(_paragraph(m("hubs.footer.meaning"), width))
    if coverage is not None:
        out.append(_paragraph(m("hubs.footer.coverage"), width))
        top = coverage.get(rows[0].id)
        doc, share = top.top if top else (None, 0.0)
        if doc and share >= 0.5:
            out.append(_paragraph(m("hubs.footer.bias", name=rows[0].name,
                                    share=f"{share:.0%}", document=docs[doc].label()), width))
    else:
        out.append(_paragraph(m("hubs.footer.no_coverage"), width))
    if engine is not None:  # which engine computed betweenness and PageRank, and why
        out.append(_paragraph(m(f"hubs.engine.{engine.reason}"), width))
    return "\n".join(out)


def _coverage_cell(cov: Any, docs: Documents, m: Messages) -> str:
    if cov is None or not cov.total:
        return "-"
    doc, share = cov.top
    return m("hubs.coverage", documents=cov.documents, doc=doc[:3] if doc else "-",
             share=f"{share:.0%}")


# ---------------------------------------------------------------- gaps


def gaps_report(cells: Sequence[Any], *, by: str = "pair", lang: str | None = None,
                docs: Documents | None = None, width: int | None = None) -> str:
    """``by="pair"``: one row per expected pair (how many prefectures document it, which);
    ``by="prefecture"``: one row per prefecture; ``by="cell"``: one row per prefecture and
    pair with its evidence."""
    from shienmap.queries.gaps import pair_summary, prefecture_summary

    m = messages(lang)
    width = width or terminal_width()
    docs = docs or Documents()
    if not cells:
        return m("gaps.empty")
    if by == "pair":
        rows = []
        for i, r in enumerate(pair_summary(list(cells)), 1):
            x = r.expectation
            total = len(r.documented) + len(r.missing)
            rows.append([i, m.term(x.relation), _pair(x, m), f"{len(r.documented)}/{total}",
                         r.latest or "-", "、".join(r.documented) or "-"])
        table = render_table(
            [m("gaps.col.rank"), m("gaps.col.relation"), m("gaps.col.pair"),
             m("gaps.col.count"), m("gaps.col.latest"), m("gaps.col.where")],
            rows, width=width, flex=[2, 5], max_lines=3)
    elif by == "prefecture":
        rows = []
        for r in prefecture_summary(list(cells)):
            total = len(r.documented) + len(r.missing)
            rows.append([r.prefecture, f"{len(r.documented)}/{total}", r.latest or "-",
                         "、".join(r.documented) or "-"])
        table = render_table(
            [m("gaps.col.prefecture"), m("gaps.col.count"), m("gaps.col.latest"),
             m("gaps.col.pairs")], rows, width=width, flex=[3], max_lines=3)
    else:
        rows = []
        for c in cells:
            rows.append([c.prefecture, m.term(c.expectation.relation), _pair(c.expectation, m),
                         m("gaps.yes") if c.documented else m("gaps.no"), c.latest or "-",
                         _links_text(c, docs, m) if c.documented else "-"])
        table = render_table(
            [m("gaps.col.prefecture"), m("gaps.col.relation"), m("gaps.col.pair"),
             m("gaps.col.documented"), m("gaps.col.latest"), m("gaps.col.evidence")], rows,
            width=width, flex=[2, 5], max_lines=3)
    return "\n".join([table, "", _paragraph(m("gaps.footer"), width)])


def _links_text(cell: Any, docs: Documents, m: Messages) -> str:
    """The first documented link, its count, and the documents that record it here."""
    link = cell.links[0]
    text = f"{link['source_name']} → {link['target_name']}"
    if link.get("count") is not None:
        text += m("gaps.count", count=link["count"])
    more = len(cell.links) - 1
    if more:
        text += " " + m("map.more", n=more)
    return text + "; " + "、".join(docs[d].label() for d in cell.documents)


def _pair(x: Any, m: Messages) -> str:
    """``信用保証協会→中小企業活性化協議会`` (— for an undirected type), marked when no document
    states it nationally."""
    arrow = "→" if x.directed else "—"
    text = f"{x.kind_a}{arrow}{x.kind_b}"
    if not x.expected:
        text += m("gaps.not_stated")
    return text


def gaps_csv_rows(cells: Sequence[Any], docs: Documents, *, lang: str | None = None
                  ) -> tuple[list[str], list[list[Any]]]:
    """Header and rows for the CSV file: every cell, with the full texts."""
    m = messages(lang)
    header = [m(f"gaps.csv.{k}") for k in (
        "prefecture", "code", "relation", "kind_a", "kind_b", "directed", "expected",
        "documented", "latest", "documents", "links", "evidence")]
    rows = []
    for c in cells:
        x = c.expectation
        links = " | ".join(
            f"{link['source_name']} → {link['target_name']}"
            + (f" ({link['count']})" if link.get("count") is not None else "")
            for link in c.links)
        quotes = " | ".join(evidence_text(ev, docs, m) for link in c.links
                            for ev in link["evidence"])
        rows.append([c.prefecture, c.code, x.relation, x.kind_a, x.kind_b,
                     int(x.directed), int(x.expected), int(c.documented), c.latest or "",
                     " | ".join(docs[d].label_with_file() for d in c.documents), links, quotes])
    return header, rows


# ---------------------------------------------------------------- build


def build_report(out: str, report: Any, counts: dict[str, dict[str, int]], docs: Documents, *,
                 lang: str | None = None, width: int | None = None) -> str:
    """What was read (with each document's title), what the graph holds, what was skipped."""
    m = messages(lang)
    width = width or terminal_width()
    parts = [m("build.wrote", path=out), ""]
    parts.append(render_table(
        [m("build.col.document"), m("build.col.title"), m("build.col.format"),
         m("build.col.encoding"), m("build.col.characters"), m("build.col.sentences"),
         m("build.col.relations")],
        [[d.name, docs[d.name].label(), d.format, d.encoding, d.characters, d.sentences,
          d.relations] for d in report.documents], width=width, flex=[1], max_lines=3))
    parts += ["", render_table([m("build.col.label"), m("build.col.count")],
                               [[m.term(k), v] for k, v in counts["nodes"].items()])]
    parts += ["", render_table([m("build.col.type"), m("build.col.count")],
                               [[m.term(k), v] for k, v in counts["edges"].items()])]
    if report.skipped:
        parts += ["", render_table([m("build.col.skipped"), m("build.col.reason")],
                                   [[p, r] for p, r in report.skipped], width=width)]
    return "\n".join(parts)


__all__ = ["build_report", "gaps_csv_rows", "gaps_report", "hubs_report", "route_report"]
