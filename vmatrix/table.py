"""A table: what every listing command computes, before it is rendered in a format.

Stages build :class:`Table` values; :mod:`vmatrix.output.render` turns them into a
terminal table, CSV, JSON, Markdown, LaTeX or a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """Columns and rows, with what each output format needs beyond them."""

    columns: list[str]
    rows: list[list[Any]]
    title: str | None = None
    # What ``--format json`` prints when it is not simply one object per row.
    json: Any = None
    # Optional rich styling of a cell for terminal output: (row, column, value) -> style.
    style: Callable[[int, int, Any], str | None] | None = None
    # Columns right-aligned in terminal output (numbers).
    numeric: set[int] = field(default_factory=set)
    caption: str | None = None
    # Optional rich markup for a cell in terminal output, already escaped:
    # (row, column, value) -> markup, or None for the plain cell.
    markup: Callable[[int, int, Any], str | None] | None = None

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
