"""The detectors InfoDash's event detector was chosen against, kept runnable so the choice can be checked.

Each takes a frame of ``timestamp, value`` and returns the timestamps at which it raises an alarm
(the first point of each run of flagged points), judging each point only on the points before it.
The chosen detector is :func:`infodash.anomalies.detect_events`; see ``evaluate_detectors.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from infodash.anomalies import detect_series, regular
from infodash.spacing import infer_spacing, seasonal_period

_MAD_TO_SIGMA = 1.4826


def first_points(stamps: np.ndarray, flagged: np.ndarray, gap: int = 1) -> pd.Series:
    """The first point of each run of flagged points (points within ``gap`` join a run)."""
    index = np.flatnonzero(flagged)
    if not len(index):
        return pd.Series([], dtype="datetime64[ns]")
    return pd.Series(stamps[index[np.r_[True, np.diff(index) > gap]]])


def _grid(frame: pd.DataFrame) -> tuple[pd.Series, int, pd.Timedelta]:
    spacing = infer_spacing(frame["timestamp"])
    grid = regular(frame[["timestamp", "value"]], spacing).set_index("timestamp")["value"].astype(float)
    return grid, seasonal_period(spacing), spacing


def weekly_median_mad(frame: pd.DataFrame, threshold: float = 6.0) -> pd.Series:
    """The simple baseline: robust z-score against the median and MAD of the week before."""
    grid, _, spacing = _grid(frame)
    window = max(int(pd.Timedelta(days=7) / spacing), 10)
    past = grid.shift(1).rolling(window, min_periods=window // 4)
    median = past.median()
    mad = (grid.shift(1) - median).abs().rolling(window, min_periods=window // 4).median() * _MAD_TO_SIGMA
    score = (grid - median) / mad.replace(0, np.nan)
    return first_points(grid.index.to_numpy(), (score.abs() >= threshold).to_numpy())


def seasonal_median(frame: pd.DataFrame) -> pd.Series:
    """InfoDash's earlier detector: the median and MAD of the same time in earlier cycles, per point."""
    scored = detect_series(frame, with_all_points=True)
    return first_points(scored["timestamp"].to_numpy(), scored["flagged"].to_numpy())


def _stl_seasonal(values: np.ndarray, period: int, cycles: int = 4) -> np.ndarray:
    """The seasonal component of each point, from an STL fit on the cycles before its own cycle."""
    seasonal = np.full(len(values), np.nan)
    for start in range(2 * period, len(values), period):
        segment = pd.Series(values[max(0, start - cycles * period):start])
        if segment.notna().sum() < 0.8 * len(segment):
            continue
        fit = STL(segment.interpolate(limit_direction="both").to_numpy(), period=period, robust=False,
                  seasonal_deg=0, trend_deg=0, low_pass_deg=0, seasonal_jump=10, trend_jump=10,
                  low_pass_jump=10).fit()
        strength = max(0.0, 1 - np.var(fit.resid) / max(np.var(fit.seasonal + fit.resid), 1e-12))
        if strength >= 0.3:  # a weak rhythm is noise: leave the series as it is
            end = min(len(values), start + period)
            seasonal[start:end] = fit.seasonal[-period:][: end - start]
    return seasonal


def stl_residual(frame: pd.DataFrame, threshold: float = 6.0, ratio: float = 1.2, lookback: int = 288) -> pd.Series:
    """Seasonal decomposition (statsmodels STL, refitted once a cycle): the deseasonalised value against
    the median of the 6 before, as a robust z-score that must also beat the last ``lookback`` points'."""
    grid, period, _ = _grid(frame)
    values = grid.to_numpy()
    seasonal = np.nan_to_num(_stl_seasonal(values, period)) if period > 1 else np.zeros(len(values))
    adjusted = pd.Series(values - seasonal)
    residual = adjusted - adjusted.shift(1).rolling(6, min_periods=3).median()
    window = min(max(period, 12), 2000)
    spread = _MAD_TO_SIGMA * residual.abs().shift(1).rolling(window, min_periods=window // 4).median()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        score = np.abs(np.nan_to_num((residual / spread.where(spread > 0)).to_numpy()))
    largest_before = pd.Series(score).shift(1).rolling(lookback, min_periods=1).max().fillna(0).to_numpy()
    return first_points(grid.index.to_numpy(), (score >= threshold) & (score >= ratio * largest_before), gap=12)


def residual_and_level_test(frame: pd.DataFrame) -> pd.Series:
    """A robust residual z-score or a windowed level-shift test (median of 12 points against the 288 before),
    each required to beat 1.2 times its own largest value of the recent past: the change-point stand-in
    that beat ``ruptures`` (see the README)."""
    grid, period, _ = _grid(frame)
    values = grid.dropna()
    series = pd.Series(values.to_numpy())
    expected = series.shift(1).rolling(8, min_periods=4).median()
    residual = series - expected
    window = min(max(period, 16), 2000)
    spread = _MAD_TO_SIGMA * residual.abs().shift(1).rolling(window, min_periods=window // 4).median()
    spike = (residual / np.maximum(spread.fillna(np.inf), 0.01 * expected.abs() + 1e-9)).abs().fillna(0)
    before = series.shift(12)
    usual = before.rolling(288, min_periods=144).median()
    usual_spread = _MAD_TO_SIGMA * (before - usual).abs().rolling(288, min_periods=144).median()
    level = ((series.rolling(12).median() - usual) / np.maximum(usual_spread.fillna(np.inf),
                                                                0.01 * usual.abs() + 1e-9)).abs().fillna(0)

    def novel(size: pd.Series, threshold: float, lookback: int) -> np.ndarray:
        return ((size >= threshold) & (size >= 1.2 * size.shift(1).rolling(lookback, min_periods=1).max().fillna(0))
                ).to_numpy()

    return first_points(values.index.to_numpy(), novel(spike, 6.0, 432) | novel(level, 8.0, 864), gap=12)
