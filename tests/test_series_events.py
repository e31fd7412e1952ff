"""detect_events on hand-made series with one known anomaly each, at daily, hourly and 5-minute spacing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infodash.anomalies import detect_events
from infodash.series_events import DEFAULT_RULES, score_points

# spacing, points: 200 days, 8 weeks of hours, 10 days of 5 minutes
SPACINGS = [("1D", 200), ("1h", 24 * 7 * 8), ("5min", 288 * 10)]


def usage(spacing: str, points: int, seed: int = 1, level: float = 200.0) -> tuple[pd.DataFrame, np.ndarray]:
    """Poisson counts around a rhythm: weekdays busier than weekends (hourly and daily data) and a day
    curve peaking in the afternoon (sub-daily data). Returns the series and its mean at each point."""
    stamps = pd.date_range("2026-01-05", periods=points, freq=spacing)
    step = pd.Timedelta(spacing)
    week = np.where(stamps.weekday < 5, 1.0, 0.3) if step >= pd.Timedelta(hours=1) else np.ones(points)
    hours = stamps.hour + stamps.minute / 60
    day = 0.6 + 0.4 * np.sin((hours - 6) / 24 * 2 * np.pi) if step < pd.Timedelta(days=1) else np.ones(points)
    mean = level * week * day
    values = np.random.default_rng(seed).poisson(mean).astype(float)
    return pd.DataFrame({"timestamp": stamps, "value": values}), mean


def busy_moment(frame: pd.DataFrame, spacing: str) -> int:
    """The first weekday point (from 11:00 for sub-daily data) after 80% of the series."""
    index = int(len(frame) * 0.8)
    while not (frame["timestamp"][index].weekday() < 5 and (spacing == "1D" or frame["timestamp"][index].hour >= 11)):
        index += 1
    return index


def one_event(frame: pd.DataFrame, at: pd.Timestamp, within: pd.Timedelta, direction: str) -> pd.Series:
    events = detect_events(frame)
    assert len(events) == 1, events
    [event] = [row for _, row in events.iterrows()]
    assert at <= event["start"] <= at + within
    assert event["direction"] == direction
    assert event["score"] >= 1.0  # at or past the threshold
    return event


@pytest.mark.parametrize("spacing, points", SPACINGS)
def test_ordinary_rhythm_and_noise_raise_nothing(spacing, points):
    frame, _ = usage(spacing, points)
    events = detect_events(frame)
    assert events.empty
    assert events.attrs["not_judged"] is None


@pytest.mark.parametrize("spacing, points", SPACINGS)
def test_a_spike_is_one_event_at_its_point_with_the_usual_level_beside_it(spacing, points):
    frame, mean = usage(spacing, points)
    at = busy_moment(frame, spacing)
    frame.loc[at, "value"] = round(mean[at] * 4 + 50)
    event = one_event(frame, frame["timestamp"][at], pd.Timedelta(0), "spike")
    assert event["rule"] == "value"
    assert event["observed"] == frame.loc[at, "value"]
    assert 0.7 * mean[at] <= event["expected"] <= 1.3 * mean[at]


@pytest.mark.parametrize("spacing, points", SPACINGS)
def test_a_drop_to_nothing_is_one_event(spacing, points):
    frame, mean = usage(spacing, points)
    at = busy_moment(frame, spacing)
    frame.loc[at:at + 2, "value"] = 0.0  # three points of outage
    event = one_event(frame, frame["timestamp"][at], pd.Timedelta(spacing) * 3, "drop")
    assert event["observed"] < event["expected"]


@pytest.mark.parametrize("spacing, points", SPACINGS)
def test_a_lasting_rise_in_level_is_one_event(spacing, points):
    frame, mean = usage(spacing, points)
    at = busy_moment(frame, spacing)
    frame.loc[at:, "value"] = np.random.default_rng(5).poisson(mean[at:] * 1.8).astype(float)
    # hourly: a rise that starts in the evening shows when the next day begins
    one_event(frame, frame["timestamp"][at], pd.Timedelta(days=1), "spike")


@pytest.mark.parametrize("spacing, points", SPACINGS)
def test_a_change_in_variance_is_one_event(spacing, points):
    frame, mean = usage(spacing, points)
    at = busy_moment(frame, spacing)
    noise = np.random.default_rng(6).normal(0, 1, points - at) * mean[at:] * 0.5
    frame.loc[at:, "value"] = np.maximum(0, frame.loc[at:, "value"] + noise).round()
    events = detect_events(frame)
    assert len(events) == 1
    assert frame["timestamp"][at] <= events["start"].iloc[0] <= frame["timestamp"][at] + pd.Timedelta(days=1)


def test_a_holiday_is_a_drop_unless_it_is_known():
    frame, _ = usage("1D", 200)
    holiday = pd.Timestamp("2026-06-16")  # a Tuesday, as quiet as a weekend
    frame.loc[frame["timestamp"] == holiday, "value"] = 60.0
    [event] = [row for _, row in detect_events(frame).iterrows()]
    assert (event["start"], event["direction"]) == (holiday, "drop")
    assert detect_events(frame, skip_dates=[holiday.date()]).empty  # a known closure is not judged


def test_a_series_too_short_to_judge_gives_no_event_and_says_why():
    frame, _ = usage("1D", 60)
    events = detect_events(frame)
    assert events.empty
    assert events.attrs["not_judged"] == ("the series has 60 points; at least 100 are needed to learn its usual "
                                          "level and spread before anything can be judged")
    empty = detect_events(pd.DataFrame({"timestamp": pd.to_datetime([]), "value": []}))
    assert empty.empty and "has 0 points" in empty.attrs["not_judged"]
    one = detect_events(pd.DataFrame({"timestamp": [pd.Timestamp("2026-01-01")], "value": [5.0]}))
    assert one.empty and "has 1 point;" in one.attrs["not_judged"]


def test_each_point_is_judged_only_on_the_points_before_it():
    frame, mean = usage("1h", 24 * 7 * 8)
    at = busy_moment(frame, "1h")
    frame.loc[at, "value"] = round(mean[at] * 4 + 50)
    whole = score_points(frame)
    for cut in (len(frame) // 2, at + 1, len(frame) - 5):
        part = score_points(frame.iloc[:cut])
        pd.testing.assert_frame_equal(part, whole.iloc[:cut], check_dtype=False)


def test_a_flat_series_and_a_mostly_zero_one_raise_only_their_real_change():
    stamps = pd.date_range("2026-01-05", periods=600, freq="5min")
    flat = pd.DataFrame({"timestamp": stamps, "value": 45.0})
    assert detect_events(flat).empty
    zeros = flat.assign(value=0.0)
    zeros.loc[range(0, 600, 37), "value"] = 3.0  # a blip now and then is its normal life
    zeros.loc[500:530, "value"] = 40.0  # then a burst no blip came near
    [event] = [row for _, row in detect_events(zeros).iterrows()]
    assert event["start"] == stamps[500] and event["direction"] == "spike"


def test_irregular_timestamps_and_duplicates_are_read_as_points():
    frame, mean = usage("5min", 288 * 10)
    at = busy_moment(frame, "5min")
    frame.loc[at, "value"] = round(mean[at] * 4 + 50)
    gappy = frame.drop(index=range(100, 2000, 7))  # a sensor that misses readings
    [event] = [row for _, row in detect_events(gappy).iterrows()]
    assert event["start"] == frame["timestamp"][at]
    assert DEFAULT_RULES.min_points == 100
