"""Anomaly events in one series, judged point by point on what came before, as a nightly run sees it.

Chosen on the 42 labelled series of the Numenta Anomaly Benchmark (``benchmarks/evaluate_detectors.py``:
NAB standard score 59.6, 55 of 80 windows found, 1.5 false alarms per series), against a weekly
median/MAD baseline, the per-point seasonal median, seasonal decomposition (STL), change points
(``ruptures``) and a relative-entropy detector. Two rules raise an alarm:

- **A value out of the ordinary** (``rule='value'``). The expected value is the median of the last
  few points or of the same time in the last few cycles (days for minute data, weeks for hourly
  or daily data), whichever predicted the recent past better. The score is the robust z-score of
  the difference: the spread is the median absolute error of the past, never below a fifth of the
  series' typical step (so a flat or mostly-zero series does not make every blip infinite), 1% of
  the expected value, or, for counts, the Poisson spread. It must reach 5 and exceed 1.2 times the
  series' own 99.8th percentile of past scores, and the value must rise above the week before (or
  fall below the same time in earlier cycles): recurring bursts are the series' normal life.
- **A change of level** (``rule='level'``): the mean of the latest points against the usual mean
  of such stretches before them, in robust z units; it must reach 5, be the largest change of the
  recent past and leave the range of the week before. This catches shifts and drifts that a point
  rule absorbs within a few points.

Flagged points close to an alarm (within two cycles, at most 60 points) belong to the same event.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from infodash.spacing import infer_spacing, seasonal_period

_MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class EventRules:
    """The detector's settings; the defaults are those chosen on the labelled series."""

    recent_points: int = 4  # the recent level is the median of this many points
    cycles: int = 4  # earlier cycles for the same-time expectation
    longest_window: int = 2000  # points, for the spread and the choice of expectation
    step_floor: float = 0.2  # the spread is at least this share of the typical non-zero step
    min_score: float = 5.0  # a value's robust z-score must reach this ...
    percentile: float = 0.998  # ... and beat ``above_percentile`` x this percentile of its past scores
    above_percentile: float = 1.2
    level_points: int = 18  # the level rule compares the mean of this many points (at most a cycle) ...
    level_history: int = 1000  # ... with such means over this many points before (at most eight cycles)
    min_level_score: float = 5.0
    level_memory: int = 288  # a level change must be the largest of this many points
    range_days: float = 7.0  # a value must leave the range of this many days before ...
    range_points: int = 50  # ... and of at least this many points
    hold: int = 60  # flagged points within this many points of an alarm (at most two cycles) join its event
    min_points: int = 100  # fewer points than this: too little to judge


DEFAULT_RULES = EventRules()
POINT_COLUMNS = ["timestamp", "value", "expected", "score", "level_expected", "level_observed", "level_score",
                 "rule", "alarm"]


def too_short(points: int, rules: EventRules = DEFAULT_RULES) -> str | None:
    """Why a series of ``points`` points cannot be judged, or None when it can."""
    if points < rules.min_points:
        return (f"the series has {points} point{'s' if points != 1 else ''}; at least {rules.min_points} are needed "
                "to learn its usual level and spread before anything can be judged")
    return None


def not_judged(frame: pd.DataFrame, skip_dates: Iterable[object] = (), rules: EventRules = DEFAULT_RULES) -> str | None:
    """Why the series of ``timestamp, value`` cannot be judged, or None when it can."""
    return too_short(int(_clean(frame, skip_dates).notna().sum()) if len(frame) else 0, rules)


def _clean(frame: pd.DataFrame, skip_dates: Iterable[object]) -> pd.Series:
    """One value per timestamp (duplicates summed), sorted, missing values dropped; points on skipped days
    stay in place without a value (dropping them would make the stretch of points around them a day longer)."""
    series = frame.groupby("timestamp", sort=True)["value"].sum(min_count=1).astype(float).dropna()
    skipped = pd.DatetimeIndex([pd.Timestamp(day) for day in skip_dates]).normalize()
    return series.mask(series.index.normalize().isin(skipped)) if len(skipped) else series


def _typical_step(values: np.ndarray) -> np.ndarray:
    """The median non-zero step between consecutive values, from the past only."""
    steps = np.abs(np.diff(values, prepend=np.nan))
    steps[steps == 0] = np.nan
    return pd.Series(steps).shift(1).expanding(min_periods=10).median().to_numpy()


def _leaves_range(values: np.ndarray, direction: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.where(direction > 0, values > high, values < low)


def _past_range(values: np.ndarray, lag: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    past = pd.Series(values).shift(lag).rolling(window, min_periods=1)
    return past.min().to_numpy(), past.max().to_numpy()


def _spread_floor(sigma: np.ndarray, step: np.ndarray, expected: np.ndarray) -> np.ndarray:
    sigma = np.fmax(np.fmax(sigma, step), 0.01 * np.abs(expected))
    return np.where(np.isnan(sigma), np.inf, np.fmax(sigma, 1e-9))


def score_points(frame: pd.DataFrame, skip_dates: Iterable[object] = (),
                 rules: EventRules = DEFAULT_RULES) -> pd.DataFrame:
    """Every point of one series of ``timestamp, value`` with what the detector made of it.

    Columns: timestamp, value, expected and score (the value rule's expected value and robust
    z-score), level_expected, level_observed and level_score (the level rule's usual and recent
    mean and their z-score), rule ('value', 'level' or '' where the point is flagged by neither) and
    alarm (True at the first point of each event). Points on ``skip_dates`` (e.g. public holidays)
    are neither judged nor used as history. A series too short to judge (see :func:`too_short`)
    gives an empty frame.
    """
    series = _clean(frame, skip_dates)
    if too_short(int(series.notna().sum()), rules):
        return pd.DataFrame(columns=POINT_COLUMNS)
    values = series.to_numpy()
    spacing = infer_spacing(series.index.to_series())
    period = seasonal_period(spacing)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # medians of no history yet are NaN, as meant
        expected, score, low = _value_scores(series, values, spacing, period, rules)
        level_expected, level_observed, level_score = _level_scores(values, period, rules)
    range_points = max(rules.range_points, round(pd.Timedelta(days=rules.range_days) / spacing))
    value_flag = _value_flags(values, score, low, range_points, rules)
    level_flag = _level_flags(level_observed, level_score, period, range_points, rules)
    flagged = value_flag | level_flag
    alarm = np.zeros(len(values), dtype=bool)
    alarm[_event_starts(flagged, min(rules.hold, 2 * period))] = True
    return pd.DataFrame({
        "timestamp": series.index, "value": values, "expected": expected, "score": score,
        "level_expected": level_expected, "level_observed": level_observed, "level_score": level_score,
        "rule": np.where(value_flag, "value", np.where(level_flag, "level", "")), "alarm": alarm})


def _value_scores(series: pd.Series, values: np.ndarray, spacing: pd.Timedelta, period: int,
                  rules: EventRules) -> tuple[np.ndarray, ...]:
    """Expected value, robust z-score, and the least value seen at the same time earlier (NaN where the recent
    level is the expectation)."""
    recent = pd.Series(values).shift(1).rolling(rules.recent_points, min_periods=max(1, rules.recent_points // 2))
    expected = recent.median().to_numpy()
    window = min(max(period, 2 * rules.recent_points), rules.longest_window)
    low = np.full(len(values), np.nan)
    if period > 1:
        # the same time of earlier cycles, on the regular grid the (maybe irregular) points fall on
        slot = np.rint((series.index - series.index[0]) / spacing).astype(int)
        grid = np.full(int(slot.max()) + 1, np.nan)
        grid[slot] = values
        earlier = np.column_stack([pd.Series(grid).shift(cycle * period).to_numpy()
                                   for cycle in range(1, rules.cycles + 1)])[slot]
        same_time = np.nanmedian(earlier, axis=1)
        same_time[np.sum(~np.isnan(earlier), axis=1) < 3] = np.nan
        error_recent = pd.Series(np.abs(values - expected)).shift(1).rolling(window, min_periods=window // 4).median()
        error_cycle = pd.Series(np.abs(values - same_time)).shift(1).rolling(window, min_periods=window // 4).median()
        use_cycle = (error_cycle < error_recent).to_numpy()
        expected = np.where(use_cycle, same_time, expected)
        # a fall is judged against the same time earlier (a quiet night or weekend in the week before must
        # not hide a weekday outage); a rise against the whole week before, so daily peaks stay ordinary
        low = np.nanmin(earlier, axis=1)
    residual = values - expected
    spread = _MAD_TO_SIGMA * pd.Series(np.abs(residual)).shift(1).rolling(window, min_periods=window // 4).median()
    step = np.nan_to_num(rules.step_floor * _typical_step(values), nan=0.0)  # never changed: its first change is news
    sigma = _spread_floor(np.nan_to_num(spread.to_numpy(), nan=np.inf), step, expected)
    counts = np.cumprod(np.isnan(values) | ((values >= 0) & (np.mod(values, 1) == 0))).astype(bool)  # whole so far
    sigma = np.where(counts, np.fmax(sigma, np.sqrt(np.fmax(expected, 1.0))), sigma)
    score = np.clip(np.nan_to_num(residual / sigma), -1e6, 1e6)
    return expected, score, low


def _level_scores(values: np.ndarray, period: int, rules: EventRules) -> tuple[np.ndarray, ...]:
    """Usual and recent mean of a stretch of points, and the z-score of their difference."""
    points = min(rules.level_points, max(period, 3))
    history = min(rules.level_history, max(8 * period, rules.range_points))
    recent = pd.Series(values).rolling(points, min_periods=points - points // 3).mean()  # a holiday or two in it
    before = recent.shift(points)
    enough = min(history, max(history // 4, period))  # a whole cycle at least: a night is not a fall
    usual = before.rolling(history, min_periods=enough).median()
    spread = _MAD_TO_SIGMA * (before - usual).abs().rolling(history, min_periods=enough).median()
    step = np.nan_to_num(rules.step_floor * _typical_step(values), nan=0.0)
    sigma = _spread_floor(np.nan_to_num(spread.to_numpy(), nan=np.inf), step, usual.to_numpy())
    score = np.clip(np.nan_to_num((recent - usual).to_numpy() / sigma), -1e6, 1e6)
    return usual.to_numpy(), recent.to_numpy(), score


def _value_flags(values: np.ndarray, score: np.ndarray, low: np.ndarray, range_points: int,
                 rules: EventRules) -> np.ndarray:
    size = np.abs(score)
    usual_size = pd.Series(size).shift(1).rolling(rules.longest_window, min_periods=rules.min_points)
    bar = np.maximum(rules.min_score, rules.above_percentile * usual_size.quantile(rules.percentile).fillna(np.inf))
    week_low, week_high = _past_range(values, 1, range_points)
    low = np.where(np.isnan(low), week_low, low)
    return (size >= bar.to_numpy()) & _leaves_range(values, score, low, week_high)


def _level_flags(recent: np.ndarray, score: np.ndarray, period: int, range_points: int,
                 rules: EventRules) -> np.ndarray:
    points = min(rules.level_points, max(period, 3))
    size = np.abs(score)
    largest_before = pd.Series(size).shift(points).rolling(rules.level_memory, min_periods=1).max().fillna(0)
    low, high = _past_range(recent, points, range_points)
    return (size >= rules.min_level_score) & (size >= largest_before.to_numpy()) \
        & _leaves_range(recent, score, low, high)


def _event_starts(flagged: np.ndarray, hold: int) -> np.ndarray:
    """The first flagged point of each event; flagged points within ``hold`` points of the alarm join it."""
    starts, last = [], -hold - 1
    for index in np.flatnonzero(flagged):  # alarms are few: the loop is cheap and reads plainly
        if index - last > hold:
            starts.append(index)
            last = index
    return np.array(starts, dtype=int)


EVENT_COLUMNS = ["start", "end", "peak", "direction", "rule", "score", "observed", "expected", "points"]


def events_of(points: pd.DataFrame, rules: EventRules = DEFAULT_RULES) -> pd.DataFrame:
    """One row per event of :func:`score_points`' output: its alarm (``start``), its last flagged point
    (``end``), its most unusual point (``peak``), direction ('spike' or 'drop'), the rule that raised
    it, the score in units of the rule's threshold (1: just raised), and the observed and expected
    value at the peak (for the level rule, the recent and the usual mean)."""
    flagged = points[points["rule"] != ""]
    if not points["alarm"].any():
        return pd.DataFrame(columns=EVENT_COLUMNS)
    event = points["alarm"].cumsum()[flagged.index]
    rows = []
    for _, members in flagged.groupby(event[event > 0]):
        start = members.iloc[0]
        level = start["rule"] == "level"
        sizes = (members["level_score"] if level else members["score"]).abs()
        peak = members.loc[sizes.idxmax()]
        rows.append({"start": start["timestamp"], "end": members["timestamp"].iloc[-1], "peak": peak["timestamp"],
                     "direction": "spike" if (peak["level_score"] if level else peak["score"]) > 0 else "drop",
                     "rule": start["rule"], "score": float(sizes.max()) / (rules.min_level_score if level
                                                                            else rules.min_score),
                     "observed": float(peak["level_observed"] if level else peak["value"]),
                     "expected": float(peak["level_expected"] if level else peak["expected"]),
                     "points": len(members)})
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)
