"""The interaction matrix: counts by unit and measure, marks, statistics, cross-tables, formats.

The small corpus (tests/corpus_builder.py) holds seven codes; counted by hand:

segment units (7): fonctionnelle 4, localisation 2, sociale 2, socialisation 2,
    épistémique 1, sécurité 1; fonctionnelle+localisation 2, fonctionnelle+épistémique 1,
    fonctionnelle+sécurité 1, sociale+socialisation 1.
document units (3): entretien-01 {fonctionnelle, localisation, sécurité, sociale},
    entretien-02 {fonctionnelle, localisation, socialisation},
    entretien-10 {sociale, socialisation, fonctionnelle, épistémique}.
tool units (3): site web {fonctionnelle, localisation, sociale},
    ERP {fonctionnelle, sécurité, épistémique}, réseaux sociaux {sociale, socialisation}.
"""

from __future__ import annotations

import csv
import io
import json
from math import comb
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.corpus_builder import small_corpus
from vmatrix.analysis.matrix import (
    MatrixOptions,
    PairStat,
    adjust,
    compute,
    crosstab,
    marks,
    measure,
    pair_stats,
)
from vmatrix.analysis.units import Analysis, Unit, Verbatim, load
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.errors import UsageError

runner = CliRunner()
VALUES = [
    "fonctionnelle",
    "personnalisation",
    "localisation",
    "sociale",
    "hedonique",
    "epistemique",
    "actualisation",
    "socialisation",
    "traditionnelle",
    "securite",
    "benevolence",
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return small_corpus(tmp_path / "c.db")


@pytest.fixture
def analysis(db: Path, data: Path):  # type: ignore[no-untyped-def]
    with Corpus(db) as corpus:
        yield load(corpus, load_codebook(data / "outputs-codebook.toml"))


def cell(analysis: Analysis, a: str, b: str, **options: object) -> float:
    (found,) = compute(analysis, MatrixOptions(**options))  # type: ignore[arg-type]
    table = found.table
    return found.cells[table.rows.index(a)][table.cols.index(b)]


def test_counts_by_segment(analysis: Analysis) -> None:
    (found,) = compute(analysis, MatrixOptions())
    assert found.table.units == 7
    assert found.table.rows == VALUES and found.table.cols == VALUES
    diagonal = {v: found.cells[i][i] for i, v in enumerate(VALUES) if found.cells[i][i]}
    assert diagonal == {
        "fonctionnelle": 4,
        "localisation": 2,
        "sociale": 2,
        "socialisation": 2,
        "epistemique": 1,
        "securite": 1,
    }
    assert cell(analysis, "fonctionnelle", "localisation") == 2
    assert cell(analysis, "localisation", "fonctionnelle") == 2
    assert cell(analysis, "sociale", "socialisation") == 1
    assert cell(analysis, "fonctionnelle", "sociale") == 0
    assert all(isinstance(v, int) for line in found.cells for v in line)


def test_counts_by_document_and_by_tool(analysis: Analysis) -> None:
    assert cell(analysis, "fonctionnelle", "fonctionnelle", unit="document") == 3
    assert cell(analysis, "fonctionnelle", "sociale", unit="document") == 2
    assert cell(analysis, "localisation", "socialisation", unit="document") == 1
    assert cell(analysis, "fonctionnelle", "fonctionnelle", unit="tool") == 2
    assert cell(analysis, "fonctionnelle", "sociale", unit="tool") == 1  # the site web carries both
    assert cell(analysis, "securite", "epistemique", unit="tool") == 1  # the ERP, across two verbatims
    assert cell(analysis, "localisation", "securite", unit="tool") == 0


def test_measures(analysis: Analysis) -> None:
    assert cell(analysis, "fonctionnelle", "localisation", measure="jaccard") == pytest.approx(
        2 / (4 + 2 - 2)
    )
    assert cell(analysis, "fonctionnelle", "localisation", measure="c") == pytest.approx(0.5)
    assert cell(analysis, "fonctionnelle", "sociale", unit="tool", measure="c") == pytest.approx(1 / 3)
    assert cell(analysis, "fonctionnelle", "localisation", measure="percent") == pytest.approx(200 / 7)
    assert cell(analysis, "fonctionnelle", "fonctionnelle", unit="document", measure="percent") == 100
    # of the 2 units with localisation, 2 have fonctionnelle; of the 4 with fonctionnelle, 2 localisation
    assert cell(analysis, "localisation", "fonctionnelle", percent="row") == 100
    assert cell(analysis, "fonctionnelle", "localisation", percent="row") == 50
    assert cell(analysis, "fonctionnelle", "localisation", percent="col") == 100


def test_marks_strong_weak_and_diagonal(analysis: Analysis) -> None:
    (found,) = compute(analysis, MatrixOptions())
    table = found.table
    f, loc, perso = (
        VALUES.index("fonctionnelle"),
        VALUES.index("localisation"),
        VALUES.index("personnalisation"),
    )
    assert found.marks[f][f] == "●"  # the form occurs
    assert found.marks[perso][perso] == ""  # it does not
    assert found.marks[f][loc] == "○"  # 2 < default strong 3
    stronger = marks(table, measure(table), strong=2)
    assert stronger[f][loc] == "●"
    picky = marks(table, measure(table), strong=3, weak=2)
    assert picky[f][loc] == "○"
    assert picky[f][VALUES.index("securite")] == ""  # 1 < weak 2
    with pytest.raises(UsageError, match="weak"):
        marks(table, measure(table), strong=1, weak=2)


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Fisher's exact test from the hypergeometric law: the tables with the same margins
    that are no more likely than the observed one."""
    row, col, n = a + b, a + c, a + b + c + d

    def pmf(x: int) -> float:
        return comb(row, x) * comb(n - row, col - x) / comb(n, col)

    observed = pmf(a)
    return sum(
        pmf(x) for x in range(max(0, col - (n - row)), min(row, col) + 1) if pmf(x) <= observed * (1 + 1e-9)
    )


def test_fisher_p_value_against_the_hypergeometric_law(analysis: Analysis) -> None:
    # 20 units: 8 with both forms, 2 with fonctionnelle only, 1 with localisation only, 9 with neither.
    def unit(*values: str) -> Unit:
        verbatim = Verbatim("d", "D", 0, 1, values, {}, {})
        return Unit(str(id(verbatim)), [verbatim])

    units = (
        [unit("fonctionnelle", "localisation")] * 8
        + [unit("fonctionnelle")] * 2
        + [unit("localisation")]
        + [unit("traditionnelle")] * 9
    )
    table = crosstab(analysis, units, "value", "value")
    pairs = {(p.row, p.col): p for p in pair_stats(table, correction="none")}
    pair = pairs["fonctionnelle", "localisation"]
    assert (pair.together, pair.n_row, pair.n_col, pair.units) == (8, 10, 9, 20)
    assert pair.expected == pytest.approx(10 * 9 / 20)
    assert pair.lift == pytest.approx(8 / 4.5)
    assert pair.p == pytest.approx(fisher_two_sided(8, 2, 1, 9), rel=1e-9)
    assert pair.p == pytest.approx(0.0054775, rel=1e-4)
    assert pair.link == "attraction"
    # fonctionnelle never meets traditionnelle: fewer than chance
    apart = pairs["fonctionnelle", "traditionnelle"]
    assert apart.p == pytest.approx(fisher_two_sided(0, 10, 9, 1), rel=1e-9)
    assert apart.link == "repulsion"
    # three forms occur: three pairs tested; forms no unit carries are left out
    assert len(pairs) == 3


def test_holm_and_bonferroni_corrections() -> None:
    def pairs() -> list[PairStat]:
        return [PairStat("a", str(i), 1, 1, 1, 4, 1.0, 1.0, p) for i, p in enumerate([0.01, 0.04, 0.03])]

    holm = pairs()
    adjust(holm, "holm")
    assert [p.p_adjusted for p in holm] == pytest.approx([0.03, 0.06, 0.06])
    bonferroni = pairs()
    adjust(bonferroni, "bonferroni")
    assert [p.p_adjusted for p in bonferroni] == pytest.approx([0.03, 0.12, 0.09])


def test_cross_table_of_tool_by_role(analysis: Analysis) -> None:
    (found,) = compute(analysis, MatrixOptions(rows="outil", cols="rôle"))
    table = found.table
    assert table.rows == ["site-web", "erp", "reseaux-sociaux"]
    assert table.cols == ["dirigeant", "expert"]
    assert table.counts == [[3, 0], [1, 1], [1, 1]]
    assert table.row_units == [3, 2, 2] and table.col_units == [5, 2]


def test_where_and_split(analysis: Analysis) -> None:
    (experts,) = compute(analysis, MatrixOptions(where=["role=expert"]))
    assert experts.table.units == 2
    parts = compute(analysis, MatrixOptions(split="role"))
    assert [(p.split, p.table.units) for p in parts] == [(("role", "dirigeant"), 5), (("role", "expert"), 2)]
    f, loc = VALUES.index("fonctionnelle"), VALUES.index("localisation")
    assert parts[0].cells[f][loc] == 2 and parts[1].cells[f][loc] == 0


# -- the command line ---------------------------------------------------------------------


def run(db: Path, data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["--corpus", str(db), "matrix", "--codebook", str(data / "outputs-codebook.toml"), *args]
    )


def test_csv_shape_is_pinned(db: Path, data: Path) -> None:
    result = run(db, data, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["", *VALUES]
    assert [r[0] for r in rows[1:]] == VALUES
    assert all(len(r) == 12 for r in rows)
    assert rows[1] == ["fonctionnelle", "4", "0", "2", "0", "0", "1", "0", "0", "0", "1", "0"]
    assert "orphaned codes: 1 of 7" in result.stderr  # counted, and said so


def test_csv_marks_and_json(db: Path, data: Path) -> None:
    marked = list(csv.reader(io.StringIO(run(db, data, "--unit", "tool", "--marks", "-f", "csv").stdout)))
    assert marked[1][1:4] == ["●", "", "○"]
    payload = json.loads(run(db, data, "--unit", "tool", "-f", "json").stdout)
    assert payload["unit"] == "tool" and payload["units"] == 3
    assert payload["rows"] == VALUES and payload["cells"][0][0] == 2


def test_split_prints_one_matrix_per_value(db: Path, data: Path) -> None:
    result = run(db, data, "--split", "role", "-f", "json")
    parts = json.loads(result.stdout)
    assert [p["data"]["split"]["value"] for p in parts] == ["dirigeant", "expert"]
    table = run(db, data, "--split", "role", "--where", "tool=erp")
    assert "role = dirigeant" in table.stdout and "role = expert" in table.stdout


def test_latex_is_escaped_and_marks_are_math(db: Path, data: Path) -> None:
    result = run(db, data, "--rows", "sector", "--cols", "value", "--weak", "1", "-f", "latex")
    assert result.exit_code == 0, result.output
    assert r"conseil \& formation\_\#1" in result.stdout
    assert "$\\bullet$" in result.stdout or "$\\circ$" in result.stdout
    assert "●" not in result.stdout and "○" not in result.stdout
    body = [line for line in result.stdout.splitlines() if line.endswith(r"\\")]
    columns = body[0].count(" & ")
    assert all(line.count(" & ") == columns for line in body)  # no stray column separator


def test_stats_table(db: Path, data: Path) -> None:
    result = run(db, data, "--stats", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    pair = next(r for r in rows if (r["value a"], r["value b"]) == ("fonctionnelle", "localisation"))
    assert pair["together"] == "2"
    assert float(pair["p"]) == pytest.approx(fisher_two_sided(2, 2, 0, 3), abs=1e-3)


def test_bad_options_are_errors(db: Path, data: Path) -> None:
    result = run(db, data, "--unit", "outill")
    assert result.exit_code == 1
    assert "--unit" in result.stderr
    result = run(db, data, "--measure", "jaccard", "--percent", "row")
    assert result.exit_code == 1 and "--percent" in result.stderr
    result = run(db, data, "--rows", "secteurs")
    assert result.exit_code == 1 and "did you mean sector" in result.stderr


def test_suggested_source(db: Path, data: Path) -> None:
    result = run(db, data, "--source", "suggested", "-f", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][1] == "1" and rows[1][3] == "1"  # one segment with fonctionnelle and localisation
    assert rows[3][3] == "2"
    refused = run(db, data, "--source", "suggested", "--unit", "initiator")
    assert refused.exit_code == 1 and "suggestions carry no initiator" in refused.stderr


def test_cross_tables_show_links_only_when_asked(db: Path, data: Path) -> None:
    plain = run(db, data, "--rows", "role", "-f", "markdown").stdout
    assert "●" not in plain and "○" not in plain
    marked = run(db, data, "--rows", "role", "--strong", "2", "-f", "markdown").stdout
    assert "2 ●" in marked


def test_narrow_terminals_get_short_unique_headers(analysis: Analysis) -> None:
    from vmatrix.analysis.matrix import to_table

    options = MatrixOptions()
    (found,) = compute(analysis, options)
    wide = to_table(analysis, found, options, ids=False, width=250)
    assert wide.columns[1] == "Fonctionnelle"
    narrow = to_table(analysis, found, options, ids=False, width=120)
    headers = narrow.columns[1:]
    assert len(set(headers)) == 11 and max(len(h) for h in headers) < len("Personnalisation")
    assert headers[3] == "Sociale" and headers[7].startswith("Sociali")
    assert [row[0] for row in narrow.rows] == headers  # rows named alike


def test_stats_title_says_which_correction(db: Path, data: Path) -> None:
    plain = run(db, data, "--stats", "--correction", "none", "-f", "markdown").stdout
    assert "Fisher's exact test, no correction, alpha 0.05" in plain
    holm = run(db, data, "--stats", "-f", "markdown").stdout
    assert "Fisher's exact test, holm correction" in holm


def test_one_number_of_decimals_per_matrix(db: Path, data: Path) -> None:
    jaccard = run(db, data, "--measure", "jaccard", "-f", "markdown").stdout
    cells = [c.strip().split(" ")[0] for line in jaccard.splitlines()[4:] for c in line.split("|")[2:-1]]
    assert "1.00" in cells and all(c == "0" or len(c.split(".")[-1]) == 2 for c in cells if c), cells
