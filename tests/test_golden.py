"""The outputs of `vmatrix demo` and of every read command on the example corpus do not
change by accident: they are compared byte for byte with tests/golden/expected/.

When an output changes on purpose, run `python tests/golden/regenerate.py` and review the
diff of tests/golden/expected/ before committing it.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.golden.cases import CASES, DEMO, GOLDEN, environment, vmatrix

pytestmark = pytest.mark.slow


def folder_state(folder: Path) -> dict[str, str]:
    """The sha256 of every file in ``folder`` (a corpus and whatever SQLite left beside it)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def before(examples_corpus: Path) -> dict[str, str]:
    return folder_state(examples_corpus.parent)


@pytest.fixture(scope="module")
def outputs(
    examples_corpus: Path, before: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Every case run once, two at a time (each is a process of its own)."""
    env, empty = environment(), tmp_path_factory.mktemp("demo")
    jobs = {name: (args, examples_corpus, examples_corpus.parent) for name, args in CASES.items()}
    jobs |= {name: (args, None, empty) for name, args in DEMO.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = {name: pool.submit(vmatrix, *job, env) for name, job in jobs.items()}
    return {name: future.result() for name, future in done.items()}


def test_every_case_has_its_expected_output() -> None:
    assert {p.stem for p in GOLDEN.glob("*.txt")} == set(CASES) | set(DEMO)


@pytest.mark.parametrize("name", [*CASES, *DEMO])
def test_output_unchanged(name: str, outputs: dict[str, str]) -> None:
    assert outputs[name] == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")


def test_reads_never_write(outputs: dict[str, str], examples_corpus: Path, before: dict[str, str]) -> None:
    """Every read command above, succeeding or failing, left the corpus file as it was
    (same sha256) and nothing beside it (no -wal or -shm file)."""
    assert outputs
    assert folder_state(examples_corpus.parent) == before
    assert list(before) == [examples_corpus.name]
