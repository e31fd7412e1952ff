"""The management pack: what senior management sees of one reporting period, put together.

:func:`pack_content` puts together the parts :mod:`infodash.pack_parts` reads (headline figures, services and
service levels, reach, satisfaction, anomalies actioned) and what changed from the previous period
(:mod:`infodash.movers`, the pack's first page) for a week, month, quarter or year and the shared
filters. :class:`ManagementPack` adds what the lead writes (achievements, plans, the comments to quote) and
lays the content out as :meth:`~ManagementPack.charts` (each with the table behind it) and
:meth:`~ManagementPack.tables`, which the PowerPoint, HTML and spreadsheet renderers draw from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.catalogue import customer_group_options, service_options
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.formatting import format_figure
from infodash.movers import DEFINITION as WHAT_CHANGED_DEFINITION
from infodash.movers import WhatChanged, what_changed_section
from infodash.pack_feedback import NOTE as FEEDBACK_NOTE
from infodash.pack_feedback import TITLE as FEEDBACK_TITLE
from infodash.pack_feedback import FeedbackSection, feedback_section
from infodash.pack_initiatives import INITIATIVE_COLUMNS, INITIATIVES_NOTE, initiatives_section
from infodash.pack_parts import (PACK_DEFINITIONS, Chart, Headline, ReachSection, SatisfactionSection,
                                 ServiceSection, actioned_section, headline_section, reach_section, reporting_span,
                                 satisfaction_section, service_section, why_no_chart)
from infodash.pack_self_service import NO_SELF_SERVICE, SELF_SERVICE_NOTE, SelfServiceSection, self_service_section
from infodash.pack_themes import THEMES_NOTE, ThemeSection, themes_section
from infodash.periods import Period, ReportingPeriod
from infodash.surveys import MIN_RESPONSES, with_suppression_text

MAX_TEXT_CHARS, MAX_TEXT_LINES = 2_000, 15  # what fits on a slide in 16-point type
MAX_COMMENTS = 5
SHARE_COLUMNS = ("attainment", "promised", "within_hard_limit", "reach_share",  # fractions, shown as percentages
                 "share_of_requests")


@dataclass(frozen=True)
class PackContent:
    """Every number and table of a management pack, before the lead's texts."""

    period: ReportingPeriod
    covered: Period  # the days the figures cover (up to today for a partial period)
    partial: bool
    scope: str  # the filters in words
    filters: Filters
    time_zone: str
    judged_at: dt.datetime  # open requests are judged against this instant
    headlines: tuple[Headline, ...]
    services: ServiceSection
    groups: ReachSection
    survey: SatisfactionSection
    actioned: pd.DataFrame  # the anomalies actioned in the period, newest first
    themes: ThemeSection | None = None  # the latest wave's comment themes
    feedback: FeedbackSection | None = None  # you said, we did (None: a pack made without it)
    # the performance initiatives open in the period, with their figures as of its end (infodash.pack_initiatives)
    initiatives: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(INITIATIVE_COLUMNS)))
    self_service: SelfServiceSection | None = None  # the top routine requests customers could do themselves
    what_changed: WhatChanged | None = None  # the biggest significant movers from the previous period (first page)

    @property
    def title(self) -> str:
        """E.g. 'Q3 2026 (1 Jul - 30 Sep 2026)', with ', so far (to 23 Nov 2026)' for a partial period."""
        return pack_title(self.period, self.covered, self.partial)

    @property
    def provenance(self) -> str:
        """Where the figures come from and, for a partial period, what they are compared with."""
        return ("Every figure comes from InfoDash, computed as on the dashboard's pages; open requests were judged "
                f"against {self.judged_at.astimezone(dt.UTC):%d %b %Y %H:%M} UTC."
                + (" The period is still running: its figures run to today and are compared with the same number "
                   "of days at the start of the periods they are set against." if self.partial else ""))

    def headline(self, key: str) -> Headline:
        """The headline figure ``key`` (a key of :data:`HEADLINES`)."""
        return next(headline for headline in self.headlines if headline.key == key)


@dataclass(frozen=True)
class PackTexts:
    """What the lead writes for a pack: achievements, plans and the survey comments to quote."""

    achievements: str = ""
    plans: str = ""
    comment_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PackTable:
    """A table of the pack as readers take it away: ``frame`` as written (suppressed cells say so)."""

    key: str  # the sheet or file name
    title: str
    frame: pd.DataFrame
    note: str


@dataclass(frozen=True)
class ManagementPack:
    """A pack ready to render: the content, the lead's texts, who made it and when."""

    content: PackContent
    texts: PackTexts = field(default_factory=PackTexts)
    made_by: str = ""
    made_at: dt.datetime | None = None

    @property
    def made_line(self) -> str:
        """E.g. 'Prepared by Ana Costa on 23 Nov 2026'."""
        return " ".join(part for part in ("Prepared", f"by {self.made_by}" if self.made_by else "",
                                          f"on {self.made_at:%d %b %Y}" if self.made_at else "") if part)

    @property
    def quoted_comments(self) -> pd.DataFrame:
        """The chosen comments in the order chosen (those no longer shown -- withheld -- left out)."""
        choices = self.content.survey.comment_choices.set_index("response_id")
        chosen = [response_id for response_id in self.texts.comment_ids if response_id in choices.index]
        return choices.loc[chosen].reset_index()

    def charts(self) -> list[Chart]:
        """Every chart of the pack, in the order presented; sections without data have none."""
        content = self.content
        found = {chart.key: chart for section in (content.services, content.groups, content.survey,
                                                  content.self_service) if section is not None
                 for chart in section.charts()}
        return [found[key] for key in CHART_ORDER if key in found]

    def why_no_chart(self, key: str) -> str:
        """What to say where the chart ``key`` is missing from :meth:`charts` (no data, or every cell withheld)."""
        if key == "self_service":
            return NO_SELF_SERVICE
        return why_no_chart(key, self.content.survey.satisfaction)

    def tables(self) -> list[PackTable]:
        """The tables behind the headlines and every chart, plus the actioned anomalies and quoted comments."""
        content = self.content
        tables = [PackTable("headlines", "Headline figures", _headline_table(content.headlines),
                            "Each figure with the periods it is compared with; definitions in the last column."),
                  PackTable("requests_by_service", "Requests by service", content.services.requests_by_service[
                      ["value", "requests", "declined", "met", "breached", "open_breached", "attainment"]].rename(
                      columns={"value": "service"}), PACK_DEFINITIONS["requests_by_service"]),
                  PackTable("requests_by_group", "Requests by customer group", content.groups.requests_by_group[
                      ["cell", "received", "resolved", "declined", "touchpoints", "minutes"]].rename(
                      columns={"cell": "customer_group"}), PACK_DEFINITIONS["requests_by_group"]),
                  PackTable("service_levels", "Service levels by policy", content.services.service_levels[
                      ["value", "requests", "met", "breached", "open_breached", "attainment", "primary_target",
                       "within_hard_limit", "median_hours", "p90_hours"]].rename(
                      columns={"value": "policy", "primary_target": "promised"}), PACK_DEFINITIONS["service_levels"]),
                  PackTable("attainment_trend", "Service-level attainment by week", content.services.attainment_trend[
                      ["week", "requests", "met", "breached", "open_breached", "attainment", "primary_target"]].rename(
                      columns={"primary_target": "promised"}), PACK_DEFINITIONS["attainment_trend"])]
        survey = content.survey.satisfaction
        if survey is not None:
            dimensions = with_suppression_text(survey.dimensions, {column: "{:.2f}" for column in
                                                                   ("mean", "ci_low", "ci_high")}
                                               | {"change": "{:+.2f}", "p_value": "{:.3f}"})
            tables.append(PackTable("dimensions", f"{survey.survey}: RATER dimensions",
                                    dimensions[["wave", "unit", "n", "mean", "ci_low", "ci_high", "change", "p_value"]]
                                    .rename(columns={"unit": "dimension"}), PACK_DEFINITIONS["dimensions"]))
            nps = with_suppression_text(survey.nps, {"nps": "{:.1f}", "margin": "{:.1f}", "promoters": "{:.0f}",
                                                     "passives": "{:.0f}", "detractors": "{:.0f}"})
            tables.append(PackTable("nps", f"{survey.survey}: NPS by wave", nps[
                ["wave", "n", "promoters", "passives", "detractors", "nps", "margin"]], PACK_DEFINITIONS["nps"]))
        tables.append(PackTable("reach", "Reach by customer group", content.groups.reach[
            ["cell", "customers", "customers_served", "reach_share", "under_served"]].rename(
            columns={"cell": "customer_group"}), PACK_DEFINITIONS["reach"]))
        tables.append(PackTable("anomalies_actioned", "Anomalies actioned", content.actioned,
                                PACK_DEFINITIONS["anomalies"]))
        tables.append(PackTable("initiatives", "Performance initiatives", content.initiatives.drop(
            columns=["summary"]), INITIATIVES_NOTE))
        tables.append(PackTable("comments", "Comments quoted", self.quoted_comments[
            ["wave", "customer_group", "comment"]],
                                QUOTING_RULE))
        if content.themes is not None and not content.themes.table().empty:
            tables.append(PackTable("comment_themes", content.themes.heading, content.themes.table().rename(
                columns={"average_score": content.themes.score_label}), THEMES_NOTE))
        if content.feedback is not None:
            tables.append(PackTable("you_said_we_did", FEEDBACK_TITLE, content.feedback.items, FEEDBACK_NOTE))
        if content.self_service is not None:
            tables.append(PackTable("self_service", "Self-service opportunities", content.self_service.candidates,
                                    content.self_service.summary + " " + SELF_SERVICE_NOTE))
        if content.what_changed is not None:
            tables.append(PackTable("what_changed", "What changed", content.what_changed.table(),
                                    WHAT_CHANGED_DEFINITION))
        return tables


NO_SURVEY = "No survey wave had opened by the end of this period."
NO_ACTIONED = "No usage anomalies were actioned in this period."
QUOTING_RULE = (f"Comments chosen by the lead from the latest wave; none is quoted from a wave with fewer than "
                f"{MIN_RESPONSES} respondents, and a customer group with fewer than {MIN_RESPONSES} is not named.")
CHART_ORDER = ("requests_by_service", "requests_by_group", "service_levels", "attainment_trend", "dimensions", "nps",
               "reach", "self_service")


def pack_title(period: ReportingPeriod, covered: Period, partial: bool) -> str:
    """E.g. 'Q3 2026 (1 Jul - 30 Sep 2026)', with ', so far (to 23 Nov 2026)' for a partial period."""
    last = covered.end - dt.timedelta(days=1)
    return period.label() + (f", so far (to {last.day} {last:%b %Y})" if partial else "")


def _headline_table(headlines: tuple[Headline, ...]) -> pd.DataFrame:
    rows = []
    for headline in headlines:
        row = {"figure": headline.label, "value": headline.text}
        for number, change in enumerate(headline.changes, start=1):
            row[f"compared_with_{number}"] = change.short
            row[f"then_{number}"] = format_figure(change.then, headline.kind) if change.has_data else "no data"
            row[f"change_{number}"] = format_figure(change.change, headline.kind, signed=True)
        rows.append({**row, "definition": headline.definition})
    return pd.DataFrame(rows)


def scope_text(store: Store, filters: Filters) -> str:
    """The filters in words: "All customer groups; all services" or the names chosen."""
    groups, services = dict(customer_group_options(store)), dict(service_options(store))
    parts = [("Customer groups: " + ", ".join(groups.get(group, f"#{group}") for group in filters.group_ids))
             if filters.group_ids else "All customer groups",
             ("services: " + ", ".join(services.get(service, f"#{service}") for service in filters.service_ids))
             if filters.service_ids else "all services"]
    return "; ".join(parts)


SectionReader = Callable[..., Any]  # (section function, store, *args) -> what the function returns


def _call(section: Callable[..., Any], store: Store, *args: Any) -> Any:
    return section(store, *args)


def pack_content(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters = Filters(),
                 now: dt.datetime | None = None, read: SectionReader = _call) -> PackContent:
    """Every number and table of the management pack for ``period`` and ``filters``: the parts of
    :mod:`infodash.pack_parts`.

    Open requests are judged against ``now`` (default: the present), which also decides whether the
    period is still running (partial). ``read(section, store, *args)`` computes a section; the app passes its
    cache, so a pack made after a preview reuses the sections already shown. Raises ValidationError (field
    ``period``) for a period that has not started yet.
    """
    now = now or dt.datetime.now(dt.UTC)
    covered, partial = reporting_span(period, time_zone, now)
    arguments = (period, time_zone, filters, now)
    with store.session():  # one open file for the thirty-odd reads
        return PackContent(
            period=period, covered=covered, partial=partial, scope=scope_text(store, filters), filters=filters,
            time_zone=time_zone.key, judged_at=now, headlines=read(headline_section, store, *arguments),
            services=read(service_section, store, *arguments), groups=read(reach_section, store, *arguments),
            survey=read(satisfaction_section, store, *arguments), actioned=read(actioned_section, store, *arguments),
            themes=read(themes_section, store, *arguments),
            feedback=read(feedback_section, store, *arguments),
            initiatives=read(initiatives_section, store, *arguments),
            self_service=read(self_service_section, store, *arguments),
            what_changed=read(what_changed_section, store, *arguments))


def check_texts(content: PackContent, texts: PackTexts) -> None:
    """Raise ValidationError naming each problem with the lead's texts: too long, too many comments, or a
    comment that is not among those the pack may quote (e.g. withheld: fewer than 5 respondents)."""
    errors: dict[str, str] = {}
    for name in ("achievements", "plans"):
        text = getattr(texts, name).strip()
        if len(text) > MAX_TEXT_CHARS or len([line for line in text.splitlines() if line.strip()]) > MAX_TEXT_LINES:
            errors[name] = (f"Keep this to {MAX_TEXT_CHARS:,} characters and {MAX_TEXT_LINES} lines: it has to fit "
                            "on a slide.")
    if len(texts.comment_ids) > MAX_COMMENTS:
        errors["comments"] = f"Choose at most {MAX_COMMENTS} comments: one slide holds that many."
    elif set(texts.comment_ids) - set(content.survey.comment_choices["response_id"]):
        errors["comments"] = ("A chosen comment is not among those this pack may quote (it may be withheld now); "
                              "choose again.")
    if errors:
        raise ValidationError(errors)
