"""The honest measure of the lexicons: suggestions against a held-out, hand-coded set.

    python benchmarks/eval_heldout.py [--lexicon DIR] [--codebook FILE] [--format markdown]

benchmarks/heldout/ holds five interviews and their coding sheet (codes.csv), written
without seeing the lexicons. Do not tune the lexicons to them: tune on your own
material, then run this once to see where they stand. The script ingests the
interviews into a temporary corpus, runs `suggest` (default settings), validates and
stores codes.csv, and prints `vmatrix evaluate`'s table at suggest's default
--min-score — per value form precision,
recall and F1, micro and macro averages, the most frequent confusions — followed by
the micro averages at a few score thresholds (what --min-score would trade).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HELDOUT = ROOT / "benchmarks" / "heldout"

THRESHOLDS = (0.2, 0.35, 0.5, 0.65, 0.8)  # 0.35 is suggest's default


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--set",
        type=Path,
        default=HELDOUT,
        help="folder with transcripts/, interviews.csv and codes.csv (default: benchmarks/heldout)",
    )
    parser.add_argument("--lexicon", type=Path, help="lexicon folder (default: the bundled one)")
    parser.add_argument("--codebook", type=Path, help="codebook file (default: the bundled one)")
    parser.add_argument("--all-segments", action="store_true", help="count uncoded segments too")
    parser.add_argument("--format", default="table", choices=["table", "markdown", "csv", "json"])
    args = parser.parse_args()

    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.evaluate import evaluate
    from vmatrix.coding.lexicon import load_lexicon, read_phrases
    from vmatrix.coding.suggest import DEFAULT_MIN_SCORE, suggest
    from vmatrix.corpus.store import Corpus
    from vmatrix.output.render import Format, Table, render
    from vmatrix.sheets.validate import validate_sheets
    from vmatrix.transcripts.ingest import ingest

    codebook = load_codebook(args.codebook)
    lexicon = load_lexicon(args.lexicon, codebook)
    with tempfile.TemporaryDirectory() as tmp, Corpus(Path(tmp) / "heldout.db", create=True) as corpus:
        ingested = ingest(corpus, [args.set / "transcripts"], meta=args.set / "interviews.csv")
        read_phrases(lexicon, corpus)
        report = suggest(corpus, lexicon, min_score=0.0)  # every score stored; thresholds below
        validation = validate_sheets(corpus, [args.set / "codes.csv"], codebook)
        if not validation.stored:
            for finding in validation.findings:
                print(f"{finding.severity}: row {finding.row}: {finding.message}", file=sys.stderr)
            raise SystemExit("codes.csv did not validate")
        words = sum(o.words for o in ingested.outcomes)
        print(
            f"set: {len(ingested.outcomes)} interviews, {words:,} words; "
            f"{sum(len(s.codes) for s in validation.sheets)} codes; lexicon {lexicon.label}; "
            f"{report.suggestions} suggestions (any score) in {len(report.segments)} segments",
            file=sys.stderr,
        )
        result = evaluate(
            corpus, values=codebook.value_ids, all_segments=args.all_segments, min_score=DEFAULT_MIN_SCORE
        )
        by_threshold = [
            (t, evaluate(corpus, values=codebook.value_ids, all_segments=args.all_segments, min_score=t))
            for t in THRESHOLDS
        ]

    def ratio(x: float | None) -> str:
        return "" if x is None else f"{x:.2f}"

    rows = [
        [c.value, c.support, c.suggested, c.tp, c.fp, c.fn, ratio(c.precision), ratio(c.recall), ratio(c.f1)]
        for c in result.values
    ]
    m, a = result.micro, result.macro
    rows.append(
        ["micro", m.support, m.suggested, m.tp, m.fp, m.fn, ratio(m.precision), ratio(m.recall), ratio(m.f1)]
    )
    rows.append(["macro", "", "", "", "", "", ratio(a.precision), ratio(a.recall), ratio(a.f1)])
    scores = Table(
        ["value", "support", "suggested", "tp", "fp", "fn", "precision", "recall", "f1"],
        rows,
        title=f"Set: {result.segments} {'segments' if args.all_segments else 'coded segments'}, "
        f"suggestions from score {DEFAULT_MIN_SCORE}",
        numeric=set(range(1, 9)),
    )
    confusions = Table(
        ["coded", "suggested instead", "segments"],
        [list(c) for c in result.confusions],
        title="Most frequent confusions",
        numeric={2},
    )
    thresholds = Table(
        ["min score", "suggested", "micro P", "micro R", "micro F1", "macro F1"],
        [
            [
                t,
                e.micro.suggested,
                ratio(e.micro.precision),
                ratio(e.micro.recall),
                ratio(e.micro.f1),
                ratio(e.macro.f1),
            ]
            for t, e in by_threshold
        ],
        title="Micro averages by score threshold",
        numeric=set(range(6)),
    )
    fmt = Format(args.format)
    if fmt is Format.json:
        payload = result.to_json()
        payload["thresholds"] = [{"min_score": t, **e.to_json()["micro"]} for t, e in by_threshold]
        render(Table([], [], json=payload), fmt)
    else:
        render([scores, confusions, thresholds], fmt)


if __name__ == "__main__":
    main()
