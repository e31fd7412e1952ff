"""Organisation settings: the reporting year's first month, validated and audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from infodash.errors import ValidationError
from infodash.periods import recent_reporting_periods
from infodash.settings import reporting_year_start_month, set_reporting_year_start_month
from tests.people import lead


def test_the_reporting_year_starts_in_january_until_someone_changes_it(store):
    assert reporting_year_start_month(store) == 1


def test_a_year_from_april_counts_quarters_from_april_and_is_audited(store):
    set_reporting_year_start_month(store, 4, lead(" Ana Costa "))
    assert reporting_year_start_month(store) == 4
    this_quarter, last_quarter = recent_reporting_periods("quarter", dt.date(2026, 12, 2), 2,
                                                          reporting_year_start_month(store))
    # 2 December 2026 falls in October-December, the third quarter of the year that started in April 2026
    assert (this_quarter.period.start, this_quarter.period.end) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert this_quarter.label().startswith("Q3 2026/27")
    assert last_quarter.period.start == dt.date(2026, 7, 1)
    with store.reading() as db:
        rows = db.execute("SELECT actor, entity, entity_id, details FROM audit_log WHERE entity = 'settings'").fetchall()
    assert [(actor, entity, key, json.loads(details)) for actor, entity, key, details in rows] == [
        ("Ana Costa", "settings", "year_start_month", {"value": 4})]


@pytest.mark.parametrize("month", [0, 13, -1, True, "4", None])
def test_a_month_outside_january_to_december_is_refused_and_nothing_changes(store, month):
    with pytest.raises(ValidationError) as raised:
        set_reporting_year_start_month(store, month, lead("Ana Costa"))
    assert set(raised.value.errors) == {"year_start_month"}
    assert reporting_year_start_month(store) == 1


def test_the_change_needs_a_name(store):
    with pytest.raises(ValidationError) as raised:
        set_reporting_year_start_month(store, 4, lead("  "))
    assert set(raised.value.errors) == {"author"}
    assert reporting_year_start_month(store) == 1
