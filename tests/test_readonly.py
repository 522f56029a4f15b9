"""Reads never write: a corpus whose file and folder are read-only serves every command that
only reads, run as an ordinary user, and a command that writes refuses it in one line.

Tests run as root, for whom permissions do not hold: the commands run in a child process
that drops to the user `nobody` once Python and vmatrix are loaded (the interpreter may
live where `nobody` cannot read). (That the outputs are unchanged and that the corpus file
is untouched by every read command, succeeding or failing, is checked by test_golden.py.)
"""

from __future__ import annotations

import json
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from vmatrix.resources import lexicons_dir

pytestmark = pytest.mark.slow

READS = [
    ["docs", "--format", "csv"],
    ["codes", "--format", "csv"],
    ["matrix"],
    ["matrix", "--format", "csv"],
    ["matrix", "--unit", "tool", "--stats", "--format", "csv"],
    ["table"],
    ["quote", "--value", "localisation"],
    ["quote", "--value", "localisation", "--format", "json"],
    ["evaluate", "--format", "json"],
    ["agree", "--format", "json"],
    ["codebook", "--format", "csv"],
]
FAILING_READS = [["quote", "--value", "localisatoin"], ["docs", "entretien-99"]]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WRITES = [["suggest"], ["validate", str(EXAMPLES / "codes.csv")]]

# Run each command once as root on a writable copy (so that every module it needs is
# imported), then as `nobody` on the read-only corpus; print what each run gave.
CHILD = """
import contextlib, io, json, os, pwd, sys
from vmatrix.cli import main

def run(corpus, args):
    sys.argv = ["vmatrix", "-C", corpus, *args]
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code or 0
    return {"args": args, "code": code, "out": out.getvalue(), "err": err.getvalue()}

writable, readonly, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
for args in cases:
    run(writable, args)
user = pwd.getpwnam("nobody")
os.setgroups([])
os.setgid(user.pw_gid)
os.setuid(user.pw_uid)
print(json.dumps([run(readonly, args) for args in cases]))
"""


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def readonly_corpus(examples_corpus: Path):  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="vmatrix-readonly-"))
    corpus = folder / "corpus.db"
    shutil.copy(examples_corpus, corpus)
    corpus.chmod(0o444)
    folder.chmod(0o555)
    yield corpus
    folder.chmod(0o755)
    shutil.rmtree(folder)


def test_read_only_corpus_serves_reads_and_refuses_writes(
    readonly_corpus: Path, examples_corpus: Path, tmp_path: Path
) -> None:
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user `nobody` to run the commands as")
    probe = subprocess.run(
        ["runuser", "-u", "nobody", "--", "test", "-r", str(lexicons_dir() / "codebook.toml")],
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip("the bundled codebook is in a folder the user `nobody` cannot read")
    writable = tmp_path / "writable.db"
    shutil.copy(examples_corpus, writable)
    before = folder_state(readonly_corpus.parent)
    cases = READS + FAILING_READS + WRITES
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(writable), str(readonly_corpus), json.dumps(cases)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    for result in results[: len(READS)]:
        assert result["code"] == 0, result
        assert result["out"], result
    for result in results[len(READS) : len(READS) + len(FAILING_READS)]:
        assert result["code"] == 1 and result["err"].startswith("Error: "), result
    for result in results[len(READS) + len(FAILING_READS) :]:
        assert result["code"] == 1, result
        lines = result["err"].strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and "read-only" in lines[0], result
    assert folder_state(readonly_corpus.parent) == before
