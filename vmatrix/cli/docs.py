"""``vmatrix docs``: the documents in the corpus."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vmatrix.cli import FormatOption, OutputOption, app, open_corpus
from vmatrix.output.render import Format

_EXCERPT = 160  # characters of a segment shown in the terminal table


@app.command()
def docs(
    document: Annotated[
        str | None,
        typer.Argument(
            metavar="[DOC]",
            help="Show how this document (id, label or number) was cut: its segments and speakers.",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """List the documents: id, label, attributes, words, segments, speakers, encoding.

    With a document, list its segments as ingest cut them — speaker, whether suggest
    takes them for the interviewer's or for the header before the first turn, time,
    offsets, words and text — to check the speaker turns before coding.

    Example: vmatrix docs --format csv --output documents.csv; vmatrix docs entretien-10
    """
    from vmatrix.output.render import Table, render

    if document is not None:
        render(_segments(document, fmt), fmt, output)
        return
    with open_corpus() as corpus:
        documents = corpus.documents()
    keys: list[str] = []
    for doc in documents:
        keys += [k for k in doc.attributes if k not in keys]
    rows = [
        [
            doc.id,
            doc.label,
            *[doc.attributes.get(k, "") for k in keys],
            doc.words,
            doc.segments,
            "; ".join(doc.speakers),
            doc.format,
            doc.encoding or "",
        ]
        for doc in documents
    ]
    columns = ["document", "label", *keys, "words", "segments", "speakers", "format", "encoding"]
    payload = [
        {
            "document": doc.id,
            "label": doc.label,
            "number": doc.number,
            "attributes": doc.attributes,
            "words": doc.words,
            "segments": doc.segments,
            "speakers": doc.speakers,
            "format": doc.format,
            "encoding": doc.encoding,
            "source": doc.source,
            "sha256": doc.sha256,
            "revision": doc.revision,
        }
        for doc in documents
    ]
    n = 2 + len(keys)
    render(Table(columns, rows, numeric={n, n + 1}, json=payload), fmt, output)


def _segments(typed: str, fmt: Format) -> Any:
    from vmatrix.corpus.documents import require_documents
    from vmatrix.output.render import Table
    from vmatrix.transcripts.segment import front_matter, interviewers

    with open_corpus() as corpus:
        (doc_id,) = require_documents(corpus, [typed])
        text = corpus.text(doc_id)
        segments = corpus.segments(doc_id)
    first = front_matter([s.speaker for s in segments])
    header = {s.index for s in segments[:first]}
    asking = interviewers((s.speaker, text[s.start : s.end]) for s in segments[first:])
    full = fmt is not Format.table

    def role(s: Any) -> str:
        return "header" if s.index in header else "interviewer" if s.speaker in asking else ""

    rows = [
        [
            s.index,
            s.speaker or "",
            role(s),
            "" if s.t_start is None else _clock(s.t_start),
            s.start,
            s.end,
            s.words,
            text[s.start : s.end] if full else _excerpt(text[s.start : s.end]),
        ]
        for s in segments
    ]
    payload = [
        {
            "segment": s.index,
            "speaker": s.speaker,
            "interviewer": s.speaker in asking and s.index not in header,
            "header": s.index in header,
            "t_start": s.t_start,
            "t_end": s.t_end,
            "start": s.start,
            "end": s.end,
            "words": s.words,
            "text": text[s.start : s.end],
        }
        for s in segments
    ]
    return Table(
        ["segment", "speaker", "role", "time", "start", "end", "words", "text"],
        rows,
        numeric={0, 4, 5, 6},
        json={"document": doc_id, "segments": payload},
        title=f"{doc_id}: {len(segments)} segments",
    )


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _excerpt(said: str) -> str:
    flat = " ".join(said.split())
    return flat if len(flat) <= _EXCERPT else flat[: flat.rfind(" ", 0, _EXCERPT)] + " …"
