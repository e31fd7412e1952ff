"""The parts of the management pack, each read on its own: the headline figures, the service section,
reach by customer group, satisfaction and the anomalies actioned.

Each part comes from the functions the dashboard's pages call -- ``review.period_figures`` (volumes,
resolution time, reach), ``sla_reports.attainment_by`` and ``weekly_attainment`` (service levels),
``groups.breakdown`` (volumes and reach per customer group), ``surveys`` (the latest wave, its RATER
dimensions, NPS with its margin of error, comments) and ``findings`` (anomalies actioned and the time
they saved). Nothing is counted again here, so the pack shows the dashboard's numbers. Every section
function takes the same ``(store, period, time_zone, filters, now)``, so the Reports page can preview
(and cache) one part without computing the rest; :func:`infodash.pack.pack_content` puts them together.

Comparisons: each headline figure is set against the previous period of the same kind (Q2 before Q3;
Q4 of the year before Q1) and the same period last year, where InfoDash holds data for them. A period
still running is *partial*: its figures run to today, and it is compared with the same number of days
at the start of the periods it is set against.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.db import Store
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.findings import DETECTORS, actioned_between, anomalies
from infodash.formatting import format_figure, format_p_value, target_verdict
from infodash.groups import breakdown
from infodash.instruments import load_instrument, waves
from infodash.periods import Period, ReportingPeriod, first_days, span_label, week_containing
from infodash.review import DEFINITIONS, period_figures
from infodash.sla_reports import ATTAINMENT_DEFINITION, attainment_by, attainment_by_each, weekly_attainment
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.surveys import (HEADLINE, MEASURE_TITLES, MIN_RESPONSES, SUPPRESSED, comments, latest_wave_summary,
                              nps_with_margin)

TREND_WEEKS = 12  # at least this many weeks in the service-level trend (a week or month has fewer)

# The headline figures of the period: key -> (label, kind, direction). Period figures come from
# review.period_figures; attainment from sla_reports.attainment_by; the last two from findings.actioned_between.
HEADLINES: dict[str, tuple[str, str, str]] = {
    "received": ("Requests received", "count", "neutral"),
    "resolved": ("Requests resolved", "count", "higher_is_better"),
    "median_resolution_hours": ("Median time to resolve, elapsed", "hours", "lower_is_better"),
    "attainment": ("Service-level attainment", "share", "higher_is_better"),
    "declined": ("Declined, out of scope", "count", "neutral"),
    "touchpoints": ("Touchpoints", "count", "higher_is_better"),
    "customers_served": ("Customers served", "count", "higher_is_better"),
    "reach_share": ("Share of customers reached", "share", "higher_is_better"),
    "actioned": ("Anomalies actioned", "count", "higher_is_better"),
    "hours_saved": ("Customer hours saved", "hours", "higher_is_better"),
}
PACK_DEFINITIONS: dict[str, str] = {
    **DEFINITIONS,
    "attainment": ATTAINMENT_DEFINITION + " Requests count in the period they were received in.",
    "actioned": "Usage anomalies marked actioned in the period on the Usage monitoring page, with a note of what "
                "was done, whenever they were found.",
    "hours_saved": "Customers' time saved by the anomalies actioned in the period, as the reviewers estimated it "
                   "(those who gave no estimate count as none).",
    "requests_by_service": "Requests received in the period that a service-level policy covers, per service; "
                           "declined ones (out of scope, referred elsewhere) included and also counted apart.",
    "requests_by_group": "Per customer group: requests received, resolved and declined in the period and "
                         "touchpoints logged, as on the Customer groups page.",
    "service_levels": ATTAINMENT_DEFINITION + " Per policy, for the requests received in the period; 'promised' is "
                                              "the share the policy promises to resolve within its target.",
    "attainment_trend": "Attainment per week of receipt (whole weeks, Monday to Sunday, up to the last one that is "
                        "over) against the share promised.",
    "reach": "Per customer group: active customers, those with a request or touchpoint in the period, and the share "
             "reached.",
    "dimensions": "Mean over respondents of the survey's headline measure per RATER dimension (Reliability, "
                  "Assurance, Tangibles, Empathy, Responsiveness), this wave and the one before, with 95% intervals; "
                  f"cells with fewer than {MIN_RESPONSES} responses show no score.",
    "nps": "Net Promoter Score per wave: % answering 9-10 minus % answering 0-6 to 'how likely are you to recommend "
           "us', with its 95% margin of error (low and high are NPS minus and plus the margin).",
    "anomalies": "Usage anomalies actioned in the period: what was found, what was done, and the customer time it "
                 "saved.",
}


@dataclass(frozen=True)
class Change:
    """A headline figure set against another period or wave."""

    name: str  # in a sentence: "the previous quarter, Q2 2026 (1 Apr - 30 Jun 2026)"
    short: str  # on a card: "Q2 2026"
    change: float | None  # the figure now minus then; None where there is nothing to compare
    then: float | None = None  # the figure then, where known
    has_data: bool = True  # False: InfoDash holds nothing for that period
    detail: str = ""  # e.g. "p = 0.16, not significant"

    def sentence(self, kind: str) -> str:
        """One sentence for speaker notes and footnotes."""
        if not self.has_data:
            return f"No data for {self.name}."
        if self.then is not None:
            change = "" if self.change is None else f", a change of {format_figure(self.change, kind, signed=True)}"
            return f"In {self.name}: {format_figure(self.then, kind)}{change}."
        if self.change is None:
            return f"Nothing to compare with in {self.name}{f' ({self.detail})' if self.detail else ''}."
        return (f"Change from {self.name}: {format_figure(self.change, kind, signed=True)}"
                f"{f' ({self.detail})' if self.detail else ''}.")


@dataclass(frozen=True)
class Headline:
    """One headline figure with its definition and comparisons."""

    key: str
    label: str
    value: float | None
    kind: str  # count, hours, share, score (see infodash.formatting)
    direction: str  # higher_is_better, lower_is_better, neutral
    definition: str
    changes: tuple[Change, ...] = ()
    shown_instead: str | None = None  # e.g. "fewer than 5 responses"
    target: float | None = None  # a share's promise, e.g. 0.95 of requests within their service level

    @property
    def text(self) -> str:
        """The figure as shown."""
        return self.shown_instead or format_figure(self.value, self.kind)

    @property
    def verdict(self) -> str | None:
        """Against the target: met, close or missed (None without a target or a value)."""
        return None if self.shown_instead else target_verdict(self.value, self.target)

    def verdict_text(self) -> str:
        """The verdict in words, e.g. "target 95%: met", "1.2 pts below the 95% target"; "" without one."""
        if self.verdict is None:
            return ""
        if self.verdict == "met":
            return f"target {self.target:.0%}: met"
        return f"{(self.target - self.value) * 100:.1f} pts below the {self.target:.0%} target"

    def note(self) -> str:
        """What the figure is and how it compares, for speaker notes and footnotes."""
        verdict = f"Against its target: {self.verdict_text()}." if self.verdict else ""
        return " ".join(part for part in [f"{self.label}: {self.text}. {self.definition}", verdict,
                                          *(change.sentence(self.kind) for change in self.changes)] if part)


@dataclass(frozen=True)
class Satisfaction:
    """The latest survey wave by the end of the period (as on the weekly review)."""

    survey_id: int
    survey: str
    wave: str
    wave_id: int
    previous_wave: str | None
    in_progress: bool
    measure: str  # the survey's headline measure, a key of surveys.MEASURE_TITLES
    headlines: tuple[Headline, ...]
    dimensions: pd.DataFrame  # dimension_scores rows of the headline measure per RATER dimension, both waves
    nps: pd.DataFrame  # nps_with_margin rows of the waves up to this one

    @property
    def wave_line(self) -> str:
        """E.g. 'Library services, Autumn 2026 (still open)'."""
        return f"{self.survey}, {self.wave}" + (" (still open)" if self.in_progress else "")


@dataclass(frozen=True)
class Chart:
    """One chart of the pack: categories and named series of numbers (None: nothing to draw), drawn the
    same way in PowerPoint and HTML, and the table behind it."""

    key: str
    title: str
    kind: str  # bar (horizontal bars, categories top to bottom) or line (categories left to right)
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    value_kind: str  # count, share, score, hours (axis and labels)
    note: str
    table: str  # key of the PackTable behind it
    value_range: tuple[float, float] | None = None

    def describe(self) -> list[str]:
        """The chart in words, one line per category ("Legal: Requests 19, Declined 19"), after its definition:
        speaker notes, and the text a reader without the picture gets."""
        lines = [f"{self.title}. {self.note}"]
        for position, category in enumerate(self.categories):
            values = ", ".join(f"{name} {format_figure(values[position], self.value_kind)}"
                               for name, values in self.series)
            lines.append(f"{category}: {values}")
        return lines


_NO_CHART = {
    "requests_by_service": "No requests covered by a service-level policy were received in this period.",
    "requests_by_group": "No requests or touchpoints in this period for the chosen filters.",
    "service_levels": "No request was judged against a service-level policy in this period.",
    "attainment_trend": "No request was judged against a service-level policy in these weeks.",
    "reach": "No active customers in the chosen customer groups.",
    "dimensions": "No answers to RATER items in this wave for the chosen filters.",
    "nps": "No NPS answers in this survey's waves for the chosen filters.",
}


def _share_range(trend: pd.DataFrame) -> tuple[float, float]:
    """From a round tenth below the lowest attainment or promise (so a few points' change shows) to 100%."""
    lowest = pd.concat([trend["attainment"], trend["primary_target"]]).min()
    return (0.0 if pd.isna(lowest) else max(0.0, math.floor((float(lowest) - 0.05) * 10) / 10), 1.0)


def _labels(values: pd.Series) -> tuple[str, ...]:
    return tuple(str(value) for value in values)


def _numbers(values: pd.Series) -> tuple[float | None, ...]:
    return tuple(None if pd.isna(value) else float(value) for value in values)


@dataclass(frozen=True)
class _Comparator:
    name: str
    short: str
    days: Period | None  # None: there is no such period (week 53 in a year of 52)


def _comparators(period: ReportingPeriod, covered: Period, partial: bool) -> list[_Comparator]:
    """The previous period of the same kind and the same period last year (for a year: the previous year, once),
    cut to as many days as covered."""
    found = []
    others = [("the previous", period.previous())]
    if period.kind != "year":
        others.append(("the same", period.same_period_last_year()))
    for relation, other in others:
        what = f"{relation} {period.kind}" + (" last year" if relation == "the same" else "")
        if other is None:
            found.append(_Comparator(f"{what} ({period.year - 1} has no {period.kind} {period.number})",
                                     f"{period.year - 1}", None))
            continue
        days = first_days(other.period, covered.days) if partial else other.period
        label = f"{other.short_label()}, {span_label(days)}" if partial else other.label()
        prefix = f"the first {covered.days} days of " if partial else ""
        found.append(_Comparator(f"{prefix}{what}, {label}", other.short_label(), days))
    return found


def _has_data(figures: pd.Series) -> bool:
    return bool(figures[["received", "resolved", "declined", "touchpoints"]].sum() > 0)


def _plain(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _period_headlines(store: Store, covered: Period, comparators: list[_Comparator], time_zone: ZoneInfo,
                      filters: Filters, now: dt.datetime) -> tuple[Headline, ...]:
    """The headline figures of ``covered`` and of each comparator with data."""
    periods = [covered, *(comparator.days for comparator in comparators if comparator.days is not None)]
    figures = period_figures(store, periods, time_zone, filters).set_index("period_start")
    rows = [figures.loc[pd.Timestamp(period.bounds(time_zone)[0])] for period in periods]
    values = []
    for period, row in zip(periods, rows):
        service_level = attainment_by(store, "all", period, time_zone, filters, now)
        actioned = actioned_between(store, *period.bounds(time_zone), filters).iloc[0]
        values.append({**{key: _plain(row[key]) for key in DEFINITIONS},
                       "attainment": _plain(service_level["attainment"].iloc[0]) if len(service_level) else None,
                       "promised": _plain(service_level["primary_target"].iloc[0]) if len(service_level) else None,
                       "actioned": float(actioned["actioned"]), "hours_saved": float(actioned["hours_saved"]),
                       "has_data": _has_data(row)})
    current, others = values[0], iter(values[1:])
    compared = [(comparator, next(others) if comparator.days is not None else None) for comparator in comparators]
    headlines = []
    for key, (label, kind, direction) in HEADLINES.items():
        changes = []
        for comparator, then in compared:
            if then is None or not then["has_data"]:
                changes.append(Change(comparator.name, comparator.short, None, has_data=False))
            else:
                difference = None if current[key] is None or then[key] is None else current[key] - then[key]
                changes.append(Change(comparator.name, comparator.short, difference, then[key]))
        headlines.append(Headline(key, label, current[key], kind, direction, PACK_DEFINITIONS[key], tuple(changes),
                                  target=current["promised"] if key == "attainment" else None))
    return tuple(headlines)


def _wave_change(row: pd.Series | None, previous_wave: str | None) -> tuple[Change, ...]:
    """The change from the previous wave as the library judged it (none where either wave is withheld)."""
    if previous_wave is None:
        return ()
    if row is None or bool(row["suppressed"]) or pd.isna(row["change"]):
        return (Change(f"the previous wave, {previous_wave}", previous_wave, None,
                       detail=f"either wave has fewer than {MIN_RESPONSES} responses or no answers"),)
    verdict = "a significant change" if row["significant"] else "not significant: could be chance"
    return (Change(f"the previous wave, {previous_wave}", previous_wave, float(row["change"]),
                   detail=f"{format_p_value(row['p_value'])}, {verdict}"),)


def _survey_headline(key: str, label: str, row: pd.Series | None, column: str, kind: str, definition: str,
                     previous_wave: str | None) -> Headline:
    hidden = row is not None and bool(row["suppressed"])
    value = None if row is None or hidden else _plain(row[column])
    return Headline(key, label, value, kind, "higher_is_better", definition,
                    _wave_change(row, previous_wave), SUPPRESSED if hidden else None)


def _satisfaction(store: Store, last_day: dt.date, filters: Filters) -> Satisfaction | None:
    summary = latest_wave_summary(store, last_day, filters)
    if summary is None:
        return None
    instrument = load_instrument(store, summary.survey_id)
    order = waves(store, summary.survey_id)
    position = order.index[order["wave_id"] == summary.wave_id][0]
    shown_waves = order.loc[:position, "wave_id"].tolist()
    previous_wave = str(order.loc[position - 1, "name"]) if position > 0 else None
    measure = HEADLINE[instrument.style]
    scores = summary.scores  # this wave's and the one before's
    dimensions = scores[(scores["measure"] == measure) & scores["unit"].isin(RATER_DIMENSIONS)]
    nps = nps_with_margin(store, summary.survey_id, filters, wave_ids=shown_waves) if instrument.asks_nps \
        else pd.DataFrame(columns=["wave", "nps", "margin"])
    headlines = []
    if instrument.items:
        headlines.append(_survey_headline(
            "survey_score", f"Overall {MEASURE_TITLES[measure].split(' (')[0].lower()}", summary.headline, "mean",
            "score", f"{MEASURE_TITLES[measure]}: mean over respondents of all items, on the survey's scale.",
            previous_wave))
    if summary.nps is not None:
        margin = summary.nps["margin"]
        headlines.append(_survey_headline(
            "nps", "NPS" + ("" if pd.isna(margin) else f" (± {margin:.0f})"), summary.nps, "nps", "count",
            PACK_DEFINITIONS["nps"].replace(" per wave", ""), previous_wave))
    if summary.csat is not None:
        headlines.append(_survey_headline("csat", "CSAT", summary.csat, "share", "share",
                                          "Share of respondents answering 4 or 5 on the 1-5 satisfaction question.",
                                          previous_wave))
    if summary.invited:
        headlines.append(Headline("response_rate", "Response rate", summary.responses / summary.invited, "share",
                                  "higher_is_better", f"{summary.responses:,} responses from {summary.invited:,} "
                                                      "customers invited."))
    feedback = latest_wave_summary(store, last_day, filters, post_request=True)
    if feedback is not None and feedback.csat is not None:
        headlines.append(_survey_headline(
            "after_request_csat", "After-request CSAT", feedback.csat, "share", "share",
            f"Share answering 4 or 5 on the 1-5 satisfaction question asked when a request is resolved "
            f"({feedback.wave}).", None))
    return Satisfaction(summary.survey_id, summary.survey, summary.wave, summary.wave_id, previous_wave,
                        summary.in_progress, measure, tuple(headlines), dimensions.reset_index(drop=True),
                        nps.reset_index(drop=True))


# ---------------------------------------------------------------------------------------------------------------
# The sections: each reads what one part of the pack shows, so the Reports page can preview a part (and cache
# it) without computing the rest. Every one takes the same (store, period, time_zone, filters, now).


@dataclass(frozen=True)
class ServiceSection:
    """Volumes by service and service levels against each policy, with the weekly trend."""

    requests_by_service: pd.DataFrame  # attainment_by "service": value, requests, declined, met, attainment, ...
    service_levels: pd.DataFrame  # attainment_by "policy"
    attainment_trend: pd.DataFrame  # weekly_attainment: week, requests, attainment, primary_target, ...

    def charts(self) -> list[Chart]:
        """Requests by service, attainment by policy and by week (each only where there is data)."""
        charts = []
        by_service = self.requests_by_service.sort_values("requests", ascending=False)
        if len(by_service):
            charts.append(Chart("requests_by_service", "Requests by service", "bar", _labels(by_service["value"]),
                                (("Requests", _numbers(by_service["requests"])),
                                 ("Declined", _numbers(by_service["declined"]))), "count",
                                PACK_DEFINITIONS["requests_by_service"], "requests_by_service"))
        levels = self.service_levels
        if len(levels):
            charts.append(Chart("service_levels", "Service levels against each policy", "bar",
                                _labels(levels["value"]), (("Attainment", _numbers(levels["attainment"])),
                                                           ("Promised", _numbers(levels["primary_target"]))),
                                "share", PACK_DEFINITIONS["service_levels"], "service_levels", (0.0, 1.0)))
        trend = self.attainment_trend
        if trend["requests"].notna().any():
            charts.append(Chart("attainment_trend", "Service-level attainment by week", "line",
                                tuple(f"{week:%d %b}" for week in trend["week"]),
                                (("Attainment", _numbers(trend["attainment"])),
                                 ("Promised", _numbers(trend["primary_target"]))), "share",
                                PACK_DEFINITIONS["attainment_trend"], "attainment_trend", _share_range(trend)))
        return charts


@dataclass(frozen=True)
class ReachSection:
    """Volumes and reach per customer group (groups.breakdown cells)."""

    requests_by_group: pd.DataFrame  # cell, received, resolved, declined, touchpoints, minutes
    reach: pd.DataFrame  # cell, customers, customers_served, reach_share, under_served

    def charts(self) -> list[Chart]:
        """Requests by customer group and the share of each group reached (each only where there is data)."""
        charts = []
        by_group = self.requests_by_group
        if by_group[["received", "resolved", "touchpoints"]].to_numpy().sum():
            charts.append(Chart("requests_by_group", "Requests by customer group", "bar", _labels(by_group["cell"]),
                                (("Received", _numbers(by_group["received"])),
                                 ("Resolved", _numbers(by_group["resolved"]))), "count",
                                PACK_DEFINITIONS["requests_by_group"], "requests_by_group"))
        if self.reach["customers"].sum():
            charts.append(Chart("reach", "Share of each customer group reached", "bar", _labels(self.reach["cell"]),
                                (("Share reached", _numbers(self.reach["reach_share"])),), "share",
                                PACK_DEFINITIONS["reach"], "reach", (0.0, 1.0)))
        return charts


@dataclass(frozen=True)
class SatisfactionSection:
    """The latest survey wave by the end of the period and the comments the lead may quote from it."""

    satisfaction: Satisfaction | None
    comment_choices: pd.DataFrame  # surveys.comments of the latest wave: response_id, ..., comment
    comments_withheld: bool  # fewer than 5 respondents: no comment may be quoted

    def charts(self) -> list[Chart]:
        """The RATER dimensions of this wave and the one before, and NPS by wave (where any score is shown)."""
        survey, charts = self.satisfaction, []
        if survey is not None and survey.dimensions["mean"].notna().any():
            waves_shown = list(dict.fromkeys(survey.dimensions.sort_values("wave_order")["wave"]))
            rows = survey.dimensions.set_index(["wave", "unit"])["mean"]
            units = [unit for unit in RATER_DIMENSIONS if unit in set(survey.dimensions["unit"])]
            charts.append(Chart("dimensions", f"{MEASURE_TITLES[survey.measure]} by RATER dimension", "bar",
                                tuple(unit.capitalize() for unit in units),
                                tuple((wave, _numbers(pd.Series([rows.get((wave, unit)) for unit in units])))
                                      for wave in waves_shown), "score", PACK_DEFINITIONS["dimensions"],
                                "dimensions"))
        if survey is not None and survey.nps["nps"].notna().any():
            nps = survey.nps
            charts.append(Chart("nps", "Net Promoter Score by wave, with its margin of error", "line",
                                _labels(nps["wave"]), (("NPS", _numbers(nps["nps"])),
                                                       ("Low", _numbers(nps["nps"] - nps["margin"])),
                                                       ("High", _numbers(nps["nps"] + nps["margin"]))),
                                "count", PACK_DEFINITIONS["nps"], "nps", (-100.0, 100.0)))
        return charts


_NO_COMMENTS = pd.DataFrame(columns=["response_id", "submitted_at", "wave", "customer_group", "score", "band",
                                     "comment"])


def reporting_span(period: ReportingPeriod, time_zone: ZoneInfo, now: dt.datetime) -> tuple[Period, bool]:
    """The days the pack's figures cover (up to today for a running period) and whether the period is still
    running. Raises ValidationError (field ``period``) for a period that has not started yet."""
    today = now.astimezone(time_zone).date()
    try:
        return period.covered(today), period.is_partial(today)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None


def headline_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                     now: dt.datetime) -> tuple[Headline, ...]:
    """The headline figures of the period against the previous period and the same period last year."""
    covered, partial = reporting_span(period, time_zone, now)
    return _period_headlines(store, covered, _comparators(period, covered, partial), time_zone, filters, now)


def service_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                    now: dt.datetime) -> ServiceSection:
    """Requests by service, service levels by policy, and attainment by week (at least the last 12 weeks)."""
    covered, _ = reporting_span(period, time_zone, now)
    last_week = last_whole_week(covered, now.astimezone(time_zone).date())
    weeks = max(TREND_WEEKS, -(-(last_week.end - week_containing(covered.start).start).days // 7))
    levels = attainment_by_each(store, ("service", "policy"), covered, time_zone, filters, now)
    return ServiceSection(levels["service"], levels["policy"],
                          weekly_attainment(store, last_week, time_zone, filters, weeks, now))


def last_whole_week(covered: Period, today: dt.date) -> Period:
    """The last Monday-to-Sunday week of ``covered`` that is over by ``today``: the trend shows whole weeks (the
    first and last may reach beyond the period), so the week still running is left out rather than shown as a
    poor week."""
    last_week = week_containing(covered.end - dt.timedelta(days=1))
    return last_week if last_week.end <= today else last_week.previous()


def reach_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                  now: dt.datetime) -> ReachSection:
    """Requests, touchpoints and reach per customer group, as on the Customer groups page."""
    covered, _ = reporting_span(period, time_zone, now)
    cells = breakdown(store, "customer group", covered, time_zone, filters, now).cells
    return ReachSection(cells[["cell", "received", "resolved", "declined", "touchpoints", "minutes"]],
                        cells[["cell", "customers", "customers_served", "reach_share", "under_served"]])


def satisfaction_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                         now: dt.datetime) -> SatisfactionSection:
    """The latest wave by the end of the period (scores, NPS, CSAT, response rate) and its comments."""
    covered, _ = reporting_span(period, time_zone, now)
    satisfaction = _satisfaction(store, covered.end - dt.timedelta(days=1), filters)
    if satisfaction is None:
        return SatisfactionSection(None, _NO_COMMENTS, False)
    choices = comments(store, satisfaction.survey_id, filters, [satisfaction.wave_id])
    return SatisfactionSection(satisfaction, choices.comments, bool(choices.suppressed))


def actioned_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                     now: dt.datetime) -> pd.DataFrame:
    """The anomalies actioned in the period, newest first, with what was done and the hours it saved."""
    covered, _ = reporting_span(period, time_zone, now)
    start, end = (pd.Timestamp(moment) for moment in covered.bounds(time_zone))
    found = anomalies(store, ("actioned",), filters, limit=1_000, newest_first=True)
    found = found[(found["reviewed_at"] >= start) & (found["reviewed_at"] < end)]
    return pd.DataFrame({
        "actioned_on": [moment.tz_convert(time_zone).date() for moment in found["reviewed_at"]],
        "anomaly": [DETECTORS.get(detector, detector) for detector in found["detector"]],
        "subject": found["subject"].to_numpy(),
        "what_was_done": found["review_note"].to_numpy(),
        "hours_saved": (found["minutes_saved"].astype("Float64") / 60).to_numpy(),
        "actioned_by": found["reviewed_by"].to_numpy(),
    })


def why_no_chart(key: str, satisfaction: Satisfaction | None) -> str:
    """What to say where the chart ``key`` is missing from a section's charts (no data, or every cell withheld)."""
    if key in ("dimensions", "nps") and satisfaction is not None and len(getattr(satisfaction, key)):
        return (f"Fewer than {MIN_RESPONSES} responses in each wave for the chosen filters, so no score is "
                f"shown ({SUPPRESSED}).")
    return _NO_CHART[key]
