"""A table: what every listing command computes, before it is rendered in a format.

Stages build :class:`Table` values; :mod:`vmatrix.output.render` turns them into a
terminal table, CSV, JSON, Markdown, LaTeX or a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Table:
    """Columns and rows, with what each output format needs beyond them.

    A plain class: every listing command builds one at start, where a dataclass's set-up
    would cost more than the table.
    """

    __slots__ = ("caption", "columns", "json", "markup", "numeric", "rows", "style", "title")

    def __init__(
        self,
        columns: list[str],
        rows: list[list[Any]],
        title: str | None = None,
        json: Any = None,
        style: Callable[[int, int, Any], str | None] | None = None,
        numeric: set[int] | None = None,
        caption: str | None = None,
        markup: Callable[[int, int, Any], str | None] | None = None,
    ) -> None:
        self.columns = columns
        self.rows = rows
        self.title = title
        # What ``--format json`` prints when it is not simply one object per row.
        self.json = json
        # Optional rich styling of a cell for terminal output: (row, column, value) -> style.
        self.style = style
        # Columns right-aligned in terminal output (numbers).
        self.numeric = numeric if numeric is not None else set()
        self.caption = caption
        # Optional rich markup for a cell in terminal output, already escaped:
        # (row, column, value) -> markup, or None for the plain cell.
        self.markup = markup

    def __repr__(self) -> str:
        return f"Table({self.title!r}, {len(self.columns)} columns, {len(self.rows)} rows)"

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=False)) for row in self.rows]


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\n": " ",
    # Characters pdflatex's utf8 input does not know: link marks, narrow no-break space.
    "●": r"$\bullet$",
    "○": r"$\circ$",
    "\u202f": r"\,",
    "\u00a0": "~",
}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIALS.get(c, c) for c in text)
