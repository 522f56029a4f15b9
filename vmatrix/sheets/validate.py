"""Check coding sheets against the corpus and the codebook; store the ones that pass.

Validation is the gate between a spreadsheet and the corpus. Every problem becomes a
:class:`Finding` (file, row, severity, a stable code, a message and a hint), so a
researcher can fix the sheet in one pass. Errors block storing; warnings and notes
(``info``) do not. Nothing is printed here: the command renders the result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from vmatrix.coding.codebook import FACETS, Code, Codebook, Facet
from vmatrix.corpus.anchor import Anchor, Finder, context_of
from vmatrix.corpus.documents import DocumentIndex
from vmatrix.corpus.store import CodeRow, Corpus, Document
from vmatrix.errors import VmatrixError
from vmatrix.sheets.sheet import (
    CodingSheet,
    SheetRow,
    group_words,
    read_coding_sheet,
    split_facet,
    split_values,
    value_comments,
)
from vmatrix.textnorm import fold_code

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass
class Finding:
    file: str
    row: int | None  # spreadsheet row (1 is the header); None for the whole file
    severity: str  # error | warning | info
    code: str  # stable short id, e.g. unknown-value
    message: str
    hint: str = ""


@dataclass
class AnchorRecord:
    file: str
    row: int
    document: str
    start: int
    end: int
    kind: str
    score: float


@dataclass
class SheetReport:
    name: str
    path: str
    rows: int
    codes: list[CodeRow] = field(default_factory=list)
    replaced: int = 0  # codes the same sheet had stored before


@dataclass
class Validation:
    sheets: list[SheetReport]
    findings: list[Finding]
    anchors: list[AnchorRecord]
    stored: bool = False
    forgotten: dict[str, int] = field(default_factory=dict)  # sheet -> codes removed

    @property
    def ok(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.sheets)

    def count(self, severity: str, file: str | None = None) -> int:
        return sum(1 for f in self.findings if f.severity == severity and file in (None, f.file))

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "findings": [asdict(f) for f in self.findings],
            "anchors": [asdict(a) for a in self.anchors],
        }


# -- checking one sheet ------------------------------------------------------------------


@dataclass
class Pending:
    """A document about to be stored with the codes checked against it (a project being
    imported): its text and segments as they will be stored."""

    document: Document
    text: str
    turns: list[tuple[int, int]]  # (start, end) of each segment


@dataclass
class _Context:
    corpus: Corpus
    codebook: Codebook
    documents: DocumentIndex
    finders: dict[str, Finder] = field(default_factory=dict)
    pending: dict[str, Pending] = field(default_factory=dict)

    def finder(self, doc_id: str) -> Finder:
        if doc_id not in self.finders:
            given = self.pending.get(doc_id)
            if given is not None:
                text, turns = given.text, given.turns
            else:
                text, turns = (
                    self.corpus.text(doc_id),
                    [(s.start, s.end) for s in self.corpus.segments(doc_id)],
                )
            between = tuple((a[1], b[0]) for a, b in pairwise(turns) if a[1] < b[0])
            self.finders[doc_id] = Finder(text, between_turns=between)
        return self.finders[doc_id]


class _SheetCheck:
    """The findings and codes of one sheet."""

    def __init__(self, sheet: CodingSheet, context: _Context) -> None:
        self.sheet = sheet
        self.ctx = context
        self.findings: list[Finding] = []
        self.anchors: list[AnchorRecord] = []
        self.codes: list[CodeRow] = []
        self._open_names: dict[tuple[str, str], list[int]] = {}
        self._normalised: dict[tuple[str, Code], list[int]] = {}
        self._last_document = ""  # the document cell of the last row that had one

    def add(self, row: int | None, severity: str, code: str, message: str, hint: str = "") -> None:
        self.findings.append(Finding(self.sheet.name, row, severity, code, message, hint))

    def run(self) -> None:
        if not self._columns_ok():
            return
        seen: dict[tuple[tuple[str, str], ...], int] = {}
        for row in self.sheet.rows:
            key = tuple(sorted((k, " ".join(v.split())) for k, v in row.cells.items()))
            if key in seen:
                self.add(
                    row.row,
                    WARNING,
                    "duplicate-row",
                    f"row {row.row} repeats row {seen[key]} cell for cell; it is stored once",
                    "delete one of the two rows",
                )
                continue
            seen[key] = row.row
            if row.overflow:
                self.add(
                    row.row,
                    ERROR,
                    "extra-cells",
                    f"row has {len(row.overflow)} more cell(s) than the header: "
                    + ", ".join(repr(c) for c in row.overflow),
                    "a cell holds the column separator: put that cell in quotes, or re-export the sheet",
                )
            if self._swallowed(row):
                continue
            code = self._row(row)
            if code is not None:
                self.codes.append(code)
        self._report_open_names()
        self._report_normalised()
        self._report_missing_coders()
        self._conflicts()

    def _swallowed(self, row: SheetRow) -> bool:
        """A CSV cell whose lines hold the separator: an unclosed quotation mark made the
        rows below part of it (reported, and the row is not read further)."""
        delimiter = self.sheet.delimiter
        enough = max(2, len(self.sheet.columns) - 1)  # a line that looks like a row of the sheet
        for name, cell in row.cells.items():
            if delimiter and any(line.count(delimiter) >= enough for line in cell.split("\n")[1:]):
                lines = cell.count("\n")
                self.add(
                    row.row,
                    ERROR,
                    "unclosed-quotation",
                    f"the {name} cell runs over {lines + 1} lines that hold the separator "
                    f"{delimiter!r}: the rows below were read into it",
                    'a quotation mark (") opened in this cell is not closed: close it, or double it ("") '
                    "if it is part of the text",
                )
                return True
        return False

    def _columns_ok(self) -> bool:
        columns = self.sheet.columns
        header = self.sheet.header_row
        for name in self.sheet.ignored:
            self.add(header, WARNING, "unknown-column", f"column {name!r} ignored", _COLUMNS_HINT)
        missing = [name for name in ("document", "values") if name not in columns]
        if "quote" not in columns and not {"start", "end"} <= set(columns):
            missing.append("quote")
        hint = _COLUMNS_HINT
        others = [w for w in self.sheet.worksheets if w != self.sheet.worksheet]
        if missing and others:
            hint = (
                f"sheet {self.sheet.worksheet!r} was read; this workbook also has "
                + ", ".join(repr(w) for w in others)
                + ": choose one with --sheet. "
                + _COLUMNS_HINT
            )
        for name in missing:
            self.add(header, ERROR, "missing-column", f"no {name!r} column", hint)
        if self.sheet.unread:
            self.add(
                None,
                WARNING,
                "unread-sheets",
                f"only the workbook's first sheet, {self.sheet.worksheet!r}, was read; "
                + ", ".join(repr(w) for w in self.sheet.unread)
                + " also holds coding",
                "name each sheet to read with --sheet (one per coder: --sheet "
                + " --sheet ".join(repr(w) for w in [self.sheet.worksheet, *self.sheet.unread])
                + ")",
            )
        for index, rows in self.sheet.unlabelled.items():
            self.add(
                rows[0],
                WARNING,
                "unlabelled-column",
                f"column {_column_name(index, self.sheet)} has no header: its cells are ignored "
                f"(rows {_rows(rows)})",
                "give the column a header (memo, if it holds notes)",
            )
        return not missing

    def _row(self, row: SheetRow) -> CodeRow | None:
        errors_before = self._errors()
        doc_id = self._document(row)
        values = self._values(row)
        facets = self._facets(row)
        anchor = self._anchor(row, doc_id) if doc_id else None
        if doc_id is None or anchor is None or self._errors() > errors_before:
            return None
        text = self.ctx.finder(doc_id).text
        before, after = context_of(text, anchor.start, anchor.end)
        self.anchors.append(
            AnchorRecord(
                self.sheet.name, row.row, doc_id, anchor.start, anchor.end, anchor.kind, anchor.score
            )
        )
        return CodeRow(
            sheet=self.sheet.name,
            row=row.row,
            document_id=doc_id,
            start=anchor.start,
            end=anchor.end,
            values=values,
            facets=facets,
            quote=row.get("quote"),
            anchored_text=text[anchor.start : anchor.end],
            context_before=before,
            context_after=after,
            coder=row.get("coder") or None,
            memo=" ; ".join(filter(None, [row.get("memo"), *value_comments(row.get("values"))[1]])) or None,
            anchor_kind=anchor.kind,
            anchor_score=anchor.score,
        )

    def _errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    # -- cells -----------------------------------------------------------------

    def _document(self, row: SheetRow) -> str | None:
        cell = row.get("document")
        if not cell:
            hint = _DOCUMENT_HINT
            if self._last_document:
                hint = (
                    f"the rows above give {self._last_document!r}: write it in this row too "
                    "(cells merged over several rows keep their value only in an .xlsx file, "
                    "not in a CSV export)"
                )
            self.add(row.row, ERROR, "missing-document", "no document given", hint)
            return None
        self._last_document = cell
        found = self.ctx.documents.matches(cell)
        if len(found) == 1:
            return found[0]
        if found:
            self.add(
                row.row,
                ERROR,
                "ambiguous-document",
                f"document {cell!r} may be {' or '.join(found)}",
                "give the document id (`vmatrix docs` lists them)",
            )
        else:
            closest = self.ctx.documents.closest(cell)
            self.add(
                row.row,
                ERROR,
                "unknown-document",
                f"unknown document {cell!r}",
                (f"did you mean {' or '.join(closest)}?" if closest else "")
                + " (`vmatrix docs` lists the documents)",
            )
        return None

    def _values(self, row: SheetRow) -> list[str]:
        cell = row.get("values")
        codebook = self.ctx.codebook
        if not cell:
            self.add(
                row.row,
                ERROR,
                "empty-values",
                "no value form given",
                f"give one or more of: {', '.join(codebook.value_ids)}",
            )
            return []
        values: list[str] = []
        cell, comments = value_comments(cell)
        if comments:
            self.add(
                row.row,
                WARNING,
                "value-comment",
                "comment in the values read as a memo: " + "; ".join(repr(c) for c in comments),
                "put comments in the memo column",
            )
        if not split_values(cell):
            self.add(
                row.row,
                ERROR,
                "empty-values",
                "no value form given, only a comment",
                f"give one or more of: {', '.join(codebook.value_ids)}",
            )
        for part in split_values(cell):
            for name, known in group_words(part, lambda n: codebook.resolve_value(n) is not None):
                found = codebook.resolve_value(name) if known else None
                if found is None:
                    closest = codebook.value_suggestions(name)
                    self.add(
                        row.row,
                        ERROR,
                        "unknown-value",
                        f"unknown value form {name!r}",
                        f"did you mean {' or '.join(closest)}?"
                        if closest
                        else f"value forms: {', '.join(codebook.value_ids)}",
                    )
                    continue
                if not found.exact and name not in found.code.aliases:
                    self._normalised.setdefault((name, found.code), []).append(row.row)
                if found.code.id not in values:
                    values.append(found.code.id)
        return values

    def _facets(self, row: SheetRow) -> dict[str, list[str]]:
        facets: dict[str, list[str]] = {}
        for facet_id in FACETS:
            facet = self.ctx.codebook.facets[facet_id]
            names: list[str] = []
            for name in self._facet_names(facet, row):
                code = facet.resolve(name)
                if code is not None:
                    names.append(code.id)
                    continue
                if facet.closed:
                    closest = facet.suggestions(name)
                    self.add(
                        row.row,
                        ERROR,
                        f"unknown-{facet_id}",
                        f"unknown {facet_id} {name!r}",
                        (f"did you mean {' or '.join(closest)}? " if closest else "")
                        + f"({facet_id}: {', '.join(c.id for c in facet.codes)})",
                    )
                    continue
                self._open_names.setdefault((facet_id, name), []).append(row.row)
                names.append(name)
            facets[facet_id] = list(dict.fromkeys(names))
        return facets

    def _facet_names(self, facet: Facet, row: SheetRow) -> list[str]:
        """The names in a facet cell. Names are separated by ``;``; a name the codebook does
        not know is split at its commas when that gives names it knows ("site web, réseaux
        sociaux" is two tools), with a note."""
        names: list[str] = []
        for name in split_facet(row.get(facet.id)):
            parts = [p.strip() for p in re.split(r",|/|\s\+\s", name) if p.strip()]
            if len(parts) > 1 and facet.resolve(name) is None and any(facet.resolve(p) for p in parts):
                self.add(
                    row.row,
                    INFO,
                    f"split-{facet.id}",
                    f"{facet.id} {name!r} read as {len(parts)} names: " + ", ".join(repr(p) for p in parts),
                    "separate names with ; to say so",
                )
                names += parts
            else:
                names.append(name)
        return names

    def _report_missing_coders(self) -> None:
        """A coder column with some cells left empty: say whose those rows are."""
        if "coder" not in self.sheet.columns:
            return
        named = {fold_code(c.coder): c.coder for c in self.codes if c.coder}
        empty = [c.row for c in self.codes if not c.coder]
        if not empty or not named:
            return
        whose = (
            f"`vmatrix agree` counts them as {next(iter(named.values()))}'s, the only coder named here"
            if len(named) == 1
            else f"`vmatrix agree` counts them as a coder of their own, {self.sheet.name!r}"
        )
        self.add(
            empty[0],
            WARNING,
            "missing-coder",
            f"no coder given in {len(empty)} row(s) (rows {_rows(empty)}): {whose}",
            "fill in the coder column",
        )

    def _report_normalised(self) -> None:
        """Value forms written with other case or accents: one warning per spelling."""
        for (name, code), rows in self._normalised.items():
            where = f" (rows {_rows(rows)})" if len(rows) > 1 else ""
            self.add(
                rows[0],
                WARNING,
                "value-normalised",
                f"{name!r} normalised to {code.id}{where}",
                f"write it {code.id} or {code.label}",
            )

    def _report_open_names(self) -> None:
        """Names of open facets the codebook does not know: one note per name and sheet."""
        for (facet_id, name), rows in self._open_names.items():
            closest = _close_spellings(name, self.ctx.codebook.facets[facet_id])
            where = f" (rows {_rows(rows)})" if len(rows) > 1 else ""
            self.add(
                rows[0],
                INFO,
                f"unknown-{facet_id}",
                f"{facet_id} {name!r} is not in the codebook; kept as typed{where}",
                f"did you mean {' or '.join(closest)}?"
                if closest
                else "add it to the codebook to group its spellings",
            )

    def _anchor(self, row: SheetRow, doc_id: str) -> Anchor | None:
        quote = row.get("quote")
        finder = self.ctx.finder(doc_id)
        given, offsets = self._offsets(row, len(finder.text))
        if given and offsets is None:
            return None
        if not quote:
            if offsets is None:
                self.add(row.row, ERROR, "missing-quote", "no quote and no start/end offsets", _QUOTE_HINT)
                return None
            start, end = offsets
            return Anchor(start, end, "offsets")
        if offsets is not None:
            inside = finder.anchor_within(quote, *offsets)
            if inside is not None:
                return inside
        anchor = finder.anchor(quote, near=offsets[0] if offsets else None)
        if anchor is None:
            closest = finder.closest(quote)
            elsewhere = self._elsewhere(quote, doc_id)
            if elsewhere:
                hint = f"the quote is in {' and '.join(elsewhere)}: correct the document"
            elif closest:
                hint = f"closest passage ({closest.score:.0%}): {_show(finder.span(closest))}"
            else:
                hint = "check the document and the quote"
            self.add(row.row, ERROR, "quote-not-found", f"quote not found in {doc_id}: {_show(quote)}", hint)
            return None
        if offsets is not None and offsets != (anchor.start, anchor.end):
            self.add(
                row.row,
                WARNING,
                "offsets-mismatch",
                f"the quote is not at characters {offsets[0]}-{offsets[1]} of {doc_id}; "
                f"anchored at {anchor.start}-{anchor.end}",
                "correct or delete the start and end cells",
            )
        if anchor.occurrences > 1 and offsets is None:
            self.add(
                row.row,
                WARNING,
                "quote-repeated",
                f"the quote is {anchor.occurrences} times in {doc_id}; anchored at the first "
                f"(characters {anchor.start}-{anchor.end}): {_show(_around(finder.text, anchor))}",
                "if another one is meant, quote a few more words, or give its start and end",
            )
        if anchor.kind == "fuzzy":
            self.add(
                row.row,
                WARNING,
                "quote-fuzzy",
                f"the quote starts or ends inside a word of {doc_id}; anchored to whole words"
                if anchor.score >= 1.0
                else f"quote found only approximately ({anchor.score:.0%}) in {doc_id}",
                f"found: {_show(finder.span(anchor))}; correct the quote if that is not it",
            )
        return anchor

    def _elsewhere(self, quote: str, doc_id: str) -> list[str]:
        """Other documents that hold the quote word for word (a wrong document number)."""
        return [
            other
            for other in self.ctx.documents.ids
            if other != doc_id and self.ctx.finder(other).verbatim(quote) is not None
        ]

    def _offsets(self, row: SheetRow, length: int) -> tuple[bool, tuple[int, int] | None]:
        """Whether offsets were given, and ``(start, end)`` unless they were wrong (reported)."""
        start, end = row.get("start"), row.get("end")
        if not start and not end:
            return False, None
        try:
            first, last = _offset(start), _offset(end)
        except ValueError:
            first, last = -1, -1
        if not (0 <= first < last <= length):
            self.add(
                row.row,
                ERROR,
                "bad-offsets",
                f"start {start!r} and end {end!r} are not a span of the document (0 to {length})",
                "give both as character offsets, start before end, or leave both empty",
            )
            return True, None
        return True, (first, last)

    def _conflicts(self) -> None:
        """The same passage, for the same tool, coded twice with different values by one coder."""
        by_passage: dict[tuple[Any, ...], CodeRow] = {}
        for code in self.codes:
            key = (code.document_id, *_words_span(code), code.coder, tuple(code.facets.get("tool", [])))
            first = by_passage.setdefault(key, code)
            if first is code:
                continue
            if set(first.values) != set(code.values):
                self.add(
                    code.row,
                    WARNING,
                    "conflicting-values",
                    f"same passage as row {first.row} with other values: "
                    f"{', '.join(code.values)} here, {', '.join(first.values)} there",
                    "merge the two rows, or give them different tools",
                )
            else:
                self.add(
                    code.row,
                    WARNING,
                    "repeated-passage",
                    f"same passage and values as row {first.row} (quoted differently): "
                    "`vmatrix matrix` counts it twice",
                    "delete one of the two rows",
                )


def _words_span(code: CodeRow) -> tuple[int, int]:
    """A code's span without the punctuation at its edges: « Oui. » and oui are one passage."""
    text = code.anchored_text
    start, end = code.start or 0, code.end or 0  # validated codes always have both
    lead = len(text) - len(text.lstrip(_NOT_WORDS))
    trail = len(text) - len(text.rstrip(_NOT_WORDS))
    return start + lead, end - trail


_NOT_WORDS = " \t\n\u00a0\u202f.,;:!?…«»“”\"'’()[]-—–"


def _close_spellings(name: str, facet: Facet) -> list[str]:
    """Codes of an open facet that ``name`` looks like a misspelling of.

    The codebook's did-you-mean is generous (it serves closed lists); a new tool name
    deserves a suggestion only when it is spelt almost like a known one.
    """
    from rapidfuzz import fuzz

    key = fold_code(name)
    out = []
    for code_id in facet.suggestions(name):
        code = facet.resolve(code_id)
        spellings = (code.id, code.label, *code.aliases) if code else (code_id,)
        if max(fuzz.ratio(key, fold_code(s)) for s in spellings) >= _SPELLING_SIMILARITY:
            out.append(code_id)
    return out


_SPELLING_SIMILARITY = 80
_COLUMNS_HINT = (
    "columns: document, quote, values, tool, nature, lever, initiator, beneficiary, "
    "coder, memo, start, end (French names work too)"
)
_DOCUMENT_HINT = "give the document id (entretien-01), its label (Entretien 1) or its number"
_QUOTE_HINT = "copy the verbatim into the quote column"


def _offset(cell: str) -> int:
    """A character offset, also as a spreadsheet may write it (``12.0``)."""
    number = float(cell.replace(",", "."))
    if not number.is_integer():
        raise ValueError(cell)
    return int(number)


def _column_name(index: int, sheet: CodingSheet) -> str:
    """A column as the spreadsheet names it: F in a workbook, 6 in a CSV file."""
    if sheet.delimiter is not None:
        return str(index + 1)
    name, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def _rows(rows: list[int], limit: int = 12) -> str:
    shown = ", ".join(map(str, rows[:limit]))
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def _around(text: str, anchor: Anchor, chars: int = 50) -> str:
    """The anchored passage with some words before it, to tell one occurrence from another."""
    before = text[max(0, anchor.start - chars) : anchor.start]
    before = before.split(" ", 1)[-1] if anchor.start > chars and " " in before else before
    return f"…{before}{text[anchor.start : anchor.end]}"


def _show(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"« {text} »"


# -- the entry points -------------------------------------------------------------


def validate_sheets(
    corpus: Corpus,
    paths: list[Path],
    codebook: Codebook,
    *,
    sheet: str | Sequence[str] | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    forget: Sequence[str] = (),
) -> Validation:
    """Check ``paths`` and, when none has an error and not ``dry_run``, store them all.

    All sheets are stored in one transaction, each replacing what the same sheet
    (by name) stored before; one error anywhere stores nothing. ``sheet`` names the
    worksheets to read in each workbook (default: the first). The stored sheets named in
    ``forget`` (a sheet renamed, or replaced by an edited export) are removed in the same
    transaction.
    """
    worksheets: list[str | None] = [sheet] if sheet is None or isinstance(sheet, str) else list(sheet)
    sheets = [
        read_coding_sheet(path, sheet=name, encoding=encoding)
        for path in paths
        for name in (worksheets if path.suffix.lower() in (".xlsx", ".xlsm") else [None])
    ]
    if sheet is None:
        for coding_sheet in sheets:
            coding_sheet.unread = [
                name
                for name in coding_sheet.worksheets
                if name != coding_sheet.worksheet and _is_coding_sheet(coding_sheet.path, name)
            ]
    return check_sheets(corpus, sheets, codebook, dry_run=dry_run, forget=forget)


def _is_coding_sheet(path: Path, worksheet: str) -> bool:
    """Whether a worksheet has the columns of a coding sheet (a second coder's, say)."""
    try:
        columns = set(read_coding_sheet(path, sheet=worksheet).columns)
    except VmatrixError:
        return False
    return {"document", "values"} <= columns and ("quote" in columns or {"start", "end"} <= columns)


def check_sheets(
    corpus: Corpus,
    sheets: list[CodingSheet],
    codebook: Codebook,
    *,
    dry_run: bool = False,
    forget: Sequence[str] = (),
    pending: Sequence[Pending] = (),
) -> Validation:
    """Check coding sheets already read (from files, or built from an imported project)
    and store them as :func:`validate_sheets` does.

    ``pending`` documents (about to be stored: a project being imported) are checked
    against as if they were stored, in place of any stored document of the same id; their
    caller stores them with the codes (check with ``dry_run`` first).
    """
    documents = {d.id: d for d in corpus.documents()}
    documents.update({p.document.id: p.document for p in pending})
    context = _Context(
        corpus,
        codebook,
        DocumentIndex(documents.values()),
        pending={p.document.id: p for p in pending},
    )
    reports: list[SheetReport] = []
    findings: list[Finding] = []
    stored_names = [s["name"] for s in corpus.sheets()]
    for name in forget:
        if name not in stored_names:
            findings.append(
                Finding(
                    name,
                    None,
                    ERROR,
                    "unknown-sheet",
                    f"--forget {name!r}: no such sheet is stored",
                    f"stored sheets: {', '.join(stored_names) or 'none'}",
                )
            )
    anchors: list[AnchorRecord] = []
    names: dict[str, Path] = {}
    for coding_sheet in sheets:
        if coding_sheet.name in names:
            findings.append(
                Finding(
                    coding_sheet.name,
                    None,
                    ERROR,
                    "duplicate-sheet",
                    f"{coding_sheet.path} and {names[coding_sheet.name]} have the same file name",
                    "sheets are stored by file name: rename one of them",
                )
            )
        names[coding_sheet.name] = coding_sheet.path
        check = _SheetCheck(coding_sheet, context)
        check.run()
        findings += sorted(check.findings, key=_finding_order)
        anchors += check.anchors
        reports.append(
            SheetReport(coding_sheet.name, str(coding_sheet.path), len(coding_sheet.rows), check.codes)
        )
    result = Validation(reports, findings, anchors)
    if result.ok and not dry_run:
        with corpus.transaction():
            for name in forget:
                if name not in names:  # else the sheet validated now replaces it anyway
                    result.forgotten[name] = corpus.forget_sheet(name)
            for report, coding_sheet in zip(reports, sheets, strict=True):
                report.replaced = corpus.replace_sheet(
                    report.name, str(coding_sheet.path.resolve()), coding_sheet.sha256, report.codes
                )
        result.stored = True
    return result


def check_stored(corpus: Corpus) -> Validation:
    """Findings about the codes already stored: those orphaned by a changed transcript."""
    codes = corpus.codes()
    findings = [
        Finding(
            code.sheet,
            code.row,
            ERROR,
            "orphaned-code",
            f"quote no longer found in {code.document_id} since the transcript changed: "
            f"{_show(code.quote or code.anchored_text)}",
            f"correct the quote in {code.sheet} and validate it again",
        )
        for code in codes
        if code.status == "orphaned"
    ]
    sheets: dict[str, SheetReport] = {}
    for code in codes:
        sheets.setdefault(code.sheet, SheetReport(code.sheet, code.sheet, 0)).rows += 1
    return Validation(list(sheets.values()), findings, [])


def _finding_order(finding: Finding) -> tuple[int, int]:
    return (finding.row or 0, SEVERITIES.index(finding.severity))
