"""``vmatrix report``: the whole study as one self-contained HTML page."""

from typing import Annotated

import typer

from vmatrix.cli import CodebookOption, OutputOption, app, err, open_corpus
from vmatrix.cli.options import Source, SourceOption, WhereOption, print_notes


@app.command()
def report(
    output: OutputOption = None,
    title: Annotated[
        str | None,
        typer.Option("--title", help="The page's title [default: Value forms in N interviews]."),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            help="What the matrix counts co-occurrences in: segment, document or a facet such as "
            "tool [default: tool when the verbatims name tools, else segment].",
        ),
    ] = None,
    quotes: Annotated[
        int, typer.Option("--quotes", min=0, help="Quotes shown per value form (0: all of them).")
    ] = 10,
    where: WhereOption = None,
    source: SourceOption = Source.manual,
    codebook: CodebookOption = None,
) -> None:
    """Write the study report: one self-contained HTML page of the whole analysis.

    The page holds the corpus, the codebook, the interaction matrix (table, heat map,
    network, significant pairs), the tool table, quotes for each value form « … »
    (Entretien N), the agreement between coders and the suggestions against the manual
    codes when the corpus holds them.

    The page needs nothing else: figures and styles are inside it, nothing is fetched
    from the network; open it in any browser, print it to PDF from there.

    Example: vmatrix report --title "Transition numérique des PME" -o etude.html
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.output.render import emit
    from vmatrix.output.report import ReportOptions, build

    options = ReportOptions(
        title=title, source=source.value, where=list(where or []), unit=unit, quotes=quotes
    )
    with open_corpus() as corpus:
        made = build(corpus, load_codebook(codebook, cache=corpus), options)
    print_notes(made.notes)
    emit(made.html, output)
    if output is not None:
        sections = ", ".join(s.heading.lower() for s in made.sections)
        err(f"Wrote {output} ({len(made.html.encode()) // 1024} KB): {sections}.")
