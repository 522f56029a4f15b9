"""``vmatrix validate``: check coding sheets and store the ones without errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import CodebookOption, FormatOption, OutputOption, app, err, open_corpus
from vmatrix.output.render import Format

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@app.command()
def validate(
    sheets: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Coding sheets (.csv or .xlsx). Without any, check the codes already stored "
            "(orphaned by a changed transcript).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; store nothing.")] = False,
    codebook: CodebookOption = None,
    sheet: Annotated[
        list[str] | None,
        typer.Option(
            "--sheet",
            help="Sheet of an .xlsx workbook to read [default: the first]; repeat it for several "
            "(one per coder). A workbook's sheets are stored as FILE:SHEET.",
        ),
    ] = None,
    forget: Annotated[
        list[str] | None,
        typer.Option(
            "--forget",
            metavar="NAME",
            help="Remove the codes stored from sheet NAME (as `vmatrix codes` names it): a sheet "
            "renamed, or replaced by an edited export. With sheets to validate, only if they pass.",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Read CSV files in this encoding instead of detecting it."),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Check coding sheets against the corpus and the codebook, and store them if they pass.

    Each row's document, value forms and lever must be known, and its quote must be
    found in the transcript (exactly, or after folding case, accents and punctuation,
    or fragment by fragment around (...) and [...], or approximately). Every problem
    is listed with its row and a hint; exit status 1 if any is an error. A sheet
    without errors replaces what the same sheet stored before; with several sheets,
    one error stores none of them.

    Example: vmatrix validate examples/codes.csv --dry-run
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.output.render import check_destination
    from vmatrix.sheets.validate import check_stored, validate_sheets

    check_destination(fmt, output)
    with open_corpus(write=True) as corpus:
        if sheets or forget:
            result = validate_sheets(
                corpus,
                sheets or [],
                load_codebook(codebook),
                sheet=sheet or None,
                encoding=encoding,
                dry_run=dry_run,
                forget=forget or [],
            )
            if result.ok and not dry_run:
                load_codebook(codebook, cache=corpus)  # kept for the commands that read
        else:
            result = check_stored(corpus)
    _render(result, fmt, output)
    for line in _summary(result, checked_stored=not sheets and not forget, dry_run=dry_run):
        err(line, "bold red" if not result.ok else None)
    for name, removed in result.forgotten.items():
        err(f"{name}: forgotten, {removed} code(s) removed.")
    if not result.ok:
        raise typer.Exit(1)


def _render(result: Any, fmt: Format, output: Path | None) -> None:
    from vmatrix.output.render import Table, emit, render, to_json

    columns = ["file", "row", "severity", "finding", "message", "hint"]
    rows = [[f.file, f.row, f.severity, f.code, f.message, f.hint] for f in result.findings]
    if fmt is Format.json:
        emit(to_json(Table(columns, rows, json=result.to_json())), output)
        return
    if fmt is not Format.table:
        render(Table(columns, rows), fmt, output)
        return
    tables = []
    files = [report.name for report in result.sheets]
    files += [f.file for f in result.findings if f.file not in files]  # e.g. --forget NAME
    for name in dict.fromkeys(files):
        mine = [row[1:] for row in rows if row[0] == name]
        if not mine:
            continue
        tables.append(
            Table(
                columns[1:],
                mine,
                title=f"{name}: {_counts(result, name)}",
                numeric={0},
                style=lambda _r, c, value: _SEVERITY_STYLE.get(value) if c == 1 else None,
            )
        )
    if tables or output is not None:
        render(tables, fmt, output)


def _counts(result: Any, file: str | None = None) -> str:
    parts = []
    for severity, word in (("error", "error"), ("warning", "warning"), ("info", "note")):
        n = result.count(severity, file)
        parts.append(f"{n} {word}{'' if n == 1 else 's'}")
    return ", ".join(parts)


def _summary(result: Any, *, checked_stored: bool, dry_run: bool) -> list[str]:
    if checked_stored:
        n = sum(s.rows for s in result.sheets)
        orphaned = result.count("error")
        return [f"{n} stored code(s) in {len(result.sheets)} sheet(s); {orphaned} orphaned."]
    lines = []
    for report in result.sheets:
        line = f"{report.name}: {report.rows} rows, {_counts(result, report.name)}"
        if result.stored:
            line += f"; stored {len(report.codes)} codes"
            if report.replaced:
                line += f" (replacing {report.replaced})"
        elif dry_run and result.ok:
            line += "; dry run, nothing stored"
        else:
            line += "; nothing stored"
        lines.append(line + ".")
    if not result.ok and not result.sheets:
        lines.append(f"{_counts(result)}; nothing changed.")
    return lines
