"""`vmatrix codebook` prints the value forms and facets."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from vmatrix.cli import app

runner = CliRunner()


def test_codebook_json(data: Path) -> None:
    result = runner.invoke(app, ["codebook", "--codebook", str(data / "codebook.toml"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    book = json.loads(result.stdout)
    assert book["name"] == "test codebook"
    assert [v["id"] for v in book["values"]][:3] == ["fonctionnelle", "personnalisation", "localisation"]
    securite = next(v for v in book["values"] if v["id"] == "securite")
    assert securite["label"] == "Sécurité" and securite["group"] == "user" and securite["definition"]
    lever = next(f for f in book["facets"] if f["id"] == "lever")
    assert lever["closed"] is True
    assert [c["id"] for c in lever["codes"]] == ["cluster", "offer", "value-chain"]


def test_codebook_table_and_markdown(data: Path) -> None:
    result = runner.invoke(app, ["codebook", "--codebook", str(data / "codebook.toml")])
    assert result.exit_code == 0
    assert "Épistémique" in result.stdout and "value-chain" in result.stdout
    result = runner.invoke(app, ["codebook", "--codebook", str(data / "codebook.toml"), "-f", "markdown"])
    rows = [
        [cell.strip() for cell in line.split("|")[1:-1]] for line in result.stdout.splitlines() if "|" in line
    ]
    assert ["epistemique", "Épistémique", "user", "Curiosity, learning."] in rows
    assert ["tool", "site-web", "Site web", "site internet", "communication"] in rows


def test_codebook_csv(data: Path) -> None:
    result = runner.invoke(app, ["codebook", "--codebook", str(data / "codebook.toml"), "-f", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "id,label,group,definition" in lines
    assert "facet,code,label,aliases,nature" in lines


def test_codebook_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [", encoding="utf-8")
    result = runner.invoke(app, ["codebook", "--codebook", str(bad)])
    assert result.exit_code == 1
    assert "not a valid TOML codebook" in result.stderr
