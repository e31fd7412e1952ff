"""The management pack's initiatives: each performance initiative active in the period with its target, baseline,
actual and verdict as of the period's end, computed by :mod:`infodash.initiatives` as on the Scorecard page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.db import Store
from infodash.filters import Filters
from infodash.initiatives import (BASELINE_RULE, DECISIONS, ON_TRACK_RULE, PERSPECTIVES, RECENT_WEEKS,
                                  VERDICTS, scorecard, summary_line)
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
    rows = []
    for entry in scorecard(store, covered.end, time_zone, now, active_from=covered.start):
        initiative, progress = entry.initiative, entry.progress
        metric, draft = initiative.metric, initiative.draft
        kept = entry.reviews[pd.to_datetime(entry.reviews["reviewed_on"]).dt.date < covered.end]  # by the period's end
        last = kept.iloc[0] if len(kept) else None
        rows.append({
            "initiative_id": initiative.initiative_id, "perspective": PERSPECTIVES[draft.perspective],
            "initiative": draft.statement, "owner": draft.owner,
            "target": initiative.target_text(),
            "baseline": metric.written(progress.baseline, average=True),
            "actual": metric.written(progress.recent, average=True),
            "latest_week": progress.latest_week, "verdict": VERDICTS[progress.verdict], "trend": progress.trend or "",
            "last_review": "" if last is None else
            f"{last['reviewed_on']:%d %b %Y}: {DECISIONS[last['decision']].lower()}",
            "summary": summary_line(entry),
        })
    return pd.DataFrame(rows, columns=list(INITIATIVE_COLUMNS))

