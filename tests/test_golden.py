"""The outputs of `vmatrix demo` and of every read command on the example corpus do not
change by accident: they are compared byte for byte with tests/golden/expected/.

When an output changes on purpose, run `python tests/golden/regenerate.py` and review the
diff of tests/golden/expected/ before committing it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.golden.cases import CASES, DEMO, GOLDEN, environment, vmatrix

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outputs(examples_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
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
