"""``vmatrix table``: the tool table."""

from typing import Annotated

import typer

from vmatrix.cli import CodebookOption, FormatOption, OutputOption, app, open_corpus
from vmatrix.cli.options import Source, SourceOption, WhereOption, load_analysis, print_notes
from vmatrix.output.render import SPREADSHEETS, Format


@app.command()
def table(
    quotes: Annotated[
        bool, typer.Option("--quotes", "-q", help="Add the verbatims of each tool, « ... » (Entretien 10).")
    ] = False,
    where: WhereOption = None,
    source: SourceOption = Source.manual,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Print the tool table: one row per tool, with its value forms and who it serves.

    Each row gives the tool's nature, value forms, levers, initiators, beneficiaries,
    and how many verbatims and interviews speak of it.

    Made from the manual codes, or with --source suggested from `vmatrix suggest`'s
    segments and the tools they name (a draft before any manual coding); csv and json
    give ids, the other formats the codebook's labels.

    Example: vmatrix table --quotes --where role=dirigeant --format markdown
    """
    from vmatrix.analysis.tools import quote_texts, tool_rows, tool_table
    from vmatrix.output.render import render

    with open_corpus() as corpus:
        analysis = load_analysis(corpus, codebook, source)
        selected = analysis.select(analysis.conditions(where or []))
        analysis.note_counted(selected)
        rows = tool_rows(analysis, selected)
        texts = None
        if quotes:
            texts, orphaned = quote_texts(corpus, rows)
            if orphaned:
                analysis.notes.append(
                    f"{orphaned} quotes are shown as their sheet gives them: their codes are orphaned"
                )
    missing = sum(1 for v in selected if not v.labels("tool"))
    if missing:
        analysis.notes.append(f"{missing} verbatims name no tool and are not in the table")
    print_notes(analysis.notes)
    render(tool_table(analysis, rows, ids=fmt in (*SPREADSHEETS, Format.json), quotes=texts), fmt, output)
