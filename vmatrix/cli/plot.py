"""``vmatrix plot``: figures of the interaction matrix, the network of value forms, and value
forms counted by a key, as PNG, SVG or PDF (by the file's extension).

The options are those of ``vmatrix matrix``; matplotlib is imported only when a figure
is drawn.
"""

from pathlib import Path
from typing import Annotated

import typer

from vmatrix.cli import CodebookOption, _checked_output, app, open_corpus
from vmatrix.cli.options import (
    AlphaOption,
    Correction,
    CorrectionOption,
    Measure,
    MeasureOption,
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

plot_app = typer.Typer(
    help="Draw a figure: the interaction matrix, the network of value forms, or value forms by a key."
    "\n\nThe matrix is drawn as a heat map. The file's extension gives the format: .png, .svg or .pdf.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(plot_app, name="plot")

FigureOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        callback=_checked_output,
        help="Figure file to write (atomically): .png, .svg or .pdf.",
    ),
]


def _draw(
    kind: str,
    output: Path,
    codebook: Path | None,
    source: Source,
    *,
    stacked: bool = False,
    **options: object,
) -> None:
    from vmatrix.analysis import matrix as lib
    from vmatrix.output import figures
    from vmatrix.output.render import write_atomic

    fmt = figures.file_format(output)
    wanted = lib.MatrixOptions(source=source.value, **options)  # type: ignore[arg-type]
    with open_corpus() as corpus:
        analysis = load_analysis(corpus, codebook, source)
        matrices = lib.compute(analysis, wanted)
    print_notes(analysis.notes)
    if kind == "matrix":
        data = figures.heatmap(analysis, matrices, wanted, fmt)
    elif kind == "network":
        data = figures.network(analysis, matrices, wanted, fmt)
    else:
        data = figures.values_by(analysis, matrices[0], wanted, fmt, stacked=stacked)
    write_atomic(output, data)


@plot_app.command("matrix")
def plot_matrix(
    output: FigureOption,
    unit: UnitOption = "segment",
    measure: MeasureOption = Measure.count,
    strong: StrongOption = None,
    weak: WeakOption = None,
    where: WhereOption = None,
    split: SplitOption = None,
    source: SourceOption = Source.manual,
    codebook: CodebookOption = None,
) -> None:
    """Draw the interaction matrix of the value forms as a heat map, in codebook order:
    each cell shaded by the measure, with its count and link mark (● strong, ○ weak);
    the grey diagonal counts the units carrying each form. --split draws one panel
    per group.

    Example: vmatrix plot matrix --unit tool -o matrice.svg
    """
    _draw(
        "matrix",
        output,
        codebook,
        source,
        unit=unit,
        measure=measure.value,
        strong=strong,
        weak=weak,
        where=list(where or []),
        split=split,
    )


@plot_app.command("network")
def plot_network(
    output: FigureOption,
    unit: UnitOption = "segment",
    measure: MeasureOption = Measure.count,
    strong: StrongOption = None,
    weak: WeakOption = None,
    stats: StatsOption = False,
    correction: CorrectionOption = Correction.holm,
    alpha: AlphaOption = 0.05,
    where: WhereOption = None,
    split: SplitOption = None,
    source: SourceOption = Source.manual,
    codebook: CodebookOption = None,
) -> None:
    """Draw the value forms as a network: nodes round a circle in codebook order, sized by
    the units carrying them, edges as wide as the co-occurrence. With --stats, only the
    pairs Fisher's test finds significant: attractions solid, repulsions dashed.

    Example: vmatrix plot network --unit tool --stats -o reseau.png
    """
    _draw(
        "network",
        output,
        codebook,
        source,
        unit=unit,
        measure=measure.value,
        strong=strong,
        weak=weak,
        stats=stats,
        correction=correction.value,
        alpha=alpha,
        where=list(where or []),
        split=split,
    )


@plot_app.command("values")
def plot_values(
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="KEY",
            help="Count the value forms by this key: a facet (nature, tool, lever, initiator, "
            "beneficiary), a document attribute (role, sector, ...), document or speaker.",
        ),
    ],
    output: FigureOption,
    percent: Annotated[
        bool, typer.Option("--percent", help="Bars as the share of each group's units carrying the form.")
    ] = False,
    stacked: Annotated[
        bool, typer.Option("--stacked", help="Stack the groups in one bar per value form.")
    ] = False,
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            "-u",
            help="What a bar counts: segments (coded verbatims), documents, or a facet such as tool "
            "(each tool once, with the value forms of all its verbatims).",
        ),
    ] = "segment",
    where: WhereOption = None,
    source: SourceOption = Source.manual,
    codebook: CodebookOption = None,
) -> None:
    """Draw how often each value form occurs in each group of a key, as grouped (or
    stacked) horizontal bars: counts of units, or percentages of the group's units.

    Example: vmatrix plot values --by role --percent -o valeurs-par-role.pdf
    """
    _draw(
        "values",
        output,
        codebook,
        source,
        unit=unit,
        rows="value",
        cols=by,
        percent="col" if percent else None,
        where=list(where or []),
        stacked=stacked,
    )
