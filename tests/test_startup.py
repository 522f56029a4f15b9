"""`matrix`, `quote` and `table` answer at interactive speed: they never import spaCy, and
import nothing heavy that their output does not need (checked with python -X importtime)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus_builder import small_corpus

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {
    "spacy",
    "thinc",
    "numpy",
    "scipy",
    "pandas",
    "openpyxl",
    "rapidfuzz",
    "docx",
    "odf",
    "tabulate",
    "matplotlib",
}


def imported(db: Path, data: Path, *args: str) -> set[str]:
    """Top-level packages a vmatrix command imports, from -X importtime."""
    command = [sys.executable, "-X", "importtime", "-m", "vmatrix", "-C", str(db), *args]
    command += ["--codebook", str(data / "outputs-codebook.toml")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_corpus(tmp_path_factory.mktemp("startup") / "c.db")


@pytest.mark.parametrize(
    "args",
    [
        ["matrix", "--format", "csv"],
        ["matrix", "--unit", "tool", "--format", "json"],
        ["matrix", "--rows", "tool", "--cols", "role", "--format", "latex"],
        ["matrix", "--unit", "tool", "--marks", "--format", "markdown"],
        ["quote", "--value", "localisation"],
        ["quote", "--value", "localisation", "--format", "json"],
        ["table", "--format", "csv"],
    ],
)
def test_piped_data_formats_import_nothing_heavy(db: Path, data: Path, args: list[str]) -> None:
    found = imported(db, data, *args)
    assert "vmatrix" in found  # the check itself works
    assert not found & (HEAVY | {"rich"})


def test_terminal_table_needs_rich_but_not_spacy(db: Path, data: Path) -> None:
    found = imported(db, data, "matrix", "--unit", "tool")
    assert "rich" in found
    assert not found & HEAVY


def test_stats_load_scipy_only_when_asked(db: Path, data: Path) -> None:
    found = imported(db, data, "matrix", "--stats", "--format", "csv")
    assert "scipy" in found
    assert "spacy" not in found
