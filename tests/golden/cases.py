"""What the golden test runs: the example corpus, built the way a researcher builds it, and
the read commands (plus ``vmatrix demo``) whose outputs must not change by accident.

Each case runs ``python -m vmatrix`` in a subprocess, so the outputs are those a researcher
sees when piping a command (no terminal: plain text, a fixed width). ``regenerate.py`` writes
the expected files from these cases; ``tests/test_golden.py`` checks the current code
against them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent / "expected"
EXAMPLES = ROOT / "examples"
CORPUS = "<corpus>"  # stands for the corpus path in the cases and the outputs

# Writes that build the example corpus, in order.
BUILD = [
    ["ingest", str(EXAMPLES / "transcripts"), "--meta", str(EXAMPLES / "interviews.csv")],
    ["suggest"],
    ["validate", str(EXAMPLES / "codes.csv"), str(EXAMPLES / "codes-coder2.csv")],
]

# name -> arguments after `vmatrix -C CORPUS`. Names are file names under expected/.
CASES: dict[str, list[str]] = {
    "docs": ["docs"],
    "docs-csv": ["docs", "--format", "csv"],
    "docs-json": ["docs", "--format", "json"],
    "codes": ["codes"],
    "codes-json": ["codes", "--format", "json"],
    "codes-coder": ["codes", "--coder", "JB", "--value", "securite", "--format", "csv"],
    "matrix": ["matrix"],
    "matrix-csv": ["matrix", "--format", "csv"],
    "matrix-tool-marks": ["matrix", "--unit", "tool", "--marks", "--format", "markdown"],
    "matrix-document-latex": ["matrix", "--unit", "document", "--format", "latex"],
    "matrix-cross": ["matrix", "--rows", "tool", "--cols", "role", "--percent", "row"],
    "matrix-split": ["matrix", "--split", "role", "--format", "json"],
    "matrix-stats": ["matrix", "--unit", "tool", "--stats", "--format", "csv"],
    "matrix-suggested": ["matrix", "--source", "suggested", "--format", "csv"],
    "matrix-where": ["matrix", "--where", "role=expert", "--format", "csv"],
    "matrix-bad-unit": ["matrix", "--unit", "toool"],
    "table": ["table"],
    "table-csv": ["table", "--format", "csv"],
    "quote": ["quote", "--value", "localisation"],
    "quote-json": ["quote", "--value", "localisation", "--format", "json"],
    "quote-markdown": ["quote", "--value", "Sécurité", "--limit", "3", "--format", "markdown"],
    "quote-typo": ["quote", "--value", "localisatoin"],
    "evaluate": ["evaluate"],
    "evaluate-json": ["evaluate", "--format", "json"],
    "agree": ["agree"],
    "agree-json": ["agree", "--format", "json"],
    "codebook": ["codebook"],
    "codebook-csv": ["codebook", "--format", "csv"],
    "lexicon-check": ["lexicon", "check", "--format", "csv"],
}

# Cases that need no corpus (run from an empty folder).
DEMO = {
    "demo": ["demo"],
}


def environment(source: Path | None = None) -> dict[str, str]:
    """A stable environment: no terminal, a fixed width, the vmatrix of ``source`` if given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VMATRIX", "FORCE_COLOR", "NO_COLOR"))}
    env.update({"COLUMNS": "100", "LINES": "50", "TERM": "dumb", "PYTHONIOENCODING": "utf-8"})
    env.pop("TTY_COMPATIBLE", None)
    env.pop("TTY_INTERACTIVE", None)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return env


def vmatrix(args: list[str], corpus: Path | None, cwd: Path, env: dict[str, str]) -> str:
    """Run one command; returns its exit status, stdout and stderr as one text, the corpus path
    replaced by a placeholder."""
    command = [sys.executable, "-m", "vmatrix"]
    if corpus is not None:
        command += ["-C", str(corpus)]
    done = subprocess.run(command + args, cwd=cwd, env=env, capture_output=True, check=False)
    out, err = done.stdout.decode(), done.stderr.decode()
    text = f"exit {done.returncode}\n--- stdout\n{out}--- stderr\n{err}"
    if corpus is not None:
        text = text.replace(str(corpus), CORPUS)
    return text.replace(str(ROOT), "<root>")


def build(corpus: Path, env: dict[str, str]) -> None:
    for args in BUILD:
        done = vmatrix(args, corpus, corpus.parent, env)
        if not done.startswith("exit 0\n"):
            raise RuntimeError(f"vmatrix {' '.join(args)} failed:\n{done}")
