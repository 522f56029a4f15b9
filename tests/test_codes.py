"""`vmatrix codes`: listing stored codes, filtering them, and the CSV that validates again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.coding import CODEBOOK, INTERVIEW_1, make_corpus, write_sheet
from vmatrix.cli import app
from vmatrix.corpus.store import Corpus

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    db = make_corpus(tmp_path / "c.db")
    first = write_sheet(
        tmp_path / "alice.csv",
        [
            [
                "Entretien 1",
                "Les clients commandent (...) de chez eux, et on expédie.",
                "Localisation ; Fonctionnelle",
                "site internet",
                "transactionnel",
                "offer",
                "entreprise",
                "clients",
                "A",
            ],
            ["1", "=on rend service", "benevolence", "", "", "", "", "", "A"],
            ["2", "c’est de l’entraide", "Bénévolence", "réseau", "", "cluster", "", "", "A"],
        ],
    )
    second = write_sheet(
        tmp_path / "bob.csv",
        [["entretien-01", "Ma fille s’en occupe", "hedonique", "", "", "", "", "", "B"]],
    )
    result = run(db, "validate", str(first), str(second), "--codebook", str(CODEBOOK))
    assert result.exit_code == 0, result.output
    return db


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--corpus", str(db), *args])


def listed(db: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = run(db, "codes", "--format", "json", "--codebook", str(CODEBOOK), *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_listing_in_document_order(db: Path) -> None:
    codes = listed(db)
    assert [(c["document"], c["sheet"], c["row"]) for c in codes] == [
        ("entretien-01", "alice.csv", 2),
        ("entretien-01", "alice.csv", 3),
        ("entretien-01", "bob.csv", 2),
        ("entretien-02", "alice.csv", 4),
    ]
    first = codes[0]
    assert first["values"] == ["localisation", "fonctionnelle"]
    assert first["facets"]["tool"] == ["site-web"] and first["facets"]["lever"] == ["offer"]
    assert first["anchor"] == {"kind": "fragments", "score": 1.0}
    assert INTERVIEW_1[first["start"] : first["end"]] == first["anchored_text"]
    assert first["label"] == "Entretien 1"
    table = run(db, "codes")
    assert table.exit_code == 0
    assert "alice.csv:2" in table.stdout and "fragments" in table.stdout and "4 code(s)" in table.stdout


def test_filters(db: Path) -> None:
    assert [c["row"] for c in listed(db, "--doc", "Entretien 2")] == [4]
    assert [c["row"] for c in listed(db, "--doc", "2", "--doc", "entretien-01", "--coder", "B")] == [2]
    assert [c["sheet"] for c in listed(db, "--sheet", "bob.csv")] == ["bob.csv"]
    assert [c["row"] for c in listed(db, "--value", "Bénévolence")] == [3, 4]
    assert [c["row"] for c in listed(db, "--value", "benevolence", "--doc", "entretien-02")] == [4]
    assert listed(db, "--orphaned") == []


def test_bad_filters(db: Path) -> None:
    result = run(db, "codes", "--doc", "entretien-9")
    assert result.exit_code == 1 and "entretien-9" in result.stderr and result.stdout == ""
    result = run(db, "codes", "--value", "benevolance", "--codebook", str(CODEBOOK))
    assert result.exit_code == 1 and "did you mean benevolence" in result.stderr


def test_csv_validates_again_unchanged(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    result = run(db, "codes", "--sheet", "alice.csv", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("document,start,end,quote,values,tool,nature,lever,initiator")
    assert "'=on rend service" in text  # neutralised for spreadsheets, restored when read back
    check = run(db, "validate", str(out), "--dry-run", "--codebook", str(CODEBOOK), "--format", "json")
    assert check.exit_code == 0, check.output
    data = json.loads(check.stdout)
    # Only the note that was there the first time: a tool the codebook does not know.
    assert [(f["code"], f["message"]) for f in data["findings"]] == [
        ("unknown-tool", "tool 'réseau' is not in the codebook; kept as typed")
    ]
    with Corpus(db) as corpus:
        stored = [(c.document_id, c.start, c.end) for c in corpus.codes(sheets=["alice.csv"])]
    assert [(a["document"], a["start"], a["end"]) for a in data["anchors"]] == stored
