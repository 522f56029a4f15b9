"""Ingest speed against a bare spaCy pipe over the same segments, and peak memory.

    python benchmarks/bench_ingest.py [--words 500000]

Both runs happen in this process with the model already loaded, so the ratio
(ingest words/s ÷ bare nlp.pipe words/s) shows what vmatrix adds: reading, decoding,
segmenting, repairing lemmas, serialising and writing to SQLite. Target: ≥ 0.8.
Peak memory is measured in child processes ingesting a small and the full corpus:
it must not grow with the corpus (documents are streamed in small batches).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bigcorpus import build  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_pipe(folder: Path) -> tuple[int, float]:
    from vmatrix.textnorm import model_text
    from vmatrix.transcripts import parse
    from vmatrix.transcripts.ingest import plan

    planned, _ = plan([folder])
    texts = [model_text(item.source.text[s.start : s.end]) for item in planned for s in item.segments]
    words = sum(item.words for item in planned)  # counted as ingest counts them
    nlp = parse.load_model()
    start = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=parse.BATCH_SIZE):
        pass
    return words, time.perf_counter() - start


def vmatrix_ingest(folder: Path, db: Path) -> tuple[int, float]:
    from vmatrix.corpus.store import Corpus
    from vmatrix.transcripts import parse
    from vmatrix.transcripts.ingest import ingest

    parse.load_model()
    start = time.perf_counter()
    with Corpus(db, create=True) as corpus:
        report = ingest(corpus, [folder])
    return report.words_parsed, time.perf_counter() - start


def child(folder: str, db: str) -> None:
    words, seconds = vmatrix_ingest(Path(folder), Path(db))
    print(json.dumps({"words": words, "seconds": seconds, "peak_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        files, words = build(folder, args.words)
        print(f"corpus: {files} files, {words:,} words")
        # bare, ingest, bare again: the machine's drift shows in the two bare runs.
        bare_words, bare_s1 = bare_pipe(folder)
        ing_words, ing_s = vmatrix_ingest(folder, Path(tmp) / "one.db")
        _, bare_s2 = bare_pipe(folder)
        bare_s = (bare_s1 + bare_s2) / 2
        print(f"bare runs: {bare_s1:.1f} s and {bare_s2:.1f} s")
        bare_wps, ing_wps = bare_words / bare_s, ing_words / ing_s
        print(f"bare nlp.pipe : {bare_wps:9,.0f} words/s  ({bare_s:.1f} s)")
        print(f"vmatrix ingest: {ing_wps:9,.0f} words/s  ({ing_s:.1f} s)")
        print(f"ratio ingest / bare: {ing_wps / bare_wps:.2f}  (target >= 0.8)")

        small = Path(tmp) / "small"
        build(small, max(20_000, args.words // 10))
        peaks = {}
        for name, src in (("small", small), ("full", folder)):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(src), str(Path(tmp) / f"{name}.db")],
                check=True,
                capture_output=True,
                text=True,
            )
            peaks[name] = json.loads(out.stdout.strip().splitlines()[-1])
        s, f = peaks["small"], peaks["full"]
        print(
            f"peak RSS: {s['peak_mb']:.0f} MB for {s['words']:,} words, "
            f"{f['peak_mb']:.0f} MB for {f['words']:,} words "
            f"(ratio {f['peak_mb'] / s['peak_mb']:.2f} for {f['words'] / s['words']:.0f}x the words)"
        )


if __name__ == "__main__":
    main()
