"""`matrix`, `quote` and `table` answer at interactive speed: they never import spaCy, and
import nothing heavy that their output does not need; `vmatrix --help` imports no command and
a command imports only its own module (checked with python -X importtime)."""

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


def modules(*args: str) -> set[str]:
    """Modules a vmatrix command line imports, from -X importtime."""
    command = [sys.executable, "-X", "importtime", "-m", "vmatrix", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def imported(db: Path, data: Path, *args: str) -> set[str]:
    """Top-level packages a vmatrix command imports."""
    found = modules("-C", str(db), *args, "--codebook", str(data / "outputs-codebook.toml"))
    return {name.split(".")[0] for name in found}


def command_modules(found: set[str]) -> set[str]:
    return {name for name in found if name.startswith("vmatrix.cli.")}


def test_help_imports_no_command() -> None:
    found = modules("--help")
    assert "vmatrix.cli" in found
    assert command_modules(found) == set()
    assert "spacy" not in {name.split(".")[0] for name in found}


@pytest.mark.parametrize(
    ("args", "own"),
    [
        (["matrix", "--format", "csv"], {"vmatrix.cli.matrix", "vmatrix.cli.options"}),
        (["quote", "--value", "securite", "--format", "json"], {"vmatrix.cli.quote", "vmatrix.cli.options"}),
        (["table", "--format", "csv"], {"vmatrix.cli.table", "vmatrix.cli.options"}),
        (["docs", "--format", "csv"], {"vmatrix.cli.docs"}),
        (["codes", "--format", "csv"], {"vmatrix.cli.codes"}),
    ],
)
def test_a_command_imports_only_its_own_module(db: Path, args: list[str], own: set[str]) -> None:
    assert command_modules(modules("-C", str(db), *args)) == own


def test_a_command_help_imports_only_its_own_module() -> None:
    assert command_modules(modules("lexicon", "check", "--help")) == {"vmatrix.cli.lexicon"}


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


@pytest.mark.parametrize(
    "args",
    [
        ["matrix", "--stats", "--format", "csv"],
        ["matrix", "--unit", "tool", "--stats", "--correction", "bonferroni", "--format", "json"],
    ],
)
def test_stats_import_no_scipy(db: Path, data: Path, args: list[str]) -> None:
    found = modules("-C", str(db), *args, "--codebook", str(data / "outputs-codebook.toml"))
    assert "vmatrix.analysis.fisher" in found  # Fisher's exact test is vmatrix's own
    assert not {name.split(".")[0] for name in found} & (HEAVY | {"rich"})
