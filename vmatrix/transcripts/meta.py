"""Interview metadata: a CSV (or XLSX) mapping transcript files to ids and attributes.

Headers may be French or English, in any case, with or without accents::

    fichier;numéro;rôle;type d'organisation;secteur;département;date;durée (min)

Each document gets a citation label, ``Entretien <number>`` unless the sheet gives
one, which ``vmatrix quote`` prints after each verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vmatrix.errors import InputFileError
from vmatrix.tabular import header_key, match_headers, read_sheet
from vmatrix.textnorm import fold

FIELDS: dict[str, tuple[str, ...]] = {
    "file": (
        "file",
        "fichier",
        "filename",
        "nom du fichier",
        "nom de fichier",
        "transcription",
        "transcript",
        "source",
        "path",
        "chemin",
    ),
    "id": ("id", "identifiant", "document", "doc", "document id", "code"),
    "number": (
        "number",
        "numéro",
        "numero",
        "num",
        "no",
        "n°",
        "nº",
        "entretien",
        "interview",
        "numéro d'entretien",
        "interview number",
    ),
    "label": ("label", "libellé", "libelle", "citation", "référence", "reference", "étiquette"),
    "role": (
        "role",
        "rôle",
        "statut",
        "profil",
        "fonction",
        "type d'interviewé",
        "type de répondant",
        "kind",
    ),
    "organisation": (
        "organisation",
        "organization",
        "type d'organisation",
        "type organisation",
        "organisation type",
        "organization type",
        "type de structure",
        "structure",
        "org",
    ),
    "sector": ("sector", "secteur", "secteur d'activité", "activité", "activity", "industry"),
    "department": ("department", "département", "departement", "dept", "dép", "dep"),
    "date": ("date", "date de l'entretien", "date entretien", "interview date"),
    "duration": (
        "duration",
        "durée",
        "duree",
        "durée (min)",
        "durée min",
        "durée en minutes",
        "duration (min)",
        "duration min",
        "minutes",
        "length",
    ),
}
ATTRIBUTES = ("role", "organisation", "sector", "department", "date", "duration")


@dataclass
class MetaRow:
    row: int
    file: str | None
    id: str | None
    number: str | None
    label: str | None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Metadata:
    path: Path
    rows: list[MetaRow]

    def find(self, path: Path) -> MetaRow | None:
        """The row for a transcript file: by file name, with or without extension, or by id.

        A file given with its folder (``dossier A/entretien 1.txt``) matches only there,
        and before a bare file name: two transcripts of one name in two folders can
        each have their row.
        """
        name, stem = _name_key(path.name), _name_key(path.stem)
        folders = [_name_key(part) for part in path.resolve().parts[:-1]]
        by_name = []
        for row in self.rows:
            if row.file is not None:
                given = Path(row.file.replace("\\", "/"))
                if _name_key(given.name) not in (name, stem):
                    continue
                within = [_name_key(part) for part in given.parts[:-1] if part not in (".", "")]
                if within and folders[len(folders) - len(within) :] == within:
                    return row
                by_name.append(row)
        if by_name:
            return by_name[0]
        for row in self.rows:
            if row.file is None and row.id is not None and _name_key(row.id) == stem:
                return row
        return None


def _name_key(name: str) -> str:
    """File names compared as typed: macOS spells "é" in two characters, a sheet in one."""
    return unicodedata.normalize("NFC", name).casefold()


def read_metadata(path: Path, *, encoding: str | None = None) -> Metadata:
    sheet = read_sheet(path, encoding=encoding)
    columns, unmatched = match_headers(sheet.headers, FIELDS)
    if "file" not in columns and "id" not in columns:
        raise InputFileError(
            f"{path}: no column names the transcript files; add a 'fichier' (or 'file') column "
            f"with file names, or an 'id' column with the file names without extension "
            f"(headers found: {', '.join(sheet.headers)})"
        )
    extra = {i: _slug(h) for i, h in enumerate(sheet.headers) if h in unmatched and _slug(h)}
    _refuse_repeated_columns(path, sheet.headers, extra)
    rows: list[MetaRow] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:

        def cell(name: str, cells: list[str] = cells) -> str | None:
            i = columns.get(name)
            value = cells[i].strip() if i is not None and i < len(cells) else ""
            return value or None

        file, doc_id = cell("file"), cell("id")
        key = (file or doc_id or "").casefold()
        if not key:
            raise InputFileError(f"{path}, row {number}: no file name or id; fill it or delete the row")
        if key in seen:
            raise InputFileError(
                f"{path}, row {number}: {file or doc_id!r} is already described in row {seen[key]}; "
                "keep one row per transcript"
            )
        seen[key] = number
        attributes: dict[str, str] = {}
        for name in ATTRIBUTES:
            value = cell(name)
            if value is not None:
                attributes[name] = value
        if "duration" in attributes:
            attributes["duration"] = str(_minutes(attributes["duration"], f"{path}, row {number}"))
        if "date" in attributes:
            attributes["date"] = _iso_date(attributes["date"])
        for i, key_name in extra.items():
            if i < len(cells) and cells[i].strip():
                attributes[key_name] = cells[i].strip()
        doc_number = cell("number")
        if doc_id is not None and not re.fullmatch(r"[\w.\-]+", doc_id):
            raise InputFileError(
                f"{path}, row {number}: id {doc_id!r} may hold only letters, digits, '.', '-' and '_'"
            )
        rows.append(MetaRow(number, file, doc_id, doc_number, cell("label"), attributes))
    return Metadata(path, rows)


def _refuse_repeated_columns(path: Path, headers: list[str], extra: dict[int, str]) -> None:
    """Two columns for one attribute: which one holds the truth is not ours to guess."""
    lookup = {header_key(alias): name for name, names in FIELDS.items() for alias in names}
    first: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = lookup.get(header_key(header)) or extra.get(i)
        if not key:
            continue
        if key in first:
            raise InputFileError(
                f"{path}: columns {first[key] + 1} ({headers[first[key]]!r}) and {i + 1} "
                f"({header!r}) both give the {key!r} of each interview; keep one of them"
            )
        first[key] = i


def _slug(header: str) -> str:
    from vmatrix.textnorm import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(header)).strip("-")


_MONTHS = {
    fold(name): number
    for number, names in enumerate(
        (
            "janvier janv",
            "février fevr févr fev",
            "mars",
            "avril avr",
            "mai",
            "juin",
            "juillet juil",
            "août aout",
            "septembre sept",
            "octobre oct",
            "novembre nov",
            "décembre dec déc",
        ),
        start=1,
    )
    for name in names.split()
}


def _iso_date(value: str) -> str:
    """A date as French sheets type it — ``05/04/2024``, ``5.4.2024``, ``12 mars 2024``,
    ``1er avril 2024`` — as ``2024-04-05``, the form a spreadsheet's own dates take, so
    one column sorts and filters alike; anything else is kept as typed."""
    text = value.strip()
    day = month = year = None
    if found := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text):
        day, month, year = int(found[1]), int(found[2]), int(found[3])
    elif found := re.fullmatch(r"(\d{1,2})(?:er)?\s+([^\W\d_]+)\.?\s+(\d{4})", text):
        day, month, year = int(found[1]), _MONTHS.get(fold(found[2])), int(found[3])
    if day is None or month is None or year is None:
        return value
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return value  # 31/02/2024 is a typo the researcher must see as typed


def _minutes(value: str, where: str) -> int:
    """Durations as people type them: ``45``, ``45 min``, ``1h30``, ``1:30``, ``90'``."""
    text = value.strip().lower().replace(",", ".").rstrip(".")
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:min|mn|minutes?|')?", text):
        return round(float(match[1]))
    if match := re.fullmatch(r"(\d+):(\d{2}):(\d{2})", text):  # a spreadsheet's time: 01:05:00
        return int(match[1]) * 60 + int(match[2]) + round(int(match[3]) / 60)
    if match := re.fullmatch(r"(\d+)\s*(?:h|:)\s*(\d{1,2})?\s*(?:min|mn)?", text):
        return int(match[1]) * 60 + int(match[2] or 0)
    raise InputFileError(f"{where}: duration {value!r} is not a number of minutes (write 45, 45 min or 1h30)")


def default_label(doc_id: str, number: str | None) -> str:
    """``Entretien 10`` from the number, or from the digits ending the id, or from the
    one number in it (``E03_transcription``, ``Entretien-3-Dupont``: the name of the
    person would otherwise land in the paper's citations)."""
    if number:
        return f"Entretien {number}"
    if match := re.search(r"(\d+)$", doc_id):
        return f"Entretien {int(match[1])}"
    numbers = re.findall(r"\d+", doc_id)
    if len(numbers) == 1 and len(numbers[0]) <= 3:
        return f"Entretien {int(numbers[0])}"
    return doc_id


__all__ = ["MetaRow", "Metadata", "default_label", "header_key", "read_metadata"]
