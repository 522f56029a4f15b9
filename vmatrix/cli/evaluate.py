"""``vmatrix evaluate``: stored suggestions against the manual codes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from vmatrix.cli import CodebookOption, FormatOption, OutputOption, app, err, open_corpus, warn
from vmatrix.output.render import Format


class UnitChoice(StrEnum):
    segment = "segment"
    document = "document"
    verbatim = "verbatim"
    tool = "tool"


THRESHOLDS = (0.2, 0.35, 0.5, 0.65, 0.8)  # vmatrix.coding.evaluate.THRESHOLDS


@app.command()
def evaluate(
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", "-d", help="Only this document (id, label or number; repeat for more)."),
    ] = None,
    coder: Annotated[
        list[str] | None, typer.Option("--coder", help="Only the codes of this coder (repeat for more).")
    ] = None,
    unit: Annotated[
        UnitChoice,
        typer.Option(
            "--unit",
            "-u",
            case_sensitive=False,
            help="What is compared: a segment, a document, a verbatim (one code), or a tool "
            "(the verbatims naming it, pooled).",
        ),
    ] = UnitChoice.segment,
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

    --unit segment (default): a segment's manual value forms are those of the codes
    overlapping it; only coded segments count (an uncoded segment is not evidence of
    absence), --all-segments counts every segment of the coded documents. --unit
    document pools a document; --unit verbatim compares each code with the suggestions
    whose evidence lies in its passage; --unit tool pools the verbatims of each tool,
    the unit the tool table and the interaction matrix count. Also lists the most
    frequent confusions and precision and recall at several score thresholds.

    Example: vmatrix evaluate --unit tool --min-score 0.5 --format markdown
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.evaluate import confusion_table, score_table, threshold_table
    from vmatrix.coding.evaluate import evaluate as run
    from vmatrix.output.render import Table, check_destination, render

    check_destination(fmt, output)
    book = load_codebook(codebook)
    with open_corpus() as corpus:
        result = run(
            corpus,
            documents=doc,
            values=book.value_ids,
            coders=coder,
            unit=unit.value,
            min_score=min_score,
            all_segments=all_segments,
            thresholds=sorted({*THRESHOLDS, min_score}),
            top=top,
        )
    for doc_id in result.unsuggested_documents:
        warn(f"{doc_id} has codes but no stored suggestions: run `vmatrix suggest` first")
    counted = f"{result.units} {unit.value}s"
    if unit is UnitChoice.segment:
        counted = f"{result.units} {'segments' if all_segments else 'coded segments'}"
    scores = score_table(
        result, f"Suggestions against manual codes — {counted}, {result.documents} documents"
    )
    if fmt is Format.json:
        render(Table([], [], json=result.to_json()), fmt, output)
    else:
        render([scores, confusion_table(result), threshold_table(result)], fmt, output)
    err(
        f"{counted} counted from {result.codes} code(s) in {result.documents} document(s); "
        f"suggestions from score {min_score}."
    )
