"""detect_series on hand-made series whose expected values are worked out on paper."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infodash.anomalies import detect_series, score_series, seasonal_period

WEEKS = 10


def daily(values_by_weekday=(100, 100, 100, 100, 100, 20, 20), weeks=WEEKS, start="2026-01-05"):
    """A Monday-start daily series repeating a weekly rhythm."""
    days = pd.date_range(start, periods=7 * weeks, freq="D")
    return pd.DataFrame({"timestamp": days, "value": [values_by_weekday[d.weekday()] for d in days]})


def with_value(frame, day, value):
    frame = frame.copy()
    frame.loc[frame["timestamp"] == pd.Timestamp(day), "value"] = value
    return frame


def test_a_steady_rhythm_has_nothing_to_flag():
    assert detect_series(daily()).empty


def test_a_spike_is_flagged_with_its_expected_range():
    # the 9th Wednesday: 8 earlier Wednesdays of 100, no spread -> sigma is the Poisson floor sqrt(100) = 10
    flagged = detect_series(with_value(daily(), "2026-03-04", 180))
    assert len(flagged) == 1
    point = flagged.iloc[0]
    assert point["timestamp"] == pd.Timestamp("2026-03-04")
    assert (point["expected"], point["score"], point["direction"]) == (100, 8.0, "spike")
    assert (point["expected_low"], point["expected_high"]) == (40, 160)  # 100 -/+ 6 x 10


def test_a_drop_to_zero_is_flagged_when_use_is_high_enough():
    flagged = detect_series(with_value(daily(), "2026-03-04", 0))
    assert flagged["direction"].tolist() == ["drop"] and flagged["score"].iloc[0] == -10.0
    # a weekend day of 20 dropping to 0 is z = -20 / sqrt(20) = -4.5: not flagged at the default 6
    assert detect_series(with_value(daily(), "2026-03-07", 0)).empty
    assert len(detect_series(with_value(daily(), "2026-03-07", 0), threshold=4)) == 1


def test_a_holiday_in_the_history_does_not_move_the_expected_value():
    holiday = with_value(daily(), "2026-02-25", 3)  # the Wednesday before
    scored = detect_series(holiday, with_all_points=True).set_index("timestamp")
    assert scored.loc["2026-03-04", "expected"] == 100  # median of 7 x 100 and one 3
    assert not scored.loc["2026-03-04", "flagged"]
    assert scored.loc["2026-02-25", "flagged"]  # the holiday itself is unusual ...
    assert detect_series(holiday, skip_dates=["2026-02-25"]).empty  # ... unless it is known to be closed


def test_a_level_shift_is_flagged_until_it_becomes_the_new_normal():
    shifted = daily(weeks=13)
    shifted.loc[shifted["timestamp"] >= "2026-02-16", "value"] *= 3  # from the 7th week on, three times the use
    flagged = detect_series(shifted)
    # judged against the 8 weeks before: while fewer than half of them are shifted the median stays old;
    # from the 5th shifted week (16 Mar) half are, the median is 200 and the spread 100: normal again
    assert flagged["timestamp"].min() == pd.Timestamp("2026-02-16")
    assert flagged["timestamp"].max() == pd.Timestamp("2026-03-15")
    assert len(flagged) == 28 and (flagged["direction"] == "spike").all()


def test_points_with_too_little_history_are_not_scored():
    scored = detect_series(daily(weeks=4), with_all_points=True)
    assert scored["score"].isna().sum() == 21  # the first three weeks: fewer than 3 earlier same weekdays
    assert scored["score"].notna().sum() == 7


def test_empty_and_one_point_series_give_empty_results():
    empty = pd.DataFrame({"timestamp": pd.to_datetime([]), "value": []})
    assert detect_series(empty).empty
    assert detect_series(pd.DataFrame({"timestamp": [pd.Timestamp("2026-01-01")], "value": [5]})).empty


def test_the_seasonal_period_follows_the_spacing():
    assert seasonal_period(pd.Timedelta(minutes=5)) == 288  # a day of 5-minute points
    assert seasonal_period(pd.Timedelta(hours=1)) == 168  # weekday x hour of day
    assert seasonal_period(pd.Timedelta(days=1)) == 7
    assert seasonal_period(pd.Timedelta(weeks=1)) == 1


def test_hourly_data_is_judged_against_the_same_hour_of_the_same_weekday():
    hours = pd.date_range("2026-01-05", periods=24 * 7 * 9, freq="h")
    busy = [50 if 9 <= h.hour < 17 and h.weekday() < 5 else 2 for h in hours]
    frame = pd.DataFrame({"timestamp": hours, "value": busy})
    # 50 at 3 a.m. on the last Tuesday: a night hour expects 2 (sigma floor sqrt(2))
    frame.loc[frame["timestamp"] == pd.Timestamp("2026-03-03 03:00"), "value"] = 50
    flagged = detect_series(frame)
    assert flagged["timestamp"].tolist() == [pd.Timestamp("2026-03-03 03:00")]
    assert flagged["expected"].iloc[0] == 2


def test_missing_points_are_skipped_or_filled():
    frame = daily().drop(index=[50])  # a day without a value
    assert len(detect_series(frame, with_all_points=True)) == 70  # back on the daily grid
    assert detect_series(frame, fill=None, with_all_points=True)["value"].isna().sum() == 1
    assert detect_series(frame, fill=0).iloc[0]["value"] == 0  # a count of zero is a drop


def test_measurements_that_are_not_counts_use_their_own_spread():
    temperatures = pd.DataFrame({"timestamp": pd.date_range("2026-01-01", periods=60, freq="D"),
                                 "value": [20.0 + 0.5 * (i % 3) for i in range(60)]})
    temperatures.loc[55, "value"] = 30.0
    flagged = detect_series(temperatures)
    assert flagged["timestamp"].tolist() == [pd.Timestamp("2026-02-25")]


def test_many_series_are_scored_independently():
    one, two = daily().assign(series="a"), with_value(daily(), "2026-03-04", 180).assign(series="b")
    scored = score_series(pd.concat([one, two], ignore_index=True), period=7, key="series")
    assert scored.loc[scored["flagged"], "series"].tolist() == ["b"]
    assert np.isnan(scored["score"].iloc[0])


def test_small_changes_can_be_ignored():
    frame = with_value(daily(values_by_weekday=(2,) * 7), "2026-03-04", 12)  # 2 -> 12: z = 10 / sqrt(2) = 7.1
    assert len(score_series(frame, 7, min_change=0).query("flagged")) == 1
    assert score_series(frame, 7, min_change=20).query("flagged").empty


@pytest.mark.parametrize("threshold", [4.5, 6, 8])
def test_a_higher_threshold_never_flags_more(threshold):
    noisy = daily()
    noisy["value"] = noisy["value"] + np.random.default_rng(1).integers(-15, 15, len(noisy))
    noisy = with_value(noisy, "2026-03-04", 200)
    assert len(detect_series(noisy, threshold=threshold)) >= len(detect_series(noisy, threshold=threshold + 2))
