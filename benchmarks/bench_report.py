"""How long `vmatrix report` takes, and how large its page is, against `vmatrix matrix`.

Two corpora: the bundled examples as `vmatrix demo` builds them (ingest, suggest, the
coding sheet) plus the second coder's sheet, so that every section is made; and the
synthetic corpus of bench_outputs.py, 2,000 documents and 50,000 codes with their
suggestions. Each command runs as a subprocess, the way a researcher runs it; the script
prints the median wall times, the ratio of `report` to `matrix --unit tool --format csv`
on the same corpus (the matrix the report starts from), the CPU time of one run (user +
system: what the command costs when the machine is shared) and the size of the page.

Target: under 5 s for the report on the examples; on 2,000 documents the comparison of
the suggestions with 50,000 manual codes (`vmatrix evaluate`'s work) takes most of it.

    python benchmarks/bench_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_outputs import build as build_large  # noqa: E402
from benchmarks.bench_outputs import timed  # noqa: E402
from vmatrix.coding.codebook import load_codebook  # noqa: E402
from vmatrix.corpus.store import Corpus  # noqa: E402


def build_examples(path: Path) -> None:
    from vmatrix.demo import build, example_files
    from vmatrix.sheets.validate import validate_sheets

    codebook = load_codebook()
    with Corpus(path, create=True) as corpus:
        build(corpus, codebook)
        second = example_files()[2].with_name("codes-coder2.csv")
        if not validate_sheets(corpus, [second], codebook).ok:
            sys.exit(f"{second} does not validate")


def cpu(command: list[str], env: dict[str, str]) -> float:
    """User + system seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (median)")
    args = parser.parse_args()
    python = sys.executable
    values = load_codebook().value_ids
    with tempfile.TemporaryDirectory(prefix="vmatrix-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        examples, large = Path(tmp) / "examples.db", Path(tmp) / "large.db"
        started = time.perf_counter()
        build_examples(examples)
        codes = build_large(large, 2000, 25, 40, values)
        print(
            f"corpora built in {time.perf_counter() - started:.1f} s: the examples (8 interviews, "
            f"two coders, suggestions); 2,000 documents / {codes:,} codes"
        )
        for name, db in (("examples", examples), ("2,000 documents", large)):
            page = Path(tmp) / f"{db.stem}.html"

            def vm(*rest: str, db: Path = db) -> list[str]:
                return [python, "-m", "vmatrix", "-C", str(db), *rest]

            commands = {
                "matrix --unit tool --format csv": vm("matrix", "--unit", "tool", "--format", "csv"),
                "report -o page.html": vm("report", "-o", str(page)),
            }
            results = timed(commands, args.repeat, env)
            base = results["matrix --unit tool --format csv"]
            report = results["report -o page.html"]
            size = page.stat().st_size
            print(f"\n{name}")
            for command, seconds in results.items():
                used = cpu(commands[command], env)
                print(f"  {command:<34} {seconds:6.2f} s  {seconds / base:5.1f} × matrix   cpu {used:5.2f} s")
            verdict = "under" if report < 5 else "over"
            print(f"  page: {size / 1024:,.0f} KB; report {verdict} 5 s of wall time")


if __name__ == "__main__":
    main()
