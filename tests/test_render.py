"""Output formats shared by every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmatrix.errors import UsageError
from vmatrix.output.render import Format, Table, render, to_csv


def _table(title: str = "Co-occurrence") -> Table:
    return Table(
        ["quote", "count", "kappa"],
        [["=SUM(A1)", 3, -0.25], ["- Oui, le site.", 0, None], ["@ home", 12, 1.0]],
        title=title,
    )


def test_csv_neutralises_formulas_but_keeps_numbers() -> None:
    lines = to_csv(_table()).splitlines()
    assert lines[1] == "'=SUM(A1),3,-0.25"
    assert lines[2] == '"\'- Oui, le site.",0,'  # quoted: the text holds a comma
    assert lines[3] == "'@ home,12,1"


def test_xlsx_stores_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out.xlsx"
    render([_table(), _table()], Format.xlsx, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Co-occurrence", "Co-occurrence 2"]
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["quote", "count", "kappa"]
    first = sheet[2]
    assert first[0].value == "=SUM(A1)" and first[0].data_type == "s"  # shown as typed, never run
    assert first[1].value == 3 and first[2].value == -0.25
    assert sheet[3][0].value == "- Oui, le site."


def test_xlsx_needs_an_output_file() -> None:
    with pytest.raises(UsageError, match="--output"):
        render(_table(), Format.xlsx, None)


def test_sheet_names_excel_accepts(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out.xlsx"
    render(_table("Matrix: role = dirigeant / expert [count] and a very long title"), Format.xlsx, out)
    (name,) = openpyxl.load_workbook(out).sheetnames
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_terminal_table_shows_cells_titles_and_headers_as_typed() -> None:
    # Brackets and emoji codes are words of the transcript, not rich markup.
    import io

    from rich.console import Console

    from vmatrix.output.render import to_rich

    table = Table(
        ["passage [cité]", "n"],
        [["On a mis [le logiciel] :fire: en place", 3]],
        title="Titre [brouillon]",
        numeric={1},
        style=lambda r, c, v: "bold red" if c == 1 else None,
    )
    buffer = io.StringIO()
    Console(file=buffer, width=120).print(to_rich(table))
    out = buffer.getvalue()
    assert "On a mis [le logiciel] :fire: en place" in out
    assert "passage [cité]" in out and "Titre [brouillon]" in out
    assert "🔥" not in out
