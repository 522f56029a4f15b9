"""``vmatrix matrix``: the interaction matrix of value forms, cross-tables and pair statistics.

Only typer and light things at top level: this command must answer at interactive speed.
For the same reason these modules do without ``from __future__ import annotations``:
Typer would otherwise parse every option's annotation again at each start (2 ms).
"""

import sys
from typing import Annotated

import typer

from vmatrix.cli import CodebookOption, FormatOption, OutputOption, app, open_corpus
from vmatrix.cli.options import (
    AlphaOption,
    Correction,
    CorrectionOption,
    Measure,
    MeasureOption,
    PercentOption,
    Source,
    SourceOption,
    SplitOption,
    StatsOption,
    StrongOption,
    UnitOption,
    WeakOption,
    WhereOption,
    load_analysis,
    print_notes,
)
from vmatrix.output.render import SPREADSHEETS, Format


@app.command()
def matrix(
    unit: UnitOption = "segment",
    measure: MeasureOption = Measure.count,
    rows: Annotated[
        str,
        typer.Option(
            "--rows",
            help="Row key of a cross-table: value, a facet (tool, nature, lever, initiator, "
            "beneficiary), document, speaker or a document attribute (role, sector, ...).",
        ),
    ] = "value",
    cols: Annotated[str, typer.Option("--cols", help="Column key of a cross-table (as --rows).")] = "value",
    percent: PercentOption = None,
    strong: StrongOption = None,
    weak: WeakOption = None,
    marks: Annotated[
        bool, typer.Option("--marks", help="Print only the link marks (● ○), the way the study printed it.")
    ] = False,
    stats: StatsOption = False,
    correction: CorrectionOption = Correction.holm,
    alpha: AlphaOption = 0.05,
    where: WhereOption = None,
    split: SplitOption = None,
    source: SourceOption = Source.manual,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Print the interaction matrix of the value forms, or a cross-table of any two keys.

    A cell counts the units carrying both value forms; the diagonal counts the units
    carrying each form. Strong links are marked ●, weak ones ○.

    Example: vmatrix matrix --unit tool --marks --format latex --output matrice.tex
    """
    from vmatrix.analysis import matrix as lib
    from vmatrix.output.render import render

    options = lib.MatrixOptions(
        source=source.value,
        unit=unit,
        rows=rows,
        cols=cols,
        measure=measure.value,
        percent=percent.value if percent else None,
        strong=strong,
        weak=weak,
        marks_only=marks,
        stats=stats,
        correction=correction.value,
        alpha=alpha,
        where=list(where or []),
        split=split,
    )
    with open_corpus() as corpus:
        analysis = load_analysis(corpus, codebook, source)
        matrices = lib.compute(analysis, options)
    print_notes(analysis.notes)
    ids = fmt in (*SPREADSHEETS, Format.json)
    if stats:
        tables = [lib.stats_table(analysis, m, options, ids=ids) for m in matrices]
    else:
        width = None
        if fmt is Format.table and output is None and sys.stdout.isatty():
            import shutil

            width = shutil.get_terminal_size().columns
        tables = [lib.to_table(analysis, m, options, ids=ids, width=width) for m in matrices]
    render(tables, fmt, output)
