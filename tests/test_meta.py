"""Interview metadata sheets: French or English headers, cp1252, durations."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmatrix.errors import InputFileError
from vmatrix.transcripts.meta import default_label, read_metadata


def test_french_headers_in_cp1252_with_semicolons(data: Path) -> None:
    meta = read_metadata(data / "meta-cp1252.csv")
    row = meta.find(Path("somewhere/cp1252.txt"))
    assert row is not None
    assert row.number == "3"
    assert row.attributes == {
        "role": "dirigeant",
        "organisation": "PME",
        "sector": "menuiserie",
        "department": "44",
        "date": "2024-03-12",
        "duration": "90",
        "taille": "12 salariés",
    }
    vtt = meta.find(Path("interview.vtt"))
    assert vtt is not None and vtt.attributes["duration"] == "45"


def test_english_headers_ids_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text(
        "File,ID,Number,Label,Role,Organization type,Sector,Department,Date,Duration\n"
        "a.txt,int-a,10,Interview A,manager,SME,wine,33,2024-01-02,50\n"
    )
    row = read_metadata(path).find(Path("a.txt"))
    assert row is not None
    assert (row.id, row.number, row.label) == ("int-a", "10", "Interview A")
    assert row.attributes["organisation"] == "SME"


def test_rows_matched_by_id_without_file_column(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text("id\tnuméro\trôle\nentretien-07\t7\texpert\n")
    row = read_metadata(path).find(Path("x/Entretien-07.docx"))
    assert row is not None and row.number == "7"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nom;age\nx;3\n", "no column names the transcript files"),
        ("fichier;durée\na.txt;longue\n", "row 2: duration 'longue'"),
        ("fichier;rôle\na.txt;expert\nA.txt;dirigeant\n", "row 3: 'A.txt' is already described in row 2"),
        ("fichier;id\na.txt;mauvais id!\n", "row 2: id 'mauvais id!'"),
        (
            "fichier;rôle;Rôle\na.txt;dirigeant;expert\n",
            "columns 2 .'rôle'. and 3 .'Rôle'. both give the 'role'",
        ),
        ("fichier;taille;Taille\na.txt;12;15\n", "both give the 'taille'"),
    ],
)
def test_bad_metadata_says_where(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "meta.csv"
    path.write_text(content)
    with pytest.raises(InputFileError, match=message):
        read_metadata(path)


def test_default_labels() -> None:
    assert default_label("entretien-10", None) == "Entretien 10"
    assert default_label("dupont", "4") == "Entretien 4"
    assert default_label("dupont", None) == "dupont"
    assert default_label("Entretien-3-Dupont", None) == "Entretien 3"
    assert default_label("E03_transcription", None) == "Entretien 3"
    assert default_label("2024-03-14-entretien", None) == "2024-03-14-entretien"
    assert default_label("entretien-2024-dupont", None) == "entretien-2024-dupont"


def test_durations_typed_as_spreadsheet_times(tmp_path: Path) -> None:
    # Typing 1:05 in Excel stores a time, which comes back as 01:05:00.
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["fichier", "durée"])
    sheet.append(["a.txt", datetime.time(1, 5)])
    sheet.append(["b.txt", "65 min."])
    book.save(tmp_path / "meta.xlsx")
    meta = read_metadata(tmp_path / "meta.xlsx")
    assert [row.attributes["duration"] for row in meta.rows] == ["65", "65"]


def test_files_no_metadata_row_names_are_listed(tmp_path: Path) -> None:
    from vmatrix.transcripts.ingest import plan

    folder = tmp_path / "entretiens"
    folder.mkdir()
    for name in ("entretien-1.txt", "entretien-2.txt", "notes.txt"):
        (folder / name).write_text("Q : Bonjour.\nR : Bonjour.\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("fichier;rôle\nentretien-1.txt;dirigeant\n", encoding="utf-8")
    _, report = plan([folder], meta=meta)
    (warning,) = report.warnings
    assert "no row names 2 file(s) ingested: entretien-2.txt, notes.txt" in warning
    meta.write_text("fichier;rôle\nentretien-1.txt;dirigeant\nentretien-2.txt;expert\nnotes.txt;\n")
    assert plan([folder], meta=meta)[1].warnings == []


def test_dates_typed_the_french_way_read_as_one_form(tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "fichier;date\na.txt;05/04/2024\nb.txt;1er avril 2024\nc.txt;2024-03-12\nd.txt;12 Mars 2024\n"
        "e.txt;31/02/2024\nf.txt;printemps 2024\n",
        encoding="utf-8",
    )
    read = read_metadata(meta)
    dates = [read.find(Path(f"{n}.txt")).attributes["date"] for n in "abcdef"]  # type: ignore[union-attr]
    assert dates == ["2024-04-05", "2024-04-01", "2024-03-12", "2024-03-12", "31/02/2024", "printemps 2024"]
