"""Spikes and drops in a time series, judged against the series' own rhythm.

:func:`detect_events` finds the anomaly events of any single series, each point judged on its past,
with the rules chosen on the labelled NAB series (:mod:`infodash.series_events`).
:func:`events_from_points` turns flagged points of many series into events, as the usage detectors
report them.

:func:`detect_series` takes a frame of ``timestamp, value`` at any regular spacing, from
minutes to weeks. Each point is compared with the points at the same phase of the seasonal
cycle in the preceding cycles (the same hour of the same weekday in earlier weeks, for hourly
data): their median is the expected value and their median absolute deviation (MAD) the spread.
Medians ignore the odd holiday, outage or earlier spike in the history, so one unusual day does
not distort what is expected of the next. The score is the robust z-score
``(value - median) / (1.4826 x MAD)``; a point is flagged when its size reaches the threshold.

For counts (whole, non-negative values) the spread is at least the Poisson spread sqrt(expected),
so a quiet series going from 2 to 5 is not a spike. The seasonal period is inferred from the
spacing unless given: under an hour, one day of points (e.g. 288 for 5 minutes); hourly up to a
day, one week (168 for hourly: weekday x hour of day); daily, 7; weekly and longer, no seasonality.

The same scoring serves many series at once (:func:`score_series` with ``key``), which is how
the per-user, per-group, per-system and per-resource usage detectors use it, and the evidence
charts draw its band.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from infodash.series_events import DEFAULT_RULES, EVENT_COLUMNS, EventRules, events_of, not_judged, score_points
from infodash.spacing import infer_spacing, seasonal_period

# Chosen on data (python benchmarks/evaluate_detectors.py): on the small demo, 6 finds all 5
# planted anomalies and nothing else (precision 1.0); 4.5 finds them among 17 findings (0.29);
# 8 misses the two-day vendor outage.
DEFAULT_THRESHOLD = 6.0
SENSITIVITY: dict[str, float] = {"high": 4.5, "normal": DEFAULT_THRESHOLD, "low": 8.0}
DEFAULT_HISTORY = 8  # earlier cycles compared with: two months of weeks for daily data
MIN_HISTORY = 3  # fewer earlier cycles than this: too little to judge, the point is not scored
_MAD_TO_SIGMA = 1.4826
_COLUMNS = ["timestamp", "value", "expected", "expected_low", "expected_high", "score", "flagged", "direction"]


def regular(frame: pd.DataFrame, spacing: pd.Timedelta, fill: float | None = None) -> pd.DataFrame:
    """One series on a regular grid from its first to its last timestamp; missing points get ``fill``
    (None leaves them missing: not scored and not used as history)."""
    series = frame.groupby("timestamp", sort=True)["value"].sum(min_count=1)
    grid = pd.date_range(series.index.min(), series.index.max(), freq=spacing)
    series = series.reindex(grid)
    if fill is not None:
        series = series.fillna(fill)
    return series.rename_axis("timestamp").reset_index()


def _is_counts(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    return bool(len(present)) and bool(np.all(present >= 0)) and bool(np.all(np.mod(present, 1) == 0))


def score_series(frame: pd.DataFrame, period: int, threshold: float = DEFAULT_THRESHOLD,
                 history: int = DEFAULT_HISTORY, min_history: int = MIN_HISTORY, key: str | list[str] | None = None,
                 counts: bool | None = None, neighbours: int = 0, min_change: float = 0.0,
                 relative_spread: float = 0.0) -> pd.DataFrame:
    """Expected value, band and score for every point of one or many regular series.

    ``frame`` has ``timestamp`` and ``value`` (plus the ``key`` columns naming each series), each
    series complete on its regular grid and sorted by time. ``neighbours`` also draws on the
    phases either side (for noisy minute-level data). Points with too little history have no
    score. ``min_change`` is the smallest difference from the expected value worth flagging (e.g. 10
    events: 7 page views on a Sunday morning that usually has 1 are unusual but not worth a look);
    ``relative_spread`` is the least spread as a share of the expected value (0.1: a day of a
    busy system varies by a tenth for reasons nobody needs to chase).
    Returns the input columns plus expected, expected_low, expected_high, score (robust z), flagged
    and direction ('spike', 'drop' or '').
    """
    keys = [key] if isinstance(key, str) else list(key or [])
    frame = frame.reset_index(drop=True)
    values = frame["value"].to_numpy(dtype=float)
    grouped = frame.groupby(keys, sort=False)["value"] if keys else frame["value"]
    offsets = [k * period + j for k in range(1, history + 1) for j in range(-neighbours, neighbours + 1)]
    past = np.column_stack([(grouped.shift(offset) if offset > 0 else np.full(len(frame), np.nan))
                            for offset in offsets]).astype(float) if len(frame) else np.empty((0, len(offsets)))
    enough = (np.count_nonzero(~np.isnan(past), axis=1) >= min_history * (2 * neighbours + 1)) if len(frame) \
        else np.zeros(0, dtype=bool)
    with warnings.catch_warnings():  # a point without history has no expected value: not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmedian(past, axis=1) if len(frame) else np.empty(0)
        spread = _MAD_TO_SIGMA * np.nanmedian(np.abs(past - expected[:, None]), axis=1) if len(frame) else np.empty(0)
    if counts is None:
        counts = _is_counts(values)
    floor = np.sqrt(np.maximum(expected, 1.0)) if counts else np.maximum(0.01 * np.abs(expected), 1e-9)
    floor = np.maximum(floor, relative_spread * np.abs(np.nan_to_num(expected)))
    sigma = np.maximum(spread, floor)
    score = np.where(enough & ~np.isnan(values), (values - expected) / sigma, np.nan)
    result = frame.copy()
    result["expected"] = np.where(enough, expected, np.nan)
    low = expected - threshold * sigma
    result["expected_low"] = np.where(enough, np.maximum(low, 0) if counts else low, np.nan)
    result["expected_high"] = np.where(enough, expected + threshold * sigma, np.nan)
    result["score"] = score
    result["flagged"] = (np.abs(np.nan_to_num(score)) >= threshold) & (np.abs(values - expected) >= min_change)
    result["direction"] = np.where(result["flagged"], np.where(score > 0, "spike", "drop"), "")
    return result


def detect_series(frame: pd.DataFrame, period: int | None = None, threshold: float = DEFAULT_THRESHOLD,
                  history: int = DEFAULT_HISTORY, min_history: int = MIN_HISTORY, fill: float | None = None,
                  skip_dates: Iterable[object] = (), neighbours: int | None = None,
                  with_all_points: bool = False) -> pd.DataFrame:
    """Flag the unusual points of one series of ``timestamp, value`` at a regular spacing.

    ``period`` is inferred from the spacing when not given; ``fill`` is the value of missing grid
    points (0 for counts built from events; None: missing points are skipped); points on
    ``skip_dates`` (e.g. public holidays) are never flagged. ``neighbours`` defaults to 1 for
    spacings under an hour. Returns the flagged points (or every point with ``with_all_points``)
    with timestamp, value, expected, expected_low, expected_high, score, flagged and direction.
    An empty or one-point series gives an empty frame.
    """
    if frame.empty or frame["timestamp"].nunique() < 2:
        return pd.DataFrame(columns=_COLUMNS)
    spacing = infer_spacing(frame["timestamp"])
    grid = regular(frame[["timestamp", "value"]], spacing, fill)
    if neighbours is None:
        neighbours = 1 if spacing < pd.Timedelta(hours=1) else 0
    scored = score_series(grid, period or seasonal_period(spacing), threshold, history, min_history,
                          neighbours=neighbours)
    skipped = {pd.Timestamp(day).date() for day in skip_dates}
    if skipped:
        on_skipped = scored["timestamp"].map(lambda moment: moment.date() in skipped)
        scored.loc[on_skipped, ["flagged"]] = False
        scored.loc[on_skipped, "direction"] = ""
    scored = scored[_COLUMNS]
    return scored if with_all_points else scored[scored["flagged"]].reset_index(drop=True)


_EVENT_COLUMNS = ["start", "end", "peak", "direction", "score", "observed", "expected", "expected_low",
                  "expected_high", "peak_value", "peak_expected", "points"]


def events_from_points(scored: pd.DataFrame, key: str | list[str] | None = None, gap: int = 1) -> pd.DataFrame:
    """One row per anomaly event of already scored series (the output of :func:`score_series`).

    Flagged points of one series with at most ``gap`` unflagged points between them are one event:
    a spike that eases for an hour and returns is one thing to look at, not two. Each event has its
    ``start`` and ``end`` (first and last flagged point), its ``peak`` (the most unusual point) with
    the peak's direction and absolute score, and the observed and expected totals over every point
    from start to end (bridging points included, so the figures add up to what the series shows).
    """
    keys = [key] if isinstance(key, str) else list(key or [])
    if scored.empty or not scored["flagged"].any():
        return pd.DataFrame(columns=[*keys, *_EVENT_COLUMNS])
    frame = scored.reset_index(drop=True)
    series = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys else np.zeros(len(frame), int)
    position = pd.Series(series).groupby(series).cumcount().to_numpy()
    totals = frame[["value", "expected", "expected_low", "expected_high"]].astype(float).fillna(0.0)
    running = totals.groupby(series).cumsum().to_numpy()
    flagged = np.flatnonzero(frame["flagged"].to_numpy())
    same_series = np.diff(series[flagged], prepend=-1) == 0
    steps = np.diff(position[flagged], prepend=position[flagged][0] - gap - 2)
    new_event = ~same_series | (steps > gap + 1)
    new_event[0] = True
    number = np.cumsum(new_event)
    rows = []
    for _, members in pd.Series(flagged).groupby(number):  # events are few: a loop reads best
        first, last = int(members.iloc[0]), int(members.iloc[-1])
        peak = int(members.iloc[frame.loc[members, "score"].abs().to_numpy().argmax()])
        span = running[last] - (running[first - 1] if position[first] > 0 else 0.0)
        rows.append({**{k: frame.at[first, k] for k in keys}, "start": frame.at[first, "timestamp"],
                     "end": frame.at[last, "timestamp"], "peak": frame.at[peak, "timestamp"],
                     "direction": frame.at[peak, "direction"], "score": abs(float(frame.at[peak, "score"])),
                     "observed": span[0], "expected": span[1], "expected_low": span[2], "expected_high": span[3],
                     "peak_value": float(frame.at[peak, "value"]), "peak_expected": float(frame.at[peak, "expected"]),
                     "points": int(position[last] - position[first] + 1)})
    return pd.DataFrame(rows, columns=[*keys, *_EVENT_COLUMNS])


def detect_events(frame: pd.DataFrame, skip_dates: Iterable[object] = (), rules: EventRules = DEFAULT_RULES
                  ) -> pd.DataFrame:
    """The anomaly events of one series of ``timestamp, value`` at any spacing, each point judged only on
    the points before it (see :mod:`infodash.series_events` for the rules and how they were chosen).

    One row per event, reported at its first point: start, end, peak, direction ('spike' or 'drop'),
    rule ('value' or 'level'), score (1 = just at the threshold), observed, expected and points.
    Points on ``skip_dates`` (e.g. public holidays) are neither judged nor used as history. A series
    too short to judge gives no event, and ``events.attrs["not_judged"]`` says why (None otherwise).
    """
    points = score_points(frame, skip_dates, rules) if len(frame) else pd.DataFrame()
    if points.empty:  # too short: say why (the series is cleaned a second time only then)
        events = pd.DataFrame(columns=EVENT_COLUMNS)
        events.attrs["not_judged"] = not_judged(frame, skip_dates, rules)
        return events
    events = events_of(points, rules)
    events.attrs["not_judged"] = None
    return events
