"""``vmatrix quote``: the verbatims that illustrate a value form."""

import sys
from enum import StrEnum
from typing import Annotated

import typer

from vmatrix.cli import CodebookOption, OutputOption, app, open_corpus
from vmatrix.cli.options import Source, SourceOption, WhereOption, load_analysis, print_notes


class QuoteFormat(StrEnum):
    """Quotes read as text first; the table formats of other commands do not fit them."""

    text = "text"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    latex = "latex"


@app.command()
def quote(
    value: Annotated[
        list[str] | None,
        typer.Option(
            "--value",
            metavar="VALUE",
            help="Verbatims coded with this value form (id or label, any case or accents). Repeat it: "
            "all must hold, or any with --any.",
        ),
    ] = None,
    any_value: Annotated[
        bool, typer.Option("--any", help="Keep verbatims with any of the --value forms, not all.")
    ] = False,
    tool: Annotated[
        list[str] | None, typer.Option("--tool", metavar="TOOL", help="Only verbatims about this tool.")
    ] = None,
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", metavar="DOC", help="Only this document: id, label (Entretien 10) or number."),
    ] = None,
    speaker: Annotated[
        list[str] | None, typer.Option("--speaker", metavar="NAME", help="Only what this speaker says.")
    ] = None,
    where: WhereOption = None,
    source: SourceOption = Source.manual,
    context: Annotated[
        int, typer.Option("--context", min=0, help="Characters of the transcript to show around each quote.")
    ] = 0,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Print at most this many quotes.")
    ] = None,
    codebook: CodebookOption = None,
    fmt: Annotated[
        QuoteFormat, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")
    ] = QuoteFormat.text,
    output: OutputOption = None,
) -> None:
    """Print the verbatims coded with a value form, each as « text » (Entretien 10).

    In document order, each with its value forms and facets.

    In a terminal the words the lexicons matched are highlighted. The json `text` is
    exactly the transcript between `start` and `end`.

    Example: vmatrix quote --value localisation --tool "site web" --context 80
    """
    from vmatrix.analysis import quotes as lib

    with open_corpus() as corpus:
        analysis = load_analysis(corpus, codebook, source)
        conditions = [
            *analysis.conditions(where or []),
            *analysis.conditions([f"tool={t}" for t in tool or []], option="--tool"),
            *analysis.conditions([f"document={d}" for d in doc or []], option="--doc"),
            *analysis.conditions([f"speaker={s}" for s in speaker or []], option="--speaker"),
        ]
        query = lib.QuoteQuery(
            values=[analysis.codebook.require_value(v) for v in value or []],
            any_value=any_value,
            conditions=conditions,
            limit=limit,
        )
        chosen, orphaned = lib.select(analysis, query)
        analysis.check_sheets(chosen)
        analysis.load_speakers(chosen)
        found = lib.quotes(corpus, analysis, chosen, context)
    notes = list(analysis.notes)
    if orphaned:
        notes.append(
            f"orphaned codes left out (their transcript changed, there is no text to show): {orphaned}"
        )
    if not found:
        notes.append("no verbatim matches")
    print_notes(notes)
    if not found:
        return
    with_context = context > 0
    if fmt is QuoteFormat.text and output is None and sys.stdout.isatty():
        from rich.console import Console

        console = Console(highlight=False)
        for line in lib.to_rich(analysis, found):
            console.print(line)
        return
    from vmatrix.output.render import Format, emit, render

    if fmt is QuoteFormat.csv:
        render(lib.to_table(found, context=with_context), Format.csv, output)
        return
    text = {
        QuoteFormat.text: lambda: lib.to_text(analysis, found),
        QuoteFormat.markdown: lambda: lib.to_markdown(analysis, found),
        QuoteFormat.latex: lambda: lib.to_latex(analysis, found),
        QuoteFormat.json: lambda: lib.to_json(found, context=with_context),
    }[fmt]()
    emit(text, output)
