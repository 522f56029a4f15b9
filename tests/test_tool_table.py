"""`vmatrix table`: one row per tool, as the study printed it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.corpus_builder import code, small_corpus, store_codes
from vmatrix.cli import app
from vmatrix.corpus.store import Corpus

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return small_corpus(tmp_path / "c.db")


def run(db: Path, data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["--corpus", str(db), "table", "--codebook", str(data / "outputs-codebook.toml"), *args]
    )


def test_one_row_per_tool_grouped_by_nature(db: Path, data: Path) -> None:
    result = run(db, data, "-f", "json")
    assert result.exit_code == 0, result.output
    rows = {r["tool"]: r for r in json.loads(result.stdout)}
    assert list(rows) == ["site-web", "reseaux-sociaux", "erp"]  # communication, then transactionnel
    site = rows["site-web"]
    assert site["values"] == ["fonctionnelle", "localisation", "sociale"]
    assert site["lever"] == ["offer"]
    assert site["initiator"] == ["entreprise"]
    assert site["beneficiary"] == ["clients"]
    assert (site["verbatims"], site["interviews"]) == (3, 2)
    # the ERP's verbatims give no nature for the orphaned one; the codebook's tool nature fills in
    assert rows["erp"]["nature"] == ["transactionnel"]
    assert rows["erp"]["values"] == ["fonctionnelle", "epistemique", "securite"]  # codebook order
    assert rows["reseaux-sociaux"]["nature"] == ["communication"]  # from the codebook


def test_labels_for_people_ids_for_machines(db: Path, data: Path) -> None:
    markdown = run(db, data, "-f", "markdown").stdout
    assert "| Communication " in markdown and "Réseaux sociaux" in markdown
    assert "Fonctionnelle, Épistémique, Sécurité" in markdown
    rows = list(csv.DictReader(io.StringIO(run(db, data, "-f", "csv").stdout)))
    assert rows[2]["tool"] == "erp" and rows[2]["value forms"] == "fonctionnelle; epistemique; securite"


def test_quotes_and_where(db: Path, data: Path) -> None:
    result = run(db, data, "--quotes", "--where", "role=dirigeant", "-f", "json")
    rows = {r["tool"]: r for r in json.loads(result.stdout)}
    assert rows["erp"]["verbatims"] == 1
    with Corpus(db) as corpus:
        for row in rows.values():
            for quote in row["quotes"]:
                assert quote["text"] == corpus.text(quote["document"])[quote["start"] : quote["end"]]
    shown = run(db, data, "--quotes", "-f", "markdown").stdout
    assert "« On gagne du temps, les clients commandent à distance. » (Entretien 1)" in shown


def test_csv_cells_are_safe_for_spreadsheets(db: Path, data: Path) -> None:
    with Corpus(db) as corpus, corpus.transaction():
        store_codes(
            corpus,
            [
                code(
                    corpus,
                    "entretien-01",
                    "= Moins d’erreurs",
                    ["fonctionnelle"],
                    row=2,
                    tool="=HYPERLINK(x)",
                    initiator="+33 chambre",
                    beneficiary="@clients",
                )
            ],
        )
    rows = list(csv.reader(io.StringIO(run(db, data, "-f", "csv").stdout)))
    assert rows[1][1] == "'=HYPERLINK(x)"
    assert rows[1][4:6] == ["'+33 chambre", "'@clients"]
    latex = run(db, data, "-f", "latex").stdout
    assert "=HYPERLINK(x)" in latex and "'=" not in latex


def test_where_on_value_forms(db: Path, data: Path) -> None:
    rows = run(db, data, "--where", "value=sociale", "-f", "json").stdout
    assert [r["tool"] for r in json.loads(rows)] == ["site-web", "reseaux-sociaux"]


def test_latex_quotes_wrap_one_per_line(db: Path, data: Path) -> None:
    latex = run(db, data, "--quotes", "-f", "latex").stdout
    spec = next(line for line in latex.splitlines() if line.startswith(r"\begin{tabular}"))
    assert spec.endswith(r"rrp{0.3\linewidth}}")  # the quotes column wraps on the page
    site = next(line for line in latex.splitlines() if line.startswith("Communication & Site web"))
    assert site.count(r"\newline") == site.count("(Entretien") - 1
