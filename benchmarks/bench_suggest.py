"""Suggest speed against ingest speed in the same run, and the command line end to end.

    python benchmarks/bench_suggest.py [--words 500000] [--cli-words 250000] [--lexicon DIR]

Builds a corpus from the bundled examples (benchmarks/bigcorpus.py) and ingests it:
first ``--cli-words`` words into one corpus, then the rest on a copy of it (unchanged
files are skipped), timing ingest as a whole. Then, in this process:

* ``suggest`` as a library call on the full corpus, the lexicon's readings already
  cached (the model is never loaded by suggest then) — words/s next to ingest's,
  target ≥ 20× ingest;
* ``python -m vmatrix suggest --format json`` as a subprocess on the smaller corpus,
  start-up included — target < 3 s for 250k words (a 25-interview study).
"""

from __future__ import annotations

import argparse
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


def ingest_into(db: Path, folder: Path) -> tuple[int, float]:
    from vmatrix.corpus.store import Corpus
    from vmatrix.transcripts.ingest import ingest

    start = time.perf_counter()
    with Corpus(db, create=True) as corpus:
        report = ingest(corpus, [folder])
    return report.words_parsed, time.perf_counter() - start


def library_suggest(
    db: Path, lexicon_dir: Path | None, codebook: Path | None, runs: int
) -> tuple[int, list[float]]:
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.lexicon import load_lexicon, read_phrases
    from vmatrix.coding.suggest import suggest
    from vmatrix.corpus.store import Corpus

    times = []
    with Corpus(db) as corpus:
        words = sum(d.words for d in corpus.documents())  # counted as ingest counts them
        read_phrases(load_lexicon(lexicon_dir, load_codebook(codebook)), corpus)  # warm the cache
        for _ in range(runs):
            start = time.perf_counter()
            lexicon = load_lexicon(lexicon_dir, load_codebook(codebook))
            read_phrases(lexicon, corpus)
            suggest(corpus, lexicon)
            times.append(time.perf_counter() - start)
    return words, times


def cli_suggest(db: Path, out: Path, extra: list[str], runs: int) -> list[float]:
    command = [sys.executable, "-m", "vmatrix", "-C", str(db), "suggest", "--format", "json", "-o", str(out)]
    subprocess.run(command + extra, check=True, capture_output=True, cwd=ROOT)  # warm the cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command + extra, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=500_000, help="words of the full corpus")
    parser.add_argument("--cli-words", type=int, default=250_000, help="words of the corpus the CLI runs on")
    parser.add_argument("--lexicon", type=Path, help="lexicon folder (default: the bundled one)")
    parser.add_argument("--codebook", type=Path, help="codebook file (default: the bundled one)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each suggest")
    args = parser.parse_args()
    extra = [*(["--lexicon", str(args.lexicon)] if args.lexicon else [])]
    extra += [*(["--codebook", str(args.codebook)] if args.codebook else [])]

    from vmatrix.transcripts import parse

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        small_folder, full_folder = tmp_path / "small", tmp_path / "full"
        build(small_folder, args.cli_words)
        files, words = build(full_folder, args.words)
        print(f"corpus: {files} files, {words:,} words (the CLI runs on the first {args.cli_words:,})")
        parse.load_model()
        small_db, full_db = tmp_path / "small.db", tmp_path / "full.db"
        w1, s1 = ingest_into(small_db, small_folder)
        shutil.copy(small_db, full_db)
        w2, s2 = ingest_into(full_db, full_folder)
        ingest_wps = (w1 + w2) / (s1 + s2)
        print(f"ingest : {ingest_wps:10,.0f} words/s  ({w1 + w2:,} words in {s1 + s2:.1f} s)")

        full_words, times = library_suggest(full_db, args.lexicon, args.codebook, args.runs)
        best = min(times)
        suggest_wps = full_words / best
        print(
            f"suggest: {suggest_wps:10,.0f} words/s  ({full_words:,} words in {best:.2f} s, best of "
            f"{len(times)}: {', '.join(f'{t:.2f}' for t in times)})"
        )
        print(f"ratio suggest / ingest: {suggest_wps / ingest_wps:.1f}x  (target >= 20x)")

        out = tmp_path / "out.json"
        for name, db, size in (("cli", small_db, w1), ("cli", full_db, w1 + w2)):
            wall = cli_suggest(db, out, extra, args.runs)
            print(
                f"{name} suggest --format json, {size:,} words: median {statistics.median(wall):.2f} s "
                f"wall (runs: {', '.join(f'{t:.2f}' for t in wall)})"
                + ("  (target < 3 s)" if db is small_db else "")
            )


if __name__ == "__main__":
    main()
