"""Read a coding sheet: one row per coded verbatim, as researchers keep them in a spreadsheet.

Headers are matched case-, accent- and space-insensitively, in French or English.
This module only reads and splits cells; what the cells mean is checked by
:mod:`vmatrix.sheets.validate`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vmatrix.coding.codebook import FACET_COLUMNS
from vmatrix.tabular import Sheet, header_key, match_headers, read_sheet

FIELDS: dict[str, tuple[str, ...]] = {
    "document": (
        "document",
        "doc",
        "entretien",
        "entretiens",
        "interview",
        "document id",
        "n° entretien",
        "n° d'entretien",
        "numéro d'entretien",
        "entretien n°",
    ),
    "quote": ("quote", "verbatim", "verbatims", "citation", "citations", "extrait", "extraits"),
    "values": (
        "values",
        "value",
        "valeurs",
        "valeur",
        "codes",
        "code",
        "forme de valeur",
        "formes de valeur",
        "formes de valeurs",
        "value forms",
    ),
    "nature": ("nature", "nature de l'outil", "type d'outil"),
    "tool": ("tool", "tools", "outil", "outils", "outil numérique", "outils numériques", "dispositif"),
    "lever": ("lever", "levers", "levier", "leviers"),
    "initiator": ("initiator", "initiateur", "initiateurs", "initiators"),
    "beneficiary": ("beneficiary", "beneficiaries", "beneficiaire", "beneficiaires"),
    "coder": ("coder", "codeur", "codeuse", "codé par", "coded by"),
    "memo": ("memo", "note", "notes", "commentaire", "commentaires"),
    "start": ("start", "debut"),
    "end": ("end", "fin"),
}
# The columns vmatrix writes when it writes a coding sheet (`codes --format csv`), in this
# order; `suggest --format csv` adds the segment and its speaker after the document.
COLUMNS = ["document", "start", "end", "quote", "values", *FACET_COLUMNS, "coder", "memo"]
DRAFT_COLUMNS = [COLUMNS[0], "segment", "speaker", *COLUMNS[1:]]
# Columns that drafts (`vmatrix suggest --format csv`) and exports (`vmatrix codes`)
# carry for the reader's benefit; they are accepted without a word.
INFORMATIVE = ("segment", "speaker", "score", "evidence", "label", "sheet", "row", "anchor", "status")

_VALUE_SEPARATORS = re.compile(r"[;,/|\n+&]+")
_AND = ("et", "and")  # "Sécurité et Bénévolence": a word between two names
_COMMENTS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_FACET_SEPARATORS = re.compile(r"[;|\n]+")


@dataclass
class SheetRow:
    row: int  # row number in the spreadsheet (the header is row 1)
    cells: dict[str, str]  # field -> cell text, stripped
    overflow: list[str] = field(default_factory=list)  # non-empty cells beyond the last header

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass
class CodingSheet:
    path: Path
    rows: list[SheetRow]
    columns: list[str]  # the fields found
    ignored: list[str] = field(default_factory=list)  # headers that are not fields
    sha256: str = ""
    header_row: int = 1  # the spreadsheet row holding the headers
    worksheet: str | None = None  # XLSX: the sheet read
    worksheets: list[str] = field(default_factory=list)  # XLSX: every sheet of the workbook
    unlabelled: dict[int, list[int]] = field(default_factory=dict)  # column index -> rows with a cell
    delimiter: str | None = None  # CSV
    # XLSX read by default (its first sheet): the other sheets that are coding sheets too
    # (one per coder), which only --sheet reads.
    unread: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name codes are stored under: the file name, and the sheet's name when the
        workbook has several (one coder per sheet must not replace the other)."""
        if self.worksheet is not None and len(self.worksheets) > 1:
            return f"{self.path.name}:{self.worksheet}"
        return self.path.name


def read_coding_sheet(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> CodingSheet:
    """Read a CSV or XLSX coding sheet (``sheet``: the XLSX sheet to read, else the first)."""
    table = _from_header(read_sheet(path, sheet=sheet, encoding=encoding))
    headers = [_matchable(h) for h in table.headers]
    columns, _ = match_headers(headers, FIELDS)
    informative = {header_key(name) for name in INFORMATIVE}
    more = _more_columns(headers, columns)
    used = {*columns.values(), *(i for indexes in more.values() for i in indexes)}
    ignored = [
        h for i, h in enumerate(table.headers) if h and i not in used and header_key(h) not in informative
    ]
    width = len(table.headers)
    raw = dict(table.rows)
    rows = []
    unlabelled: dict[int, list[int]] = {}
    for number, cells in table.records(columns):
        line = raw[number]
        for name, indexes in more.items():
            parts = [cells.get(name, ""), *(line[i] if i < len(line) else "" for i in indexes)]
            cells[name] = (" ; " if name == "memo" else "; ").join(p.strip() for p in parts if p.strip())
        for i, cell in enumerate(line[:width]):
            if cell.strip() and not table.headers[i]:
                unlabelled.setdefault(i, []).append(number)
        rows.append(
            SheetRow(
                number,
                {name: cell.strip() for name, cell in cells.items()},
                [c.strip() for c in line[width:] if c.strip()],
            )
        )
    return CodingSheet(
        path,
        rows,
        list(columns),
        ignored,
        table.sha256,
        header_row=table.header_row,
        worksheet=table.worksheet,
        worksheets=table.worksheets,
        unlabelled=unlabelled,
        delimiter=table.delimiter,
    )


def _matchable(header: str) -> str:
    """A header without what it says in parentheses: "Valeurs (Ervasti)", "Forme(s) de valeur";
    one that gives two names of one column ("Extrait / verbatim", "Outil ou dispositif")
    is read as the first name the column has."""
    bare = re.sub(r"\([^()]*\)", "", header).strip() or header.strip()
    parts = [p for p in _HEADER_ALTERNATIVES.split(bare) if p.strip()]
    if len(parts) > 1:
        known = [p for p in parts if header_key(p) in _FIELD_OF]
        if known and len({_FIELD_OF[header_key(p)] for p in known}) == 1:
            return known[0]
    return bare


_FIELD_OF = {header_key(alias): name for name, names in FIELDS.items() for alias in names}
# Between two names of one column: "Extrait / verbatim", "Verbatim - citation", "Outil ou dispositif".
_HEADER_ALTERNATIVES = re.compile(r"\s*[/|]\s*|\s+[-–—]\s+|\s+ou\s+", re.IGNORECASE)


# Fields a sheet may spread over several columns ("Valeur 1", "Valeur 2"; "Outils" twice):
# their cells are read as one list.
MULTI = ("values", *FACET_COLUMNS, "memo")


def _more_columns(headers: list[str], columns: dict[str, int]) -> dict[str, list[int]]:
    """Further columns of the fields in :data:`MULTI`: a header repeated, or numbered."""
    lookup = {header_key(alias): name for name, names in FIELDS.items() for alias in names}
    more: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        key = header_key(header)
        name = lookup.get(key) or lookup.get(re.sub(r"\d+$", "", key))
        if name not in MULTI or columns.get(name) == i:
            continue
        if name not in columns:
            columns[name] = i  # "Valeur 1" with no plain "Valeurs" column
        else:
            more.setdefault(name, []).append(i)
    return more


# Rows above the header that a sheet may hold: a title, a date, a legend, group headings.
HEADER_SEARCH = 15


def _from_header(table: Sheet) -> Sheet:
    """The sheet read from its header row: row 1, unless a row further down (among the
    first :data:`HEADER_SEARCH`) names more of the coding sheet's columns."""

    def score(cells: list[str]) -> int:
        return len(match_headers([_matchable(c) for c in cells], FIELDS)[0])

    best, best_score = 1, score(table.headers)
    if best_score >= 2:
        return table
    for number, cells in table.rows:
        if number > HEADER_SEARCH:
            break
        found = score(cells)
        if found > best_score:
            best, best_score = number, found
    return table.from_row(best) if best_score >= 2 else table


def value_comments(cell: str) -> tuple[str, list[str]]:
    """A value cell without the comments written in it: ``Socialisation (partage)`` gives
    ``Socialisation`` and ``["partage"]``."""
    comments = [(m[1] if m[1] is not None else m[2]).strip() for m in _COMMENTS.finditer(cell)]
    return _COMMENTS.sub(" ", cell), [c for c in comments if c]


def split_values(cell: str) -> list[str]:
    """Value-form names in a cell: separated by ``; , / | + &``, new lines or spaces.

    Spaces separate only where they must: ``Fonctionnelle Localisation`` is two names,
    but a name of several words (an alias such as ``bien être``) is kept whole when
    the codebook knows it; :func:`group_words` does that with the codebook at hand.
    """
    return [part.strip() for part in _VALUE_SEPARATORS.split(cell) if part.strip()]


def group_words(part: str, known: Callable[[str], bool]) -> list[tuple[str, bool]]:
    """Split ``part`` on spaces into names, longest known names first.

    Returns ``(name, known)`` pairs; consecutive unknown words stay together as one
    name, so ``valeur d'usage`` is reported as one unknown name, not two.
    """
    if known(part):
        return [(part, True)]
    words = part.split()
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            name = " ".join(words[i:j])
            if known(name):
                out.append((name, True))
                i = j
                break
        else:
            if out and not out[-1][1]:
                out[-1] = (f"{out[-1][0]} {words[i]}", False)
            elif not (out and words[i].lower() in _AND):  # "et" after a known name joins two
                out.append((words[i], False))
            i += 1
    return out


def split_facet(cell: str) -> list[str]:
    """Names in a facet cell: separated by ``;``, ``|`` or new lines (commas may be part of a name)."""
    names: list[str] = []
    for part in _FACET_SEPARATORS.split(cell):
        name = " ".join(part.split())
        if name and name not in names:
            names.append(name)
    return names
