"""``vmatrix import``: a REFI-QDA project (.qdpx) into the corpus, or a codebook (.qdc) into a TOML file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import CodebookOption, FormatOption, app, corpus_path, err, open_corpus, warn
from vmatrix.errors import UsageError
from vmatrix.output.render import Format

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A REFI-QDA project (.qdpx) or codebook (.qdc) written by NVivo, ATLAS.ti, MAXQDA, "
            "QualCoder, Taguette...",
            show_default=False,
        ),
    ],
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            exists=True,
            dir_okay=False,
            help="CSV or XLSX saying what the project's codes are: the peer's code in the first column, "
            "a value form or 'facet: name' (or 'ignore') in the second.",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore", metavar="CODE", help="Leave out the codings of this code (by name); repeat it."
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; store nothing.")] = False,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="A .qdpx: write the report to this file (atomically). A .qdc: the vmatrix codebook "
            "file (.toml) to write, for --codebook.",
        ),
    ] = None,
) -> None:
    """Import a project or codebook from NVivo, ATLAS.ti, MAXQDA or QualCoder (REFI-QDA).

    A .qdpx: its text documents are ingested, its codes mapped onto value forms and facets
    by name (through the codebook's aliases), its codings checked and stored as a coding
    sheet named after the file. Positions counted the way some programs do (emoji as two,
    CRLF as one, the byte-order mark) are detected, corrected and reported. Any error
    stores nothing; importing the same file again changes nothing.
    A .qdc (with -o FILE.toml): writes a vmatrix codebook to use with --codebook, and
    says which codes it could not place.

    Example: vmatrix import etude.qdpx --map codes-nvivo.csv --dry-run
    """
    suffix = file.suffix.lower()
    if suffix == ".qdc":
        _codebook(file, output, codebook)
        return
    if suffix != ".qdpx":
        raise UsageError(f"{file}: vmatrix imports a REFI-QDA project (.qdpx) or codebook (.qdc)")
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.exchange.archive import read_project
    from vmatrix.exchange.importing import import_project
    from vmatrix.output.render import check_destination

    check_destination(fmt, output)
    read_project(file)  # refuse a bad archive before creating a corpus file
    with _corpus(dry_run) as corpus:
        report = import_project(
            corpus,
            file,
            load_codebook(codebook, cache=corpus),
            mapping=map_file,
            ignore=ignore or [],
            dry_run=dry_run,
        )
    for line in report.warnings:
        warn(line)
    _render(report, fmt, output)
    err(_summary(report, dry_run), None if report.ok else "bold red")
    if not report.ok:
        raise typer.Exit(1)


@contextmanager
def _corpus(dry_run: bool) -> Iterator[Any]:
    """The corpus; for a dry run without one, an empty corpus thrown away afterwards."""
    if not dry_run or corpus_path().exists():
        with open_corpus(create=True) as corpus:
            yield corpus
        return
    import tempfile

    from vmatrix.corpus.store import Corpus

    with tempfile.TemporaryDirectory() as folder, Corpus(Path(folder) / "dry-run.db", create=True) as corpus:
        yield corpus


def _render(report: Any, fmt: Format, output: Path | None) -> None:
    from vmatrix.output.render import Table, render

    findings = report.validation.findings
    rows = [[report.where.get(f.row or 0, ""), f.severity, f.code, f.message, f.hint] for f in findings]
    documents = Table(
        ["document", "source", "status"], [list(d) for d in report.documents], title="Documents"
    )
    found = Table(
        ["selection", "severity", "finding", "message", "hint"],
        rows,
        title="Findings",
        style=lambda _r, c, value: _SEVERITY_STYLE.get(value) if c == 1 else None,
    )
    if fmt is Format.json:
        payload = {
            "ok": report.ok,
            "stored": report.stored,
            "unchanged": report.unchanged,
            "origin": report.origin,
            "documents": [{"document": d, "source": s, "status": st} for d, s, st in report.documents],
            "selections": report.selections,
            "codes": report.rows,
            "findings": [
                dict(zip(["selection", "severity", "code", "message", "hint"], r, strict=True)) for r in rows
            ],
            "warnings": report.warnings,
        }
        render(Table([], [], json=payload), fmt, output)
        return
    render([documents, found] if rows else [documents], fmt, output)


def _summary(report: Any, dry_run: bool) -> str:
    validation = report.validation
    counts = ", ".join(
        f"{validation.count(s)} {w}{'' if validation.count(s) == 1 else 's'}"
        for s, w in (("error", "error"), ("warning", "warning"), ("info", "note"))
    )
    head = (
        f"{report.path.name} ({report.origin or 'unknown program'}): {len(report.documents)} document(s), "
        f"{report.selections} selection(s) as {report.rows} coded verbatim(s); {counts}"
    )
    if report.ignored:
        head += f"; {report.ignored} selection(s) left out by --ignore"
    if not report.ok:
        return head + "; nothing stored."
    if dry_run:
        return head + "; dry run, nothing stored."
    if report.unchanged:
        return head + "; the corpus already holds it, nothing changed."
    return head + f"; stored as sheet {report.path.name!r}."


def _codebook(file: Path, out: Path | None, codebook: Path | None) -> None:
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.exchange.qdc import codebook_toml
    from vmatrix.output.render import write_atomic

    if out is None:
        raise UsageError(f"{file}: say where to write the vmatrix codebook: -o codebook.toml")
    if out.suffix.lower() != ".toml":
        raise UsageError(f"{out}: a vmatrix codebook is a .toml file")
    text, notes = codebook_toml(file, load_codebook(codebook))
    write_atomic(out, text)
    for note in notes:
        warn(note)
    err(f"{out}: codebook written; use it with --codebook {out}.")
