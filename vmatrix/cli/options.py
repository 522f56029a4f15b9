"""Options and helpers that ``matrix``, ``table``, ``quote`` and ``plot`` share: what a
co-occurrence is counted in and how, which codes to count (--source), which verbatims to
keep (--where), loading the analysis, printing its notes.

Not a command: a module of its own so that each of those commands imports only itself.
Without ``from __future__ import annotations`` (see vmatrix/cli/matrix.py).
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Source(StrEnum):
    manual = "manual"
    suggested = "suggested"


class Measure(StrEnum):
    count = "count"  # type: ignore[assignment]  # the name users type, though str has a count()
    jaccard = "jaccard"
    c = "c"
    percent = "percent"


class PercentBase(StrEnum):
    row = "row"
    col = "col"


class Correction(StrEnum):
    holm = "holm"
    bonferroni = "bonferroni"
    none = "none"


SourceOption = Annotated[
    Source,
    typer.Option(
        "--source",
        case_sensitive=False,
        help="Count the validated manual codes, or the suggestions stored by `vmatrix suggest`.",
    ),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        "-w",
        metavar="KEY=VALUE",
        help="Keep the verbatims where KEY (a document attribute such as role or sector, a facet "
        "such as tool, or value, document, speaker, coder, sheet) has VALUE; KEY!=VALUE leaves "
        "them out. Repeat it: conditions on one key are alternatives, on different keys all hold.",
    ),
]


# The options of `matrix` that `plot` shares.
UnitOption = Annotated[
    str,
    typer.Option(
        "--unit",
        "-u",
        help="What a co-occurrence is counted in: segment (one coded verbatim), document, or a "
        "facet such as tool (two forms co-occur when the same tool carries both).",
    ),
]
MeasureOption = Annotated[
    Measure,
    typer.Option(
        "--measure",
        "-m",
        case_sensitive=False,
        help="count: units with both; jaccard and c (ATLAS.ti's c-coefficient, the same number): "
        "n12/(n1+n2-n12); percent: share of all units.",
    ),
]
PercentOption = Annotated[
    PercentBase | None,
    typer.Option(
        "--percent",
        case_sensitive=False,
        help="Cells as the percentage of the row's units (row) or of the column's (col).",
    ),
]
StrongOption = Annotated[
    float | None,
    typer.Option(
        "--strong",
        help="Mark cells at or above this value ● (strong link). Default by measure: count 3, "
        "percent 10, jaccard/c 0.25, --percent row/col 50.",
    ),
]
WeakOption = Annotated[
    float | None,
    typer.Option(
        "--weak",
        help="Mark cells at or above this value (and below --strong) ○ (weak link). Default: any "
        "co-occurrence.",
    ),
]
StatsOption = Annotated[
    bool,
    typer.Option(
        "--stats",
        help="Test each pair against independence: expected count, lift, Fisher's exact p-value "
        "(two-sided, corrected for the number of pairs), attraction or repulsion.",
    ),
]
CorrectionOption = Annotated[
    Correction,
    typer.Option("--correction", case_sensitive=False, help="Correction of --stats p-values for the pairs."),
]
AlphaOption = Annotated[
    float, typer.Option("--alpha", help="Level below which a corrected p-value marks a link.")
]
SplitOption = Annotated[
    str | None,
    typer.Option("--split", metavar="KEY", help="One matrix per value of KEY (e.g. role, sector, tool)."),
]


def load_analysis(corpus: Any, codebook: Path | None, source: Source) -> Any:
    from vmatrix.analysis.units import load
    from vmatrix.coding.codebook import load_codebook

    return load(corpus, load_codebook(codebook, cache=corpus), source.value)


def print_notes(notes: list[str]) -> None:
    """Diagnostics on stderr; plain text (no rich) when stderr is not a terminal."""
    if not notes:
        return
    if sys.stderr.isatty():
        from vmatrix.cli import warn

        for note in notes:
            warn(note)
    else:
        sys.stderr.write("".join(f"Warning: {note}\n" for note in notes))
        sys.stderr.flush()
