"""NAB's standard scoring of detections against labelled windows, on values worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from infodash.detector_scoring import normalised_score, score_windows, warm_up_points

STAMPS = pd.Series(pd.date_range("2026-01-01", periods=100, freq="h"))
WINDOW = [(STAMPS[40], STAMPS[49])]  # ten points wide


def scored(*points: int):
    return score_windows(STAMPS, STAMPS[list(points)], WINDOW)


def test_the_first_point_of_a_window_scores_one_and_a_perfect_detector_100():
    score = scored(40)
    assert (score.windows_found, score.false_alarms, score.raw) == (1, 0, pytest.approx(1.0))
    assert normalised_score([score]) == pytest.approx(100.0)


def test_a_later_detection_scores_less_and_only_the_first_of_a_window_counts():
    # the window's last point sits at -1/10: (2 / (1 + e^-0.5) - 1) / (2 / (1 + e^-5) - 1) = 0.244918 / 0.986614
    assert scored(49).raw == pytest.approx(0.248242, abs=2e-6)
    assert scored(40, 45, 49).raw == pytest.approx(1.0)  # later detections in the window are free
    assert scored(40, 45, 49).detections == 3


def test_false_alarms_cost_less_just_after_a_window_and_nothing_in_the_warm_up():
    assert warm_up_points(100) == 15 and warm_up_points(10_000) == 750
    # before any window: -0.11; a missed window: -1
    assert scored(20).raw == pytest.approx(-1.11)
    # 6 points after a 10-point window, 6/9 of its width: 0.11 x (2 / (1 + e^(5 x 2/3)) - 1) = 0.11 x -0.931109
    assert scored(40, 55).raw == pytest.approx(1.0 - 0.102422, abs=1e-6)
    # more than three widths after it: the full -0.11
    assert scored(40, 90).raw == pytest.approx(0.89)
    assert scored(10).raw == pytest.approx(-1.0)  # in the warm-up: ignored, and the window is missed


def test_no_detection_scores_zero_and_a_series_without_windows_only_loses():
    assert normalised_score([scored()]) == 0.0
    quiet = score_windows(STAMPS, STAMPS[[30, 60]], [])
    assert (quiet.windows, quiet.false_alarms, quiet.raw) == (0, 2, pytest.approx(-0.22))
    # over many series the raw scores add up before normalising: (1 - 1 - 0.22 + 2) / 4
    assert normalised_score([scored(40), scored(), quiet]) == pytest.approx(100 * (1.0 - 1.0 - 0.22 + 2) / 4)


def test_detections_off_the_series_points_are_not_counted():
    off = score_windows(STAMPS, pd.Series([STAMPS[40] + pd.Timedelta(minutes=30)]), WINDOW)
    assert (off.detections, off.windows_found) == (0, 0)
