"""``vmatrix demo``: the main job on the bundled examples, in one command."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import FormatOption, OutputOption, app, err
from vmatrix.output.render import SPREADSHEETS, Format


@app.command()
def demo(
    keep: Annotated[
        Path | None,
        typer.Option(
            "--keep",
            dir_okay=False,
            help="Keep the example corpus in this new file (then try `vmatrix -C FILE matrix --stats`); "
            "by default it is thrown away.",
        ),
    ] = None,
    value: Annotated[
        str, typer.Option("--value", help="Value form whose verbatims are quoted.")
    ] = "localisation",
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many verbatims to quote.")] = 3,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Run the whole path on the bundled examples, from transcripts to quotes.

    Ingest the eight example interviews, suggest value forms, validate the example
    coding sheet, then print the interaction matrix of value forms by tool, the tool
    table and a few quotes.

    Takes a few seconds (spaCy's French model reads the interviews); your own corpus is
    not touched.

    Example: vmatrix demo --keep demo.db --value socialisation
    """
    import tempfile

    from vmatrix.coding.codebook import load_codebook
    from vmatrix.corpus.store import Corpus
    from vmatrix.demo import build
    from vmatrix.errors import UsageError
    from vmatrix.output.render import check_destination, check_output

    check_destination(fmt, output)
    if keep is not None and keep.exists():
        raise UsageError(f"--keep {keep}: the file exists; give the name of a new corpus file")
    if keep is not None and output is not None:
        check_output(output, protect=[keep])
    codebook = load_codebook()
    wanted = codebook.require_value(value)
    with tempfile.TemporaryDirectory(prefix="vmatrix-demo-") as folder:
        path = keep or Path(folder) / "demo.db"
        with Corpus(path, create=True) as corpus:
            for line in build(corpus, codebook, say=lambda text: err(text, "dim")):
                err(line)
            _outputs(corpus, codebook, wanted, limit, fmt, output)
    if keep is not None:
        err(f"The example corpus is in {keep}: try `vmatrix -C {keep} matrix --stats`.")


def _outputs(corpus: Any, codebook: Any, value: str, limit: int, fmt: Format, output: Path | None) -> None:
    from vmatrix.analysis import quotes
    from vmatrix.analysis.matrix import MatrixOptions, compute, to_table
    from vmatrix.analysis.tools import tool_rows, tool_table
    from vmatrix.analysis.units import load
    from vmatrix.output.render import Table, render

    analysis = load(corpus, codebook)
    ids = fmt in (*SPREADSHEETS, Format.json)
    terminal = fmt is Format.table and output is None
    width = None
    if terminal and sys.stdout.isatty():
        import shutil

        width = shutil.get_terminal_size().columns
    options = MatrixOptions(unit="tool")
    (matrix,) = compute(analysis, options)
    tables = [
        to_table(analysis, matrix, options, ids=ids, width=width),
        tool_table(analysis, tool_rows(analysis, analysis.verbatims), ids=ids),
    ]
    chosen, _ = quotes.select(analysis, quotes.QuoteQuery(values=[value], limit=limit))
    analysis.load_speakers(chosen)
    found = quotes.quotes(corpus, analysis, chosen)
    label = analysis.display("value", value)
    if not terminal:
        cited = quotes.to_table(found, context=False)
        tables.append(Table(cited.columns, cited.rows, title=f"Quotes: {label}", json=cited.json))
        render(tables, fmt, output)
        return
    render(tables, fmt)
    if sys.stdout.isatty():
        from rich.console import Console

        console = Console(highlight=False)
        console.print(f"\n[bold]Quotes: {label}[/]\n")
        for line in quotes.to_rich(analysis, found):
            console.print(line)
    else:
        sys.stdout.write(f"\nQuotes: {label}\n\n" + quotes.to_text(analysis, found))
