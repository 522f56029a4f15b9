"""One way out for every command: a :class:`Table` rendered as table, csv, json, markdown
or latex, to stdout or atomically to ``--output``.

Formats are defined here once, so every command offers the same flags and behaves
the same way. CSV is meant for spreadsheets: a cell that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a
leading apostrophe; vmatrix strips it again when it reads a sheet back. Markdown and
LaTeX keep the text verbatim (French dialogue lines often start with ``- ``).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from vmatrix.errors import UsageError, VmatrixError
from vmatrix.table import Table, latex_escape
from vmatrix.textnorm import visible_controls


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    latex = "latex"
    xlsx = "xlsx"


# Formats meant for a spreadsheet: ids rather than labels, one value per cell.
SPREADSHEETS = (Format.csv, Format.xlsx)


SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make a cell safe to open in a spreadsheet (strings only)."""
    if isinstance(value, str) and value.startswith(SPREADSHEET_TRIGGERS):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    """A number stays a number (a kappa of -0.1 is no formula); text is neutralised."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return cell_text(value)
    return neutralise(cell_text(value))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell_text(v) for v in value)
    return visible_controls(str(value))


def to_csv(table: Table) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def to_json(table: Table) -> str:
    return dumps_json(table.json if table.json is not None else table.records())


def dumps_json(data: Any) -> str:
    """``data`` as indented JSON text, written by orjson (the standard library's indented
    encoder, in Python, took a second for the suggestions of 250,000 words)."""
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"
    except TypeError:  # what orjson does not take (integers beyond 64 bits...)
        import json

        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_markdown(table: Table) -> str:
    """A pipe table (written here: importing tabulate costs 20-30 ms of start-up)."""

    def md(value: Any) -> str:
        return cell_text(value).replace("|", "\\|").replace("\n", "<br>")

    header = [md(c) for c in table.columns]
    body = [[md(v) for v in row] + [""] * (len(header) - len(row)) for row in table.rows]
    widths = [max([3, len(header[i]), *(len(row[i]) for row in body)]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in table.numeric else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if i in table.numeric else (":" + "-" * (w + 1))
            for i, w in enumerate(widths)
        )
        + "|"
    )
    title = f"**{table.title}**\n\n" if table.title else ""
    return title + "\n".join([line(header), rule, *(line(row) for row in body)]) + "\n"


# A text column with cells longer than this is set as a paragraph column (it wraps).
LATEX_WRAP = 60


def to_latex(table: Table) -> str:
    texts = [[cell_text(v) for v in row] for row in table.rows]

    def spec(i: int) -> str:
        if i in table.numeric:
            return "r"
        longest = max((len(line) for row in texts if i < len(row) for line in row[i].split("\n")), default=0)
        return r"p{0.3\linewidth}" if longest > LATEX_WRAP else "l"

    def cell(text: str) -> str:
        # Several lines in a cell (the quotes of a tool) stay several lines.
        return r" \newline ".join(latex_escape(line) for line in text.split("\n"))

    lines = [f"\\begin{{tabular}}{{{''.join(spec(i) for i in range(len(table.columns)))}}}", "\\toprule"]
    lines.append(" & ".join(latex_escape(c) for c in table.columns) + r" \\")
    lines.append("\\midrule")
    for row in texts:
        lines.append(" & ".join(cell(v) for v in row) + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if table.title:
        lines.insert(0, f"% {latex_escape(table.title)}")
    return "\n".join(lines) + "\n"


def _import_rich() -> Any:
    """rich's console and table, imported with the garbage collector paused: what an import
    makes lives as long as the process. In a process whose start-up was frozen out of the
    collector's sight (the command line, see vmatrix.__main__), rich's modules are too."""
    import gc

    running = gc.isenabled()
    gc.disable()
    try:
        from rich.console import Console
        from rich.table import Table as RichTable  # noqa: F401  (to_rich's)
    finally:
        if running:
            if gc.get_freeze_count():
                gc.freeze()
            gc.enable()
    return Console


def to_rich(table: Table) -> Any:
    """The table for rich. Cells are given as rich Text, not as markup strings: rich
    would parse each string for markup and emoji codes (most of the time a small table
    takes to print, and a cell's ``:fire:`` would become an emoji)."""
    from rich.table import Table as RichTable
    from rich.text import Text

    title = Text(table.title, style="table.title") if table.title else None
    caption = Text(table.caption, style="table.caption") if table.caption else None
    rich_table = RichTable(title=title, caption=caption, show_lines=False)
    for i, column in enumerate(table.columns):
        rich_table.add_column(
            Text(column), justify="right" if i in table.numeric else "left", min_width=min(len(column), 12)
        )
    for r, row in enumerate(table.rows):
        cells = []
        for c, value in enumerate(row):
            marked = table.markup(r, c, value) if table.markup else None
            if marked is not None:
                cells.append(Text.from_markup(marked, emoji=False))
                continue
            style = table.style(r, c, value) if table.style else None
            text = Text(cell_text(value))
            if style:
                text.stylize(style)  # the words, not the cell's padding (as markup styles them)
            cells.append(text)
        rich_table.add_row(*cells)
    return rich_table


RENDERERS: dict[Format, Callable[[Table], str]] = {
    Format.csv: to_csv,
    Format.json: to_json,
    Format.markdown: to_markdown,
    Format.latex: to_latex,
}


def check_destination(fmt: Format, output: Path | None) -> None:
    """Refuse a format that cannot go where it is asked to, or an output file that cannot
    be written: commands that write to the corpus call this first, so that the refusal
    leaves the corpus as it was."""
    if fmt is Format.xlsx and output is None:
        raise UsageError("--format xlsx writes a workbook: give it a file with --output FILE.xlsx")
    if output is not None:
        check_output(output)


# The files SQLite keeps next to a database while it is open or being written.
SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_output(output: Path, *, protect: Sequence[Path] = ()) -> None:
    """Refuse, before any work, an ``--output`` that would destroy data or cannot be
    written: one that is (or links to) a corpus in ``protect`` or one of its SQLite
    files, or any SQLite database; one in a folder that does not exist or may not be
    written (a file is created there and removed to find out)."""
    target = Path(os.path.realpath(output))
    for corpus in protect:
        real = os.path.realpath(corpus)
        for suffix in SQLITE_SIDECARS:
            if str(target) == real + suffix or _same_file(target, Path(real + suffix)):
                raise UsageError(
                    f"--output {output} is the corpus {corpus}"
                    f"{f' (its {suffix[1:]} file)' if suffix else ''}: writing there would destroy "
                    "it; choose another file"
                )
    if target.is_dir():
        raise UsageError(f"--output {output} is a folder; give a file name")
    if target.exists():
        if not target.is_file():  # a terminal, /dev/null, a named pipe: written in place
            if not os.access(target, os.W_OK):
                raise VmatrixError(f"cannot write {output}: permission denied")
            return
        if _is_sqlite(target):
            raise UsageError(
                f"--output {output} is an SQLite database (a vmatrix corpus?): writing there would "
                "destroy it; choose another file"
            )
    folder = _folder_of(output if not target.parent.is_dir() else target)
    import tempfile

    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise VmatrixError(
            f"cannot write {output}: folder {folder} is not writable ({exc.strerror or exc}); "
            "choose another --output"
        ) from exc


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def render(tables: Table | Sequence[Table], fmt: Format, output: Path | None = None) -> None:
    """Print ``tables`` in ``fmt`` on stdout, or write them to ``output`` atomically."""
    check_destination(fmt, output)
    many = [tables] if isinstance(tables, Table) else list(tables)
    if fmt is Format.xlsx:
        assert output is not None
        write_atomic(output, to_xlsx(many))
        return
    if fmt is Format.table:
        if output is None:
            import sys

            Console = _import_rich()
            # Piped into a file or another program: do not squeeze to 80 columns.
            console = Console() if sys.stdout.isatty() else Console(width=200)
            for table in many:
                console.print(to_rich(table))
            return
        text = "\n".join(_plain_table(t) for t in many)
    elif fmt is Format.json and len(many) > 1:
        text = dumps_json(
            [{"title": t.title, "data": t.json if t.json is not None else t.records()} for t in many]
        )
    else:
        parts = []
        for table in many:
            body = RENDERERS[fmt](table)
            if len(many) > 1 and fmt is Format.csv and table.title:
                body = to_csv(Table([table.title], [])) + body
            parts.append(body)
        text = "\n".join(parts)
    emit(text, output)


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """An Excel workbook, one sheet per table. Text cells are stored as text, never as
    formulas, so a quote starting with = or - is shown as written and runs nothing."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    used: set[str] = set()
    for n, table in enumerate(tables):
        sheet = book.active if n == 0 else book.create_sheet()
        sheet.title = _sheet_title(table.title or "vmatrix", used)
        sheet.append([_xlsx_cell(c) for c in table.columns])
        for row in table.rows:
            sheet.append([_xlsx_cell(v) for v in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for i, column in enumerate(table.columns, start=1):
            cells = [column, *(r[i - 1] for r in table.rows if i <= len(r))]
            longest = max(len(cell_text(c)) for c in cells)
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(max(8, longest + 2), 80)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return cell_text(value)


def _sheet_title(title: str, used: set[str]) -> str:
    """A worksheet name Excel accepts: 31 characters at most, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "vmatrix"
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]} {n}"
    used.add(name.casefold())
    return name


def _plain_table(table: Table) -> str:
    """A table written to a file: plain text, aligned, no colours or box-drawing."""
    from tabulate import tabulate

    body = tabulate(
        [[cell_text(v) for v in row] for row in table.rows],
        headers=table.columns,
        tablefmt="simple",
        colalign=["right" if i in table.numeric else "left" for i in range(len(table.columns))],
        disable_numparse=True,
    )
    parts = [table.title, body, table.caption]
    return "\n\n".join(p for p in parts if p) + "\n"


def emit(text: str, output: Path | None) -> None:
    """Text to stdout, or to ``output`` atomically."""
    if output is None:
        import sys

        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text)


def _folder_of(path: Path) -> Path:
    """The folder ``path`` is written in, which must exist."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise VmatrixError(f"cannot write {path}: folder {folder} does not exist")
    return folder


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write through a temporary file in the target's folder, then rename over it.

    A symbolic link is followed (the file it points to is replaced, the link stays); a
    terminal, ``/dev/null`` or a named pipe is written in place, never replaced by a
    regular file; an SQLite database is never overwritten.
    """
    target = Path(os.path.realpath(path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    if target.exists() and not target.is_file() and not target.is_dir():
        with open(target, "wb") as device:
            device.write(data)
        return
    if target.is_file() and _is_sqlite(target):
        raise UsageError(f"--output {path} is an SQLite database (a vmatrix corpus?); choose another file")
    folder = _folder_of(target)
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if target.is_file():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
