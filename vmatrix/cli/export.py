"""``vmatrix export``: the corpus as a REFI-QDA project (.qdpx), or the codebook as a .qdc."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from vmatrix.cli import CodebookOption, app, err, open_corpus, warn
from vmatrix.errors import UsageError


class ExportSource(StrEnum):
    manual = "manual"
    suggested = "suggested"
    both = "both"


@app.command()
def export(
    file: Annotated[
        Path,
        typer.Argument(
            dir_okay=False,
            help="The file to write: a project archive (.qdpx) or a codebook (.qdc).",
            show_default=False,
        ),
    ],
    source: Annotated[
        ExportSource,
        typer.Option(
            "--source",
            case_sensitive=False,
            help="What codings go out: the validated manual codes, the stored suggestions (by the "
            "user 'vmatrix suggestions', to review them in another program), or both.",
        ),
    ] = ExportSource.manual,
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", "-d", help="Only this document (id, label or number); repeat it for more."),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            "-w",
            metavar="KEY=VALUE",
            help="Only the documents whose attribute KEY has VALUE (role=expert), or only the verbatims "
            "where a facet, value, coder or sheet has it; KEY!=VALUE leaves them out.",
        ),
    ] = None,
    codebook: CodebookOption = None,
) -> None:
    """Write the corpus for NVivo, ATLAS.ti, MAXQDA or QualCoder (REFI-QDA, QDA-XML 1.0).

    A .qdpx holds every document's text, the codebook (value forms and grid-1 facets as
    folders of codes), the coders, each coded verbatim with its codes and memo, and the
    documents' attributes. A .qdc holds the codebook alone. Written atomically.

    Example: vmatrix export etude.qdpx --source both --where role=dirigeant
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.output.render import write_atomic

    suffix = file.suffix.lower()
    if suffix not in (".qdpx", ".qdc"):
        raise UsageError(f"{file}: name the file .qdpx (a whole project) or .qdc (the codebook alone)")
    if suffix == ".qdc":
        from vmatrix.exchange.export import codebook_xml

        if doc or where or source is not ExportSource.manual:
            raise UsageError("a .qdc holds the codebook alone: --doc, --where and --source do not apply")
        book = load_codebook(codebook)
        write_atomic(file, codebook_xml(book))
        err(f"{file}: codebook written ({len(book.values)} value forms).")
        return
    from vmatrix.exchange.export import project_archive

    with open_corpus() as corpus:
        data, report = project_archive(
            corpus,
            load_codebook(codebook, cache=corpus),
            source=source.value,
            documents=doc or [],
            where=where or [],
        )
    write_atomic(file, data)
    for line in report.warnings:
        warn(line)
    parts = [f"{report.documents} document(s)"]
    if source is not ExportSource.suggested:
        parts.append(f"{report.verbatims} coded verbatim(s)")
    if source is not ExportSource.manual:
        parts.append(f"{report.suggestions} suggested segment(s)")
    parts.append(f"{report.codes} code(s)")
    users = ", ".join(report.users) or "none"
    err(f"{file}: {', '.join(parts)}; coders: {users}.")
