"""`vmatrix demo`: the whole path on the bundled examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.corpus.store import Corpus

runner = CliRunner()


@pytest.mark.slow
def test_demo_runs_the_main_job_on_the_examples(tmp_path: Path) -> None:
    kept = tmp_path / "demo.db"
    result = runner.invoke(app, ["demo", "--keep", str(kept), "--value", "Sécurité", "-n", "2", "-f", "json"])
    assert result.exit_code == 0, result.output
    matrix, tools, quotes = json.loads(result.stdout)
    assert matrix["title"].startswith("Co-occurrence of value forms")
    assert matrix["data"]["unit"] == "tool" and len(matrix["data"]["rows"]) == 11
    assert any(row["tool"] == "erp" for row in tools["data"])
    assert len(quotes["data"]) == 2 and all("securite" in q["values"] for q in quotes["data"])
    assert "ingest: 8 interviews" in result.stderr and "validate: " in result.stderr
    with Corpus(kept) as corpus:
        assert len(corpus.documents()) == 8
        assert corpus.codes() and corpus.suggestions()
        for quote in quotes["data"]:
            assert quote["text"] == corpus.text(quote["document"])[quote["start"] : quote["end"]]
    again = runner.invoke(app, ["demo", "--keep", str(kept)])
    assert again.exit_code == 1 and "exists" in again.stderr
