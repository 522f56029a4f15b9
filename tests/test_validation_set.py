"""benchmarks/validation/ stays usable: it ingests, and its two codings validate cleanly."""

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
    sheets = [SET / "codes.csv", SET / "codes-second.csv"]
    validated = runner.invoke(app, ["-C", corpus, "validate", *map(str, sheets)])
    assert validated.exit_code == 0, validated.output
    for path in sheets:
        with path.open(encoding="utf-8") as sheet:
            rows = list(csv.DictReader(sheet))
        assert f"{path.name}: {len(rows)} rows, 0 errors, 0 warnings" in " ".join(validated.output.split())
    agreed = runner.invoke(app, ["-C", corpus, "agree"])
    assert agreed.exit_code == 0, agreed.output
    assert "Agreement of V1, V2 over 145 units" in " ".join(agreed.output.split())


def test_every_value_form_is_coded_at_least_six_times() -> None:
    with (SET / "codes.csv").open(encoding="utf-8") as sheet:
        counts = Counter(value for row in csv.DictReader(sheet) for value in row["values"].split(";"))
    forms = set(load_codebook().value_ids)
    assert set(counts) == forms
    assert min(counts.values()) >= 6
