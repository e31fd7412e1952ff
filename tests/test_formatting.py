"""How figures are written: what rounds to zero reads as zero (never "-0.00" or "+0.0 h"), p-values never as
"0.000", and the running week is compared with the same days of the week before."""

from __future__ import annotations

import datetime as dt

import pytest

from infodash.formatting import format_figure, format_p_value, rounds_to_zero, target_verdict
from infodash.periods import Period, week_containing
from infodash.review import compared_week


@pytest.mark.parametrize("value, kind, expected", [
    (-0.004, "score", "0.00"), (0.004, "score", "0.00"), (0.005, "score", "+0.01"), (-0.02, "hours", "0.0 h"),
    (0.04, "hours", "0.0 h"), (-0.0004, "share", "0.0 pts"), (0.0006, "share", "+0.1 pts"), (-0.4, "count", "0"),
    (-3, "count", "-3"), (1234.5, "count", "+1,234")])
def test_a_change_that_rounds_to_zero_reads_as_zero_without_a_sign(value, kind, expected):
    assert format_figure(value, kind, signed=True) == expected
    assert rounds_to_zero(value, kind) == (expected.lstrip("0.ptsh ") == "")


def test_p_values_are_never_written_as_zero():
    assert [format_p_value(p) for p in (0.0, 0.0004, 0.0005, 0.034, 0.5, None)] == [
        "p < 0.001", "p < 0.001", "p = 0.001", "p = 0.034", "p = 0.500", ""]
    assert format_p_value(0.00001, named=False) == "< 0.001"


def test_the_running_week_is_compared_with_the_same_days_of_the_week_before():
    week = week_containing(dt.date(2026, 12, 2))  # Mon 30 Nov - Sun 6 Dec
    assert compared_week(week, dt.date(2026, 12, 2)) == Period(dt.date(2026, 11, 23), dt.date(2026, 11, 26))
    assert compared_week(week, dt.date(2026, 11, 30)) == Period(dt.date(2026, 11, 23), dt.date(2026, 11, 24))
    assert compared_week(week, dt.date(2026, 12, 7)) == week.previous()  # once it has ended: the whole week


def test_a_share_against_its_target_is_met_close_or_missed():
    assert [target_verdict(share, 0.95) for share in (0.96, 0.95, 0.9499999, 0.935, 0.929, None)] == [
        "met", "met", "met", "close", "missed", None]
