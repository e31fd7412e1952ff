"""Intervals and tests for survey figures, computed from summary statistics (mean, sd, n or counts),
so the data stays in DuckDB and only a few numbers per cell reach Python.

- A mean score: Student's t interval; the change between two waves: Welch's t-test (two
  independent samples with possibly different spread: waves are answered by different people,
  many of them anonymous, so responses cannot be paired).
- NPS: the normal interval from the multinomial variance of promoters and detractors; the change
  between waves: a two-sample z-test on that variance.
- A share (CSAT): the Wilson score interval (sound near 0 and 1 and for small n); the change:
  the two-sample z-test for proportions.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
_Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))

TEST_NAMES = {
    "mean": "Welch's t-test on the respondents' scores of the two waves",
    "nps": "two-sample z-test on the NPS (multinomial variance of promoters and detractors)",
    "share": "two-sample z-test for proportions",
}


def mean_interval(mean: float, sd: float, n: int) -> tuple[float, float]:
    """The 95% t interval of a mean; (nan, nan) when n < 2."""
    if n < 2 or math.isnan(sd):
        return math.nan, math.nan
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def welch_p_value(mean: float, sd: float, n: int, previous_mean: float, previous_sd: float, previous_n: int) -> float:
    """Two-sided p-value of Welch's t-test between two waves' means; nan when either side has n < 2.

    Two waves with no spread at all and the same mean did not move (p = 1); with different
    means they certainly did (p = 0).
    """
    if n < 2 or previous_n < 2 or math.isnan(sd) or math.isnan(previous_sd):
        return math.nan
    if sd == 0 and previous_sd == 0:
        return 1.0 if mean == previous_mean else 0.0
    return float(stats.ttest_ind_from_stats(mean, sd, n, previous_mean, previous_sd, previous_n,
                                            equal_var=False).pvalue)


def nps_standard_error(promoters: int, detractors: int, n: int) -> float:
    """Standard error of the NPS in points (-100..100): sqrt((p + d - (p - d)^2) / n) x 100."""
    if n == 0:
        return math.nan
    p, d = promoters / n, detractors / n
    return 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)


def nps_margin(promoters: int, detractors: int, n: int) -> float:
    """The NPS's 95% margin of error in points."""
    return _Z * nps_standard_error(promoters, detractors, n)


def nps_p_value(nps: float, se: float, previous_nps: float, previous_se: float) -> float:
    """Two-sided p-value of the z-test on the change of NPS between two independent waves."""
    spread = math.hypot(se, previous_se)
    if math.isnan(spread):
        return math.nan
    if spread == 0:
        return 1.0 if nps == previous_nps else 0.0
    return float(2 * stats.norm.sf(abs(nps - previous_nps) / spread))


def share_interval(successes: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95% intervals for shares given as arrays of successes and totals (nan where n = 0)."""
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1)
    low, high = proportion_confint(successes, safe, alpha=1 - CONFIDENCE, method="wilson")
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def share_p_value(successes: int, n: int, previous_successes: int, previous_n: int) -> float:
    """Two-sided p-value of the two-sample z-test for proportions; nan when a side is empty."""
    if n == 0 or previous_n == 0:
        return math.nan
    pooled = (successes + previous_successes) / (n + previous_n)
    if pooled in (0.0, 1.0):  # everyone (or no one) satisfied in both waves: no movement
        return 1.0
    return float(proportions_ztest([successes, previous_successes], [n, previous_n])[1])
