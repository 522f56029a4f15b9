"""Inter-coder agreement on stored codes.

Coders do not cut verbatims the same way, so units are built first: within a
document, codes whose spans overlap by at least half of the shorter one are the same
unit (transitively). A coder who coded the document but left a unit uncoded said
"no value" for it; a coder who did not code the document at all says nothing (a
missing value, which Krippendorff's alpha allows for).

Each value form is then a present/absent decision per unit and coder, measured by
percent agreement, Cohen's kappa (two coders) and Krippendorff's nominal alpha (any
number of coders, computed by the ``krippendorff`` package). The overall alpha pools
the present/absent decisions of every value form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from vmatrix.corpus.store import CodeRow, Corpus
from vmatrix.errors import UsageError
from vmatrix.textnorm import fold_code


@dataclass
class Unit:
    document: str
    start: int
    end: int
    # coder -> value forms; None when the coder did not code this document
    values: dict[str, set[str] | None]
    quote: str = ""

    def disagrees(self) -> bool:
        given = [v for v in self.values.values() if v is not None]
        return any(v != given[0] for v in given[1:])


@dataclass
class ValueAgreement:
    value: str
    counts: dict[str, int]  # units each coder gave this value form
    percent: float | None
    kappa: float | None
    alpha: float | None


@dataclass
class Agreement:
    coders: list[str]
    documents: list[str]
    units: list[Unit]
    values: list[ValueAgreement]
    alpha: float | None  # pooled over value forms
    percent: float | None  # pooled over value forms
    identical: float | None  # share of units where the coders gave the very same value forms
    skipped_orphaned: int = 0
    skipped_documents: list[str] = field(default_factory=list)  # coded by one coder only

    @property
    def disagreements(self) -> list[Unit]:
        return [u for u in self.units if u.disagrees()]


def coder_of(code: CodeRow) -> str:
    """A code's coder: the sheet's coder column, else the sheet's file name."""
    return code.coder or code.sheet


def agreement(
    corpus: Corpus,
    value_ids: list[str],
    *,
    coders: list[str] | None = None,
    documents: list[str] | None = None,
    sheets: list[str] | None = None,
) -> Agreement:
    """Agreement between coders over the stored codes (``value_ids``: the forms to report)."""
    codes = corpus.codes(documents=documents, sheets=sheets)
    orphaned = sum(1 for c in codes if c.status == "orphaned")
    codes = [c for c in codes if c.status != "orphaned" and c.start is not None and c.end is not None]
    # A row whose coder cell was left empty in a sheet that names one coder is theirs.
    by_sheet: dict[str, dict[str, str]] = {}  # sheet -> folded coder -> a spelling
    for code in codes:
        if code.coder:
            by_sheet.setdefault(code.sheet, {}).setdefault(fold_code(code.coder), code.coder)
    sole = {sheet: next(iter(found.values())) for sheet, found in by_sheet.items() if len(found) == 1}
    codes = [c if c.coder or c.sheet not in sole else c.replace(coder=sole[c.sheet]) for c in codes]
    # "CM", "cm" and "C.M." are one coder, named as most of their codes name them.
    spellings: dict[str, Counter[str]] = {}
    for code in codes:
        spellings.setdefault(fold_code(coder_of(code)), Counter())[coder_of(code)] += 1
    name = {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}
    codes = [c.replace(coder=name[fold_code(coder_of(c))]) for c in codes]
    found = sorted(set(name.values()))
    if coders:
        unknown = [c for c in coders if fold_code(c) not in name]
        if unknown:
            raise UsageError(
                f"no stored codes by {', '.join(unknown)}; coders found: {', '.join(found) or 'none'}"
            )
        found = list(dict.fromkeys(name[fold_code(c)] for c in coders))
        codes = [c for c in codes if coder_of(c) in found]
    if len(found) < 2:
        raise UsageError(
            "agreement needs codes by at least two coders; "
            + (f"only {found[0]} coded these documents" if found else "no codes stored")
            + " (validate each coder's sheet, with a coder column or one sheet per coder)"
        )
    by_document: dict[str, list[CodeRow]] = {}
    for code in codes:
        by_document.setdefault(code.document_id, []).append(code)
    shared = sorted(d for d, cs in by_document.items() if len({coder_of(c) for c in cs}) >= 2)
    single = sorted(set(by_document) - set(shared))
    if not shared:
        raise UsageError("no document was coded by two of the coders: nothing to compare")
    units: list[Unit] = []
    for doc_id in shared:
        text = corpus.text(doc_id)
        units += _units(doc_id, by_document[doc_id], found, text)
    per_value = [_value_agreement(v, units, found) for v in value_ids]
    pooled = [_decisions(units, found, v) for v in value_ids]
    flat = [[cell for matrix in pooled for cell in matrix[i]] for i in range(len(found))]
    return Agreement(
        coders=found,
        documents=shared,
        units=units,
        values=per_value,
        alpha=nominal_alpha(flat),
        percent=percent_agreement(flat),
        identical=_identical(units),
        skipped_orphaned=orphaned,
        skipped_documents=single,
    )


def _units(doc_id: str, codes: list[CodeRow], coders: list[str], text: str) -> list[Unit]:
    codes = sorted(codes, key=lambda c: (c.start, c.end))
    parent = list(range(len(codes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(codes)), 2):
        a, b = codes[i], codes[j]
        assert a.start is not None and a.end is not None and b.start is not None and b.end is not None
        if b.start >= a.end:
            continue
        overlap = min(a.end, b.end) - max(a.start, b.start)
        shorter = min(a.end - a.start, b.end - b.start)
        if shorter > 0 and overlap * 2 >= shorter:
            parent[root(j)] = root(i)
    groups: dict[int, list[CodeRow]] = {}
    for i, code in enumerate(codes):
        groups.setdefault(root(i), []).append(code)
    coded_here = {coder_of(c) for c in codes}
    units = []
    for members in groups.values():
        start = min(c.start for c in members if c.start is not None)
        end = max(c.end for c in members if c.end is not None)
        values: dict[str, set[str] | None] = {
            coder: (set() if coder in coded_here else None) for coder in coders
        }
        for code in members:
            given = values[coder_of(code)]
            assert given is not None
            given.update(code.values)
        units.append(Unit(doc_id, start, end, values, text[start:end]))
    return sorted(units, key=lambda u: u.start)


def _decisions(units: list[Unit], coders: list[str], value: str) -> list[list[float | None]]:
    """Coders × units: 1 if the coder gave ``value``, 0 if not, None if the coder did not code."""
    matrix: list[list[float | None]] = []
    for coder in coders:
        row: list[float | None] = []
        for unit in units:
            given = unit.values[coder]
            row.append(None if given is None else float(value in given))
        matrix.append(row)
    return matrix


def _value_agreement(value: str, units: list[Unit], coders: list[str]) -> ValueAgreement:
    matrix = _decisions(units, coders, value)
    counts = {coder: int(sum(x for x in row if x)) for coder, row in zip(coders, matrix, strict=True)}
    kappa = None
    if len(coders) == 2:
        pairs = [(a, b) for a, b in zip(matrix[0], matrix[1], strict=True) if a is not None and b is not None]
        kappa = cohen_kappa([a for a, _ in pairs], [b for _, b in pairs])
    return ValueAgreement(value, counts, percent_agreement(matrix), kappa, nominal_alpha(matrix))


def _identical(units: list[Unit]) -> float | None:
    comparable = [u for u in units if sum(v is not None for v in u.values.values()) >= 2]
    if not comparable:
        return None
    return sum(not u.disagrees() for u in comparable) / len(comparable)


# -- the coefficients ----------------------------------------------------------------


def percent_agreement(matrix: list[list[Any]]) -> float | None:
    """Share of agreeing pairs of coders, over the units two or more coders judged."""
    agree = total = 0
    for column in zip(*matrix, strict=True):
        given = [x for x in column if x is not None]
        for a, b in combinations(given, 2):
            total += 1
            agree += a == b
    return agree / total if total else None


def cohen_kappa(first: list[Any], second: list[Any]) -> float | None:
    """Cohen's kappa of two coders' labels; None when chance agreement is total (undefined)."""
    n = len(first)
    if n == 0 or n != len(second):
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    expected = sum((first.count(k) / n) * (second.count(k) / n) for k in labels)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def nominal_alpha(matrix: list[list[Any]]) -> float | None:
    """Krippendorff's alpha, nominal, for coders × units (None = missing); None if undefined."""
    import krippendorff
    import numpy as np

    data = np.array([[np.nan if x is None else x for x in row] for row in matrix], dtype=float)
    if data.size == 0:
        return None
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # a single value in the domain, or no unit judged twice
        return None
