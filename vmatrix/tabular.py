"""Read the spreadsheets researchers keep: CSV in any delimiter and encoding, or XLSX.

Used for interview metadata and coding sheets. Rows keep their spreadsheet row
number (the header is row 1), so every message can say where to look.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vmatrix.errors import InputFileError
from vmatrix.files import decode, file_digest, open_zip, read_bytes, read_member
from vmatrix.textnorm import fold

_DELIMITERS = ",;\t|"
# Exports neutralise formula-like cells with a leading apostrophe (see render.py);
# reading them back removes it, so a sheet round-trips unchanged.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass
class Sheet:
    path: Path
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)
    encoding: str | None = None
    delimiter: str | None = None
    worksheet: str | None = None  # XLSX: the sheet read
    worksheets: list[str] = field(default_factory=list)  # XLSX: every sheet of the workbook
    header_row: int = 1  # the row the headers were read from
    sha256: str = ""  # of the file's bytes

    def from_row(self, number: int) -> Sheet:
        """The same sheet with its headers read from row ``number`` (rows above it dropped)."""
        if number == self.header_row:
            return self
        headers = [c.strip() for c in dict(self.rows)[number]]
        rows = [(n, cells) for n, cells in self.rows if n > number]
        return Sheet(
            self.path,
            headers,
            rows,
            self.encoding,
            self.delimiter,
            self.worksheet,
            self.worksheets,
            number,
            self.sha256,
        )

    def records(self, columns: dict[str, int]) -> list[tuple[int, dict[str, str]]]:
        """Rows as ``{field: cell}`` for the fields in ``columns`` (field → column index)."""
        out = []
        for number, cells in self.rows:
            out.append((number, {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}))
        return out


def header_key(header: str) -> str:
    """Headers compare case-, accent-, space- and punctuation-insensitively."""
    return re.sub(r"[^a-z0-9]", "", fold(header))


def match_headers(
    headers: list[str], aliases: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], list[str]]:
    """Map field names to column indexes; returns ``(columns, unmatched headers)``."""
    lookup = {header_key(alias): name for name, names in aliases.items() for alias in names}
    columns: dict[str, int] = {}
    unmatched: list[str] = []
    for i, header in enumerate(headers):
        name = lookup.get(header_key(header))
        if name and name not in columns:
            columns[name] = i
        elif header.strip():
            unmatched.append(header)
    return columns, unmatched


def read_sheet(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Sheet:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".xls", ".ods", ".numbers"):
        raise InputFileError(f"{path}: {suffix} files are not read; save the sheet as .xlsx or .csv")
    data = read_bytes(path)
    if not data.strip():
        raise InputFileError(f"{path}: is empty")
    text, used = decode(data, where=str(path), encoding=encoding)
    text = text.lstrip("\ufeff")
    delimiter = _sniff(text)
    rows: list[tuple[int, list[str]]] = []
    try:
        all_rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputFileError(f"{path}: is not a readable CSV file ({exc})") from exc
    if not all_rows:
        raise InputFileError(f"{path}: is empty")
    headers = [h.strip() for h in all_rows[0]]
    for number, cells in enumerate(all_rows[1:], start=2):
        if any(c.strip() for c in cells):
            rows.append((number, [_restore(c) for c in cells]))
    return Sheet(path, headers, rows, used, delimiter, sha256=file_digest(data))


def _restore(cell: str) -> str:
    return _NEUTRALISED.sub("", cell)


def _sniff(text: str) -> str:
    """The delimiter: the one the header line uses most (headers rarely hold commas)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    try:
        return csv.Sniffer().sniff("\n".join(text.splitlines()[:20]), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","


# What one worksheet may make vmatrix build: cells holding something, and cells looked at
# (the empty ones included), so a far-away cell (XFD1048576) or a merged range over the
# whole sheet costs nothing.
XLSX_MAX_CELLS = 1_000_000
XLSX_MAX_SCANNED = 20_000_000
XLSX_MAX_MERGED = 100_000


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    data = read_bytes(path)
    where = str(path)
    archive = open_zip(data, where, ".xlsx")
    try:
        import openpyxl

        # Read-only: rows are streamed from the file, never the sheet's declared dimensions.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors on damaged files
        raise InputFileError(f"{path}: cannot be read as an Excel workbook ({exc})") from exc
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise InputFileError(
                f"{path}: has no sheet {sheet!r}; its sheets are {', '.join(book.sheetnames)}"
            )
        title, names = ws.title, list(book.sheetnames)
        try:
            values = _xlsx_values(ws, where)
        except InputFileError:
            raise
        except Exception as exc:
            raise InputFileError(f"{path}: the sheet {title!r} cannot be read ({exc})") from exc
        member = getattr(ws, "_worksheet_path", None)
        if member:
            _fill_merged(values, _merged_ranges(archive, member.lstrip("/"), where))
    finally:
        book.close()
    if not values:
        raise InputFileError(f"{path}: the sheet {title!r} is empty")
    first = min(values)
    headers = [h.strip() for h in values[first]]
    rows = [
        (number, [_restore(c) for c in cells])
        for number, cells in sorted(values.items())
        if number > first and any(c.strip() for c in cells)
    ]
    return Sheet(path, headers, rows, None, None, title, names, sha256=file_digest(data), header_row=1)


def _xlsx_values(ws: Any, where: str) -> dict[int, list[str]]:
    """The rows holding something, by row number, each cut after its last filled cell."""
    ws.reset_dimensions()  # never trust the <dimension> a file declares
    values: dict[int, list[str]] = {}
    cells = scanned = 0
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        scanned += len(row) + 1
        if scanned > XLSX_MAX_SCANNED:
            raise InputFileError(f"{where}: its sheet {ws.title!r} spreads over too many cells ({_beyond})")
        last = len(row)
        while last and row[last - 1] is None:
            last -= 1
        if not last:
            continue
        cells += last
        if cells > XLSX_MAX_CELLS:
            raise InputFileError(
                f"{where}: its sheet {ws.title!r} holds more than {XLSX_MAX_CELLS:,} cells ({_beyond})"
            )
        values[number] = [_cell(v) for v in row[:last]]
    # Every row as wide as the widest, as the spreadsheet shows them.
    width = max((len(cells) for cells in values.values()), default=0)
    if width * len(values) > XLSX_MAX_CELLS * 4:
        raise InputFileError(
            f"{where}: its sheet {ws.title!r} spreads {len(values):,} rows over {width:,} columns ({_beyond})"
        )
    for cells in values.values():
        cells.extend([""] * (width - len(cells)))
    return values


_beyond = "beyond what a coding sheet holds; copy the rows you need into a new sheet"


def _merged_ranges(archive: Any, member: str, where: str) -> list[tuple[int, int, int]]:
    """``(first row, last row, column)`` of each merged block of a worksheet (read-only
    workbooks do not know them), read from its XML without building it."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    if member not in archive.namelist():
        return []
    found: list[tuple[int, int, int]] = []
    tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"
    stream = io.BytesIO(read_member(archive, member, where))
    try:
        for _event, element in etree.iterparse(
            stream, events=("end",), tag=tag, resolve_entities=False, no_network=True, load_dtd=False
        ):
            ref = element.get("ref") or ""
            element.clear()
            try:
                min_col, min_row, _max_col, max_row = range_boundaries(ref)
            except (ValueError, TypeError):
                continue
            found.append((min_row, max_row, min_col))
            if len(found) > XLSX_MAX_MERGED:
                raise InputFileError(
                    f"{where}: holds more than {XLSX_MAX_MERGED:,} merged blocks ({_beyond})"
                )
    except etree.XMLSyntaxError as exc:
        raise InputFileError(f"{where}: its sheet XML is damaged ({exc}); open and save it again") from exc
    return found


def _fill_merged(values: dict[int, list[str]], ranges: list[tuple[int, int, int]]) -> None:
    """Give every row of a merged block the value of its first cell.

    Researchers merge a column's cells over the rows of one interview ("Entretien 10"
    once for eight verbatims); a spreadsheet stores the value in the first cell only.
    The value is copied down the block's first column, not across: a title merged over
    the columns stays one cell. Only rows holding something are filled, so a block
    reaching row 1,048,576 costs no more than the rows it covers.
    """
    if not ranges:
        return
    import bisect

    numbers = sorted(values)
    for top, bottom, column in ranges:
        first = values.get(top)
        if first is None or column - 1 >= len(first):
            continue
        value = first[column - 1]
        for number in numbers[bisect.bisect_right(numbers, top) : bisect.bisect_right(numbers, bottom)]:
            cells = values[number]
            if column - 1 >= len(cells):
                cells.extend([""] * (column - len(cells)))
            cells[column - 1] = value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)
