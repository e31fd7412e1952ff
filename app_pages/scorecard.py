"""Scorecard: the team's performance initiatives under the four balanced-scorecard perspectives, each with its
target, baseline, recent figure and verdict computed from the data; one initiative in detail; leads record
initiatives and reviews."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.catalogue import customer_group_options, service_options
from infodash.db import Store
from infodash.initiatives import (BASELINE_RULE, ON_TRACK_RULE, PERSPECTIVES, REVIEW_DUE_RULE, TREND_RULE,
                                  ScorecardEntry, scorecard)
from infodash.organisation import staff_table
from infodash.sla import evaluate_requests
from infodash.ui import initiative_form as form
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import lazy_tabs, page_context
from infodash.ui.pickers import may, staff_name_input
from infodash.ui.scorecard_sections import (DETAILS, SECTION_KEY, initiative_details, initiative_form, review_form,
                                            scorecard_table)
from infodash.ui.store import cached, store_errors


@dataclass(frozen=True)
class ScorecardView:
    """What the page's tabs draw from."""

    store: Store
    entries: list[ScorecardEntry]  # every initiative read (closed ones only when shown)
    shown: list[ScorecardEntry]  # those in the table
    today: dt.date
    time_zone: ZoneInfo


def _details(view: ScorecardView) -> None:
    initiative_details(view.shown, view.today)


def _initiative_form(view: ScorecardView) -> None:
    staff_name_input()
    form.ensure_defaults(view.today)
    staff = cached(staff_table, view.store)
    services = dict(cached(service_options, view.store))
    groups = dict(cached(customer_group_options, view.store))
    initiative_form(view.store, view.entries, staff[staff["active"]]["name"].tolist(), services, groups, view.today,
                    view.time_zone)


def _review_form(view: ScorecardView) -> None:
    staff_name_input()
    form.ensure_defaults(view.today)
    review_form(view.store, view.entries, view.today)


context = page_context(with_filters=False)
store, time_zone = context.store, context.time_zone
today = dt.datetime.now(time_zone).date()
# whole weeks only: open requests are judged against the hour, so the figures are read again at most hourly
now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)

st.title("Scorecard")
st.caption("What the team has set out to improve, under the four perspectives of a balanced scorecard: "
           + "; ".join(PERSPECTIVES.values()) + ". Every figure is computed from the data with the same formulas "
           "as the pages, week by week (Monday to Sunday); nothing here is typed. "
           f"{BASELINE_RULE} {ON_TRACK_RULE} {TREND_RULE}")
show_closed = st.session_state.get("sc_closed", False)  # closed initiatives are read only when shown
with store_errors(store):
    cached(evaluate_requests, store)
    entries = cached(scorecard, store, today, time_zone, now, show_closed)

open_entries = [entry for entry in entries if entry.initiative.closed_on is None]
verdicts = [entry.progress.verdict for entry in open_entries]
kpi_row([
    Kpi("Open initiatives", len(open_entries), None, "Initiatives not yet closed by a review."),
    Kpi("On track", verdicts.count("on_track"), None, ON_TRACK_RULE),
    Kpi("Not on track", verdicts.count("off_track"), None, ON_TRACK_RULE, direction="lower_is_better"),
    Kpi("Not yet measured", verdicts.count("not_measured"), None,
        "Open initiatives with no whole week with a figure since their start (e.g. starting this week)."),
    Kpi("Reviews due", sum(entry.review_due(today) for entry in open_entries), None, REVIEW_DUE_RULE,
        direction="lower_is_better"),
])
st.toggle("Show closed initiatives", key="sc_closed", persist_state="session")
shown = entries if show_closed else open_entries
if shown:
    scorecard_table(shown, today)
else:
    st.info("No initiative recorded yet: leads record one below." if show_closed else
            "No open initiative: leads record one below; closed ones show with the toggle above.",
            icon=":material/flag:")

sections = {DETAILS: _details}
if may("lead"):
    sections |= {"Record or change an initiative": _initiative_form, "Record a review": _review_form}
lazy_tabs(sections, SECTION_KEY, ScorecardView(store, entries, shown, today, time_zone), store)
if not may("lead"):
    st.caption("Leads record initiatives and their reviews here.")
