"""``vmatrix agree``: how much coders agree, value form by value form."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import FormatOption, OutputOption, app, err, open_corpus
from vmatrix.output.render import SPREADSHEETS, Format

_QUOTE_WIDTH = 90


@app.command()
def agree(
    coder: Annotated[
        list[str] | None,
        typer.Option("--coder", help="Compare these coders (repeat; default: every coder stored)."),
    ] = None,
    doc: Annotated[list[str] | None, typer.Option("--doc", "-d", help="Only this document (repeat).")] = None,
    sheet: Annotated[
        list[str] | None, typer.Option("--sheet", help="Only codes from this sheet (repeat).")
    ] = None,
    value: Annotated[
        list[str] | None, typer.Option("--value", "-v", help="Report only this value form (repeat).")
    ] = None,
    codebook: Annotated[
        Path | None, typer.Option("--codebook", help="Codebook TOML file to use instead of the bundled one.")
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Agreement between coders who coded the same documents: per value form and overall.

    Verbatims are matched across coders by span overlap (at least half of the shorter
    span); a verbatim one coder left uncoded counts as "no value". For each value form:
    percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha (nominal);
    then the verbatims the coders coded differently.

    Example: vmatrix agree --coder CM --coder JB
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.corpus.documents import require_documents
    from vmatrix.output.render import render
    from vmatrix.sheets.agree import agreement

    book = load_codebook(codebook)
    value_ids = [book.require_value(v) for v in value] if value else book.value_ids
    with open_corpus() as corpus:
        doc_ids = require_documents(corpus, doc) if doc else None
        result = agreement(corpus, value_ids, coders=coder, documents=doc_ids, sheets=sheet)
    render(_tables(result, fmt), fmt, output)
    err(
        f"{len(result.coders)} coders ({', '.join(result.coders)}), {len(result.documents)} document(s), "
        f"{len(result.units)} unit(s), {len(result.disagreements)} coded differently."
    )
    if result.skipped_documents:
        err(f"Left out, coded by one coder only: {', '.join(result.skipped_documents)}.")
    if result.skipped_orphaned:
        err(f"Left out: {result.skipped_orphaned} orphaned code(s) (see `vmatrix validate`).")


def _number(x: float | None, digits: int = 3) -> Any:
    return "n/a" if x is None else round(x, digits)


def _tables(result: Any, fmt: Format) -> list[Any]:
    from vmatrix.output.render import Table

    two = len(result.coders) == 2
    columns = ["value form", *(f"n {c}" for c in result.coders), "agreement %"]
    columns += ["kappa"] * two + ["alpha"]
    rows = []
    for v in result.values:
        row = [v.value, *(v.counts[c] for c in result.coders), _percent(v.percent)]
        row += [_number(v.kappa)] * two + [_number(v.alpha)]
        rows.append(row)
    overall = ["all value forms", *("" for _ in result.coders), _percent(result.percent)]
    overall += [""] * two + [_number(result.alpha)]
    rows.append(overall)
    summary = Table(
        columns,
        rows,
        title=f"Agreement of {', '.join(result.coders)} over {len(result.units)} units",
        numeric=set(range(1, len(columns))),
        json=_json(result),
        caption=(
            f"units with the very same value forms: {_percent(result.identical)} %"
            if result.identical is not None
            else None
        ),
    )
    quote_width = None if fmt in (*SPREADSHEETS, Format.json) else _QUOTE_WIDTH
    differences = Table(
        ["document", "span", "quote", *result.coders],
        [
            [
                u.document,
                f"{u.start}-{u.end}",
                _short(u.quote, quote_width),
                *(_given(u.values[c]) for c in result.coders),
            ]
            for u in result.disagreements
        ],
        title="Coded differently",
    )
    if fmt is Format.json:
        return [summary]
    return [summary, differences]


def _percent(x: float | None) -> Any:
    return "n/a" if x is None else round(100 * x, 1)


def _given(values: set[str] | None) -> str:
    if values is None:
        return "(not coded)"
    return "; ".join(sorted(values)) or "—"


def _short(text: str, width: int | None) -> str:
    text = " ".join(text.split())
    if width is None or len(text) <= width:
        return text
    return text[: width - 1] + "…"


def _json(result: Any) -> dict[str, Any]:
    return {
        "coders": result.coders,
        "documents": result.documents,
        "units": len(result.units),
        "values": [
            {
                "value": v.value,
                "counts": v.counts,
                "percent": v.percent,
                "kappa": v.kappa,
                "alpha": v.alpha,
            }
            for v in result.values
        ],
        "overall": {"percent": result.percent, "alpha": result.alpha, "identical": result.identical},
        "disagreements": [
            {
                "document": u.document,
                "start": u.start,
                "end": u.end,
                "quote": u.quote,
                "values": {c: (sorted(v) if v is not None else None) for c, v in u.values.items()},
            }
            for u in result.disagreements
        ],
        "skipped_documents": result.skipped_documents,
        "skipped_orphaned": result.skipped_orphaned,
    }
