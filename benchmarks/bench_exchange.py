"""REFI-QDA export and import of a large corpus: times and peak memory, against baselines.

Builds a corpus of 2,000 documents and 50,000 codes with the store API (the synthetic
corpus of bench_outputs.py), then, each step in a process of its own so its peak memory
is its own:

* export: the corpus as a .qdpx; baseline: reading every code and text out of the corpus;
* import, exchange part: the archive read, codes mapped, selections placed and checked
  (``--dry-run``: no parsing, nothing stored);
* import, whole: the same, then the documents parsed by spaCy and everything stored, with
  the parse-and-store step timed apart; baseline: `vmatrix ingest` of the same texts;
* import again: the same file into the corpus that holds it (nothing changes).

Targets for the exchange itself (export, and import without the parse): under 10 s and
500 MB each.

    python benchmarks/bench_exchange.py [--documents 2000] [--codes 50000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def step(name: str, folder: Path) -> dict[str, float]:
    """One measured step, run in this process (called in a child process)."""
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.corpus.store import Corpus

    source, archive = folder / "source.db", folder / "corpus.qdpx"
    out: dict[str, float] = {}
    start = time.perf_counter()
    if name == "read":
        with Corpus(source) as corpus:
            codes, texts = corpus.codes(), corpus.texts()
        out["items"] = len(codes) + len(texts)
    elif name == "export":
        from vmatrix.exchange.export import project_archive

        with Corpus(source) as corpus:
            data, report = project_archive(corpus, load_codebook())
        archive.write_bytes(data)
        out["items"] = report.verbatims
        out["archive_mb"] = len(data) / 1024 / 1024
    elif name in ("dry-run", "import", "again"):
        import vmatrix.exchange.importing as importing

        stored = 0.0
        store_planned = importing.store_planned

        def timed_store(*args: object, **kwargs: object) -> object:
            nonlocal stored
            began = time.perf_counter()
            try:
                return store_planned(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                stored += time.perf_counter() - began

        importing.store_planned = timed_store  # type: ignore[assignment]
        with Corpus(folder / "imported.db", create=True) as corpus:
            report = importing.import_project(corpus, archive, load_codebook(), dry_run=name == "dry-run")
        assert report.ok, [f for f in report.validation.findings if f.severity == "error"][:5]
        out["items"] = report.rows
        out["parse_and_store"] = stored
        out["unchanged"] = float(report.unchanged)
    elif name == "ingest":
        from vmatrix.transcripts.ingest import ingest

        texts = folder / "texts"
        texts.mkdir(exist_ok=True)
        with Corpus(source) as corpus:
            for doc_id, text in corpus.texts().items():
                (texts / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        start = time.perf_counter()  # writing the files is not ingest's work
        with Corpus(folder / "ingested.db", create=True) as corpus:
            out["items"] = len(ingest(corpus, [texts]).outcomes)
    out["seconds"] = time.perf_counter() - start
    out["peak_mb"] = _peak_mb()
    return out


def run(name: str, folder: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--step", name, "--folder", str(folder)],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"step {name} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--codes", type=int, default=50_000)
    parser.add_argument("--turns", type=int, default=12, help="speaker turns per document")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.folder)))
        return

    from benchmarks.bench_outputs import build
    from vmatrix.coding.codebook import load_codebook

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        per_document = max(1, args.codes // args.documents)
        n = build(folder / "source.db", args.documents, per_document, args.turns, load_codebook().value_ids)
        print(f"corpus: {args.documents:,} documents, {n:,} codes ({args.turns} turns each)\n")
        results = {
            name: run(name, folder) for name in ("read", "export", "dry-run", "import", "again", "ingest")
        }
    read, export, dry, whole, again, ingest = (
        results[k] for k in ("read", "export", "dry-run", "import", "again", "ingest")
    )
    rows = [
        ("read codes and texts (baseline)", read, ""),
        ("export .qdpx", export, f"{export['seconds'] / read['seconds']:.1f}× the baseline"),
        ("import, exchange part (--dry-run)", dry, ""),
        ("import, whole", whole, f"{whole['seconds'] / ingest['seconds']:.2f}× ingest"),
        ("  of which parse and store", {**whole, "seconds": whole["parse_and_store"]}, ""),
        ("import again (nothing changes)", again, ""),
        ("ingest of the same texts (baseline)", ingest, ""),
    ]
    print(f"{'step':38} {'seconds':>8} {'peak MB':>8}  ratio")
    for label, figures, ratio in rows:
        print(f"{label:38} {figures['seconds']:8.2f} {figures['peak_mb']:8.0f}  {ratio}")
    print(f"\narchive: {export['archive_mb']:.1f} MB; {int(whole['items']):,} coded verbatims imported")
    # The exchange itself: export, and import but for spaCy's parse (its time measured
    # apart; its memory is spaCy's, so the import's is measured on the dry run).
    without_parse = whole["seconds"] - whole["parse_and_store"]
    for label, seconds, peak in (
        ("export", export["seconds"], export["peak_mb"]),
        ("import without the parse", without_parse, dry["peak_mb"]),
    ):
        verdict = "within" if seconds < 10 and peak < 500 else "OVER"
        print(f"{label}: {seconds:.1f} s, {peak:.0f} MB peak — {verdict} the 10 s / 500 MB aim")


if __name__ == "__main__":
    main()
