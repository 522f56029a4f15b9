"""benchmarks/validation/ stays usable: it ingests, and its coding sheet validates cleanly."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook

SET = Path(__file__).parent.parent / "benchmarks" / "validation"
runner = CliRunner()


def test_every_quote_is_found_and_stored(tmp_path: Path) -> None:
    corpus = str(tmp_path / "corpus.db")
    ingested = runner.invoke(
        app, ["-C", corpus, "ingest", str(SET / "transcripts"), "--meta", str(SET / "interviews.csv")]
    )
    assert ingested.exit_code == 0, ingested.output
    validated = runner.invoke(app, ["-C", corpus, "validate", str(SET / "codes.csv")])
    assert validated.exit_code == 0, validated.output
    with (SET / "codes.csv").open(encoding="utf-8") as sheet:
        rows = list(csv.DictReader(sheet))
    assert f"{len(rows)} rows, 0 errors, 0 warnings" in " ".join(validated.output.split())


def test_every_value_form_is_coded_at_least_six_times() -> None:
    with (SET / "codes.csv").open(encoding="utf-8") as sheet:
        counts = Counter(value for row in csv.DictReader(sheet) for value in row["values"].split(";"))
    forms = set(load_codebook().value_ids)
    assert set(counts) == forms
    assert min(counts.values()) >= 6
