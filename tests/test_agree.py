"""Inter-coder agreement: the coefficients against hand-checked values, units, the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.coding import CODEBOOK, INTERVIEW_1, INTERVIEW_2, make_corpus, write_sheet
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.sheets.agree import agreement, cohen_kappa, nominal_alpha, percent_agreement

runner = CliRunner()


def test_alpha_on_krippendorffs_reliability_data() -> None:
    # Krippendorff's worked example of nominal data with missing values (4 observers,
    # 12 units; "Computing Krippendorff's alpha-reliability", 2011), published as 0.743.
    # By hand: 40 pairable values, n_c = 9, 13, 10, 5, 3 for the values 1..5; the
    # off-diagonal coincidences sum to 8; sum over c != k of n_c * n_k = 1600 - 384 = 1216;
    # alpha = 1 - (40 - 1) * 8 / 1216 = 1 - 312 / 1216 = 0.7434.
    x = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, x, x, x],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, x, 3],
        [x, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, x],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, x],
    ]
    assert nominal_alpha(data) == pytest.approx(1 - 39 * 8 / 1216)
    assert round(nominal_alpha(data), 3) == 0.743  # type: ignore[arg-type]


def test_alpha_undefined() -> None:
    assert nominal_alpha([[0, 0, 0], [0, 0, 0]]) is None  # one value only
    assert nominal_alpha([[1, None], [None, 0]]) is None  # no unit judged twice


def test_kappa_on_a_two_by_two_table() -> None:
    # 50 items: both yes 20, first yes / second no 5, first no / second yes 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
    first = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    second = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa([1, 1, 1], [1, 1, 1]) is None  # chance agreement is total
    assert percent_agreement([first, second]) == pytest.approx(0.7)


def test_percent_agreement_over_pairs_of_coders() -> None:
    # Unit 1: three coders, one dissenting -> 1 of 3 pairs agree; unit 2: two coders agree.
    assert percent_agreement([[1, 0], [1, None], [0, 0]]) == pytest.approx(2 / 4)


# -- units and the command ------------------------------------------------------------

SENTENCES_1 = [
    "Alors [Nom société], on l’a refait en 2022.",
    "Les clients commandent quand ils veulent, de chez eux, et on expédie.",
    "Le cœur du métier reste le même\u00a0: on répond au téléphone, on conseille, on rend service.",
    "Et le paiement est sécurisé, ça rassure les gens de soixante-dix ans",
    "Ma fille s’en occupe, et j’y prends du plaisir aussi.",
    "On montre les vieux outils de mon grand-père.",
    "Les gens adorent voir le geste.",
]
SENTENCES_2 = [
    "On se réunit tous les mois.",
    "J’ai découvert la supervision des machines chez un collègue plasturgiste.",
    "Quand un atelier a trop de travail, il en redonne une partie aux autres",
    "Tout est sauvegardé tous les soirs, sur un serveur à l’extérieur.",
]
THIRD = "R : Le site web nous amène des clients de toute la France.\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Coders A and B on 11 units; A alone on a third document.

    sociale:  A = 1 1 0 0 0 0 0 0 0 0 0, B = 1 0 0 0 0 0 0 0 0 0 0
    hedonique: A = 0 everywhere, B = 1 on unit 11 only (a passage A left uncoded)
    fonctionnelle: both on units 2-10.
    """
    assert all(s in INTERVIEW_1 for s in SENTENCES_1) and all(s in INTERVIEW_2 for s in SENTENCES_2)
    db = make_corpus(
        tmp_path / "c.db",
        {"entretien-01": INTERVIEW_1, "entretien-02": INTERVIEW_2, "entretien-03": THIRD},
    )
    units = [("entretien-01", s) for s in SENTENCES_1] + [("entretien-02", s) for s in SENTENCES_2]
    a_values = ["sociale", "sociale; fonctionnelle"] + ["fonctionnelle"] * 8
    b_values = ["sociale", "fonctionnelle"] + ["fonctionnelle"] * 8 + ["hedonique"]
    a_rows = [
        [doc, quote, v, "", "", "", "", "", "A"] for (doc, quote), v in zip(units, a_values, strict=False)
    ]
    a_rows.append(["entretien-03", THIRD, "sociale", "", "", "", "", "", "A"])
    b_rows = []
    for (doc, quote), v in zip(units, b_values, strict=True):
        words = quote.split()
        # B trims some verbatims: the first two thirds still overlap A's by more than half.
        trimmed = " ".join(words[: max(3, 2 * len(words) // 3)]) if len(b_rows) % 2 else quote
        b_rows.append([doc, trimmed, v, "", "", "", "", "", "B"])
    with Corpus(db) as corpus:
        from vmatrix.sheets.validate import validate_sheets

        result = validate_sheets(
            corpus,
            [write_sheet(tmp_path / "a.csv", a_rows), write_sheet(tmp_path / "b.csv", b_rows)],
            load_codebook(CODEBOOK),
        )
    assert result.stored, result.findings
    return db


def test_units_and_coefficients(db: Path) -> None:
    with Corpus(db) as corpus:
        result = agreement(corpus, ["sociale", "hedonique", "fonctionnelle", "securite"])
    assert result.coders == ["A", "B"]
    assert result.documents == ["entretien-01", "entretien-02"]
    assert result.skipped_documents == ["entretien-03"]
    assert len(result.units) == 11
    sociale, hedonique, fonctionnelle, securite = result.values
    # sociale, by hand: p_o = 10/11; p_e = (2/11)(1/11) + (9/11)(10/11) = 92/121;
    # kappa = (110 - 92) / (121 - 92) = 18/29. Coincidences: n_1 = 3, n_0 = 19, n = 22,
    # 2 off-diagonal; alpha = 1 - 21 * 2 / (2 * 3 * 19) = 1 - 42/114.
    assert sociale.counts == {"A": 2, "B": 1}
    assert sociale.percent == pytest.approx(10 / 11)
    assert sociale.kappa == pytest.approx(18 / 29)
    assert sociale.alpha == pytest.approx(1 - 42 / 114)
    # hedonique: only B, once, where A said nothing: kappa 0 (p_o = p_e = 10/11), alpha 0.
    assert hedonique.counts == {"A": 0, "B": 1}
    assert hedonique.kappa == pytest.approx(0.0)
    assert hedonique.alpha == pytest.approx(0.0)
    assert fonctionnelle.percent == 1.0
    assert securite.counts == {"A": 0, "B": 0}
    assert (securite.kappa, securite.alpha) == (None, None)  # nobody used it: undefined
    assert result.identical == pytest.approx(9 / 11)
    differing = result.disagreements
    assert [(u.document, u.values["A"], u.values["B"]) for u in differing] == [
        ("entretien-01", {"sociale", "fonctionnelle"}, {"fonctionnelle"}),
        ("entretien-02", set(), {"hedonique"}),
    ]
    assert differing[0].quote == SENTENCES_1[1]


def test_spans_overlapping_less_than_half_are_two_units(tmp_path: Path) -> None:
    db = make_corpus(tmp_path / "c.db")
    long = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
    tail = "et on expédie. Le cœur du métier reste le même"
    rows_a = [["entretien-01", long, "localisation", "", "", "", "", "", "A"]]
    rows_b = [["entretien-01", tail, "localisation", "", "", "", "", "", "B"]]
    with Corpus(db) as corpus:
        from vmatrix.sheets.validate import validate_sheets

        validate_sheets(
            corpus,
            [write_sheet(tmp_path / "a.csv", rows_a), write_sheet(tmp_path / "b.csv", rows_b)],
            load_codebook(CODEBOOK),
        )
        result = agreement(corpus, ["localisation"])
    assert len(result.units) == 2
    assert result.values[0].percent == 0.0


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--corpus", str(db), *args])


def test_cli(db: Path) -> None:
    table = run(db, "agree", "--codebook", str(CODEBOOK))
    assert table.exit_code == 0, table.output
    assert "sociale" in table.stdout and "Coded differently" in table.stdout
    assert "2 coders (A, B), 2 document(s), 11 unit(s), 2 coded differently." in table.stderr
    assert "entretien-03" in table.stderr
    as_json = run(db, "agree", "--codebook", str(CODEBOOK), "--value", "Sociale", "--format", "json")
    data = json.loads(as_json.stdout)
    assert [v["value"] for v in data["values"]] == ["sociale"]
    assert data["values"][0]["kappa"] == pytest.approx(18 / 29)
    assert len(data["disagreements"]) == 2
    assert data["disagreements"][1]["values"] == {"A": [], "B": ["hedonique"]}


def test_cli_needs_two_coders(db: Path) -> None:
    result = run(db, "agree", "--codebook", str(CODEBOOK), "--coder", "A", "--coder", "Z")
    assert result.exit_code == 1 and "Z" in result.stderr and "A, B" in result.stderr
    result = run(db, "agree", "--codebook", str(CODEBOOK), "--sheet", "a.csv")
    assert result.exit_code == 1 and "two coders" in result.stderr


def test_csv_keeps_negative_coefficients_as_numbers() -> None:
    # A kappa below zero is a number for the spreadsheet, not a formula to neutralise;
    # text that looks like a formula still is.
    from vmatrix.output.render import Table, to_csv

    text = to_csv(Table(["value form", "kappa", "alpha"], [["- fonctionnelle", -0.111, -3]]))
    assert text.splitlines()[1] == "'- fonctionnelle,-0.111,-3"


def test_a_coder_typed_two_ways_is_one_coder(tmp_path: Path) -> None:
    db = make_corpus(tmp_path / "c.db")
    quote = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
    other = "Ma fille s’en occupe, et j’y prends du plaisir aussi."
    rows = [
        ["entretien-01", quote, "localisation", "", "", "", "", "", "CM"],
        ["entretien-01", other, "hedonique", "", "", "", "", "", "cm "],
        ["entretien-01", quote, "localisation", "", "", "", "", "", "JB"],
    ]
    with Corpus(db) as corpus:
        from vmatrix.sheets.validate import validate_sheets

        assert validate_sheets(corpus, [write_sheet(tmp_path / "s.csv", rows)], load_codebook(CODEBOOK)).ok
        result = agreement(corpus, ["localisation", "hedonique"], coders=["cm", "jb"])
    assert result.coders == ["CM", "JB"]
    assert [u.values for u in result.units] == [
        {"CM": {"localisation"}, "JB": {"localisation"}},
        {"CM": {"hedonique"}, "JB": set()},
    ]


def test_rows_without_a_coder_in_a_one_coder_sheet_are_that_coders(tmp_path: Path) -> None:
    db = make_corpus(tmp_path / "c.db")
    quote = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
    other = "Ma fille s’en occupe, et j’y prends du plaisir aussi."
    cm = [["entretien-01", quote, "localisation", "", "", "", "", "", "CM"]]
    cm.append(["entretien-01", other, "hedonique", "", "", "", "", "", ""])
    jb = [["entretien-01", quote, "localisation", "", "", "", "", "", "JB"]]
    with Corpus(db) as corpus:
        from vmatrix.sheets.validate import validate_sheets

        sheets = [write_sheet(tmp_path / "cm.csv", cm), write_sheet(tmp_path / "jb.csv", jb)]
        result = validate_sheets(corpus, sheets, load_codebook(CODEBOOK))
        (missing,) = [f for f in result.findings if f.code == "missing-coder"]
        assert missing.row == 3 and "as CM's" in missing.message
        found = agreement(corpus, ["localisation", "hedonique"])
    assert found.coders == ["CM", "JB"]  # not a third coder "cm.csv"
    assert len(found.units) == 2
