"""`vmatrix validate`: every finding, what is stored, and what is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.coding import CODEBOOK, INTERVIEW_1, INTERVIEW_2, make_corpus, write_sheet
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.sheets.validate import Validation, validate_sheets

runner = CliRunner()

QUOTE = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
OTHER = "J’ai découvert la supervision des machines chez un collègue plasturgiste."


def row(document: str = "entretien-01", quote: str = QUOTE, values: str = "localisation", **facets: str):
    return [
        document,
        quote,
        values,
        facets.get("tool", "site web"),
        facets.get("nature", "transactionnel"),
        facets.get("lever", "offer"),
        facets.get("initiator", "entreprise"),
        facets.get("beneficiary", "clients"),
        facets.get("coder", "A"),
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus.db")


def check(db: Path, path: Path, **kwargs) -> Validation:  # type: ignore[no-untyped-def]
    with Corpus(db) as corpus:
        return validate_sheets(corpus, [path], load_codebook(CODEBOOK), **kwargs)


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--corpus", str(db), *args])


def findings(result: Validation, code: str) -> list:  # type: ignore[type-arg]
    return [f for f in result.findings if f.code == code]


CASES = [
    # (finding, severity, row, sheet rows, words the message or hint must hold)
    ("unknown-document", "error", 2, [row(document="entretien-09")], ["entretien-09", "entretien-01"]),
    ("missing-document", "error", 2, [row(document="")], []),
    ("unknown-value", "error", 2, [row(values="Espistémique")], ["Espistémique", "did you mean epistemique"]),
    ("value-normalised", "warning", 2, [row(values="Epistémique")], ["normalised to epistemique"]),
    ("empty-values", "error", 2, [row(values="")], ["localisation"]),
    ("unknown-lever", "error", 2, [row(lever="offre")], ["offre", "offer"]),
    ("unknown-tool", "info", 2, [row(tool="boutique en ligne")], ["boutique en ligne", "kept as typed"]),
    ("unknown-initiator", "info", 2, [row(initiator="entreprse")], ["did you mean entreprise"]),
    (
        "quote-not-found",
        "error",
        2,
        [row(quote="Nous avons installé un progiciel intégré dans les ateliers de montage.")],
        ["closest passage"],
    ),
    (
        "quote-fuzzy",
        "warning",
        2,
        [row(quote="Les clients commandent quand ils le veulent, depuis chez eux, puis on expédie")],
        ["found: « Les clients commandent quand ils veulent, de chez eux, et on expédie"],
    ),
    (
        "quote-not-found",
        "error",
        2,
        [row(quote="J'ai découvert la supervision des machines")],
        ["the quote is in entretien-02: correct the document"],
    ),
    ("missing-quote", "error", 2, [row(quote="")], []),
    ("duplicate-row", "warning", 3, [row(), row()], ["repeats row 2"]),
    (
        "conflicting-values",
        "warning",
        3,
        [row(values="localisation"), row(quote=f"« {QUOTE} »", values="fonctionnelle")],
        ["row 2", "fonctionnelle", "localisation"],
    ),
    ("extra-cells", "error", 2, [[*row(), "en trop"]], ["en trop"]),
]


@pytest.mark.parametrize(
    ("code", "severity", "line", "rows", "words"), CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)]
)
def test_each_finding(
    db: Path, tmp_path: Path, code: str, severity: str, line: int, rows: list, words: list[str]
) -> None:  # type: ignore[type-arg]
    sheet = write_sheet(tmp_path / "sheet.csv", rows)
    result = check(db, sheet)
    found = findings(result, code)
    assert len(found) == 1, result.findings
    finding = found[0]
    assert (finding.file, finding.row, finding.severity) == ("sheet.csv", line, severity)
    for word in words:
        assert word in finding.message + " " + finding.hint
    assert result.ok is (severity != "error")


def test_offsets(db: Path, tmp_path: Path) -> None:
    header = ["document", "start", "end", "quote", "values"]
    start = INTERVIEW_1.index(QUOTE)
    elsewhere = INTERVIEW_1.index("Ma fille")
    sheet = write_sheet(
        tmp_path / "offsets.csv",
        [
            ["entretien-01", str(start), str(start + len(QUOTE)), "", "localisation"],  # offsets only
            ["entretien-01", str(start), str(start + len(QUOTE)), "de chez eux", "localisation"],  # narrower
            ["entretien-01", str(elsewhere), str(elsewhere + 20), QUOTE, "fonctionnelle"],  # moved
            ["entretien-01", "douze", "40", "", "sociale"],
            ["entretien-01", "10", str(len(INTERVIEW_1) + 1), "", "sociale"],
        ],
        header,
    )
    result = check(db, sheet, dry_run=True)
    anchors = {a.row: a for a in result.anchors}
    assert (anchors[2].start, anchors[2].end, anchors[2].kind) == (start, start + len(QUOTE), "offsets")
    narrow = anchors[3]
    assert INTERVIEW_1[narrow.start : narrow.end] == "de chez eux" and narrow.kind == "exact"
    assert (anchors[4].start, anchors[4].end) == (start, start + len(QUOTE))
    assert [f.row for f in findings(result, "offsets-mismatch")] == [4]
    assert [f.row for f in findings(result, "bad-offsets")] == [5, 6]


def test_columns(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(
        tmp_path / "columns.csv",
        [["entretien-01", QUOTE, "x", "y", "z", "0.8", "gagner du temps"]],
        ["Document", "Citation", "Remarques", "segment", "speaker", "score", "evidence"],
    )
    result = check(db, sheet)
    assert [(f.code, f.row, f.severity) for f in result.findings] == [
        ("missing-column", 1, "error"),
        ("unknown-column", 1, "warning"),
    ]
    assert "'values'" in result.findings[0].message
    assert "Remarques" in result.findings[1].message


def test_document_by_id_label_number_or_file(db: Path, tmp_path: Path) -> None:
    names = ["entretien-01", "Entretien 1", "entretien 01", "1", "01", "entretien-01.txt"]
    sheet = write_sheet(tmp_path / "docs.csv", [row(document=n, coder=n) for n in names])
    result = check(db, sheet, dry_run=True)
    assert result.ok, result.findings
    assert {a.document for a in result.anchors} == {"entretien-01"}
    assert len(result.anchors) == len(names)


def test_values_split_and_normalised(db: Path, tmp_path: Path) -> None:
    cells = [
        "Fonctionnelle ; Localisation",
        "fonctionnelle,localisation",
        "Fonctionnelle/Localisation",
        "fonctionnelle | localisation",
        "Fonctionnelle Localisation",
        "Fonctionnelle\nLocalisation",
    ]
    sheet = write_sheet(tmp_path / "values.csv", [row(values=c, coder=str(i)) for i, c in enumerate(cells)])
    result = check(db, sheet)
    assert result.ok and not result.findings
    with Corpus(db) as corpus:
        assert [c.values for c in corpus.codes()] == [["fonctionnelle", "localisation"]] * len(cells)


def test_stored_codes_hold_ids_facets_and_anchor(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(
        tmp_path / "codes.csv",
        [
            row(
                values="Epistémique; Bénévolence",
                tool="Site internet; boutique en ligne",
                lever="Réseaux et clusters locaux",
                beneficiary="clients ; salariés",
            ),
            row("Entretien 2", OTHER.replace("J’ai", "J'ai"), "entraide", tool="", coder="B"),
        ],
    )
    result = check(db, sheet)
    assert result.ok and result.stored
    with Corpus(db) as corpus:
        first, second = sorted(corpus.codes(), key=lambda c: c.row)
        sheets = corpus.sheets()
    assert first.values == ["epistemique", "benevolence"]
    assert first.facets == {
        "lever": ["cluster"],
        "nature": ["transactionnel"],
        "tool": ["site-web", "boutique en ligne"],
        "initiator": ["entreprise"],
        "beneficiary": ["clients", "salaries"],
    }
    assert (first.document_id, first.sheet, first.row, first.coder) == ("entretien-01", "codes.csv", 2, "A")
    assert INTERVIEW_1[first.start : first.end] == QUOTE == first.anchored_text
    assert first.anchor_kind == "exact" and first.status == "anchored"
    assert first.context_after.startswith(" Le cœur du métier")
    assert second.values == ["benevolence"]  # an alias, typed as the codebook gives it: no warning
    assert second.anchor_kind == "folded" and INTERVIEW_2[second.start : second.end] == OTHER[:-1]
    assert [s["name"] for s in sheets] == ["codes.csv"] and sheets[0]["rows"] == 2


def test_a_sheet_with_errors_stores_nothing(db: Path, tmp_path: Path) -> None:
    good = write_sheet(tmp_path / "good.csv", [row()])
    assert run(db, "validate", str(good), "--codebook", str(CODEBOOK)).exit_code == 0
    before = db.read_bytes()
    write_sheet(tmp_path / "good.csv", [row(values="fonctionnelle"), row(values="Espistémique")])
    bad_too = write_sheet(tmp_path / "other.csv", [row(quote=OTHER, document="entretien-02")])
    result = run(db, "validate", str(good), str(bad_too), "--codebook", str(CODEBOOK))
    assert result.exit_code == 1
    assert "unknown-value" in result.stdout
    assert "nothing stored" in result.stderr
    assert db.read_bytes() == before
    with Corpus(db) as corpus:
        assert [c.values for c in corpus.codes()] == [["localisation"]]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "xlsx"], "--format xlsx writes a workbook"),
        (
            ["--output", "no-such-folder/findings.csv", "--format", "csv"],
            "folder no-such-folder does not exist",
        ),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_storing(
    db: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    # The sheet was stored, then the output refused: exit 1 with the corpus changed.
    sheet = write_sheet(tmp_path / "good.csv", [row()])
    before = db.read_bytes()
    result = run(db, "validate", str(sheet), "--codebook", str(CODEBOOK), *options)
    assert result.exit_code == 1
    assert message in result.stderr
    assert db.read_bytes() == before


def test_validating_again_replaces_the_sheet_and_dry_run_stores_nothing(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(
        tmp_path / "s.csv", [row(), row(quote=OTHER, document="entretien-02", values="sociale")]
    )
    assert check(db, sheet).stored
    other = write_sheet(tmp_path / "other.csv", [row(coder="B")])
    assert check(db, other).stored
    write_sheet(tmp_path / "s.csv", [row(values="fonctionnelle")])
    before = db.read_bytes()
    dry = check(db, sheet, dry_run=True)
    assert dry.ok and not dry.stored
    assert db.read_bytes() == before
    result = check(db, sheet)
    assert result.sheets[0].replaced == 2
    with Corpus(db) as corpus:
        assert sorted((c.sheet, tuple(c.values)) for c in corpus.codes()) == [
            ("other.csv", ("localisation",)),
            ("s.csv", ("fonctionnelle",)),
        ]


def test_two_sheets_with_one_file_name(db: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_sheet(tmp_path / "a" / "codes.csv", [row()])
    second = write_sheet(tmp_path / "b" / "codes.csv", [row(coder="B")])
    with Corpus(db) as corpus:
        result = validate_sheets(corpus, [first, second], load_codebook(CODEBOOK))
    assert [f.code for f in result.findings] == ["duplicate-sheet"]
    assert not result.stored


def test_xlsx_sheet(db: Path, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["ignored"])
    coding = book.create_sheet("Codage")
    coding.append(["Entretien", "Verbatim", "Valeurs", "Outil", "Levier", "Codeuse"])
    coding.append([1, QUOTE, "Localisation ; Fonctionnelle", "Site web", "offer", "A"])
    coding.append([2, OTHER, "Épistémique", None, "cluster", "A"])
    path = tmp_path / "codage.xlsx"
    book.save(path)
    result = check(db, path, sheet="Codage")
    assert result.ok and not result.findings
    assert [(a.document, a.kind) for a in result.anchors] == [
        ("entretien-01", "exact"),
        ("entretien-02", "exact"),
    ]
    missing = run(db, "validate", str(path), "--sheet", "Feuil1", "--codebook", str(CODEBOOK))
    assert missing.exit_code == 1 and "Feuil1" in missing.stderr and "Codage" in missing.stderr


def test_cp1252_csv_with_semicolons(db: Path, tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "excel.csv",
        [["Entretien 1", "Et le paiement est sécurisé, ça rassure", "Sécurité", "offer", "Noémie"]],
        ["Entretien", "Extrait", "Formes de valeur", "Levier", "Codeuse"],
        encoding="cp1252",
        delimiter=";",
    )
    assert path.read_bytes().count(b"\xe9") >= 3  # é in cp1252, not UTF-8
    result = check(db, path)
    assert result.ok and not result.findings
    with Corpus(db) as corpus:
        (code,) = corpus.codes()
    assert (code.values, code.coder) == (["securite"], "Noémie")
    assert code.anchored_text == "Et le paiement est sécurisé, ça rassure"


def test_cli_table_json_and_exit_status(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "s.csv", [row(values="Epistémique"), row(values="Espistémique")])
    table = run(db, "validate", str(sheet), "--codebook", str(CODEBOOK))
    assert table.exit_code == 1
    assert "s.csv: 1 error, 1 warning" in table.stdout
    assert "did you mean epistemique" in table.stdout
    assert "s.csv: 2 rows, 1 error, 1 warning, 0 notes; nothing stored." in table.stderr
    as_json = run(db, "validate", str(sheet), "--codebook", str(CODEBOOK), "--format", "json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert set(data) == {"ok", "rows", "findings", "anchors"}
    assert (data["ok"], data["rows"]) == (False, 2)
    assert data["findings"][0] == {
        "file": "s.csv",
        "row": 2,
        "severity": "warning",
        "code": "value-normalised",
        "message": "'Epistémique' normalised to epistemique",
        "hint": "write it epistemique or Épistémique",
    }
    start = INTERVIEW_1.index(QUOTE)
    assert data["anchors"][0] == {
        "file": "s.csv",
        "row": 2,
        "document": "entretien-01",
        "start": start,
        "end": start + len(QUOTE),
        "kind": "exact",
        "score": 1.0,
    }
    ok = write_sheet(tmp_path / "ok.csv", [row()])
    passed = run(db, "validate", str(ok), "--codebook", str(CODEBOOK))
    assert passed.exit_code == 0, passed.output
    assert passed.stdout == ""
    assert "ok.csv: 1 rows, 0 errors, 0 warnings, 0 notes; stored 1 codes." in passed.stderr


def test_cli_bad_files(db: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = run(db, "validate", str(empty), "--codebook", str(CODEBOOK))
    assert result.exit_code == 1 and "Error:" in result.stderr and "empty" in result.stderr
    result = run(db, "validate", str(tmp_path / "missing.csv"), "--codebook", str(CODEBOOK))
    assert result.exit_code == 1 and "Traceback" not in result.output
    ok = write_sheet(tmp_path / "ok.csv", [row()])
    result = run(db, "validate", str(ok), "--codebook", str(tmp_path / "none.toml"))
    assert result.exit_code == 2 and "none.toml" in result.stderr  # a usage error, as for every command
