"""Fisher's exact test on a 2 × 2 table, with the standard library alone.

`matrix --stats` tests every pair of labels with it. Importing scipy.stats for it took
about a second, longer than the rest of the command on 50,000 codes; the test itself is
a short sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import comb

# The floating-point weights below carry a rounding of about 1e-16 per table walked from
# the mode; any weight this close to the observed one is compared in exact integers instead.
UNSURE = 1e-9


def fisher_exact_p(table: Sequence[Sequence[int]]) -> float:
    """Two-sided p-value of Fisher's exact test on the 2 × 2 table ``[[a, b], [c, d]]``.

    With the margins fixed (rows r = a + b and c + d, first column k = a + c, total n),
    the top-left count x follows the hypergeometric law

        P(x) = C(r, x) · C(n − r, k − x) / C(n, k),   max(0, k + r − n) ≤ x ≤ min(r, k).

    The two-sided p-value is the sum of P(x) over the tables no more likely than the
    observed one: P(x) ≤ P(a) · (1 + 1e-14), scipy's relative tolerance. A table with an
    empty row or column has p = 1 (every table with its margins is the observed one).
    """
    (a, b), (c, d) = table
    if min(a, b, c, d) < 0:
        raise ValueError(f"a 2 × 2 table of counts cannot hold a negative count: {[[a, b], [c, d]]}")
    r, k, n = a + b, a + c, a + b + c + d
    if 0 in (r, c + d, k, b + d):
        return 1.0
    low, high = max(0, k + r - n), min(r, k)
    # Weights proportional to P(x), 1 at the mode (the most likely table) and shrinking on
    # both sides of it, from the ratio of neighbours
    #     P(x + 1) / P(x) = (r − x)(k − x) / ((x + 1)(n − r − k + x + 1)).
    # Once a weight falls below the smallest float it is 0.0, and so are all those further out:
    # those tables add nothing to either sum.
    mode = (r + 1) * (k + 1) // (n + 2)
    weights = {mode: 1.0}
    x, w = mode, 1.0
    while x < high and w > 0.0:
        w *= (r - x) * (k - x) / ((x + 1) * (n - r - k + x + 1))
        x += 1
        weights[x] = w
    x, w = mode, 1.0
    while x > low and w > 0.0:
        w *= x * (n - r - k + x) / ((r - x + 1) * (k - x + 1))
        x -= 1
        weights[x] = w
    observed = weights.get(a, 0.0)
    if observed == 0.0:
        return 0.0  # P(a) is below the smallest float: a p-value of 0 for every use
    tail = 0.0
    for x, w in weights.items():
        if x == a:
            tail += w
        elif abs(w - observed) <= observed * UNSURE:
            if _no_more_likely(x, a, r, k, n):
                tail += w
        elif w < observed:
            tail += w
    return min(1.0, tail / sum(weights.values()))


def _no_more_likely(x: int, a: int, r: int, k: int, n: int) -> bool:
    """P(x) ≤ P(a) · (1 + 1e-14), decided in exact integer arithmetic.

    1e-14 is scipy.stats.fisher_exact's relative tolerance (since scipy 1.9), there to
    let equally likely tables through its rounding; kept so that the p-values are scipy's.
    """
    ways_x = comb(r, x) * comb(n - r, k - x)
    ways_a = comb(r, a) * comb(n - r, k - a)
    return ways_x * 10**14 <= ways_a * (10**14 + 1)
