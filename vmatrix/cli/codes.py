"""``vmatrix codes``: the codes stored from validated coding sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import FormatOption, OutputOption, app, open_corpus, warn
from vmatrix.coding.codebook import FACET_COLUMNS
from vmatrix.output.render import Format

# What the listing adds to the sheet columns (ignored by `vmatrix validate`).
EXTRA_COLUMNS = ["label", "anchor", "status", "sheet", "row"]
_QUOTE_WIDTH = 90


@app.command()
def codes(
    doc: Annotated[
        list[str] | None, typer.Option("--doc", "-d", help="Only this document (id, label or number).")
    ] = None,
    value: Annotated[
        list[str] | None, typer.Option("--value", "-v", help="Only codes carrying this value form.")
    ] = None,
    coder: Annotated[list[str] | None, typer.Option("--coder", help="Only this coder's codes.")] = None,
    sheet: Annotated[
        list[str] | None, typer.Option("--sheet", help="Only codes from this sheet (its file name).")
    ] = None,
    orphaned: Annotated[
        bool, typer.Option("--orphaned", help="Only codes whose quote was lost when a transcript changed.")
    ] = False,
    codebook: Annotated[
        Path | None, typer.Option("--codebook", help="Codebook TOML file to resolve --value with.")
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """List the stored codes: document, span, quote, value forms, facets, coder, anchor.

    Options repeat (--value sociale --value hedonique) and combine. The CSV output
    has the columns of a coding sheet: edit it and validate it again.

    Example: vmatrix codes --doc entretien-01 --value localisation --format csv
    """
    from vmatrix.corpus.documents import DocumentIndex
    from vmatrix.output.render import Table, render
    from vmatrix.sheets.sheet import COLUMNS

    with open_corpus() as corpus:
        documents = corpus.documents()
        doc_ids = DocumentIndex(documents).require_all(doc) if doc else []
        wanted_values: set[str] = set()
        if value:
            from vmatrix.coding.codebook import load_codebook

            book = load_codebook(codebook)
            wanted_values = {book.require_value(v) for v in value}
        rows = corpus.codes(
            documents=doc_ids or None,
            coders=coder or None,
            sheets=sheet or None,
            status="orphaned" if orphaned else None,
        )
    labels = {d.id: d.label for d in documents}
    if wanted_values:
        rows = [r for r in rows if wanted_values & set(r.values)]
    lost = sum(1 for r in rows if r.status == "orphaned")
    columns = [*COLUMNS, *EXTRA_COLUMNS]
    table = Table(
        columns,
        [_sheet_row(r, labels, columns) for r in rows],
        json=[_record(r, labels) for r in rows],
        numeric={1, 2, 16},
    )
    if fmt is Format.table:
        table = _terminal_table(rows, labels)
    render(table, fmt, output)
    if lost:
        warn(
            f"{lost} code(s) orphaned: their quote was not found again after a transcript changed; "
            "`vmatrix validate` lists them"
        )


def _anchor(code: Any) -> str:
    if code.anchor_kind == "fuzzy" and code.anchor_score is not None:
        return f"fuzzy {code.anchor_score:.0%}"
    return code.anchor_kind or ""


def _sheet_row(code: Any, labels: dict[str, str], columns: list[str]) -> list[Any]:
    cells = {
        "document": code.document_id,
        "start": code.start,
        "end": code.end,
        "quote": code.quote or code.anchored_text,
        "values": code.values,
        **{f: code.facets.get(f, []) for f in FACET_COLUMNS},
        "coder": code.coder,
        "memo": code.memo,
        "label": labels.get(code.document_id, ""),
        "anchor": _anchor(code),
        "status": code.status,
        "sheet": code.sheet,
        "row": code.row,
    }
    return [cells[column] for column in columns]


def _record(code: Any, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "document": code.document_id,
        "label": labels.get(code.document_id, ""),
        "start": code.start,
        "end": code.end,
        "quote": code.quote,
        "anchored_text": code.anchored_text,
        "values": code.values,
        "facets": {f: code.facets.get(f, []) for f in FACET_COLUMNS},
        "coder": code.coder,
        "memo": code.memo,
        "anchor": {"kind": code.anchor_kind, "score": code.anchor_score},
        "status": code.status,
        "sheet": code.sheet,
        "row": code.row,
    }


def _terminal_table(rows: list[Any], labels: dict[str, str]) -> Any:
    from vmatrix.output.render import Table

    def short(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= _QUOTE_WIDTH else text[: _QUOTE_WIDTH - 1] + "…"

    columns = ["document", "label", "span", "quote", "values", *FACET_COLUMNS, "coder", "anchor", "sheet:row"]
    body = [
        [
            r.document_id,
            labels.get(r.document_id, ""),
            f"{r.start}-{r.end}" if r.start is not None else "",
            short(r.quote or r.anchored_text),
            r.values,
            *(r.facets.get(f, []) for f in FACET_COLUMNS),
            r.coder,
            "ORPHANED" if r.status == "orphaned" else _anchor(r),
            f"{r.sheet}:{r.row}",
        ]
        for r in rows
    ]
    orphan_style = "bold red"
    return Table(
        columns,
        body,
        style=lambda r, c, value: orphan_style if value == "ORPHANED" else None,
        caption=f"{len(rows)} code(s)",
    )
