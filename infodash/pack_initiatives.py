"""The management pack's initiatives: each performance initiative active in the period with its target, baseline,
actual and verdict as of the period's end, computed by :mod:`infodash.initiatives` as on the Scorecard page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.db import Store
from infodash.filters import Filters
from infodash.initiatives import (BASELINE_RULE, ON_TRACK_RULE, RECENT_WEEKS, VERDICTS, scorecard,
                                  scorecard_rows)
from infodash.pack_parts import reporting_span
from infodash.periods import ReportingPeriod

INITIATIVE_COLUMNS = ("initiative_id", "perspective", "initiative", "owner", "target", "baseline", "actual",
                      "latest_week", "verdict", "trend", "last_review", "summary")
INITIATIVES_NOTE = (f"Initiatives open at some time in the period, as of its last whole week. Actual: the average "
                    f"of the latest {RECENT_WEEKS} whole weeks with a figure since the start. {BASELINE_RULE} "
                    f"{ON_TRACK_RULE} Each initiative has its own scope, whatever the pack's filters.")
NO_INITIATIVES = "No performance initiative was open in this period (see the Scorecard page)."
VERDICT_KEYS = {text: key for key, text in VERDICTS.items()}


def initiatives_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                        now: dt.datetime) -> pd.DataFrame:
    """One row per initiative open at some time in the period (started by its end, not closed before its start),
    in scorecard order, with its figures as of the period's end written as text (their units differ): columns
    :data:`INITIATIVE_COLUMNS`, ``verdict`` in words (:data:`~infodash.initiatives.VERDICTS`). ``filters`` are
    not applied: each initiative has its own scope."""
    covered, _ = reporting_span(period, time_zone, now)
    entries = scorecard(store, covered.end, time_zone, now, active_from=covered.start)
    # as of the period's last day: a review on the day after it is not yet in the pack
    return scorecard_rows(entries, covered.end - dt.timedelta(days=1))[list(INITIATIVE_COLUMNS)]

