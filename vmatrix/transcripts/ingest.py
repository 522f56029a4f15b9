"""Ingest transcripts: read, normalise, segment, parse once, store.

Three steps. The first reads and checks every file without touching the corpus, so
bad input is refused before anything is written. The second parses what is new or
changed, streaming segments through spaCy in small batches, each parsed document put
aside in a temporary file. The third writes it all in one short transaction: the
corpus is locked for seconds, never while the model loads or parses.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from vmatrix.corpus import anchor
from vmatrix.corpus.store import Corpus, Document, SegmentRow, now
from vmatrix.errors import BadInputFiles, InputFileError, VmatrixError
from vmatrix.textnorm import count_invisible, count_words
from vmatrix.transcripts.meta import Metadata, MetaRow, default_label, read_metadata
from vmatrix.transcripts.readers import RESAVE, SUFFIXES, Source, read_source
from vmatrix.transcripts.segment import Segment, segment_text, segments_from_turns

Progress = Callable[[int, int], None]  # (words parsed so far, words to parse)
_ID = re.compile(r"[^\w.\-]+")


@dataclass
class Outcome:
    """What happened to one file."""

    path: Path
    doc_id: str
    status: str  # added | updated | unchanged | metadata
    words: int = 0
    segments: int = 0
    speakers: list[str] = field(default_factory=list)
    encoding: str | None = None
    codes_moved: int = 0
    codes_orphaned: int = 0
    suggestions_dropped: int = 0


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    words_parsed: int = 0
    # Documents already in the corpus whose metadata no --meta row gives: kept as they were.
    metadata_kept: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


@dataclass
class _Planned:
    source: Source
    doc_id: str
    label: str
    number: str | None
    attributes: dict[str, str]
    segments: list[Segment]
    words: int
    row: MetaRow | None = None  # the --meta row naming the file, if any


def collect_files(paths: list[Path]) -> tuple[list[Path], list[str], list[str]]:
    """Transcript files under ``paths``; folders are searched recursively.

    Returns ``(files, problems, warnings)``. A folder search keeps regular files only,
    and passes over a symbolic link leading out of the folders given (``passwd.txt ->
    /etc/passwd``) with a warning; a file named on the command line is read even through
    a link (and refused if it is no regular file).
    """
    files: list[Path] = []
    problems: list[str] = []
    warnings: list[str] = []
    folders = [Path(os.path.realpath(p)) for p in paths if p.is_dir()]
    for path in paths:
        if path.is_dir():
            found = []
            for p in sorted(path.rglob("*")):
                if p.suffix.lower() not in SUFFIXES or _passed_over(p, path):
                    continue
                real = Path(os.path.realpath(p))
                if real != p.absolute() and not any(real.is_relative_to(f) for f in folders):
                    warnings.append(
                        f"{p}: skipped, a link to {real} outside the folders given "
                        "(name it on the command line to ingest it)"
                    )
                elif p.is_dir():
                    continue
                elif not p.is_file():
                    if p.exists() or p.is_symlink():
                        warnings.append(f"{p}: skipped, not a regular file (a device, a pipe, a broken link)")
                else:
                    found.append(p)
            if not found:
                problems.append(f"{path}: holds no transcripts ({', '.join(sorted(SUFFIXES))})")
            files.extend(found)
        elif not path.exists():
            problems.append(f"{path}: no such file or folder")
        else:
            files.append(path)
    unique: list[Path] = []
    seen: set[Path] = set()
    for file in files:
        resolved = file.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(file)
    return unique, problems, warnings


def _unread_documents(paths: list[Path]) -> list[str]:
    """Word 97, RTF, PDF and Pages files in the folders given: likely transcripts that a
    folder search passes over, so the user hears of them."""
    found = sorted(
        p
        for path in paths
        if path.is_dir()
        for p in path.rglob("*")
        if p.suffix.lower() in RESAVE and p.is_file() and not _passed_over(p, path)
    )
    return [f"{p}: not read{RESAVE[p.suffix.lower()]}" for p in found]


def _passed_over(path: Path, folder: Path) -> bool:
    """A file a folder search leaves alone: hidden, in a hidden folder, or a Word lock
    file (``~$entretien.docx``)."""
    if path.name.startswith((".", "~$")):
        return True
    return any(part.startswith(".") for part in path.relative_to(folder).parts[:-1])


def document_id(path: Path) -> str:
    """``entretien-10.txt`` → ``entretien-10``; spaces and odd characters become ``-``."""
    return _ID.sub("-", unicodedata.normalize("NFC", path.stem)).strip("-") or "document"


def plan(
    paths: list[Path],
    *,
    meta: Path | None = None,
    encoding: str | None = None,
    skip_bad: bool = False,
) -> tuple[list[_Planned], IngestReport]:
    """Read and check every file; raises :class:`BadInputFiles` unless ``skip_bad``."""
    report = IngestReport()
    metadata: Metadata | None = read_metadata(meta) if meta else None
    files, problems, warnings = collect_files(paths)
    report.warnings.extend(warnings)
    report.warnings.extend(_unread_documents(paths))
    planned: list[_Planned] = []
    for path in files:
        try:
            planned.append(_plan_one(path, metadata, encoding))
        except InputFileError as exc:
            problems.append(exc.message)
            continue
        invisible = count_invisible(planned[-1].source.text)
        if invisible:
            report.warnings.append(
                f"{path}: holds {invisible} invisible character(s) (zero-width spaces, direction "
                "marks, soft hyphens); they are kept, and ignored when quotes are matched"
            )
    by_id: dict[str, list[_Planned]] = {}
    for item in planned:
        by_id.setdefault(item.doc_id.casefold(), []).append(item)
    for items in by_id.values():
        if len(items) > 1:
            for item in items:
                others = ", ".join(str(i.source.path) for i in items if i is not item)
                problems.append(
                    f"{item.source.path}: has the document id {item.doc_id!r}, like {others}; "
                    "rename one of them, or give each an id in --meta (an 'id' column, and the "
                    "file with its folder in 'fichier': dossier/entretien.txt)"
                )
            planned = [p for p in planned if p not in items]
    if metadata is not None:
        used = {id(metadata.find(p.source.path)) for p in planned}
        for row in metadata.rows:
            if id(row) not in used:
                report.warnings.append(
                    f"{metadata.path}, row {row.row}: {row.file or row.id!r} matches no file ingested"
                )
        unnamed = [p.source.path.name for p in planned if metadata.find(p.source.path) is None]
        if unnamed:
            listing = ", ".join(unnamed[:5]) + (f" and {len(unnamed) - 5} more" if len(unnamed) > 5 else "")
            report.warnings.append(
                f"{metadata.path}: no row names {len(unnamed)} file(s) ingested: {listing}; they get "
                "no role, sector or date (add a row for each interview, and move files that are "
                "not interviews, such as notes, out of the folder)"
            )
    if problems:
        if skip_bad and not planned:
            raise BadInputFiles(
                f"none of the files can be ingested ({len(problems)} problem"
                f"{'s' if len(problems) > 1 else ''}); nothing was written",
                details=problems,
            )
        if not skip_bad:
            raise BadInputFiles(
                f"{len(problems)} input problem{'s' if len(problems) > 1 else ''}; "
                "nothing was written (fix them, or pass --skip-bad to ingest the rest)",
                details=problems + [w for w in report.warnings if w not in problems],
            )
        report.skipped.extend(problems)
    if not planned and not problems:
        raise InputFileError("no transcript files given")
    return planned, report


def _plan_one(path: Path, metadata: Metadata | None, encoding: str | None) -> _Planned:
    source = read_source(path, encoding=encoding)
    row = metadata.find(path) if metadata else None
    return _planned(source, (row.id if row and row.id else None) or document_id(path), row)


def _planned(source: Source, doc_id: str, row: MetaRow | None) -> _Planned:
    path = source.path
    number = row.number if row else None
    label = (row.label if row and row.label else None) or default_label(doc_id, number)
    if source.turns is not None:
        segments = segments_from_turns(source.text, source.turns)
    else:
        segments = segment_text(source.text)
    if not segments:
        raise InputFileError(f"{path}: holds no text to segment")
    return _Planned(
        source,
        doc_id,
        label,
        number,
        dict(row.attributes) if row else {},
        segments,
        count_words(source.text),
        row,
    )


def _merge_metadata(
    item: _Planned, old: Document | None, replace: bool
) -> tuple[str, str | None, dict[str, str]]:
    """The label, number and attributes a document gets.

    Metadata changes only through a --meta row naming the document: without one, a
    document already in the corpus keeps what it had. An empty cell keeps the old value,
    unless ``replace`` (--replace-meta), where the row replaces everything.
    """
    row = item.row
    if old is None or (row is not None and replace):
        return item.label, item.number, item.attributes
    if row is None:
        return old.label, old.number, dict(old.attributes)
    number = row.number or old.number
    attributes = {**old.attributes, **row.attributes}
    if row.label:
        label = row.label
    elif old.label != default_label(old.id, old.number):
        label = old.label  # a label the user gave before
    else:
        label = default_label(item.doc_id, number)
    return label, number, attributes


def ingest(
    corpus: Corpus,
    paths: list[Path],
    *,
    meta: Path | None = None,
    encoding: str | None = None,
    skip_bad: bool = False,
    n_process: int = 1,
    progress: Progress | None = None,
    replace_meta: bool = False,
) -> IngestReport:
    """Ingest files into ``corpus``: everything is written, or nothing.

    Parsing, the long part, happens before the corpus is locked: the parsed documents
    wait in a temporary file, then everything is written in one short transaction, so
    another vmatrix writing to the same corpus waits seconds, not minutes. Metadata
    comes only from ``meta`` rows naming a document; see :func:`_merge_metadata`.
    """
    planned, report = plan(paths, meta=meta, encoding=encoding, skip_bad=skip_bad)
    return store_planned(
        corpus, planned, report, n_process=n_process, progress=progress, replace_meta=replace_meta
    )


@dataclass
class GivenText:
    """A transcript that is not a file of its own (a document of a REFI-QDA project): its
    text already read, its id and metadata already known."""

    source: Source
    doc_id: str
    label: str | None = None
    number: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def plan_given(texts: list[GivenText]) -> list[_Planned]:
    """The first pass of ingest for texts read elsewhere: segmented, checked, nothing written.

    Their metadata counts as a --meta row naming each document.
    """
    return [
        _planned(g.source, g.doc_id, MetaRow(0, None, g.doc_id, g.number, g.label, dict(g.attributes)))
        for g in texts
    ]


def store_planned(
    corpus: Corpus,
    planned: list[_Planned],
    report: IngestReport | None = None,
    *,
    n_process: int = 1,
    progress: Progress | None = None,
    replace_meta: bool = False,
) -> IngestReport:
    """The second pass of ingest: parse what is new or changed, then store it in one
    short transaction (see :func:`ingest`)."""
    import tempfile

    report = report or IngestReport()
    before = {doc.id: doc for doc in corpus.documents()}
    to_parse = [item for item in planned if not _unchanged(corpus, item, before.get(item.doc_id))]
    with tempfile.TemporaryFile(prefix="vmatrix-parsed-") as spool:
        parsed, model = _parse(to_parse, spool, n_process, progress) if to_parse else ({}, "")
        report.words_parsed = sum(item.words for item in to_parse)
        with corpus.transaction():
            # Read again under the lock: another vmatrix may have written meanwhile.
            existing = {doc.id: doc for doc in corpus.documents()}
            for item in planned:
                old = existing.get(item.doc_id)
                item.label, item.number, item.attributes = _merge_metadata(item, old, replace_meta)
                if old is not None and item.row is None:
                    report.metadata_kept += 1
                where = parsed.get(id(item))
                if where is None or _unchanged(corpus, item, old):
                    report.outcomes.append(_keep(corpus, item, old))
                    continue
                spool.seek(where[0])
                _store(corpus, item, spool.read(where[1]), model, old, report)
    report.warnings.extend(_shared_labels(corpus, {item.doc_id for item in planned}))
    return report


def _unchanged(corpus: Corpus, item: _Planned, old: Document | None) -> bool:
    return old is not None and old.sha256 == item.source.sha256 and _same_reading(corpus, item)


def _keep(corpus: Corpus, item: _Planned, old: Document | None) -> Outcome:
    """A document the corpus already holds as it reads now: only its metadata may change."""
    outcome = _outcome(item, "unchanged")
    if old is None:
        raise VmatrixError(
            f"{item.source.path}: {item.doc_id} was removed from the corpus by another vmatrix "
            "while this one ran; nothing was written, run the command again"
        )
    if (old.label, old.number, old.attributes) != (item.label, item.number, item.attributes):
        corpus.set_metadata(item.doc_id, item.label, item.number, item.attributes)
        outcome.status = "metadata"
    return outcome


def _shared_labels(corpus: Corpus, ingested: set[str]) -> list[str]:
    """Documents cited alike ("Entretien 5" for entretien-5.txt and E05-dupont.docx):
    a quote's source would be ambiguous."""
    by_label: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for doc in corpus.documents():
        by_label.setdefault(doc.label.casefold(), []).append(doc.id)
        labels.setdefault(doc.label.casefold(), doc.label)
    return [
        f"documents {', '.join(ids)} are all cited as {labels[key]!r}; "
        "give each its number or label in --meta"
        for key, ids in by_label.items()
        if len(ids) > 1 and ingested & set(ids)
    ]


def _same_reading(corpus: Corpus, item: _Planned) -> bool:
    """Whether the corpus holds this file read as it reads now: the same text, turns
    and speakers, parsed. An unchanged file read better by a newer vmatrix is updated."""
    if not corpus.parse_blob(item.doc_id) or corpus.text(item.doc_id) != item.source.text:
        return False
    stored = [(s.start, s.end, s.speaker) for s in corpus.segments(item.doc_id)]
    return stored == [(s.start, s.end, s.speaker) for s in item.segments]


def _outcome(item: _Planned, status: str) -> Outcome:
    speakers = sorted({s.speaker for s in item.segments if s.speaker})
    return Outcome(
        item.source.path,
        item.doc_id,
        status,
        item.words,
        len(item.segments),
        speakers,
        item.source.encoding,
    )


def _parse(
    items: list[_Planned], spool: IO[bytes], n_process: int, progress: Progress | None
) -> tuple[dict[int, tuple[int, int]], str]:
    """Parse every segment of ``items``, each document's DocBin written to ``spool`` as
    soon as its last segment is parsed (memory stays flat however many documents).

    Returns where each document's DocBin is in ``spool`` (by ``id(item)``: offset, size)
    and the model's name.
    """
    from vmatrix.transcripts import parse

    nlp = parse.load_model()
    total = sum(item.words for item in items)
    found: dict[int, tuple[int, int]] = {}
    done = 0

    def stream() -> Iterator[tuple[str, tuple[int, int]]]:
        for n, item in enumerate(items):
            for segment in item.segments:
                yield item.source.text[segment.start : segment.end], (n, segment.index)

    def keep(item: _Planned, docs: list[Any]) -> None:
        nonlocal done
        if len(docs) != len(item.segments):  # pragma: no cover - a spaCy contract
            raise VmatrixError(f"{item.source.path}: parsed {len(docs)} of {len(item.segments)} segments")
        data = parse.to_bytes(docs)
        found[id(item)] = (spool.tell(), len(data))
        spool.write(data)
        done += item.words
        if progress:
            progress(done, total)

    pending: list[Any] = []
    current = 0
    for doc, (n, _index) in parse.parse(nlp, stream(), n_process=n_process):
        while n != current:  # documents whose segments are all parsed
            keep(items[current], pending)
            pending = []
            current += 1
        pending.append(doc)
    while current < len(items):
        keep(items[current], pending)
        pending = []
        current += 1
    return found, parse.model_name(nlp)


def _store(
    corpus: Corpus,
    item: _Planned,
    docbin: bytes,
    model: str,
    old: Document | None,
    report: IngestReport,
) -> None:
    status = "added" if old is None else "updated"
    outcome = _outcome(item, status)
    text = item.source.text
    stamp = now()
    corpus.put_document(
        Document(
            id=item.doc_id,
            label=item.label,
            number=item.number,
            source=str(item.source.path),
            format=item.source.format,
            encoding=item.source.encoding,
            sha256=item.source.sha256,
            words=item.words,
            attributes=item.attributes,
            added_at=old.added_at if old else stamp,
            updated_at=stamp,
            revision=(old.revision + 1) if old else 1,
        ),
        text,
    )
    corpus.put_segments(
        item.doc_id,
        [
            SegmentRow(
                item.doc_id,
                s.index,
                s.speaker,
                s.start,
                s.end,
                s.t_start,
                s.t_end,
                count_words(text[s.start : s.end]),
            )
            for s in item.segments
        ],
    )
    corpus.put_parse(item.doc_id, item.source.sha256, model, docbin)
    if old is not None:
        outcome.suggestions_dropped = corpus.drop_suggestions(item.doc_id)
        moved = anchor.reanchor_document(corpus, item.doc_id, text)
        outcome.codes_moved = moved.moved
        outcome.codes_orphaned = len(moved.orphaned)
    report.outcomes.append(outcome)
