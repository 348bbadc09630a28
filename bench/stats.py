"""Median, spread and a distribution-free 95% confidence interval of the median; goal verdicts.

The interval is the order-statistic one (from the binomial distribution of how many samples fall
below the true median): it assumes nothing about the shape of the noise, which on a shared machine
is anything but normal. With fewer than 6 samples no interval reaches 95%, and the verdict is
"inconclusive".
"""

from __future__ import annotations

import math
import statistics

CONFIDENCE = 0.95
PASS, FAIL, INCONCLUSIVE = "✓", "✗", "inconclusive"


def summary(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0, "ci": None}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "ci": median_ci(values),
    }


def _binomial_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2**n


def median_ci(values: list[float], confidence: float = CONFIDENCE) -> list[float] | None:
    """[low, high] containing the true median with at least `confidence`; None when n is too small."""
    ordered = sorted(values)
    n = len(ordered)
    alpha = 1 - confidence
    # The widest k with P(X < k) <= alpha/2 gives the narrowest interval that still covers.
    k = 0
    while k + 1 <= n // 2 and _binomial_cdf(k, n) <= alpha / 2:
        k += 1
    if k == 0:
        return None
    return [ordered[k - 1], ordered[n - k]]


def verdict(ci: list[float] | None, goal: str) -> str:
    """✓ when the whole interval meets the goal, ✗ when none of it does, else inconclusive.

    `goal` reads like ">= 0.97" or "<= 30 ms" (the unit is ignored).
    """
    if not ci:
        return INCONCLUSIVE
    op, number = goal.split()[:2]
    limit = float(number)
    low, high = ci
    if op == ">=":
        return PASS if low >= limit else FAIL if high < limit else INCONCLUSIVE
    if op == "<=":
        return PASS if high <= limit else FAIL if low > limit else INCONCLUSIVE
    raise ValueError(f"goal {goal!r} must start with >= or <=")


def decided(values: list[float], goal: str) -> bool:
    return verdict(median_ci(values), goal) != INCONCLUSIVE


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]
