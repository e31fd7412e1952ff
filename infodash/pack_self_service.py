"""The management pack's self-service part: the routine requests of the reporting period that customers could
handle themselves, the top candidates ranked by the staff hours per month self-service would free."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.db import Store
from infodash.filters import Filters
from infodash.pack_parts import Chart, reporting_span
from infodash.periods import ReportingPeriod
from infodash.self_service import DEFINITIONS, opportunities

TOP_CANDIDATES = 5
NO_SELF_SERVICE = "No request subjects in this period met the routine rule for the chosen filters."
SELF_SERVICE_NOTE = ("Routine requests grouped by their subjects' text, the largest by staff hours per month. "
                     + DEFINITIONS["routine"] + " " + DEFINITIONS["hours_per_month"])
TABLE_COLUMNS = {"label": "candidate", "top_words": "top_words", "requests": "requests", "share": "share_of_requests",
                 "median_effort_minutes": "median_effort_minutes", "median_hours": "median_business_hours_to_resolve",
                 "hours_per_month": "staff_hours_per_month"}


@dataclass(frozen=True)
class SelfServiceSection:
    """The top routine candidates of the period (``infodash.self_service`` figures) and the totals."""

    candidates: pd.DataFrame  # the columns of TABLE_COLUMNS, as named there
    requests: int
    routine_requests: int
    routine_hours_per_month: float

    def charts(self) -> list[Chart]:
        """Staff hours per month of the top routine candidates (none without any)."""
        if self.candidates.empty:
            return []
        return [Chart("self_service", "Self-service opportunities: staff hours per month", "bar",
                      tuple(str(label) for label in self.candidates["candidate"]),
                      (("Staff hours per month", tuple(float(hours) for hours in
                                                       self.candidates["staff_hours_per_month"])),),
                      "hours", self.summary + " " + SELF_SERVICE_NOTE, "self_service")]

    @property
    def summary(self) -> str:
        """E.g. 'Routine requests: 392 of 4,267 (9.2%), 22.3 staff hours per month.'"""
        share = self.routine_requests / self.requests if self.requests else 0.0
        return (f"Routine requests: {self.routine_requests:,} of {self.requests:,} ({share:.1%}), "
                f"{self.routine_hours_per_month:.1f} staff hours per month.")


def self_service_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                         now: dt.datetime) -> SelfServiceSection:
    """The :data:`TOP_CANDIDATES` routine candidates of the requests received in the period (so far)."""
    covered, _ = reporting_span(period, time_zone, now)
    found = opportunities(store, covered, time_zone, filters)
    top = found.candidates[found.candidates["routine"]].head(TOP_CANDIDATES)
    return SelfServiceSection(top[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS).reset_index(drop=True),
                              found.requests, found.routine_requests, found.routine_hours_per_month)
