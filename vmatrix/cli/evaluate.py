"""``vmatrix evaluate``: stored suggestions against the manual codes."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vmatrix.cli import CodebookOption, FormatOption, OutputOption, app, err, open_corpus, warn
from vmatrix.output.render import Format


@app.command()
def evaluate(
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", "-d", help="Only this document (id, label or number; repeat for more)."),
    ] = None,
    coder: Annotated[
        list[str] | None, typer.Option("--coder", help="Only the codes of this coder (repeat for more).")
    ] = None,
    min_score: Annotated[
        float,
        typer.Option("--min-score", min=0.0, max=1.0, help="Count stored suggestions from this score only."),
    ] = 0.0,
    all_segments: Annotated[
        bool,
        typer.Option(
            "--all-segments",
            help="Count every segment of the coded documents, not only the coded segments.",
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", min=0, help="How many confusions to list.")] = 10,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Precision, recall and F1 of the stored suggestions against the manual codes, per value form.

    A segment's manual value forms are those of the codes overlapping it. Only coded
    segments count (an uncoded segment is not evidence of absence); --all-segments
    counts every segment of the coded documents. Also lists the most frequent
    confusions: a value form coded but missed while another was suggested.

    Example: vmatrix evaluate --min-score 0.5 --format markdown
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.evaluate import evaluate as run
    from vmatrix.output.render import Table, render

    book = load_codebook(codebook)
    with open_corpus() as corpus:
        result = run(
            corpus,
            documents=doc,
            values=book.value_ids,
            coders=coder,
            min_score=min_score,
            all_segments=all_segments,
            top=top,
        )
    for doc_id in result.unsuggested_documents:
        warn(f"{doc_id} has codes but no stored suggestions: run `vmatrix suggest` first")
    rows = [
        _row(c.value, c.support, c.suggested, c.tp, c.fp, c.fn, c.precision, c.recall, c.f1)
        for c in result.values
    ]
    m = result.micro
    rows.append(_row("micro", m.support, m.suggested, m.tp, m.fp, m.fn, m.precision, m.recall, m.f1))
    a = result.macro
    rows.append(_row("macro", "", "", "", "", "", a.precision, a.recall, a.f1))
    scores = Table(
        ["value", "support", "suggested", "tp", "fp", "fn", "precision", "recall", "f1"],
        rows,
        title=f"Suggestions against manual codes — {result.segments} segments, {result.documents} documents",
        numeric=set(range(1, 9)),
        style=lambda r, c, v: "bold" if r >= len(result.values) else None,
    )
    confusions = Table(
        ["coded", "suggested instead", "segments"],
        [list(c) for c in result.confusions],
        title="Most frequent confusions",
        numeric={2},
    )
    if fmt is Format.json:
        render(Table([], [], json=result.to_json()), fmt, output)
    else:
        render([scores, confusions], fmt, output)
    err(
        f"{result.segments} segment(s) counted ({'all segments' if all_segments else 'coded segments only'}) "
        f"from {result.codes} code(s) in {result.documents} document(s); suggestions from score {min_score}."
    )


def _row(value: str, *cells: Any) -> list[Any]:
    *counts, precision, recall, f1 = cells
    return [value, *counts, *(_ratio(x) for x in (precision, recall, f1))]


def _ratio(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"
