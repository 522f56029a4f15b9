"""Co-occurrence of value forms, and cross-tables of any two keys.

A cell counts the units carrying a label of the row key and a label of the column key;
on the value × value matrix the diagonal counts the units carrying each value form.
Measures:

* ``count`` — n12, the number of units;
* ``jaccard`` — n12 / (n1 + n2 − n12), the share of the units carrying either form that
  carry both;
* ``c`` — ATLAS.ti's c-coefficient, n12 / (n1 + n2 − n12): on units it is the same number
  as Jaccard's, under the name ATLAS.ti users know;
* ``percent`` — 100 · n12 / N, the share of all N units;
* ``--percent row|col`` — 100 · n12 / n1 (or / n2): of the units with the row label,
  the share that also carry the column label.

Links are marked the way the study printed them: ● strong, ○ weak, blank for none (on the
value × value diagonal, ● for every form that occurs at all). A cell is strong at or
above the ``strong`` threshold and weak when it is above zero and at or above ``weak``;
the defaults (:data:`STRONG`) depend on the measure.

``--stats`` tests each pair against independence: expected count n1 · n2 / N, lift
n12 / expected, and Fisher's exact test (two-sided) on the 2 × 2 table of units, with a
Holm (default) or Bonferroni correction over the pairs tested. A pair is an
*attraction* when it co-occurs significantly more than chance, a *repulsion* when
significantly less.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from vmatrix.analysis.fisher import fisher_exact_p
from vmatrix.analysis.units import Analysis, Unit
from vmatrix.coding.codebook import FACETS
from vmatrix.errors import UsageError
from vmatrix.table import Table

MEASURES = ("count", "jaccard", "c", "percent")
PERCENT_BASES = ("row", "col")
CORRECTIONS = ("holm", "bonferroni", "none")

STRONG_MARK = "●"
WEAK_MARK = "○"
# Default strong-link thresholds, by measure (the weak default is "any co-occurrence").
STRONG: dict[str, float] = {"count": 3, "jaccard": 0.25, "c": 0.25, "percent": 10.0, "row": 50.0, "col": 50.0}


class CrossTable(NamedTuple):
    """Counts of units by row label and column label."""

    rows_key: str
    cols_key: str
    rows: list[str]
    cols: list[str]
    counts: list[list[int]]  # n12 per (row, col)
    row_units: list[int]  # n1: units carrying each row label
    col_units: list[int]  # n2: units carrying each column label
    units: int  # N

    @property
    def symmetric(self) -> bool:
        return self.rows_key == self.cols_key


def crosstab(analysis: Analysis, units: Sequence[Unit], rows_key: str, cols_key: str) -> CrossTable:
    """Count units by (row label, column label); labels compare as the analysis says."""
    rows_of = [unit.labels(rows_key) for unit in units]
    cols_of = [unit.labels(cols_key) for unit in units]
    # Units repeat the same few label combinations: resolve each distinct one once.
    row_keys = _comparables(analysis, rows_key, rows_of)
    col_keys = _comparables(analysis, cols_key, cols_of)
    row_order = analysis.order(rows_key, _firsts(row_keys))
    col_order = analysis.order(cols_key, _firsts(col_keys))
    r_index = {analysis.comparable(rows_key, label): i for i, label in enumerate(row_order)}
    c_index = {analysis.comparable(cols_key, label): i for i, label in enumerate(col_order)}
    r_ids = {labels: sorted({r_index[k] for k, _ in keys}) for labels, keys in row_keys.items()}
    c_ids = {labels: sorted({c_index[k] for k, _ in keys}) for labels, keys in col_keys.items()}
    counts = [[0] * len(col_order) for _ in row_order]
    row_units = [0] * len(row_order)
    col_units = [0] * len(col_order)
    for rows, cols in zip(rows_of, cols_of, strict=True):
        across = c_ids[cols]
        for r in r_ids[rows]:
            row_units[r] += 1
            line = counts[r]
            for c in across:
                line[c] += 1
        for c in across:
            col_units[c] += 1
    return CrossTable(rows_key, cols_key, row_order, col_order, counts, row_units, col_units, len(units))


def _comparables(
    analysis: Analysis, key: str, labels_of: list[tuple[str, ...]]
) -> dict[tuple[str, ...], list[tuple[str, str]]]:
    """For each distinct label tuple: its (comparable form, label) pairs."""
    return {
        labels: [(analysis.comparable(key, label), label) for label in labels] for labels in set(labels_of)
    }


def _firsts(found: dict[tuple[str, ...], list[tuple[str, str]]]) -> list[str]:
    """One label per comparable form (the first met)."""
    first: dict[str, str] = {}
    for pairs in found.values():
        for key, label in pairs:
            first.setdefault(key, label)
    return list(first.values())


def measure(table: CrossTable, name: str = "count", percent: str | None = None) -> list[list[float]]:
    """The cells in the chosen measure (counts stay integers)."""
    if name not in MEASURES:
        raise UsageError(f"--measure {name!r}: choose one of {', '.join(MEASURES)}")
    if percent is not None and percent not in PERCENT_BASES:
        raise UsageError(f"--percent {percent!r}: choose row or col")
    if percent is not None and name != "count":
        raise UsageError(f"--percent {percent} gives percentages already; leave out --measure {name}")
    out: list[list[float]] = []
    for r, line in enumerate(table.counts):
        n1 = table.row_units[r]
        cells: list[float] = []
        for c, n12 in enumerate(line):
            n2 = table.col_units[c]
            if percent == "row":
                cells.append(100 * n12 / n1 if n1 else 0.0)
            elif percent == "col":
                cells.append(100 * n12 / n2 if n2 else 0.0)
            elif name == "count":
                cells.append(n12)
            elif name == "percent":
                cells.append(100 * n12 / table.units if table.units else 0.0)
            else:  # jaccard and c
                union = n1 + n2 - n12
                cells.append(n12 / union if union else 0.0)
        out.append(cells)
    return out


def marks(
    table: CrossTable,
    cells: list[list[float]],
    *,
    strong: float,
    weak: float | None = None,
) -> list[list[str]]:
    """● for strong links, ○ for weak ones, "" for none; on a symmetric diagonal, ● for
    every label that occurs at all."""
    if weak is not None and weak > strong:
        raise UsageError(f"--weak {weak:g} is above --strong {strong:g}: the weak threshold must be lower")
    out = []
    for r, line in enumerate(cells):
        row = []
        for c, value in enumerate(line):
            if table.symmetric and table.rows[r] == table.cols[c]:
                row.append(STRONG_MARK if table.row_units[r] else "")
            elif value > 0 and value >= strong:
                row.append(STRONG_MARK)
            elif value > 0 and (weak is None or value >= weak):
                row.append(WEAK_MARK)
            else:
                row.append("")
        out.append(row)
    return out


# -- statistics ------------------------------------------------------------------------


class PairStat:
    """One pair of labels tested against independence over the units (a plain class, as
    the other types of this module: it is imported at each start of ``matrix``)."""

    __slots__ = (
        "col",
        "expected",
        "lift",
        "link",
        "n_col",
        "n_row",
        "p",
        "p_adjusted",
        "row",
        "together",
        "units",
    )

    def __init__(
        self,
        row: str,
        col: str,
        n_row: int,
        n_col: int,
        together: int,
        units: int,
        expected: float,
        lift: float | None,
        p: float | None,  # None: not testable (a label in no unit, or in every unit)
    ) -> None:
        self.row, self.col = row, col
        self.n_row, self.n_col, self.together, self.units = n_row, n_col, together, units
        self.expected, self.lift, self.p = expected, lift, p
        self.p_adjusted: float | None = None
        self.link = ""  # attraction | repulsion | ""

    def __repr__(self) -> str:
        return f"PairStat({self.row!r}, {self.col!r}, together={self.together}, p={self.p})"


def pair_stats(
    table: CrossTable,
    *,
    correction: str = "holm",
    alpha: float = 0.05,
) -> list[PairStat]:
    """Expected count, lift and Fisher's exact p-value for every pair of labels.

    On a symmetric table each unordered pair of distinct labels once, otherwise every
    cell; pairs with a label that no unit carries are left out.
    """
    if correction not in CORRECTIONS:
        raise UsageError(f"--correction {correction!r}: choose one of {', '.join(CORRECTIONS)}")
    if not 0 < alpha < 1:
        raise UsageError(f"--alpha {alpha:g}: give a level between 0 and 1, e.g. 0.05")
    n = table.units
    pairs = []
    for r, row in enumerate(table.rows):
        for c, col in enumerate(table.cols):
            if table.symmetric and c <= r:
                continue
            if row == col and table.symmetric:
                continue
            n1, n2, n12 = table.row_units[r], table.col_units[c], table.counts[r][c]
            if not (n1 and n2):
                continue  # a label no unit carries: nothing to test
            expected = n1 * n2 / n if n else 0.0
            testable = 0 < n1 < n and 0 < n2 < n
            p = None
            if testable:
                p = fisher_exact_p([[n12, n1 - n12], [n2 - n12, n - n1 - n2 + n12]])
            lift = n12 / expected if expected else None
            pairs.append(PairStat(row, col, n1, n2, n12, n, expected, lift, p))
    adjust(pairs, correction)
    for pair in pairs:
        if pair.p_adjusted is not None and pair.p_adjusted < alpha:
            pair.link = "attraction" if pair.together > pair.expected else "repulsion"
    return pairs


def adjust(pairs: list[PairStat], correction: str) -> None:
    """Fill ``p_adjusted`` over the testable pairs (Holm's step-down, or Bonferroni)."""
    tested = sorted((p for p in pairs if p.p is not None), key=lambda p: p.p or 0.0)
    m = len(tested)
    running = 0.0
    for k, pair in enumerate(tested):
        assert pair.p is not None
        if correction == "bonferroni":
            pair.p_adjusted = min(1.0, m * pair.p)
        elif correction == "holm":
            running = max(running, min(1.0, (m - k) * pair.p))
            pair.p_adjusted = running
        else:
            pair.p_adjusted = pair.p


# -- the result and its tables -------------------------------------------------------------


class MatrixOptions(NamedTuple):
    """What `vmatrix matrix` was asked for (keys and names as typed)."""

    source: str = "manual"
    unit: str = "segment"
    rows: str = "value"
    cols: str = "value"
    measure: str = "count"
    percent: str | None = None
    strong: float | None = None
    weak: float | None = None
    marks_only: bool = False
    stats: bool = False
    correction: str = "holm"
    alpha: float = 0.05
    where: Sequence[str] = ()
    split: str | None = None


class Matrix(NamedTuple):
    """One matrix (or one part of a ``--split``), with what it was computed from."""

    table: CrossTable
    cells: list[list[float]]
    marks: list[list[str]]
    strong: float
    weak: float | None
    split: tuple[str, str] | None = None  # (key, label)
    pairs: list[PairStat] | None = None


def compute(analysis: Analysis, options: MatrixOptions) -> list[Matrix]:
    """The matrices ``vmatrix matrix`` prints: one, or one per label of ``--split``."""
    unit = analysis.resolve_unit(options.unit)
    rows_key = analysis.resolve_key(options.rows, option="--rows")
    cols_key = analysis.resolve_key(options.cols, option="--cols")
    conditions = analysis.conditions(options.where)
    selected = analysis.select(conditions)
    analysis.note_counted(selected)
    if options.where and not selected:
        analysis.notes.append("no verbatim meets every --where condition")
    parts: list[tuple[tuple[str, str] | None, list[Any]]] = [(None, selected)]
    if options.split:
        split_key = analysis.resolve_key(options.split, option="--split")
        parts = [((split_key, label), group) for label, group in analysis.split(selected, split_key)]
        if not parts:
            parts = [(None, selected)]
    base = options.percent or options.measure
    strong = options.strong if options.strong is not None else STRONG.get(base, STRONG["count"])
    out = []
    for split, verbatims in parts:
        units = analysis.units(verbatims, unit)
        table = crosstab(analysis, units, rows_key, cols_key)
        cells = measure(table, options.measure, options.percent)
        links = marks(table, cells, strong=strong, weak=options.weak)
        pairs = (
            pair_stats(table, correction=options.correction, alpha=options.alpha) if options.stats else None
        )
        out.append(Matrix(table, cells, links, strong, options.weak, split, pairs))
    if unit in FACETS:
        missing = sum(1 for v in selected if not v.labels(unit))
        if missing:
            analysis.notes.append(f"{missing} verbatims name no {unit} and are not in any unit")
    return out


def describe(analysis: Analysis, matrix: Matrix, options: MatrixOptions, *, pairs: bool = False) -> str:
    """The title: what is crossed, in which measure, over which units."""
    table = matrix.table
    if table.symmetric and table.rows_key == "value":
        what = "value forms"
    else:
        what = f"{analysis.key_label(table.rows_key)} × {analysis.key_label(table.cols_key)}"
    if pairs:
        correction = "no correction" if options.correction == "none" else f"{options.correction} correction"
        how = f"Fisher's exact test, {correction}, alpha {options.alpha:g}"
        head = f"Pairs of {what} against independence"
    else:
        if options.percent:
            how = f"% of {'row' if options.percent == 'row' else 'column'}"
        else:
            how = {"count": "units", "percent": "% of units", "c": "c-coefficient"}.get(
                options.measure, options.measure
            )
        head = "Co-occurrence of value forms" if what == "value forms" else what
    source = "manual codes" if analysis.source == "manual" else "suggestions"
    unit = analysis.resolve_unit(options.unit)
    title = f"{head} ({how}; unit: {unit}, {table.units} units; {source})"
    if matrix.split:
        title = f"{analysis.key_label(matrix.split[0])} = {analysis.display(*matrix.split)} — {title}"
    return title


def to_table(
    analysis: Analysis, matrix: Matrix, options: MatrixOptions, *, ids: bool, width: int | None = None
) -> Table:
    """The matrix as a :class:`Table`: ids and bare numbers for csv/json (``ids``), labels
    and link marks for the formats read by people; column headers shortened ("Foncti.")
    when the full ones would not fit in ``width`` characters (a terminal)."""
    table = matrix.table
    show = (lambda key, label: label) if ids else analysis.display
    columns = ["", *(show(table.cols_key, c) for c in table.cols)]
    # Links are the value matrix's business; a cross-table shows them when asked.
    linked = table.symmetric or options.strong is not None or options.weak is not None
    # One number of decimals per matrix: 0.57 and 1.00 for jaccard and c, 12.5 for percents.
    digits = 2 if options.measure in ("jaccard", "c") and not options.percent else 1
    rows: list[list[Any]] = []
    for r, label in enumerate(table.rows):
        line: list[Any] = [show(table.rows_key, label)]
        for c, value in enumerate(matrix.cells[r]):
            mark = matrix.marks[r][c] if linked or options.marks_only else ""
            if options.marks_only:
                line.append(mark)
            elif ids:
                line.append(_number(value))
            else:
                shown = _cell(value, digits)
                line.append(f"{shown} {mark}".rstrip() if value or mark else shown)
        rows.append(line)
    cross = not table.symmetric and not ids and not options.marks_only
    if cross:
        columns.append("units")
        for r, line in enumerate(rows):
            line.append(table.row_units[r])
        rows.append(["units", *table.col_units, table.units])
    if width is not None:
        _fit(columns, rows, width, table.symmetric)
    title = describe(analysis, matrix, options)
    payload = {
        "source": analysis.source,
        "unit": analysis.resolve_unit(options.unit),
        "rows_key": table.rows_key,
        "cols_key": table.cols_key,
        "measure": f"percent-{options.percent}" if options.percent else options.measure,
        "units": table.units,
        "rows": table.rows,
        "columns": table.cols,
        "cells": [[_number(v) for v in line] for line in matrix.cells],
        "counts": table.counts,
        "row_units": table.row_units,
        "col_units": table.col_units,
        "marks": matrix.marks,
        "strong": matrix.strong,
        "weak": matrix.weak,
        "where": list(options.where),
    }
    if matrix.split:
        payload["split"] = {"key": matrix.split[0], "value": matrix.split[1]}
    numeric = set(range(1, len(columns)))
    return Table(columns, rows, title=title, json=payload, numeric=numeric, style=_heat(matrix, cross))


def stats_table(analysis: Analysis, matrix: Matrix, options: MatrixOptions, *, ids: bool) -> Table:
    """One row per pair: counts, expected, lift, p-values and the link they show."""
    table = matrix.table
    assert matrix.pairs is not None
    show = (lambda key, label: label) if ids else analysis.display
    if table.symmetric:
        first, second = f"{table.rows_key} a", f"{table.cols_key} b"
    else:
        first, second = table.rows_key, table.cols_key
    columns = [first, second, "n a", "n b", "together", "expected", "lift", "p", "p adjusted", "link"]
    rows = [
        [
            show(table.rows_key, p.row),
            show(table.cols_key, p.col),
            p.n_row,
            p.n_col,
            p.together,
            round(p.expected, 2),
            round(p.lift, 2) if p.lift is not None else None,
            _p(p.p),
            _p(p.p_adjusted),
            p.link,
        ]
        for p in matrix.pairs
    ]
    payload = {
        "source": analysis.source,
        "unit": analysis.resolve_unit(options.unit),
        "units": table.units,
        "correction": options.correction,
        "alpha": options.alpha,
        "pairs": [
            {
                "a": p.row,
                "b": p.col,
                "n_a": p.n_row,
                "n_b": p.n_col,
                "together": p.together,
                "expected": p.expected,
                "lift": p.lift,
                "p": p.p,
                "p_adjusted": p.p_adjusted,
                "link": p.link,
            }
            for p in matrix.pairs
        ],
    }
    if matrix.split:
        payload["split"] = {"key": matrix.split[0], "value": matrix.split[1]}
    title = describe(analysis, matrix, options, pairs=True)

    def style(r: int, c: int, value: Any) -> str | None:
        link = rows[r][-1]
        return {"attraction": "green", "repulsion": "red"}.get(str(link)) if link else None

    return Table(columns, rows, title=title, json=payload, numeric=set(range(2, 9)), style=style)


def _fit(columns: list[str], rows: list[list[Any]], width: int, symmetric: bool) -> None:
    """Shorten the column headers ("Fonctionnelle" → "Foncti.") until the table fits in
    ``width`` characters, and the row labels alike on a symmetric matrix."""

    def needed(headers: list[str], labels: list[str]) -> int:
        cells = [max([len(h), *(len(_text(row[i])) for row in rows)]) for i, h in enumerate(headers) if i]
        return max(len(label) for label in labels) + sum(c + 3 for c in cells) + 4

    labels = [str(row[0]) for row in rows]
    for keep in (None, 6, 5, 4, 3):
        headers = ["", *_shorten(columns[1:], keep)]
        shown = _shorten(labels, keep) if symmetric else labels
        if needed(headers, shown) <= width or keep == 3:
            break
    columns[:] = headers
    for row, label in zip(rows, shown, strict=True):
        row[0] = label


def _shorten(labels: list[str], keep: int | None) -> list[str]:
    """Labels cut to ``keep`` letters and a dot, or as many as tell them apart
    (Sociale, Sociali. for Socialisation)."""
    if keep is None:
        return labels
    out = []
    for label in labels:
        common = max((_common_prefix(label, other) for other in labels if other != label), default=0)
        n = max(keep, common + 1)
        out.append(label if len(label) <= n + 1 else label[:n] + ".")
    return out


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _text(value: Any) -> str:
    return value if isinstance(value, str) else _cell(value)


def _number(value: float) -> float:
    if isinstance(value, int):
        return value
    return round(value, 4)


def _cell(value: float, digits: int = 1) -> str:
    if isinstance(value, int) or value == 0:
        return str(int(value))
    return f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if value >= 0.001 else f"{value:.1e}"


_HEAT = ["", "black on #deebf7", "black on #9ecae1", "white on #4292c6", "white on #08519c"]


def _heat(matrix: Matrix, cross: bool) -> Callable[[int, int, Any], str | None]:
    """Terminal shading: darker for larger values (off the diagonal on the value matrix)."""
    table = matrix.table
    off = [
        v
        for r, line in enumerate(matrix.cells)
        for c, v in enumerate(line)
        if not (table.symmetric and table.rows[r] == table.cols[c])
    ]
    top = max(off, default=0) or 1

    def style(r: int, c: int, value: Any) -> str | None:
        if c == 0 or r >= len(table.rows) or c > len(table.cols):
            return "bold" if c == 0 else None
        if table.symmetric and table.rows[r] == table.cols[c - 1]:
            return "bold"
        v = matrix.cells[r][c - 1]
        if v <= 0:
            return "dim"
        return _HEAT[min(4, 1 + int(3.999 * v / top))]

    return style
