"""``vmatrix ingest``: transcripts into the corpus."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import FormatOption, OutputOption, app, err, open_corpus, warn
from vmatrix.output.render import Format

# Below this many words to parse, no progress bar: it would only flicker.
_PROGRESS_FROM_WORDS = 5000


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Transcript files or folders (searched recursively): .txt .md .docx .odt .srt .vtt."
        ),
    ],
    meta: Annotated[
        Path | None,
        typer.Option(
            "--meta",
            "-m",
            help="CSV or XLSX of interview metadata (file, number, "
            "role, organisation, sector, département, date, duration).",
        ),
    ] = None,
    replace_meta: Annotated[
        bool,
        typer.Option(
            "--replace-meta",
            help="A --meta row replaces all the metadata of its document: its empty cells "
            "clear the old values instead of keeping them.",
        ),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Read text files in this encoding instead of detecting it."),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Ingest the good files and list the bad ones.")
    ] = False,
    n_process: Annotated[
        int, typer.Option("--n-process", min=1, help="Parser processes (1 is best on 2 cores).")
    ] = 1,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Read transcripts and their metadata into the corpus, parsed once by spaCy.

    Re-ingesting an unchanged file does nothing; a changed file replaces the old text
    and its codes are re-anchored (or reported as orphaned). A document's metadata
    changes only through a --meta row naming it; an empty cell keeps the old value
    (unless --replace-meta). If any file is bad, nothing is written unless --skip-bad
    is given.

    Example: vmatrix ingest transcripts/ --meta interviews.csv
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.output.render import check_destination, render
    from vmatrix.transcripts.ingest import ingest as run
    from vmatrix.transcripts.ingest import plan

    check_destination(fmt, output)
    # Check the input before creating a corpus file, so bad input leaves no trace.
    plan(paths, meta=meta, encoding=encoding, skip_bad=skip_bad)
    with open_corpus(create=True) as corpus, _progress() as progress:
        report = run(
            corpus,
            paths,
            meta=meta,
            encoding=encoding,
            skip_bad=skip_bad,
            n_process=n_process,
            progress=progress,
            replace_meta=replace_meta,
        )
        load_codebook(cache=corpus)  # the bundled codebook, kept for the commands that read
        if report.outcomes:  # the bundled lexicon's phrase tables, kept for suggest
            from vmatrix.coding.lexicon import load_lexicon
            from vmatrix.coding.suggest import keep_tables
            from vmatrix.errors import VmatrixError

            # Only a head start: whatever stops it, suggest makes them itself (and says why).
            with contextlib.suppress(VmatrixError):
                keep_tables(corpus, load_lexicon(None, load_codebook()))
    for line in report.warnings:
        warn(line)
    if report.skipped:
        warn(f"skipped {len(report.skipped)} file(s):")
        for line in report.skipped:
            err(f"  {line}", "yellow")
    for o in report.outcomes:
        if o.codes_orphaned:
            warn(
                f"{o.doc_id}: {o.codes_orphaned} stored code(s) no longer match the new text; "
                "they are kept as orphaned (see `vmatrix codes --orphaned`)"
            )
        if o.suggestions_dropped:
            err(
                f"{o.doc_id}: text changed, {o.suggestions_dropped} suggestion(s) cleared; "
                "run `vmatrix suggest` again"
            )
    render(_table(report), fmt, output)
    err(_summary(report))


def _table(report: Any) -> Any:
    from vmatrix.output.render import Table

    rows = [
        [o.doc_id, o.status, o.path.name, o.encoding or "", o.words, o.segments, "; ".join(o.speakers)]
        for o in report.outcomes
    ]
    return Table(
        ["document", "status", "file", "encoding", "words", "segments", "speakers"],
        rows,
        numeric={4, 5},
        json={
            "documents": [
                {
                    "document": o.doc_id,
                    "status": o.status,
                    "file": str(o.path),
                    "encoding": o.encoding,
                    "words": o.words,
                    "segments": o.segments,
                    "speakers": o.speakers,
                    "codes_moved": o.codes_moved,
                    "codes_orphaned": o.codes_orphaned,
                }
                for o in report.outcomes
            ],
            "skipped": report.skipped,
            "warnings": report.warnings,
        },
    )


def _summary(report: Any) -> str:
    words = sum(o.words for o in report.outcomes)
    segments = sum(o.segments for o in report.outcomes)
    speakers = sum(len(o.speakers) for o in report.outcomes)
    parts = [
        f"{report.count('added')} added",
        f"{report.count('updated')} updated",
        f"{report.count('unchanged') + report.count('metadata')} unchanged",
    ]
    if report.count("metadata"):
        parts[-1] += f" ({report.count('metadata')} with new metadata)"
    if report.skipped:
        parts.append(f"{len(report.skipped)} skipped")
    summary = f"{', '.join(parts)}: {words:,} words, {segments:,} segments, {speakers} speakers."
    if report.metadata_kept:
        summary += (
            f" Metadata kept for {report.metadata_kept} document(s) no --meta row names"
            " (give --meta to change it)."
        )
    return summary


class _progress:
    """A rich progress bar on stderr, shown once there is enough to parse."""

    def __enter__(self) -> Any:
        self.bar: Any = None
        self.task: Any = None
        return self.update

    def update(self, done: int, total: int) -> None:
        if total < _PROGRESS_FROM_WORDS:
            return
        if self.bar is None:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            from vmatrix.cli import stderr

            self.bar = Progress(
                TextColumn("parsing"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} words"),
                TimeRemainingColumn(),
                console=stderr(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("parse", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
