"""The benchmark's statistics: the median's 95% interval and the goal verdicts the README's ✓ rest on."""

from __future__ import annotations

import random
import statistics

from bench.stats import FAIL, INCONCLUSIVE, PASS, median_ci, summary, verdict


def test_interval_is_the_order_statistic_one():
    assert median_ci([5, 1, 4, 2, 3]) is None  # 5 samples cannot reach 95%: 2 × 0.5⁵ = 6.25% miss
    assert median_ci([6, 1, 5, 2, 4, 3]) == [1, 6]  # n = 6: the extremes, 96.9%
    assert median_ci(list(range(1, 11))) == [2, 9]  # n = 10: 2nd to 9th, 97.9%
    assert median_ci(list(range(1, 21))) == [6, 15]  # n = 20: 6th to 15th, 95.9%


def test_interval_covers_the_true_median_at_least_95_percent_of_the_time():
    rng = random.Random(7)
    for n in (6, 9, 15, 30):
        hits = 0
        for _ in range(2000):
            # Skewed noise, like a shared machine's: the interval must not assume a bell curve.
            sample = [rng.lognormvariate(0, 0.5) for _ in range(n)]
            low, high = median_ci(sample)
            hits += low <= 1.0 <= high  # the lognormal(0, σ) median is exactly 1
        assert hits / 2000 >= 0.94, (n, hits)


def test_verdicts_need_the_whole_interval():
    assert verdict([0.98, 1.02], ">= 0.97") == PASS
    assert verdict([0.95, 1.02], ">= 0.97") == INCONCLUSIVE
    assert verdict([0.90, 0.96], ">= 0.97") == FAIL
    assert verdict([10.0, 29.0], "<= 30 ms") == PASS
    assert verdict([10.0, 31.0], "<= 30 ms") == INCONCLUSIVE
    assert verdict([31.0, 40.0], "<= 30 ms") == FAIL
    assert verdict(None, ">= 0.97") == INCONCLUSIVE  # too few repeats is never a pass


def test_summary_reports_median_spread_and_interval():
    values = [1.0, 0.9, 1.1, 1.05, 0.95, 1.0, 0.98]
    s = summary(values)
    assert s["median"] == statistics.median(values) and s["n"] == 7
    assert s["min"] == 0.9 and s["max"] == 1.1 and s["ci"] == [0.9, 1.1]
    assert summary([])["median"] is None
