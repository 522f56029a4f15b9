"""The honest measure of the lexicons: suggestions against a held-out, hand-coded set.

    python benchmarks/eval_heldout.py [--set DIR] [--lexicon DIR] [--codebook FILE] [--format markdown]

benchmarks/heldout/ holds five interviews and their coding sheet (codes.csv), written
without seeing the lexicons, and benchmarks/heldout-spoken/ six spoken interviews
written and coded the same way (--set benchmarks/heldout-spoken), and
benchmarks/heldout-study/ eight interviews written blind in the manner of a published
study's verbatims (--set benchmarks/heldout-study); benchmarks/dev/ is the development set
(--set), with benchmarks/dev-spoken/, dev-study/ and dev-voices/ beside it.
benchmarks/validation/ (--set benchmarks/validation) is the validation set: eight
interviews written and coded blind from the codebook's definitions, for choosing suggest's
scoring settings, not lexicon words. Do not tune the lexicons to a held-out set: tune on your own
material, then run this once to see where they stand. The script ingests the interviews
into a temporary corpus, runs `suggest` (default settings), validates and stores
codes.csv, and prints, at suggest's default --min-score: `vmatrix evaluate`'s table by
segment (per value form precision, recall and F1, micro and macro averages, the most
frequent confusions), the averages at a few score thresholds (what --min-score would
trade), the table by tool (the verbatims naming a tool pooled: the study's unit), the
averages by unit (segment, document, verbatim, tool, and "tool (draft)": the tool table
`table --source suggested` drafts from the tools and value forms suggested, against the
one the codes make, per codebook tool coded) beside those of suggesting all eleven value
forms everywhere, the recall by value form (found / coded) for each unit, and the tools
found against the tools coded.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HELDOUT = ROOT / "benchmarks" / "heldout"


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
    from vmatrix.coding.evaluate import (
        THRESHOLDS,
        UNITS,
        anchored_codes,
        confusion_table,
        make_units,
        predict_all,
        ratio,
        score_table,
        stored_suggestions,
        tabulate,
        threshold_table,
        tool_resolver,
        tool_units,
    )
    from vmatrix.coding.lexicon import load_lexicon, read_phrases
    from vmatrix.coding.suggest import DEFAULT_MIN_SCORE, suggest
    from vmatrix.coding.tools import suggested_tools, tool_lexicon
    from vmatrix.corpus.store import Corpus
    from vmatrix.output.render import Format, Table, render
    from vmatrix.sheets.validate import validate_sheets
    from vmatrix.transcripts.ingest import ingest

    codebook = load_codebook(args.codebook)
    lexicon = load_lexicon(args.lexicon, codebook)
    with tempfile.TemporaryDirectory() as tmp, Corpus(Path(tmp) / "heldout.db", create=True) as corpus:
        ingested = ingest(corpus, [args.set / "transcripts"], meta=args.set / "interviews.csv")
        read_phrases(lexicon, corpus)
        # every score stored (thresholds below), and the tools found
        report = suggest(corpus, lexicon, min_score=0.0, tools=tool_lexicon(codebook))
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
        codes = anchored_codes(corpus)
        suggested = stored_suggestions(corpus, sorted({c.document_id for c in codes}))
        units = {
            unit: make_units(
                corpus, codes, suggested, unit=unit, all_segments=args.all_segments, codebook=codebook
            )
            for unit in (("segment", "document") if args.all_segments else UNITS)
        }
        found_tools = suggested_tools(corpus, sorted({c.document_id for c in codes}))
        resolve = tool_resolver(codebook)
        tools_found = {
            unit: tabulate(tool_units(corpus, codes, found_tools, unit=unit, resolve=resolve), unit=unit)
            for unit in ("segment", "verbatim")
        }
        draft = _drafted_tools(corpus, codebook, DEFAULT_MIN_SCORE)
    order = codebook.value_ids
    results = {
        unit: tabulate(found, values=order, min_score=DEFAULT_MIN_SCORE, thresholds=THRESHOLDS, unit=unit)
        for unit, found in units.items()
    }
    baselines = {
        unit: tabulate(predict_all(found, order), values=order, unit=unit) for unit, found in units.items()
    }
    result = results["segment"]
    if not args.all_segments:
        units["tool (draft)"] = draft
        results["tool (draft)"] = tabulate(draft, values=order, unit="tool")
        baselines["tool (draft)"] = tabulate(predict_all(draft, order), values=order, unit="tool")

    summary = Table(
        ["unit", "units", "suggestions", "micro P", "micro R", "micro F1", "macro P", "macro R", "macro F1"],
        [
            [
                unit,
                e.units,
                name,
                *(ratio(x) for x in (e.micro.precision, e.micro.recall, e.micro.f1)),
                *(ratio(x) for x in (e.macro.precision, e.macro.recall, e.macro.f1)),
            ]
            for unit in units
            for name, e in (("lexicons", results[unit]), (f"all {len(order)} forms", baselines[unit]))
        ],
        title=f"Averages by unit, suggestions from score {DEFAULT_MIN_SCORE} "
        f"(all {len(order)} forms: every value form suggested everywhere, for reference)",
        numeric={1, *range(3, 9)},
    )
    recall = Table(
        ["value", *(f"{unit} found / coded" for unit in units)],
        [
            [c.value, *(_found(results[unit], c.value) for unit in units)]
            for c in result.values
            if any(_found(results[unit], c.value) for unit in units)
        ],
        title="Recall by value form",
    )
    detection = Table(
        ["unit", "units", "micro P", "micro R", "micro F1", "macro F1"],
        [
            [
                unit,
                e.units,
                *(ratio(x) for x in (e.micro.precision, e.micro.recall, e.micro.f1)),
                ratio(e.macro.f1),
            ]
            for unit, e in tools_found.items()
        ],
        title="Tools found against tools coded (a tool described in the coder's words counts as the "
        "codebook tools it names)",
        numeric={1, 2, 3, 4, 5},
    )
    fmt = Format(args.format)
    if fmt is Format.json:
        payload = {
            unit: {**results[unit].to_json(), "all_forms": baselines[unit].to_json()} for unit in units
        }
        payload["tools_found"] = {unit: e.to_json() for unit, e in tools_found.items()}
        render(Table([], [], json=payload), fmt)
    else:
        render(
            [
                score_table(
                    result,
                    f"Set: {result.units} {'segments' if args.all_segments else 'coded segments'}, "
                    f"suggestions from score {DEFAULT_MIN_SCORE}",
                ),
                confusion_table(result),
                threshold_table(result),
                *(
                    score_table(results[u], f"Tools: {results[u].units} tools")
                    for u in ("tool",)
                    if u in units
                ),
                summary,
                recall,
                detection,
            ],
            fmt,
        )


def _drafted_tools(corpus: Any, codebook: Any, min_score: float) -> list[Any]:
    """The tool table `vmatrix table --source suggested` drafts, against the one the codes
    make: for every codebook tool the coders name, the value forms of its coded verbatims
    against those suggested (from ``min_score``) in the segments that name it or inherit it
    from their question — detection and pooling together, what a researcher would get
    before coding. Tools described in words naming no codebook tool are left out (no draft
    can name them); a coded tool no segment names is drafted with no value form."""
    from vmatrix.analysis.units import load
    from vmatrix.coding.evaluate import Unit

    manual = load(corpus, codebook, "manual")
    known = {code.id for code in codebook.facets["tool"].codes}
    coded = {}
    for unit in manual.units(manual.verbatims, "tool"):
        tool = manual.comparable("tool", unit.key)
        if tool in known:
            coded[tool] = frozenset(unit.values)
    suggested: dict[tuple[str, int], dict[str, float]] = {}
    for row in corpus.suggestions():
        if row.score >= min_score:
            suggested.setdefault((row.document_id, row.segment), {})[row.value] = row.score
    drafted: dict[str, dict[str, float]] = {}
    for row in corpus.segment_tools():
        pooled = drafted.setdefault(row.tool, {})
        for value, score in suggested.get((row.document_id, row.segment), {}).items():
            pooled[value] = max(score, pooled.get(value, 0.0))
    return [Unit(tool, (), gold, drafted.get(tool, {})) for tool, gold in coded.items()]


def _found(result: Any, value: str) -> str:
    for c in result.values:
        if c.value == value and c.support:
            return f"{c.tp} / {c.support}"
    return ""


if __name__ == "__main__":
    main()
