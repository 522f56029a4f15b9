"""Import a REFI-QDA project (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA, QualCoder and others.

Its text sources become corpus documents through ingest's own two passes (segmented, then
parsed and stored; non-text sources are listed and skipped). Its codes are mapped onto the
codebook's value forms and facets by name (:class:`CodeMap`). Its selections are placed in
the stored text (:mod:`vmatrix.exchange.positions`), regrouped when a peer writes one
selection per coding, and become the rows of a coding sheet named after the file, which
:func:`vmatrix.sheets.validate.check_sheets` checks exactly as it checks a sheet from a
spreadsheet: same findings, same anchoring. Nothing is written unless everything passes;
documents and codes are then stored in one transaction, and a re-import of the same file
changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vmatrix.coding.codebook import FACET_COLUMNS, FACETS, Codebook
from vmatrix.corpus.anchor import Finder
from vmatrix.corpus.store import CodeRow, Corpus, Document
from vmatrix.errors import InputFileError, UnknownCode
from vmatrix.exchange.archive import Coding, PeerCode, PeerProject, TextSource, read_project
from vmatrix.exchange.positions import STANDARD, SourceText, is_quote, place
from vmatrix.exchange.refi import ORIGIN, VALUES_FOLDER
from vmatrix.files import decode, file_digest
from vmatrix.sheets.sheet import FIELDS, CodingSheet, SheetRow
from vmatrix.sheets.validate import Pending, Validation, check_sheets
from vmatrix.textnorm import fold, fold_code
from vmatrix.transcripts.ingest import (
    GivenText,
    IngestReport,
    Progress,
    document_id,
    plan_given,
    store_planned,
)
from vmatrix.transcripts.readers import Source

_KNOWN_SUFFIXES = (".txt", ".text", ".md", ".docx", ".doc", ".odt", ".rtf", ".pdf", ".srt", ".vtt")
_IGNORE = ("ignore", "ignorer", "-", "none", "aucun")
_PREFIXED = re.compile(r"^\s*([^:]+?)\s*:\s*(.+?)\s*$")  # "outil : site web"


@dataclass
class ImportReport:
    path: Path
    origin: str
    documents: list[tuple[str, str, str]] = field(default_factory=list)  # (id, source name, status)
    validation: Validation | None = None
    warnings: list[str] = field(default_factory=list)
    selections: int = 0  # selections read
    rows: int = 0  # coded verbatims after regrouping
    ignored: int = 0  # selections left with no code after --ignore
    stored: bool = False
    unchanged: bool = False  # the corpus already held exactly this
    where: dict[int, str] = field(default_factory=dict)  # sheet row -> "document start-end"

    @property
    def ok(self) -> bool:
        return self.validation is not None and self.validation.ok


# -- codes -----------------------------------------------------------------------------------


def _facet_names(codebook: Codebook) -> dict[str, str]:
    """Folded names a folder or prefix may give a facet: its id, its label, a sheet's header."""
    names: dict[str, str] = {}
    for facet_id in FACETS:
        for name in (facet_id, codebook.facets[facet_id].label, *FIELDS.get(facet_id, ())):
            names.setdefault(fold_code(name), facet_id)
    return names


_VALUE_FOLDERS = {fold_code(n) for n in (VALUES_FOLDER, "value forms", *FIELDS["values"])}


class CodeMap:
    """Peer codes onto vmatrix codes: ``--ignore``, ``--map``, then names through the codebook.

    By name: a code in a folder naming a facet (Dispositif, Outil, tool...) is a code of
    that facet, and so is one named "facet : name" (``outil : site web``); any other is a
    value form when the codebook resolves its name (any case, accents, an alias), else a
    facet code when one facet's codebook knows it. Names vmatrix gave on export ("Formation
    (Nature)") are read back.
    """

    def __init__(
        self,
        codebook: Codebook,
        mapping: dict[str, list[tuple[str, str]]] | None = None,
        ignore: Sequence[str] = (),
    ) -> None:
        self.codebook = codebook
        self.mapping = {fold_code(k): v for k, v in (mapping or {}).items()}
        self.ignore = {fold_code(name) for name in ignore}
        self.facets = _facet_names(codebook)

    def resolve(self, code: PeerCode) -> list[tuple[str, str]] | None:
        """``[(kind, name)]`` with kind "value" or a facet; ``[]`` ignored; None unmapped."""
        names = [code.name, "/".join(c.name for c in code.path)]
        if any(fold_code(n) in self.ignore for n in names):
            return []
        for name in names:
            if fold_code(name) in self.mapping:
                return self.mapping[fold_code(name)]
        name = code.name
        prefixed = _PREFIXED.match(name)
        if prefixed and fold_code(prefixed[1]) in self.facets:
            found = self.facet_code(self.facets[fold_code(prefixed[1])], prefixed[2])
            return [found] if found else None
        for folder in code.path[:-1][::-1]:
            facet_id = self.facets.get(fold_code(folder.name))
            if facet_id is not None:
                found = self.facet_code(facet_id, _unsuffixed(name, folder.name))
                return [found] if found else None
        for folder in code.path[:-1]:
            name = _unsuffixed(name, folder.name)
        value = self.codebook.resolve_value(name)
        if value is not None:
            return [("value", value.code.id)]
        known = [(f, c.id) for f in FACETS if (c := self.codebook.facets[f].resolve(name)) is not None]
        return known[:1] if len(known) == 1 else None

    def facet_code(self, facet_id: str, name: str) -> tuple[str, str] | None:
        facet = self.codebook.facets[facet_id]
        code = facet.resolve(name)
        if code is not None:
            return (facet_id, code.id)
        return None if facet.closed else (facet_id, name.strip())

    def target(self, text: str) -> list[tuple[str, str]] | None:
        """What a --map cell names: value forms or "facet: name", separated by ``;``."""
        out = []
        for part in [p.strip() for p in text.split(";") if p.strip()]:
            prefixed = _PREFIXED.match(part)
            if prefixed and fold_code(prefixed[1]) in self.facets:
                found = self.facet_code(self.facets[fold_code(prefixed[1])], prefixed[2])
            else:
                value = self.codebook.resolve_value(part)
                found = ("value", value.code.id) if value else None
            if found is None:
                return None
            out.append(found)
        return out

    def suggestions(self, name: str) -> list[str]:
        hints = self.codebook.value_suggestions(name)
        for facet_id in FACETS:
            hints += [f"{facet_id}: {h}" for h in self.codebook.facets[facet_id].suggestions(name, 2)]
        return hints[:3]


def _unsuffixed(name: str, folder: str) -> str:
    """``Formation (Nature)`` in folder Nature: the name vmatrix made unique on export."""
    suffix = f" ({folder})"
    return name[: -len(suffix)] if name.endswith(suffix) else name


def read_map(path: Path, codes: CodeMap) -> dict[str, list[tuple[str, str]]]:
    """A --map sheet (CSV or XLSX): the peer's code in the first column, the vmatrix code(s)
    in the second (a value form, ``facet: name``, several separated by ``;``, or ``ignore``)."""
    from vmatrix.tabular import read_sheet

    sheet = read_sheet(path)
    mapping: dict[str, list[tuple[str, str]]] = {}
    problems = []
    for number, cells in [(1, sheet.headers), *sheet.rows]:
        peer = cells[0].strip() if cells else ""
        wanted = cells[1].strip() if len(cells) > 1 else ""
        if not peer:
            continue
        if fold(wanted) in _IGNORE or not wanted:
            mapping[peer] = []
            continue
        found = codes.target(wanted)
        if found is None:
            if number == 1:
                continue  # a header row
            hints = codes.suggestions(wanted)
            problems.append(
                f"{path}, row {number}: {wanted!r} is no value form and no 'facet: name'"
                + (f" (did you mean {' or '.join(hints)}?)" if hints else "")
            )
            continue
        mapping[peer] = found
    if problems:
        raise InputFileError(f"{path}: {len(problems)} row(s) name no vmatrix code", details=problems)
    return mapping


# -- the import --------------------------------------------------------------------------


@dataclass
class _Document:
    source: TextSource
    doc_id: str
    text: SourceText
    given: GivenText


def import_project(
    corpus: Corpus,
    path: Path,
    codebook: Codebook,
    *,
    mapping: Path | None = None,
    ignore: Sequence[str] = (),
    dry_run: bool = False,
    n_process: int = 1,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a ``.qdpx`` project against the corpus and codebook, and store it if it passes."""
    project = read_project(path)
    codes = CodeMap(codebook, ignore=ignore)
    if mapping is not None:
        codes.mapping = {fold_code(k): v for k, v in read_map(mapping, codes).items()}
    report = ImportReport(path, project.origin)
    for kind, name in project.others:
        report.warnings.append(f"{kind} source {name!r} skipped: vmatrix reads text documents only")
    targets = _map_codes(project, codes, path)
    documents = _documents(project, report)
    sheet = _sheet(project, documents, targets, report)
    planned = plan_given([d.given for d in documents])
    validation = check_sheets(
        corpus,
        [sheet],
        codebook,
        dry_run=True,
        pending=[_pending(item) for item in planned],
    )
    report.validation = validation
    # A document the corpus already holds with this very text (exported from vmatrix and
    # coded elsewhere) is left as it is: its turns, parse and suggestions stay.
    texts = {doc_id: corpus.text(doc_id) for doc_id in corpus.document_ids()}
    kept = {item.doc_id for item in planned if texts.get(item.doc_id) == item.source.text}
    for item in planned:
        status = "added" if item.doc_id not in texts else "unchanged" if item.doc_id in kept else "updated"
        report.documents.append((item.doc_id, str(item.source.path.name), status))
    if not validation.ok or dry_run:
        return report
    codes_now = validation.sheets[0].codes
    same_codes = _same_codes(corpus.codes(sheets=[sheet.name]), codes_now)
    changed = [item for item in planned if item.doc_id not in kept]
    with corpus.transaction():
        ingested: IngestReport = store_planned(corpus, changed, n_process=n_process, progress=progress)
        if not same_codes:
            corpus.replace_sheet(sheet.name, str(path.resolve()), sheet.sha256, codes_now)
    statuses = {o.doc_id: o.status for o in ingested.outcomes}
    report.documents = [
        (doc_id, name, statuses.get(doc_id, status)) for doc_id, name, status in report.documents
    ]
    report.warnings += ingested.warnings
    report.unchanged = same_codes and not changed
    report.stored = True
    return report


def _map_codes(project: PeerProject, codes: CodeMap, path: Path) -> dict[str, list[tuple[str, str]]]:
    """Every code a coding uses, mapped; unmapped ones are one error listing them all."""
    used: dict[str, int] = {}
    for source in project.sources:
        for selection in source.selections:
            for coding in selection.codings:
                used[coding.code] = used.get(coding.code, 0) + 1
    targets: dict[str, list[tuple[str, str]]] = {}
    problems = []
    for code_guid, count in used.items():
        code = project.codes.get(code_guid)
        if code is None:
            problems.append(
                f"a code with GUID {code_guid} that the codebook does not define ({count} coding(s))"
            )
            continue
        found = codes.resolve(code)
        if found is None:
            shown = " / ".join(c.name for c in code.path)
            hints = codes.suggestions(code.name)
            problems.append(
                f"{shown!r} ({count} coding(s))" + (f": did you mean {' or '.join(hints)}?" if hints else "")
            )
            continue
        targets[code_guid] = found
    if problems:
        raise UnknownCode(
            f"{path}: {len(problems)} code(s) map to no value form or facet of the codebook; nothing was "
            "imported — say what they are with --map FILE.csv (peer code, vmatrix code), drop them with "
            "--ignore CODE, or use another --codebook",
            details=problems,
        )
    return targets


def _document_id(name: str, taken: set[str]) -> str:
    base = name
    if base.lower().endswith(_KNOWN_SUFFIXES):
        base = base.rsplit(".", 1)[0]
    doc_id = document_id(Path(base.replace("/", "-").replace("\\", "-") + ".txt"))
    unique, n = doc_id, 1
    while unique.casefold() in taken:
        n += 1
        unique = f"{doc_id}-{n}"
    taken.add(unique.casefold())
    return unique


def _variables(project: PeerProject, source: TextSource) -> tuple[str | None, str | None, dict[str, str]]:
    """A source's number, label and attributes, from its variables named as --meta columns."""
    from vmatrix.tabular import match_headers
    from vmatrix.transcripts.meta import FIELDS as META_FIELDS

    named = {project.variables.get(g, g): v for g, v in source.variables.items()}
    names = list(named)
    columns, _ = match_headers(names, META_FIELDS)
    by_index = {i: field_name for field_name, i in columns.items()}
    number = label = None
    attributes: dict[str, str] = {}
    for i, name in enumerate(names):
        field_name = by_index.get(i)
        if field_name == "number":
            number = named[name]
        elif field_name == "label":
            label = named[name]
        elif field_name in ("file", "id"):
            continue
        else:
            key = field_name or re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
            if key:
                attributes[key] = named[name]
    return number, label, attributes


def _documents(project: PeerProject, report: ImportReport) -> list[_Document]:
    taken: set[str] = set()
    out = []
    for source in project.sources:
        data = project.source_bytes(source)
        where = f"{project.path}: {source.name}"
        try:
            raw, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            raw, encoding = decode(data, where=where)
            report.warnings.append(f"{source.name}: its text is {encoding}, not UTF-8 as the standard says")
        text = SourceText(raw, had_bom=data.startswith(b"\xef\xbb\xbf"))
        if not text.stored.strip():
            report.warnings.append(
                f"{source.name}: empty document skipped ({len(source.selections)} selection(s))"
            )
            continue
        if source.whole_codings:
            report.warnings.append(
                f"{source.name}: {source.whole_codings} coding(s) of the whole document not kept "
                "(vmatrix codes passages)"
            )
        doc_id = _document_id(source.name, taken)
        number, label, attributes = _variables(project, source)
        member = source.member or source.name
        given = GivenText(
            Source(Path(f"{project.path.name}/{member}"), "qdpx", encoding, text.stored, file_digest(data)),
            doc_id,
            label,
            number,
            attributes,
        )
        out.append(_Document(source, doc_id, text, given))
    return out


def _pending(item: object) -> Pending:
    source = item.source  # type: ignore[attr-defined]
    doc = Document(
        id=item.doc_id,  # type: ignore[attr-defined]
        label=item.label,  # type: ignore[attr-defined]
        number=item.number,  # type: ignore[attr-defined]
        source=str(source.path),
        format=source.format,
        encoding=source.encoding,
        sha256=source.sha256,
        words=item.words,  # type: ignore[attr-defined]
        attributes=item.attributes,  # type: ignore[attr-defined]
    )
    return Pending(doc, source.text, [(s.start, s.end) for s in item.segments])  # type: ignore[attr-defined]


def _sheet(
    project: PeerProject,
    documents: list[_Document],
    targets: dict[str, list[tuple[str, str]]],
    report: ImportReport,
) -> CodingSheet:
    """The project's codings as the rows of a coding sheet."""
    rows: list[SheetRow] = []
    regroup = not project.origin.lower().startswith(ORIGIN)
    for document in documents:
        source = document.source
        report.selections += len(source.selections)
        placed = place(document.text, [(s.start, s.end, s.name) for s in source.selections])
        if placed.reading.name != STANDARD:
            report.warnings.append(
                f"{source.name}: positions count {placed.reading.name}; corrected "
                f"({placed.checked} selection name(s) agree)"
            )
        stored = document.text.stored
        finder: Finder | None = None
        # One row per passage and coder: a peer that writes one selection per coding
        # (QualCoder) is regrouped, and one selection coded by two coders (qc) is split.
        groups: dict[
            tuple[object, ...], tuple[int, int, str | None, str | None, list[Coding], list[str]]
        ] = {}
        for selection, at in zip(source.selections, placed.placed, strict=True):
            here = f"{source.name}, selection {selection.start}-{selection.end}"
            if at is None:
                raise InputFileError(
                    f"{project.path}: {here} lies outside the document ({len(document.text.raw)} "
                    "characters); nothing was imported — the project is damaged, export it again"
                )
            quote: str | None = None
            if at.name_matches is False and is_quote(selection.name):
                finder = finder or Finder(stored)
                if finder.verbatim(selection.name or "") is not None:
                    quote = selection.name  # anchored where it is; validation reports the move
                report.warnings.append(
                    f"{here}: its name {_short(selection.name or '')} is not the text at its positions "
                    f"{_short(stored[at.start : at.end])}; "
                    + ("anchored by its name" if quote else "kept at its positions")
                )
            elif at.name_matches and is_quote(selection.name):
                quote = selection.name
            for coding in selection.codings:
                user = coding.user or selection.user
                key = (at.start, at.end, user) if regroup else (selection.guid, user)
                group = groups.setdefault(key, (at.start, at.end, quote, user, [], []))
                group[4].append(coding)
                if selection.description and selection.description not in group[5]:
                    group[5].append(selection.description)
        for start, end, quote, user, codings, memos in groups.values():
            row = _row(project, document, start, end, quote, user, codings, memos, targets, len(rows) + 2)
            if row is None:
                report.ignored += 1
                continue
            report.where[row.row] = f"{document.doc_id} {start}-{end}"
            rows.append(row)
    report.rows = len(rows)
    columns = ["document", "quote", "values", *FACET_COLUMNS, "coder", "memo", "start", "end"]
    digest = hashlib.sha256(project.sha256.encode() + repr(sorted(targets.items())).encode()).hexdigest()
    return CodingSheet(project.path, rows, columns, sha256=digest)


def _row(
    project: PeerProject,
    document: _Document,
    start: int,
    end: int,
    quote: str | None,
    user: str | None,
    codings: list[Coding],
    memos: list[str],
    targets: dict[str, list[tuple[str, str]]],
    number: int,
) -> SheetRow | None:
    values: list[str] = []
    facets: dict[str, list[str]] = {f: [] for f in FACET_COLUMNS}
    for coding in codings:
        for kind, name in targets.get(coding.code, []):
            bucket = values if kind == "value" else facets[kind]
            if name not in bucket:
                bucket.append(name)
    if not values and not any(facets.values()):
        return None
    cells = {
        "document": document.doc_id,
        "quote": quote if quote is not None else document.text.stored[start:end],
        "values": "; ".join(values),
        **{f: "; ".join(n.replace(";", ",") for n in names) for f, names in facets.items()},
        "coder": project.users.get(user, user) if user else "",
        "memo": " ; ".join(memos),
        "start": str(start),
        "end": str(end),
    }
    return SheetRow(number, cells)


def _same_codes(stored: list[CodeRow], new: list[CodeRow]) -> bool:
    def key(c: CodeRow) -> tuple[object, ...]:
        return (c.row, c.document_id, c.start, c.end, c.quote, c.values, c.facets, c.coder, c.memo, c.status)

    return sorted(map(key, stored), key=repr) == sorted(map(key, new), key=repr)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"« {text if len(text) <= limit else text[: limit - 1] + '…'} »"
