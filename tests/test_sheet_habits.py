"""Coding sheets the way researchers keep them: titles above the header, merged cells,
one coder per worksheet, interview numbers typed every way, comments in the cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.coding import CODEBOOK, HEADER, INTERVIEW_1, INTERVIEW_2, make_corpus, write_sheet
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.sheets.validate import Validation, validate_sheets

QUOTE = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
OTHER = "J’ai découvert la supervision des machines chez un collègue plasturgiste."
SAVED = "Tout est sauvegardé tous les soirs, sur un serveur à l’extérieur."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus.db")


def check(db: Path, paths: list[Path], **kwargs) -> Validation:  # type: ignore[no-untyped-def]
    with Corpus(db) as corpus:
        return validate_sheets(corpus, paths, load_codebook(CODEBOOK), **kwargs)


def codes_of(result: Validation, code: str) -> list:  # type: ignore[type-arg]
    return [f for f in result.findings if f.code == code]


def workbook(path: Path) -> Path:
    """A workbook as a team keeps it: a notes sheet first, then one sheet per coder, each
    with a title, group headings merged above the header, a formula column, a date
    column, an empty row, and the interview cell merged over its rows."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Lisez-moi"
    book.active["A1"] = "Double codage, entretiens 1 et 2"
    for coder, values in (("CM", "Localisation"), ("JB", "Localisation ; Fonctionnelle")):
        ws = book.create_sheet(f"Codage {coder}")
        ws["A1"] = f"Grille de codage ({coder}) — version du 3 mars"
        ws.merge_cells("A1:G1")
        ws["D2"] = "Grille 1"
        ws.merge_cells("D2:E2")
        headers = ["N°", "Entretien", "Verbatim ", "Outil", "Levier", "Valeurs", "Date"]
        for column, header in enumerate(headers, 1):
            ws.cell(3, column, header)
        lines = [
            ("Entretien 1", QUOTE, "site web", "offer", values),
            (None, SAVED, "", "", ""),  # an empty row
            ("Entretien 2", OTHER, "", "cluster", "Épistémique"),
            (None, SAVED, "", "value-chain", "Sécurité"),
        ]
        for r, (doc, quote, tool, lever, value) in enumerate(lines, start=4):
            if not value:
                continue
            ws.cell(r, 1, "=ROW()-3")
            ws.cell(r, 2, doc)
            ws.cell(r, 3, quote)
            ws.cell(r, 4, tool)
            ws.cell(r, 5, lever)
            ws.cell(r, 6, value)
            ws.cell(r, 7, dt.date(2024, 3, r))
        ws.merge_cells("B6:B7")  # "Entretien 2" over its two rows
    book.save(path)
    return path


def test_workbook_with_title_merged_cells_and_a_sheet_per_coder(db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "grille.xlsx")
    first = check(db, [path], dry_run=True)
    assert not first.ok
    (missing, *_) = codes_of(first, "missing-column")
    assert "'Codage CM', 'Codage JB'" in missing.hint and "--sheet" in missing.hint

    cm = check(db, [path], sheet="Codage CM")
    assert cm.ok, cm.findings
    assert {(f.code, f.row) for f in cm.findings} == {("unknown-column", 3)}  # N°, Date
    assert [a.row for a in cm.anchors] == [4, 6, 7]
    assert [a.document for a in cm.anchors] == ["entretien-01", "entretien-02", "entretien-02"]
    jb = check(db, [path], sheet="Codage JB")
    assert jb.ok and jb.sheets[0].replaced == 0  # the other coder's sheet is not replaced
    with Corpus(db) as corpus:
        stored = sorted({(c.sheet, c.coder) for c in corpus.codes()})
    assert stored == [("grille.xlsx:Codage CM", None), ("grille.xlsx:Codage JB", None)]


def test_interview_numbers_typed_every_way(db: Path, tmp_path: Path) -> None:
    names = ["Entretien n°1", "Entretien nº 1", "E1", "E 1", "1.0", "entretien-01.docx", "Int. 1", "1"]
    rows = [[name, QUOTE, "localisation", "", "", "", "", "", str(i)] for i, name in enumerate(names)]
    result = check(db, [write_sheet(tmp_path / "docs.csv", rows)], dry_run=True)
    assert result.ok, result.findings
    assert {a.document for a in result.anchors} == {"entretien-01"}
    assert len(result.anchors) == len(names)


def test_a_number_two_documents_share_is_ambiguous(tmp_path: Path) -> None:
    db = make_corpus(tmp_path / "c.db", {"entretien-1": INTERVIEW_1, "focus-1": INTERVIEW_2})
    with Corpus(db) as corpus, corpus.transaction():
        corpus.db.execute("UPDATE documents SET number = '1'")
    sheet = write_sheet(tmp_path / "s.csv", [["1", QUOTE, "localisation"]], ["document", "quote", "values"])
    result = check(db, [sheet], dry_run=True)
    (finding,) = codes_of(result, "ambiguous-document")
    assert "entretien-1 or focus-1" in finding.message


@pytest.mark.parametrize(
    "cell",
    ["Fonctionnelle + Localisation", "fonctionnelle & localisation", "Fonctionnelle et Localisation"],
)
def test_values_joined_with_plus_and_et(db: Path, tmp_path: Path, cell: str) -> None:
    sheet = write_sheet(tmp_path / "s.csv", [["1", QUOTE, cell]], ["document", "quote", "values"])
    result = check(db, [sheet])
    assert result.ok and not result.findings, result.findings
    with Corpus(db) as corpus:
        assert [c.values for c in corpus.codes()] == [["fonctionnelle", "localisation"]]


def test_a_comment_in_the_values_goes_to_the_memo(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(
        tmp_path / "s.csv",
        [["1", QUOTE, "Socialisation (partage) ; Localisation [à discuter]", "vu avec JB"]],
        ["document", "quote", "values", "memo"],
    )
    result = check(db, [sheet])
    assert result.ok
    (finding,) = codes_of(result, "value-comment")
    assert finding.severity == "warning" and "'partage'" in finding.message
    with Corpus(db) as corpus:
        (code,) = corpus.codes()
    assert code.values == ["socialisation", "localisation"]
    assert code.memo == "vu avec JB ; partage ; à discuter"


def test_facet_names_separated_by_commas(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(
        tmp_path / "s.csv",
        [
            ["1", QUOTE, "localisation", "site web, réseaux sociaux"],
            ["1", QUOTE, "fonctionnelle", "Site web / téléphone"],
            ["2", OTHER, "epistemique", "supervision, pilotage"],  # no known name: kept whole
        ],
        ["document", "quote", "values", "tool"],
    )
    result = check(db, [sheet])
    assert result.ok
    assert [(f.row, f.severity) for f in codes_of(result, "split-tool")] == [(2, "info"), (3, "info")]
    with Corpus(db) as corpus:
        first, slash, second = sorted(corpus.codes(), key=lambda c: c.row)
    assert first.facets["tool"] == ["site-web", "reseaux-sociaux"]
    assert slash.facets["tool"] == ["site-web", "téléphone"]
    assert second.facets["tool"] == ["supervision, pilotage"]


def test_a_quote_found_twice_is_a_warning(tmp_path: Path) -> None:
    text = (
        "Q : Et le site ?\nR : On gagne du temps, c’est tout. Les clients réservent le soir.\n"
        "Q : Et l’atelier ?\nR : Le logiciel nous suit partout. On gagne du temps, c’est tout.\n"
    )
    db = make_corpus(tmp_path / "c.db", {"entretien-01": text})
    second = text.rindex("On gagne")
    sheet = write_sheet(
        tmp_path / "s.csv",
        [
            ["1", "« On gagne du temps, c’est tout. »", "fonctionnelle", "", ""],
            ["1", "on gagne du temps c'est tout", "fonctionnelle", str(second), str(second + 30)],
        ],
        ["document", "quote", "values", "start", "end"],
    )
    result = check(db, [sheet], dry_run=True)
    (finding,) = codes_of(result, "quote-repeated")
    assert finding.row == 2 and "2 times" in finding.message and "Les clients" not in finding.message
    assert "start and end" in finding.hint
    assert [a.start for a in result.anchors] == [text.index("On gagne"), second]


def test_one_warning_per_normalised_spelling(db: Path, tmp_path: Path) -> None:
    rows = [["1", QUOTE, "SECURITE", "", "", "", "", "", str(i)] for i in range(3)]
    rows.append(["2", OTHER, "Epistémique", "", "", "", "", "", "x"])
    result = check(db, [write_sheet(tmp_path / "s.csv", rows)], dry_run=True)
    found = codes_of(result, "value-normalised")
    assert [(f.row, f.message) for f in found] == [
        (2, "'SECURITE' normalised to securite (rows 2, 3, 4)"),
        (5, "'Epistémique' normalised to epistemique"),
    ]


def test_a_passage_coded_twice_alike_is_a_warning(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(
        tmp_path / "s.csv",
        [
            ["1", QUOTE, "localisation", "A"],
            ["1", "les clients commandent quand ils veulent (...) et on expédie", "Localisation", "A"],
            ["1", QUOTE, "localisation", "B"],  # another coder: that is double coding
        ],
        ["document", "quote", "values", "coder"],
    )
    result = check(db, [sheet], dry_run=True)
    (finding,) = codes_of(result, "repeated-passage")
    assert finding.row == 3 and "row 2" in finding.message and "twice" in finding.message
    assert len(result.anchors) == 3


def test_an_empty_document_cell_under_a_filled_one(db: Path, tmp_path: Path) -> None:
    # A CSV export of a sheet whose interview cell was merged over its rows.
    sheet = write_sheet(
        tmp_path / "s.csv",
        [["Entretien 2", OTHER, "epistemique"], ["", SAVED, "securite"]],
        ["document", "quote", "values"],
    )
    result = check(db, [sheet], dry_run=True)
    (finding,) = codes_of(result, "missing-document")
    assert finding.row == 3 and "'Entretien 2'" in finding.hint and "merged" in finding.hint


def test_quote_and_table_cite_a_cut_quote_as_the_sheet_cut_it(db: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from vmatrix.cli import app

    cut = "Les clients commandent quand ils veulent (...) Le cœur du métier reste le même"
    sheet = write_sheet(
        tmp_path / "s.csv", [["1", cut, "localisation", "site web"]], ["document", "quote", "values", "tool"]
    )
    assert check(db, [sheet]).ok

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, ["--corpus", str(db), *args, "--codebook", str(CODEBOOK)])
        assert result.exit_code == 0, result.output
        return result.stdout

    cited = f"« {cut} » (Entretien 1)"
    assert cited in run("quote")
    assert "de chez eux" not in run("quote", "-f", "markdown") + run("quote", "-f", "latex")
    (found,) = json.loads(run("quote", "-f", "json"))
    assert "de chez eux" in found["text"]  # the passage itself, exactly
    assert found["cited"] == cut
    assert cited in run("table", "--quotes", "-f", "markdown")
    assert f"«~{cut}~» (Entretien 1)" in run("quote", "-f", "latex")


def test_both_coders_sheets_at_once_and_a_renamed_sheet_forgotten(db: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vmatrix.cli import app

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(app, ["--corpus", str(db), "validate", *args, "--codebook", str(CODEBOOK)])

    path = workbook(tmp_path / "grille.xlsx")
    both = run(str(path), "--sheet", "Codage CM", "--sheet", "Codage JB")
    assert both.exit_code == 0, both.output
    assert "grille.xlsx:Codage CM: 3 rows" in both.stderr and "grille.xlsx:Codage JB: 3 rows" in both.stderr
    # The CM sheet, exported and edited, comes back under another name and replaces it.
    edited = write_sheet(tmp_path / "cm-v2.csv", [["1", QUOTE, "localisation", "site web"]], HEADER[:4])
    missing = run(str(edited), "--forget", "grille.xlsx:Codage")
    assert missing.exit_code == 1 and "stored sheets: grille.xlsx:Codage CM" in missing.stdout
    replaced = run(str(edited), "--forget", "grille.xlsx:Codage CM")
    assert replaced.exit_code == 0, replaced.output
    assert "grille.xlsx:Codage CM: forgotten, 3 code(s) removed." in replaced.stderr
    with Corpus(db) as corpus:
        assert sorted({c.sheet for c in corpus.codes()}) == ["cm-v2.csv", "grille.xlsx:Codage JB"]
    alone = run("--forget", "cm-v2.csv")
    assert alone.exit_code == 0 and "cm-v2.csv: forgotten, 1 code(s) removed." in alone.stderr


def test_columns_spread_numbered_unlabelled_and_an_unclosed_quotation(db: Path, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Entretien", "Verbatim", "Valeur 1", "Valeur 2", "Outil", "Outil", "Début", "Fin"])
    start = INTERVIEW_1.index(QUOTE)
    ws.append(
        [1, "", "Localisation", "Fonctionnelle", "site web", "téléphone", float(start), f"{start + 9}.0"]
    )
    ws.append([2, OTHER, "(à revoir)", None, None, None, None, None, "une note sans en-tête"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    result = check(db, [path], dry_run=True)
    assert [(f.code, f.row) for f in result.findings if f.severity == "error"] == [("empty-values", 3)]
    (unlabelled,) = codes_of(result, "unlabelled-column")
    assert "column I has no header" in unlabelled.message and unlabelled.row == 3
    assert not codes_of(result, "unknown-column")
    (anchor,) = result.anchors  # offsets as a spreadsheet writes numbers: 12.0
    assert (anchor.start, anchor.end, anchor.kind) == (start, start + 9, "offsets")
    from vmatrix.sheets.sheet import read_coding_sheet

    first = read_coding_sheet(path).rows[0]
    assert (first.get("values"), first.get("tool")) == ("Localisation; Fonctionnelle", "site web; téléphone")

    swallowed = tmp_path / "s.csv"
    swallowed.write_text(f'document;quote;values\n1;"{QUOTE};localisation\n2;{OTHER};epistemique\n')
    result = check(db, [swallowed], dry_run=True)
    assert [f.code for f in result.findings] == ["unclosed-quotation"]
    multiline = tmp_path / "m.csv"  # a quote over two turns, with a semicolon: no false alarm
    multiline.write_text(
        'document;quote;values\n1;"Et le site ?\nR : Alors [Nom société] ; on l’a refait";fonctionnelle\n'
    )
    assert not codes_of(check(db, [multiline], dry_run=True), "unclosed-quotation")


def test_a_quote_cut_inside_a_word(db: Path, tmp_path: Path) -> None:
    rows = [["1", "ients commandent quand ils veul", "localisation"]]
    sheet = write_sheet(tmp_path / "s.csv", rows, HEADER[:3])
    result = check(db, [sheet], dry_run=True)
    (finding,) = codes_of(result, "quote-fuzzy")
    assert "inside a word" in finding.message and "« clients commandent quand ils veulent »" in finding.hint


def test_headers_as_researchers_write_them(db: Path, tmp_path: Path) -> None:
    header = [
        "N° entretien",
        "Verbatims",
        "Forme(s) de valeur",
        "Outil numérique",
        "Type d'outil",
        "Codé par",
    ]
    sheet = write_sheet(
        tmp_path / "s.csv", [["1", QUOTE, "localisation", "site web", "communication", "A"]], header
    )
    result = check(db, [sheet], dry_run=True)
    assert result.ok and not result.findings, result.findings


def test_a_header_giving_two_names_of_one_column(db: Path, tmp_path: Path) -> None:
    header = ["Entretien", "Extrait / verbatim", "Forme de valeur", "Outil ou dispositif", "Verbatim - note"]
    sheet = write_sheet(tmp_path / "s.csv", [["1", QUOTE, "localisation", "site web", "relu"]], header)
    result = check(db, [sheet], dry_run=True)
    assert result.ok, result.findings
    (anchor,) = result.anchors
    assert anchor.document == "entretien-01"
    # Two fields named in one header are no column of either: it is ignored, with a warning.
    assert [f.message for f in codes_of(result, "unknown-column")] == ["column 'Verbatim - note' ignored"]


def test_a_quote_without_the_transcribers_marks_is_found_and_cited_without_them(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from vmatrix.cli import app

    said = (
        "R : Ils sont fiers (rires), ça donne une image moderne. [00:02:10] Et ils gagnent "
        "du temps [inaudible] sur les relances."
    )
    db = make_corpus(tmp_path / "c.db", {"entretien-01": said})
    typed = "Ils sont fiers, ça donne une image moderne. Et ils gagnent du temps sur les relances."
    kept = "Ils sont fiers (rires), ça donne une image moderne."
    sheet = write_sheet(
        tmp_path / "s.csv",
        [["1", typed, "sociale"], ["1", kept, "hedonique"]],
        ["document", "quote", "values"],
    )
    result = check(db, [sheet])
    assert result.ok and not result.findings, result.findings  # found as typed, no approximation
    assert [a.kind for a in result.anchors] == ["folded", "exact"]
    quoted = CliRunner().invoke(
        app, ["--corpus", str(db), "quote", "-f", "json", "--codebook", str(CODEBOOK)]
    )
    by_value = {q["values"][0]: q for q in json.loads(quoted.stdout)}
    assert "[00:02:10]" in by_value["sociale"]["text"]  # the transcript's passage, exactly
    assert by_value["sociale"]["cited"] == typed.rstrip(".")
    assert by_value["hedonique"]["cited"] in ("", kept)  # a mark the quote kept stays


def test_a_facet_name_in_the_singular_or_plural_is_the_codebooks(db: Path, tmp_path: Path) -> None:
    rows = [["1", QUOTE, "localisation", "Client", "Entreprises"]]
    sheet = write_sheet(tmp_path / "s.csv", rows, ["document", "quote", "values", "beneficiary", "initiator"])
    result = check(db, [sheet])
    assert result.ok and not result.findings, result.findings
    with Corpus(db) as corpus:
        (code,) = corpus.codes()
    assert (code.facets["beneficiary"], code.facets["initiator"]) == (["clients"], ["entreprise"])


def test_a_second_coders_sheet_left_unread_is_named(db: Path, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for number, coder in enumerate(("Codage CM", "Codage JB")):
        ws = book.active if number == 0 else book.create_sheet()
        ws.title = coder
        ws.append(["Entretien", "Verbatim", "Valeurs"])
        ws.append(["1", QUOTE, "Localisation"])
    book.create_sheet("Listes").append(["Valeurs", "Fonctionnelle"])  # no coding: not named
    path = tmp_path / "double.xlsx"
    book.save(path)
    first = check(db, [path], dry_run=True)
    assert first.ok
    (unread,) = codes_of(first, "unread-sheets")
    assert "'Codage JB' also holds coding" in unread.message and "Listes" not in unread.message
    assert "--sheet 'Codage CM' --sheet 'Codage JB'" in unread.hint
    both = check(db, [path], sheet=["Codage CM", "Codage JB"], dry_run=True)
    assert both.ok and not codes_of(both, "unread-sheets")
