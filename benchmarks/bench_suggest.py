"""`vmatrix suggest` end to end, the whole process, on many short documents and few long ones.

    python benchmarks/bench_suggest.py [--words 252000] [--document-words 267] [--runs 3]

Builds two corpora of the same size from the bundled examples (benchmarks/bigcorpus.py):
one of many short documents (by default about 945 of 267 words, like a study of short
answers) and one of few long interviews, and ingests each. Then, for each corpus, runs
``python -m vmatrix suggest --format json -o FILE`` as a subprocess:

* the **first run after ingest** (the run that used to load the model to read the
  lexicon's terms, and that now makes the lexicon's phrase tables and keeps them in
  the corpus),
* then ``--runs`` **later runs** (which read those tables),

each as wall time and as CPU time (user + system: steadier on a busy machine), and as a
ratio to a **baseline** measured in the same run: a process that starts vmatrix's
command line and imports numpy (``python -c "import numpy, vmatrix.cli"``), the floor
any ``suggest`` pays. Target: under 2.0 s wall for 250,000 words, every run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bigcorpus import build  # noqa: E402


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of a subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def ingest(db: Path, folder: Path) -> tuple[float, float]:
    return timed([sys.executable, "-m", "vmatrix", "-C", str(db), "ingest", str(folder), "--format", "csv"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=252_000, help="words of each corpus")
    parser.add_argument("--document-words", type=int, default=267, help="words of a short document")
    parser.add_argument("--runs", type=int, default=3, help="later runs of suggest (and of the baseline)")
    parser.add_argument("--lexicon", type=Path, help="lexicon folder (default: the bundled one)")
    args = parser.parse_args()
    extra = ["--lexicon", str(args.lexicon)] if args.lexicon else []
    baseline = [sys.executable, "-c", "import numpy, vmatrix.cli"]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        results = []
        for name, document_words in (("many short documents", args.document_words), ("few long", None)):
            folder, db, out = (
                tmp_path / name.replace(" ", "-"),
                tmp_path / f"{name[:4]}.db",
                tmp_path / "o.json",
            )
            files, words = build(folder, args.words, document_words)
            ingest_wall, ingest_cpu = ingest(db, folder)
            command = [sys.executable, "-m", "vmatrix", "-C", str(db), "suggest", "--format", "json"]
            command += ["-o", str(out), *extra]
            first = timed(command)
            later = [timed(command) for _ in range(args.runs)]
            floor = [timed(baseline) for _ in range(args.runs)]
            results.append((name, files, words, ingest_wall, ingest_cpu, first, later, floor))
            shutil.rmtree(folder)

    for name, files, words, ingest_wall, ingest_cpu, first, later, floor in results:
        base_wall = statistics.median(w for w, _ in floor)
        base_cpu = statistics.median(c for _, c in floor)
        later_wall = statistics.median(w for w, _ in later)
        later_cpu = statistics.median(c for _, c in later)
        print(
            f"\n{name}: {files} documents, {words:,} words "
            f"(ingest {ingest_wall:.1f} s wall, {ingest_cpu:.1f} s CPU)"
        )
        print(f"  baseline (start-up, numpy)   {base_wall:5.2f} s wall  {base_cpu:5.2f} s CPU")
        for label, wall, cpu in (
            ("first suggest after ingest", *first),
            ("later suggest (median)", later_wall, later_cpu),
        ):
            print(
                f"  {label:28s} {wall:5.2f} s wall  {cpu:5.2f} s CPU   "
                f"= {wall / base_wall:4.1f}x / {cpu / base_cpu:4.1f}x the baseline"
                + ("   (target < 2.0 s wall)" if wall >= 2.0 else "")
            )
        print(f"  later runs (wall): {', '.join(f'{w:.2f}' for w, _ in later)}")
        print(f"  later runs (CPU):  {', '.join(f'{c:.2f}' for _, c in later)}")


if __name__ == "__main__":
    main()
