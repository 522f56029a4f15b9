"""vmatrix's own Fisher exact test gives scipy's p-values (scipy is the test reference only).

A researcher who checks a `matrix --stats` p-value in scipy or R must find the same number.
"""

from __future__ import annotations

import itertools
import random

import pytest
from scipy.stats import fisher_exact

from vmatrix.analysis.fisher import fisher_exact_p

Table = tuple[tuple[int, int], tuple[int, int]]


def scipy_p(table: Table) -> float:
    return float(fisher_exact(table, alternative="two-sided")[1])


def images(table: Table) -> list[Table]:
    """The table transposed, with its rows swapped, its columns swapped: all have its p-value."""
    (a, b), (c, d) = table
    return [
        ((a, b), (c, d)),
        ((b, a), (d, c)),
        ((c, d), (a, b)),
        ((d, c), (b, a)),
        ((a, c), (b, d)),
        ((c, a), (d, b)),
        ((b, d), (a, c)),
        ((d, b), (c, a)),
    ]


def test_every_table_with_counts_up_to_12_matches_scipy() -> None:
    # scipy is asked once per table and its seven images (4,186 calls, not 28,561);
    # vmatrix is asked for every table.
    reference: dict[Table, float] = {}
    for counts in itertools.product(range(13), repeat=4):
        table: Table = (counts[:2], counts[2:])  # type: ignore[assignment]
        key = min(images(table))
        if key not in reference:
            reference[key] = scipy_p(key)
        assert fisher_exact_p(table) == pytest.approx(reference[key], rel=1e-9, abs=0), table


LARGE: list[Table] = [
    ((938, 7273), (7352, 34437)),  # a pair of value forms on 50,000 segments: p ≈ 3e-46
    ((1362, 6849), (6928, 34861)),  # the same margins, as many together as expected
    ((500, 500), (500, 500)),
    ((1200, 1800), (1800, 1200)),  # equally likely mirror tables, 300 tables from the mode
    ((2999, 1), (1, 2999)),
    ((0, 3000), (3000, 0)),  # p below the smallest float
    ((12, 4988), (3, 4997)),
    ((1, 9999), (0, 10000)),
    ((40, 960), (1960, 38040)),
    ((7, 0), (4000, 3993)),
]


def random_tables(count: int, seed: int) -> list[Table]:
    """Tables of 1,000 to 20,000 units, near and far from independence."""
    rng = random.Random(seed)
    tables = []
    for _ in range(count):
        n = rng.randint(1000, 20000)
        rows, col = rng.randint(1, n - 1), rng.randint(1, n - 1)
        low, high = max(0, rows + col - n), min(rows, col)
        expected = rows * col / n
        a = min(high, max(low, round(expected * rng.choice([0.5, 0.9, 1.0, 1.05, 1.5]))))
        tables.append(((a, rows - a), (col - a, n - rows - col + a)))
    return tables


@pytest.mark.parametrize("table", LARGE + random_tables(30, seed=7), ids=str)
def test_tables_of_thousands_match_scipy(table: Table) -> None:
    assert fisher_exact_p(table) == pytest.approx(scipy_p(table), rel=1e-9, abs=0)


@pytest.mark.parametrize("table", [((0, 0), (3, 4)), ((0, 5), (0, 7)), ((0, 0), (0, 0)), ((6, 0), (2, 0))])
def test_an_empty_row_or_column_gives_p_1(table: Table) -> None:
    assert fisher_exact_p(table) == 1.0 == scipy_p(table)


def test_equally_likely_tables_both_count() -> None:
    # [[0, 4], [4, 0]] and [[4, 0], [0, 4]] are the two least likely tables with these
    # margins, each with probability 1 / C(8, 4) = 1 / 70.
    assert fisher_exact_p(((0, 4), (4, 0))) == pytest.approx(2 / 70, rel=1e-12)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        fisher_exact_p(((1, -1), (2, 3)))
