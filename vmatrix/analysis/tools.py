"""The tool table: one row per digital tool, as the study printed it.

Each row gathers every verbatim naming the tool: its nature, the value forms it carries
(codebook order), the levers it pulls, who initiates it and who benefits, how many
verbatims and interviews speak of it, and — on request — the verbatims themselves,
quoted « ... » (Entretien 10). Rows come grouped by nature, in codebook order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vmatrix.analysis.quotes import cut_as_typed
from vmatrix.analysis.units import Analysis, Verbatim, in_label_order, natural_key
from vmatrix.table import Table
from vmatrix.textnorm import one_paragraph


@dataclass
class ToolRow:
    tool: str
    natures: list[str]
    values: list[str]
    levers: list[str]
    initiators: list[str]
    beneficiaries: list[str]
    verbatims: list[Verbatim]
    documents: list[str]


def tool_rows(analysis: Analysis, verbatims: Sequence[Verbatim]) -> list[ToolRow]:
    """One row per tool named by the verbatims (suggested verbatims name the tools
    ``vmatrix suggest`` found in their segment)."""
    rows = []
    for tool, group in analysis.group(list(verbatims), "tool", keep_none=False):
        natures = _union(analysis, group, "nature")
        if not natures:
            code = analysis.codebook.facets["tool"].resolve(tool)
            natures = [code.nature] if code is not None and code.nature else []
        labels = {v.document: v.label for v in group}
        documents = sorted(labels, key=lambda d: in_label_order(labels[d], d))
        rows.append(
            ToolRow(
                tool=tool,
                natures=natures,
                values=_union(analysis, group, "value"),
                levers=_union(analysis, group, "lever"),
                initiators=_union(analysis, group, "initiator"),
                beneficiaries=_union(analysis, group, "beneficiary"),
                verbatims=group,
                documents=documents,
            )
        )
    rank = {code.id: i for i, code in enumerate(analysis.codebook.facets["nature"].codes)}
    order = {row.tool: i for i, row in enumerate(rows)}

    def by_nature(row: ToolRow) -> tuple[Any, ...]:
        nature = analysis.comparable("nature", row.natures[0]) if row.natures else None
        return (
            nature is None,
            nature not in rank,
            rank.get(nature or "", 0),
            natural_key(nature or ""),
            order[row.tool],
        )

    return sorted(rows, key=by_nature)


def _union(analysis: Analysis, verbatims: Sequence[Verbatim], key: str) -> list[str]:
    seen: dict[str, str] = {}
    for verbatim in verbatims:
        for label in verbatim.labels(key):
            seen.setdefault(analysis.comparable(key, label), label)
    ordered = analysis.order(key, seen.values())
    wanted = {analysis.comparable(key, label) for label in seen.values()}
    return [label for label in ordered if analysis.comparable(key, label) in wanted]


def citation(text: str, label: str) -> str:
    """« text » (Entretien 10), the way quotes stand in a paper."""
    return f"« {one_paragraph(text)} » ({label})"


def tool_table(
    analysis: Analysis,
    rows: Sequence[ToolRow],
    *,
    ids: bool,
    quotes: dict[Verbatim, tuple[str, str]] | None = None,
) -> Table:
    """The rows as a :class:`Table`; ``quotes`` maps verbatims to their passage and citation
    (see :func:`quote_texts`)."""
    show = (lambda key, label: label) if ids else analysis.display
    facet = analysis.key_label if not ids else (lambda key: key)
    columns = [
        facet("nature"),
        facet("tool"),
        "value forms" if ids else "Formes de valeur",
        facet("lever"),
        facet("initiator"),
        facet("beneficiary"),
        "verbatims",
        "interviews",
    ]
    if quotes is not None:
        columns.append("quotes")

    def names(key: str, labels: list[str]) -> Any:
        shown = [show(key, label) for label in labels]
        return shown if ids else ", ".join(shown)

    body: list[list[Any]] = []
    payload = []
    for row in rows:
        line: list[Any] = [
            names("nature", row.natures),
            show("tool", row.tool),
            names("value", row.values),
            names("lever", row.levers),
            names("initiator", row.initiators),
            names("beneficiary", row.beneficiaries),
            len(row.verbatims),
            len(row.documents),
        ]
        cited = []
        if quotes is not None:
            cited = [citation(quotes[v][1], v.label) for v in row.verbatims if v in quotes]
            line.append("\n".join(cited))
        body.append(line)
        record: dict[str, Any] = {
            "tool": row.tool,
            "nature": row.natures,
            "values": row.values,
            "lever": row.levers,
            "initiator": row.initiators,
            "beneficiary": row.beneficiaries,
            "verbatims": len(row.verbatims),
            "interviews": len(row.documents),
            "documents": row.documents,
        }
        if quotes is not None:
            record["quotes"] = [
                {
                    "document": v.document,
                    "label": v.label,
                    "start": v.start,
                    "end": v.end,
                    "text": quotes[v][0],
                    "cited": quotes[v][1],
                }
                for v in row.verbatims
                if v in quotes
            ]
        payload.append(record)
    source = "manual codes"
    title = f"Tools ({len(rows)} tools, {sum(len(r.verbatims) for r in rows)} verbatims; {source})"
    return Table(columns, body, title=title, json=payload, numeric={6, 7})


def quote_texts(corpus: Any, rows: Sequence[ToolRow]) -> tuple[dict[Verbatim, tuple[str, str]], int]:
    """For every verbatim of the rows, the transcript's passage and the citation: the
    passage cut where its sheet cut it with ``(...)`` (see :func:`vmatrix.corpus.anchor.cited_form`).
    An orphaned code shows the quote as its sheet gave it. Returns the texts and how many
    are orphaned."""
    texts: dict[str, str] = {}
    out: dict[Verbatim, tuple[str, str]] = {}
    orphaned = 0
    for row in rows:
        for verbatim in row.verbatims:
            if verbatim.orphaned or verbatim.start is None or verbatim.end is None:
                orphaned += 1
                out[verbatim] = (verbatim.quote, verbatim.quote)
                continue
            if verbatim.document not in texts:
                texts[verbatim.document] = corpus.text(verbatim.document)
            text = texts[verbatim.document]
            passage = text[verbatim.start : verbatim.end]
            cut = cut_as_typed(text, verbatim.quote, verbatim.start, verbatim.end)
            out[verbatim] = (passage, cut.text if cut else passage)
    return out, orphaned
