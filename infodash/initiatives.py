"""Performance initiatives: what the team sets out to improve, measured by figures InfoDash already computes,
grouped under the four perspectives of a balanced scorecard.

A lead records an initiative as service teams write them: a statement, the organisation's objective and
perspective it serves, a performance target on a metric of :data:`METRICS` for a scope (every request or
customer, one service, or one customer group), the start and review dates, barriers, supports, benefits and an
owner. Reviews are kept (date, notes, decision: continue, refine or close; a "close" decision closes it).

Nothing about progress is typed: it is computed from the data, with the same functions the pages use, so a
figure here always equals the one on its page:

- the *weekly actual* is the metric for each whole week (Monday to Sunday, organisation's time zone) from the
  week the initiative starts in to the last week that has ended (:func:`weekly_actuals`, one query per
  initiative);
- the *baseline* (:data:`BASELINE_RULE`) is the average weekly actual over the :data:`BASELINE_WEEKS` whole weeks
  before the start week;
- *on track* (:data:`ON_TRACK_RULE`): the average of the latest :data:`RECENT_WEEKS` whole weeks with figures
  since the start meets the target; with no such week yet it is *not yet measured*;
- the *trend* (:data:`TREND_RULE`) is the least-squares slope of the weekly actuals since the start, per week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.formatting import VERDICT_COLOURS, format_figure, rounds_to_zero
from infodash.periods import Period, last_complete_week, week_containing, weeks_ending_with
from infodash.permissions import Account, require
from infodash.review import DEFINITIONS as REVIEW_DEFINITIONS
from infodash.review import period_figures
from infodash.sla import ATTAINMENT_DEFINITION
from infodash.sla_reports import attainment_by
from infodash.surveys import MIN_RESPONSES, weekly_satisfaction

# The balanced scorecard's four perspectives, in the order a scorecard lists them.
PERSPECTIVES: dict[str, str] = {
    "customer": "Customer", "internal": "Internal process", "learning": "Learning and growth", "value": "Value",
}
PERSPECTIVE_QUESTIONS: dict[str, str] = {
    "customer": "How do our customers see us?",
    "internal": "What must we excel at?",
    "learning": "How do we keep improving and building skills?",
    "value": "What value do we give the organisation for what it spends on us?",
}
DIRECTIONS: dict[str, str] = {"at_least": "at least", "at_most": "at most"}
DECISIONS: dict[str, str] = {"continue": "Continue", "refine": "Refine", "close": "Close"}
SCOPES: dict[str, str] = {"all": "All", "service": "One service", "group": "One customer group"}

BASELINE_WEEKS = 12
RECENT_WEEKS = 4
REACH_WEEKS = 13  # reach is counted over a rolling quarter: a week is too short to meet most customers
MIN_TREND_WEEKS = 3
BASELINE_RULE = (f"Baseline: the average weekly figure over the {BASELINE_WEEKS} whole weeks before the week the "
                 "initiative starts (weeks without a figure left out); computed from the data, never typed.")
ON_TRACK_RULE = (f"On track when the average of the latest {RECENT_WEEKS} whole weeks with a figure since the start "
                 "meets the target (at least / at most); fewer weeks are judged on those there are, and with none "
                 "yet it is not yet measured.")
TREND_RULE = ("Trend: the least-squares slope of the weekly figures since the start, per week (at least "
              f"{MIN_TREND_WEEKS} weeks with a figure); improving when it moves towards the target's direction.")
REVIEW_DUE_RULE = ("A review is due when an open initiative's review day has come and no review has been recorded "
                   "on or after it (after a review, change the initiative to set the next review day).")
VERDICTS: dict[str, str] = {"on_track": "On track", "off_track": "Not on track", "not_measured": "Not yet measured"}
VERDICT_COLOUR: dict[str, str] = {"on_track": VERDICT_COLOURS["met"], "off_track": VERDICT_COLOURS["missed"],
                                  "not_measured": "#6c757d"}

MAX_STATEMENT_CHARS, MAX_OBJECTIVE_CHARS, MAX_TEXT_CHARS, MAX_NOTES_CHARS = 300, 200, 1_000, 2_000
MAX_OWNER_CHARS = 80
MAX_DAYS_AHEAD = 366  # an initiative may be planned up to a year ahead


@dataclass(frozen=True)
class Metric:
    """One figure an initiative may target: how it is written, which scopes it has, the targets it accepts."""

    key: str
    label: str
    kind: str  # how it is written (infodash.formatting KINDS)
    scopes: tuple[str, ...]
    direction: str  # the usual direction of a target on it
    low: float  # the targets accepted, inclusive
    high: float
    definition: str

    def range_text(self) -> str:
        """The targets accepted, as written, e.g. '0.0% and 100.0%'."""
        return f"{self.written(self.low)} and {self.written(self.high)}"

    def written(self, value: float | None, average: bool = False) -> str:
        """``value`` as the metric is written (NPS signed, without decimals); an ``average`` of weekly counts
        with one decimal (3.5 requests a week, not 4)."""
        if value is None or pd.isna(value):
            return "-"
        if self.key == "nps":
            return f"{value:+.{1 if average else 0}f}" if round(value, 1) else "0"
        if average and self.kind == "count":
            return f"{value:,.1f}"
        return format_figure(value, self.kind)


_SLA_WEEK = " Requests count in the week they were received, open ones judged against now."
METRICS: dict[str, Metric] = {metric.key: metric for metric in (
    Metric("attainment", "Service-level attainment", "share", ("all", "service", "group"), "at_least", 0.0, 1.0,
           ATTAINMENT_DEFINITION + _SLA_WEEK),
    Metric("within_hard_limit", "Resolved within the longer limit", "share", ("all", "service", "group"), "at_least",
           0.0, 1.0, "Share of the week's resolved requests resolved within their policy's longer limit (e.g. three "
           "business days)." + _SLA_WEEK),
    Metric("median_hours", "Median business hours to resolve", "hours", ("all", "service", "group"), "at_most",
           0.0, 2_000.0, "Median business hours from receipt to resolution of the week's resolved requests, time "
           "waiting on the customer or a vendor excluded (as on the Service levels page)." + _SLA_WEEK),
    Metric("median_first_response_hours", "Median business hours to first response", "hours",
           ("all", "service", "group"), "at_most", 0.0, 2_000.0,
           "Median business hours from receipt to the first response (or to the resolution where nobody responded "
           "first) of the week's requests (as on the Service levels page)." + _SLA_WEEK),
    Metric("received", "Requests received per week", "count", ("all", "service", "group"), "at_least", 0.0,
           1_000_000.0, REVIEW_DEFINITIONS["received"] + " (as on the Weekly review)"),
    Metric("touchpoints", "Touchpoints per week", "count", ("all", "service", "group"), "at_least", 0.0, 1_000_000.0,
           REVIEW_DEFINITIONS["touchpoints"] + " (as on the Weekly review)"),
    Metric("reach_share", f"Share of customers reached ({REACH_WEEKS} weeks)", "share", ("all", "group"), "at_least",
           0.0, 1.0, f"Active customers with a request or a touchpoint in the {REACH_WEEKS} weeks (a rolling "
           "quarter) ending with the week, as a share of all active customers in scope (the Weekly review's share "
           "reached, over a quarter)."),
    Metric("csat", "CSAT (share satisfied)", "share", ("all", "group"), "at_least", 0.0, 1.0,
           "Share of the CSAT answers (1-5) given in the week, on any survey, that are 4 or 5 (as on the Surveys "
           f"page, by week); a week with fewer than {MIN_RESPONSES} answers has no figure."),
    Metric("nps", "Net Promoter Score", "count", ("all", "group"), "at_least", -100.0, 100.0,
           "NPS of the answers given in the week, on any survey: % promoters (9-10) minus % detractors (0-6) "
           f"(as on the Surveys page, by week); a week with fewer than {MIN_RESPONSES} answers has no figure."),
)}
# Where each metric's weekly figure comes from: the function the pages use, and its column.
_SOURCES: dict[str, tuple[str, str]] = {
    "attainment": ("service levels", "attainment"), "within_hard_limit": ("service levels", "within_hard_limit"),
    "median_hours": ("service levels", "median_hours"),
    "median_first_response_hours": ("service levels", "median_first_response_hours"),
    "received": ("volumes", "received"), "touchpoints": ("volumes", "touchpoints"),
    "reach_share": ("reach", "reach_share"), "csat": ("satisfaction", "csat"), "nps": ("satisfaction", "nps"),
}


@dataclass(frozen=True)
class InitiativeDraft:
    """What a lead enters for an initiative; fields may be missing until validated. ``target`` is in the metric's
    own unit (a share as a fraction: 0.95 for 95%)."""

    statement: str = ""
    perspective: str | None = None
    objective: str = ""
    metric: str | None = None
    scope: str = "all"
    service_id: int | None = None
    group_id: int | None = None
    direction: str | None = None
    target: float | None = None
    starts_on: dt.date | None = None
    review_on: dt.date | None = None
    barriers: str = ""
    supports: str = ""
    benefits: str = ""
    owner: str = ""


@dataclass(frozen=True)
class Initiative:
    """A stored initiative: its id, its values, who recorded it, and when it was closed (None while open)."""

    initiative_id: int
    draft: InitiativeDraft
    created_by: str
    closed_on: dt.date | None = None
    scope_name: str = "All"  # the service's or group's name, or "All"

    @property
    def metric(self) -> Metric:
        return METRICS[self.draft.metric]

    def target_text(self) -> str:
        """E.g. 'Service-level attainment of Document delivery at least 95.0%'."""
        draft = self.draft
        scope = "" if draft.scope == "all" else f" of {self.scope_name}"
        return f"{self.metric.label}{scope} {DIRECTIONS[draft.direction]} {self.metric.written(draft.target)}"


@dataclass(frozen=True)
class ReviewDraft:
    """One review of an initiative: when, what was found, what was decided."""

    reviewed_on: dt.date | None = None
    notes: str = ""
    decision: str | None = None


def _clean_text(value: str | None, field: str, limit: int, errors: dict[str, str], required: str | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = required
    elif len(text) > limit:
        errors[field] = f"This is {len(text):,} characters; shorten it to {limit:,} at most."
    return text


def validate_initiative(store: Store, draft: InitiativeDraft, today: dt.date) -> InitiativeDraft:
    """Check ``draft`` and return it tidied (texts stripped, the unused scope id dropped); raise ValidationError
    naming every problem by field."""
    errors: dict[str, str] = {}
    statement = _clean_text(draft.statement, "statement", MAX_STATEMENT_CHARS, errors,
                            "Say what the initiative sets out to do, e.g. 'Answer plant staff the same day'.")
    objective = _clean_text(draft.objective, "objective", MAX_OBJECTIVE_CHARS, errors)
    barriers = _clean_text(draft.barriers, "barriers", MAX_TEXT_CHARS, errors)
    supports = _clean_text(draft.supports, "supports", MAX_TEXT_CHARS, errors)
    benefits = _clean_text(draft.benefits, "benefits", MAX_TEXT_CHARS, errors)
    owner = _clean_text(draft.owner, "owner", MAX_OWNER_CHARS, errors, "Name the member of staff who owns it.")
    if draft.perspective not in PERSPECTIVES:
        errors["perspective"] = "Choose the perspective it serves: " + ", ".join(PERSPECTIVES.values()) + "."
    metric = METRICS.get(draft.metric or "")
    service_id, group_id = draft.service_id, draft.group_id
    if metric is None:
        errors["metric"] = ("Choose a measure from the list: a target must be on a figure InfoDash computes."
                            if not draft.metric else f"Unknown measure {draft.metric!r}: choose one from the list.")
    elif draft.scope not in metric.scopes:
        errors["scope"] = (f"{metric.label} can be targeted for: "
                           + ", ".join(SCOPES[scope].lower() for scope in metric.scopes) + ".")
    with store.reading() as db:
        if draft.scope == "service":
            group_id = None
            if service_id is None:
                errors["service_id"] = "Choose the service."
            elif not db.execute("SELECT count(*) FROM services WHERE service_id = ?", [service_id]).fetchone()[0]:
                errors["service_id"] = f"Unknown service {service_id}."
        elif draft.scope == "group":
            service_id = None
            if group_id is None:
                errors["group_id"] = "Choose the customer group."
            elif not db.execute("SELECT count(*) FROM customer_groups WHERE group_id = ?", [group_id]).fetchone()[0]:
                errors["group_id"] = f"Unknown customer group {group_id}."
        else:
            service_id = group_id = None
        staff = [row[0] for row in db.execute("SELECT name FROM staff WHERE active").fetchall()]
    if owner and staff and owner.casefold() not in {name.casefold() for name in staff}:
        errors["owner"] = "Choose a member of staff (see Organisation for the list)."
    if draft.direction not in DIRECTIONS:
        errors["direction"] = "Choose whether the figure should be at least or at most the target."
    if draft.target is None or pd.isna(draft.target):
        errors["target"] = "Enter the target."
    elif metric is not None and not metric.low <= draft.target <= metric.high:
        errors["target"] = f"{metric.label}: a target is between {metric.range_text()}."
    if draft.starts_on is None:
        errors["starts_on"] = "Enter the day it starts."
    elif draft.starts_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        errors["starts_on"] = "Start within a year from today."
    if draft.review_on is None:
        errors["review_on"] = "Enter the day it will be reviewed."
    elif draft.starts_on is not None and draft.review_on <= draft.starts_on:
        errors["review_on"] = f"The review comes after the start ({draft.starts_on:%d %b %Y})."
    if errors:
        raise ValidationError(errors)
    return replace(draft, statement=statement, objective=objective, barriers=barriers, supports=supports,
                   benefits=benefits, owner=owner, service_id=service_id, group_id=group_id,
                   target=float(draft.target))


_COLUMNS = ("statement", "perspective", "objective", "metric", "scope", "service_id", "group_id", "direction",
            "target", "starts_on", "review_on", "barriers", "supports", "benefits", "owner")
# built once from the column names above; every value is a bound parameter
_INSERT_SQL = (f"INSERT INTO initiatives ({', '.join(_COLUMNS)}, created_by, created_at) "
               f"VALUES ({', '.join('?' * (len(_COLUMNS) + 2))}) RETURNING initiative_id")
_UPDATE_SQL = (f"UPDATE initiatives SET {', '.join(f'{column} = ?' for column in _COLUMNS)}, updated_at = ? "
               "WHERE initiative_id = ?")
_SELECT_SQL = f"""
    SELECT i.initiative_id, {', '.join(f'i.{column}' for column in _COLUMNS)}, i.created_by, i.closed_on,
           CASE i.scope WHEN 'service' THEN coalesce(s.name, '(service ' || i.service_id || ')')
                        WHEN 'group' THEN coalesce(g.name, '(group ' || i.group_id || ')') ELSE 'All' END AS scope_name
    FROM initiatives i LEFT JOIN services s ON s.service_id = i.service_id
    LEFT JOIN customer_groups g ON g.group_id = i.group_id
"""


def _from_row(row: tuple) -> Initiative:
    values = dict(zip(_COLUMNS, row[1:1 + len(_COLUMNS)]))
    return Initiative(row[0], InitiativeDraft(**values), row[-3], row[-2], row[-1])


def _validated(store: Store, draft: InitiativeDraft, actor: Account, today: dt.date) -> InitiativeDraft:
    """:func:`validate_initiative`, with the problem of an unnamed author among the others."""
    errors: dict[str, str] = {}
    check_author(actor.name, errors)
    try:
        draft = validate_initiative(store, draft, today)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return draft


def record_initiative(store: Store, draft: InitiativeDraft, actor: Account, today: dt.date,
                      now: dt.datetime | None = None) -> int:
    """Validate and store a new initiative; its id. Raises NotAllowed for anyone but a lead, ValidationError."""
    require(actor, "lead", "record initiatives")
    draft = _validated(store, draft, actor, today)
    with store.writing() as db:
        initiative_id = db.execute(_INSERT_SQL, [*(getattr(draft, column) for column in _COLUMNS),
                                                 actor.name.strip(), now or dt.datetime.now(dt.UTC)]).fetchone()[0]
        audit.record(db, actor.name.strip(), "insert", "initiatives", initiative_id, asdict(draft))
    return initiative_id


def update_initiative(store: Store, initiative_id: int, draft: InitiativeDraft, actor: Account, today: dt.date,
                      now: dt.datetime | None = None) -> None:
    """Change an open initiative (its old values go to the audit log). Raises NotAllowed for anyone but a lead,
    LookupError when it does not exist, ValidationError for bad input or a closed initiative."""
    require(actor, "lead", "change initiatives")
    draft = _validated(store, draft, actor, today)
    with store.writing() as db:
        before = _fetch(db, initiative_id)
        if before.closed_on is not None:
            raise ValidationError({"form": f"This initiative was closed on {before.closed_on:%d %b %Y}; record a "
                                           "new one to take it further."})
        db.execute(_UPDATE_SQL, [*(getattr(draft, column) for column in _COLUMNS), now or dt.datetime.now(dt.UTC),
                                 initiative_id])
        audit.record(db, actor.name.strip(), "update", "initiatives", initiative_id,
                     {"before": asdict(before.draft), "after": asdict(draft)})


def _fetch(db: duckdb.DuckDBPyConnection, initiative_id: int) -> Initiative:
    row = db.execute(_SELECT_SQL + " WHERE i.initiative_id = ?", [initiative_id]).fetchone()
    if row is None:
        raise LookupError(f"There is no initiative #{initiative_id}.")
    return _from_row(row)


def get_initiative(store: Store, initiative_id: int) -> Initiative:
    """The stored initiative; raises LookupError when there is none with this id."""
    with store.reading() as db:
        return _fetch(db, initiative_id)


def all_initiatives(store: Store, include_closed: bool = True) -> list[Initiative]:
    """Every initiative, by perspective (scorecard order), open before closed, then by start."""
    order = "CASE i.perspective " + " ".join(f"WHEN '{key}' THEN {number}" for number, key in
                                              enumerate(PERSPECTIVES)) + " END"
    with store.reading() as db:
        rows = db.execute(_SELECT_SQL + (" WHERE i.closed_on IS NULL" if not include_closed else "")
                          + f" ORDER BY {order}, i.closed_on IS NOT NULL, i.starts_on, i.initiative_id").fetchall()
    return [_from_row(row) for row in rows]


def record_review(store: Store, initiative_id: int, draft: ReviewDraft, actor: Account, today: dt.date) -> int:
    """Keep a review of an open initiative; a "close" decision closes it on the review's day. Its id. Raises
    NotAllowed for anyone but a lead, LookupError for an unknown initiative, ValidationError for bad input."""
    require(actor, "lead", "review initiatives")
    errors: dict[str, str] = {}
    check_author(actor.name, errors)
    notes = _clean_text(draft.notes, "notes", MAX_NOTES_CHARS, errors,
                        "Say what the review found: the figures, what helped, what got in the way.")
    if draft.decision not in DECISIONS:
        errors["decision"] = "Choose the decision: continue, refine or close."
    with store.writing() as db:
        initiative = _fetch(db, initiative_id)
        if initiative.closed_on is not None:
            errors["form"] = f"This initiative was closed on {initiative.closed_on:%d %b %Y}."
        if draft.reviewed_on is None:
            errors["reviewed_on"] = "Enter the day of the review."
        elif draft.reviewed_on < initiative.draft.starts_on:
            errors["reviewed_on"] = (f"The review cannot come before the initiative started "
                                     f"({initiative.draft.starts_on:%d %b %Y}).")
        elif draft.reviewed_on > today:
            errors["reviewed_on"] = "This day is in the future; record a review once it has taken place."
        if errors:
            raise ValidationError(errors)
        review_id = db.execute(
            "INSERT INTO initiative_reviews (initiative_id, reviewed_on, notes, decision, reviewed_by) "
            "VALUES (?, ?, ?, ?, ?) RETURNING review_id",
            [initiative_id, draft.reviewed_on, notes, draft.decision, actor.name.strip()]).fetchone()[0]
        if draft.decision == "close":
            db.execute("UPDATE initiatives SET closed_on = ? WHERE initiative_id = ?",
                       [draft.reviewed_on, initiative_id])
        audit.record(db, actor.name.strip(), "review", "initiatives", initiative_id,
                     {"review_id": review_id, "reviewed_on": draft.reviewed_on, "decision": draft.decision,
                      "notes": notes})
    return review_id


def reviews(store: Store) -> pd.DataFrame:
    """Every review, newest first: review_id, initiative_id, reviewed_on, decision, notes, reviewed_by."""
    with store.reading() as db:
        return db.execute("SELECT review_id, initiative_id, reviewed_on, decision, notes, reviewed_by "
                          "FROM initiative_reviews ORDER BY reviewed_on DESC, review_id DESC").df()


# ---------------------------------------------------------------------------------------------------------------
# Progress, computed from the data


def _filters(initiative: Initiative) -> Filters:
    draft = initiative.draft
    if draft.scope == "service":
        return Filters(service_ids=(draft.service_id,))
    if draft.scope == "group":
        return Filters(group_ids=(draft.group_id,))
    return Filters()


def weekly_actuals(store: Store, metric: str, weeks: list[Period], time_zone: ZoneInfo, filters: Filters = Filters(),
                   now: dt.datetime | None = None) -> pd.DataFrame:
    """``metric`` (a key of :data:`METRICS`) for each of ``weeks`` (consecutive, oldest first), in one query made
    by the function the metric's page uses: columns ``week`` (its Monday) and ``actual`` (missing where the week
    has no figure, e.g. no request judged or fewer than 5 survey answers). Raises KeyError for an unknown metric."""
    source, column = _SOURCES[metric]
    if not weeks:
        return pd.DataFrame({"week": pd.Series(dtype=object), "actual": pd.Series(dtype=float)})
    mondays = [week.start for week in weeks]
    if source == "service levels":
        frame = attainment_by(store, "week", Period(weeks[0].start, weeks[-1].end), time_zone, filters, now)
        values = dict(zip(frame["value"].map(lambda value: value.date() if hasattr(value, "date") else value),
                          frame[column]))
        actual = [values.get(monday) for monday in mondays]
    elif source == "volumes":
        actual = period_figures(store, weeks, time_zone, filters)[column].tolist()
    elif source == "reach":
        quarters = [Period(week.end - dt.timedelta(weeks=REACH_WEEKS), week.end) for week in weeks]
        actual = period_figures(store, quarters, time_zone, filters)[column].tolist()
    else:
        actual = weekly_satisfaction(store, weeks, time_zone, filters)[column].tolist()
    return pd.DataFrame({"week": mondays, "actual": pd.Series(actual, dtype=float)})


@dataclass(frozen=True)
class Progress:
    """An initiative's figures: the weekly actuals (``weeks``: week, actual, phase 'baseline' or 'since start',
    meets), its baseline, the latest figure, the recent average the verdict judges, the verdict and the trend."""

    weeks: pd.DataFrame
    baseline: float | None
    latest: float | None
    latest_week: dt.date | None
    recent: float | None
    recent_weeks: int
    verdict: str  # a key of VERDICTS
    slope: float | None  # per week, in the metric's unit
    trend: str | None  # 'improving', 'worsening', 'steady'; None with too few weeks

    @property
    def colour(self) -> str:
        return VERDICT_COLOUR[self.verdict]


def _meets(value: float | None, target: float, direction: str) -> bool | None:
    if value is None or pd.isna(value):
        return None
    value, target = round(float(value), 6), round(float(target), 6)
    return value >= target if direction == "at_least" else value <= target


def progress_from_weeks(actuals: pd.DataFrame, start_week: dt.date, target: float, direction: str,
                        kind: str = "count") -> Progress:
    """The :class:`Progress` of an initiative from its weekly actuals (``week``, ``actual``; whole weeks only,
    baseline weeks included), the Monday of the week it starts in, its target and direction (see the module's
    rules). ``kind`` decides when a slope is too small to call a trend."""
    weeks = actuals.copy()
    weeks["phase"] = np.where(weeks["week"] < start_week, "baseline", "since start")
    weeks["meets"] = [_meets(value, target, direction) if phase == "since start" else None
                      for value, phase in zip(weeks["actual"], weeks["phase"])]
    before = weeks[(weeks["phase"] == "baseline") & weeks["actual"].notna()]
    since = weeks[(weeks["phase"] == "since start") & weeks["actual"].notna()]
    baseline = float(before["actual"].mean()) if len(before) else None
    recent_rows = since.tail(RECENT_WEEKS)
    recent = float(recent_rows["actual"].mean()) if len(recent_rows) else None
    verdict = "not_measured" if recent is None else "on_track" if _meets(recent, target, direction) else "off_track"
    slope, trend = None, None
    if len(since) >= MIN_TREND_WEEKS:
        offsets = np.array([(week - since["week"].iloc[0]).days / 7 for week in since["week"]], dtype=float)
        slope = float(np.polyfit(offsets, since["actual"].to_numpy(dtype=float), 1)[0])
        if rounds_to_zero(slope, kind):
            trend = "steady"
        else:
            trend = "improving" if (slope > 0) == (direction == "at_least") else "worsening"
    latest = since.iloc[-1] if len(since) else None
    return Progress(weeks.reset_index(drop=True), baseline, None if latest is None else float(latest["actual"]),
                    None if latest is None else latest["week"], recent, len(recent_rows), verdict, slope, trend)


def initiative_progress(store: Store, initiative: Initiative, today: dt.date, time_zone: ZoneInfo,
                        now: dt.datetime | None = None) -> Progress:
    """The progress of ``initiative`` as of ``today``: the whole weeks from :data:`BASELINE_WEEKS` before the week
    it starts in to the last week ended by ``today`` (or by its closing day), in one query."""
    start_week = week_containing(initiative.draft.starts_on).start
    end = today if initiative.closed_on is None else min(today, initiative.closed_on)
    last = last_complete_week(end)
    first = start_week - dt.timedelta(weeks=BASELINE_WEEKS)
    count = (last.start - first).days // 7 + 1
    weeks = weeks_ending_with(last, count) if count > 0 else []
    actuals = weekly_actuals(store, initiative.draft.metric, weeks, time_zone, _filters(initiative), now)
    return progress_from_weeks(actuals, start_week, initiative.draft.target, initiative.draft.direction,
                               initiative.metric.kind)


@dataclass(frozen=True)
class ScorecardEntry:
    """One initiative with its progress and its reviews (newest first)."""

    initiative: Initiative
    progress: Progress
    reviews: pd.DataFrame

    def review_due(self, today: dt.date) -> bool:
        """:data:`REVIEW_DUE_RULE`: open, its review day reached, and no review recorded on or after that day."""
        draft = self.initiative.draft
        if self.initiative.closed_on is not None or draft.review_on > today:
            return False
        return not (pd.to_datetime(self.reviews["reviewed_on"]).dt.date >= draft.review_on).any()


def scorecard(store: Store, today: dt.date, time_zone: ZoneInfo, now: dt.datetime | None = None,
              include_closed: bool = True, active_from: dt.date | None = None) -> list[ScorecardEntry]:
    """Every initiative (open ones, and closed ones too with ``include_closed``) with its progress as of ``today``
    and its reviews, in scorecard order. ``active_from`` leaves out those that started after ``today`` or closed
    before ``active_from`` (a pack's period)."""
    kept = reviews(store)
    entries = []
    with store.session():
        for initiative in all_initiatives(store, include_closed):
            if active_from is not None and (initiative.draft.starts_on > today or (
                    initiative.closed_on is not None and initiative.closed_on < active_from)):
                continue
            entries.append(ScorecardEntry(initiative, initiative_progress(store, initiative, today, time_zone, now),
                                          kept[kept["initiative_id"] == initiative.initiative_id].reset_index(
                                              drop=True)))
    return entries


def summary_line(entry: ScorecardEntry) -> str:
    """The initiative's figures in one sentence, e.g. 'Baseline 91.2%; latest (week of 16 Nov 2026) 96.0%; last 4
    weeks 95.3% against at least 95.0%: on track, improving.'"""
    initiative, progress = entry.initiative, entry.progress
    metric, draft = initiative.metric, initiative.draft
    parts = [f"Baseline {metric.written(progress.baseline, average=True)}" if progress.baseline is not None else
             "No baseline (no figures in the weeks before the start)"]
    if progress.latest_week is not None:
        parts.append(f"latest (week of {progress.latest_week:%d %b %Y}) {metric.written(progress.latest)}")
        parts.append(f"last {progress.recent_weeks} week{'s' if progress.recent_weeks != 1 else ''} "
                     f"{metric.written(progress.recent, average=True)} against {DIRECTIONS[draft.direction]} "
                     f"{metric.written(draft.target)}")
    verdict = VERDICTS[progress.verdict].lower()
    return "; ".join(parts) + f": {verdict}" + (f", {progress.trend}" if progress.trend else "") + "."


SCORECARD_COLUMNS = ("initiative_id", "perspective", "initiative", "owner", "target", "baseline", "actual",
                     "latest_week", "verdict", "trend", "last_review", "summary", "weekly", "review")


def scorecard_rows(entries: list[ScorecardEntry], today: dt.date) -> pd.DataFrame:
    """One row per entry (in its order), its figures as of ``today`` written as text, since their units differ:
    columns :data:`SCORECARD_COLUMNS`. ``actual`` is the average the verdict judges (the latest
    :data:`RECENT_WEEKS` whole weeks with a figure), ``verdict`` in words (:data:`VERDICTS`), ``last_review`` the
    latest review on or before ``today``, ``weekly`` the weekly figures from the baseline weeks on (weeks without one
    left out) and ``review`` when it is due, or when the initiative closed."""
    rows = []
    for entry in entries:
        initiative, progress = entry.initiative, entry.progress
        metric, draft = initiative.metric, initiative.draft
        kept = entry.reviews[pd.to_datetime(entry.reviews["reviewed_on"]).dt.date <= today]
        last = kept.iloc[0] if len(kept) else None
        review = (f"closed {initiative.closed_on:%d %b %Y}" if initiative.closed_on is not None else
                  "due" if entry.review_due(today) else f"{draft.review_on:%d %b %Y}")
        rows.append({
            "initiative_id": initiative.initiative_id, "perspective": PERSPECTIVES[draft.perspective],
            "initiative": draft.statement, "owner": draft.owner, "target": initiative.target_text(),
            "baseline": metric.written(progress.baseline, average=True),
            "actual": metric.written(progress.recent, average=True),
            "latest_week": progress.latest_week, "verdict": VERDICTS[progress.verdict], "trend": progress.trend or "",
            "last_review": "" if last is None else
            f"{last['reviewed_on']:%d %b %Y}: {DECISIONS[last['decision']].lower()}",
            "summary": summary_line(entry),
            "weekly": progress.weeks["actual"].dropna().astype(float).tolist(),
            "review": review,
        })
    return pd.DataFrame(rows, columns=list(SCORECARD_COLUMNS))


def draft_baseline(store: Store, draft: InitiativeDraft, today: dt.date, time_zone: ZoneInfo,
                   now: dt.datetime | None = None) -> float | None:
    """The baseline an initiative being entered would have (:data:`BASELINE_RULE`), for the form to show before it
    is saved; None until the metric, its scope and the start are chosen, or when those weeks have no figure."""
    metric = METRICS.get(draft.metric or "")
    unchosen = (draft.scope == "service" and draft.service_id is None) or (draft.scope == "group"
                                                                          and draft.group_id is None)
    if metric is None or draft.starts_on is None or draft.scope not in metric.scopes or unchosen:
        return None
    first = week_containing(draft.starts_on).start - dt.timedelta(weeks=BASELINE_WEEKS)
    last = min(last_complete_week(today), week_containing(draft.starts_on).previous(), key=lambda week: week.start)
    count = (last.start - first).days // 7 + 1
    if count <= 0:
        return None
    sketch = Initiative(0, replace(draft, service_id=draft.service_id if draft.scope == "service" else None,
                                   group_id=draft.group_id if draft.scope == "group" else None), "")
    actual = weekly_actuals(store, metric.key, weeks_ending_with(last, count), time_zone, _filters(sketch), now)
    values = actual["actual"].dropna()
    return float(values.mean()) if len(values) else None
