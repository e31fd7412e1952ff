"""Parts of the Reports page: the pack's sections as tabs (each read only while open), the lead's texts and
comment choice, making the pack (callback), and downloading a stored pack's files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.filters import Filters
from infodash.formatting import PALETTE, format_figure
from infodash.groups import UNDER_SERVED_RULE
from infodash.initiatives import RECENT_WEEKS
from infodash.pack import (MAX_COMMENTS, MAX_TEXT_CHARS, MAX_TEXT_LINES, NO_ACTIONED, NO_SURVEY, PackTexts,
                           pack_content)
from infodash.pack_initiatives import INITIATIVES_NOTE, NO_INITIATIVES, initiatives_section
from infodash.pack_parts import (PACK_DEFINITIONS, Chart, Headline, SatisfactionSection, actioned_section,
                                 headline_section, reach_section, satisfaction_section, service_section, why_no_chart)
from infodash.movers import what_changed_section
from infodash.pack_self_service import NO_SELF_SERVICE, self_service_section
from infodash.pack_themes import themes_section
from infodash.periods import ReportingPeriod
from infodash.reports import PACK_FORMATS, save_pack, saved_pack_file
from infodash.settings import set_reporting_year_start_month
from infodash.surveys import MIN_RESPONSES
from infodash.ui.charts import cached_chart, styled
from infodash.ui.feedback import FormFeedback
from infodash.ui.feedback_sections import pack_preview
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import lazy_tabs
from infodash.ui.pickers import acting_account, staff_name
from infodash.ui.sla_charts import breakdown_chart, weekly_chart
from infodash.ui.store import cached
from infodash.ui.survey_charts import dimension_trend_chart, nps_chart
from infodash.ui.tables import noted, show_table
from infodash.ui.text import escape_markdown
from infodash.ui.theme_sections import comment_themes_section
from infodash.ui.what_changed import show_what_changed

T = TypeVar("T")
FEEDBACK = FormFeedback("pack")
ACHIEVEMENTS_KEY, PLANS_KEY, LAST_PACK_KEY = "pack_achievements", "pack_plans", "pack_last_made"


def _kpi(headline: Headline) -> Kpi:
    first = headline.changes[0] if headline.changes else None
    return Kpi(headline.label, headline.value, first.change if first and first.has_data else None,
               headline.note(), headline.kind, headline.direction, shown_instead=headline.shown_instead)


def headline_cards(headlines: tuple[Headline, ...] | list[Headline]) -> None:
    """The figures as cards, five to a row; the arrow compares with the first comparison (the previous period)."""
    for start in range(0, len(headlines), 5):
        kpi_row([_kpi(headline) for headline in headlines[start:start + 5]], slots=5)


def chart_figure(chart: Chart) -> go.Figure:
    """A pack chart that no page draws already, as the pack draws it: horizontal bars or lines."""
    figure = go.Figure()
    for number, (name, values) in enumerate(chart.series):
        colour = PALETTE[number % len(PALETTE)]
        if chart.kind == "bar":
            figure.add_trace(go.Bar(y=list(chart.categories), x=list(values), name=name, orientation="h",
                                    marker={"color": colour}))
        else:
            figure.add_trace(go.Scatter(x=list(chart.categories), y=list(values), name=name, mode="lines+markers",
                                        line={"color": colour}))
    value_axis = figure.update_xaxes if chart.kind == "bar" else figure.update_yaxes
    value_axis(tickformat=".0%" if chart.value_kind == "share" else None,
               range=list(chart.value_range) if chart.value_range else None)
    if chart.kind == "bar":  # the first category at the top, as in the pack
        figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_layout(hovermode="y unified" if chart.kind == "bar" else "x unified")
    return styled(figure, chart.title, height=max(320, 36 * len(chart.categories) + 120))


@dataclass(frozen=True)
class PackView:
    """The pack being previewed: the period, the sidebar's filters and the minute open requests are judged at."""

    store: Store
    period: ReportingPeriod
    time_zone: ZoneInfo
    filters: Filters
    now: dt.datetime

    def read(self, section: Callable[..., T]) -> T:
        """One part of the pack (a section function of infodash.pack_parts), cached."""
        return cached(section, self.store, self.period, self.time_zone, self.filters, self.now)

    @property
    def comments_key(self) -> str:
        """The session key of the comments chosen, which depend on the period and filters they are chosen for."""
        return (f"pack_comments_{self.period.key}_{'-'.join(map(str, self.filters.group_ids))}_"
                f"{'-'.join(map(str, self.filters.service_ids))}")


def preview(view: PackView) -> None:
    """The pack's sections as tabs; only the open one reads and draws (switching tabs reruns)."""
    lazy_tabs(_SECTIONS, "pack_section", view, view.store)


def _headlines(view: PackView) -> None:
    headline_cards(view.read(headline_section))
    st.caption("Hover over a card's (?) for its definition and how it compares with the previous period and the "
               "same period last year.")


def _chart(chart: Chart, figure: Callable[..., go.Figure] = chart_figure, *args: object) -> None:
    st.plotly_chart(cached_chart(f"pack_{chart.key}", figure, *(args or (chart,))), width="stretch")
    st.caption(chart.note)


def _services(view: PackView) -> None:
    services = view.read(service_section)
    charts = {chart.key: chart for chart in services.charts()}
    left, right = st.columns(2)
    with left:
        if "requests_by_service" in charts:
            _chart(charts["requests_by_service"])
        else:
            st.caption(why_no_chart("requests_by_service", None))
    with right:
        if "service_levels" in charts:
            target = float(services.service_levels["primary_target"].max())
            _chart(charts["service_levels"], breakdown_chart, services.service_levels, "Policy", target)
        else:
            st.caption(why_no_chart("service_levels", None))
    if "attainment_trend" in charts:
        target = float(services.attainment_trend["primary_target"].max())
        _chart(charts["attainment_trend"], weekly_chart, services.attainment_trend.rename(columns={"week": "value"}),
               target)


def _reach(view: PackView) -> None:
    groups = view.read(reach_section)
    charts = {chart.key: chart for chart in groups.charts()}
    left, right = st.columns(2)
    for column, key in ((left, "requests_by_group"), (right, "reach")):
        with column:
            if key in charts:
                _chart(charts[key])
            else:
                st.caption(why_no_chart(key, None))
    under_served = groups.reach.loc[groups.reach["under_served"].fillna(False).astype(bool), "cell"].tolist()
    if under_served:
        st.warning(escape_markdown("Under-served: " + ", ".join(under_served) + f". {UNDER_SERVED_RULE}"),
                   icon=":material/group_off:")


def _satisfaction(view: PackView) -> None:
    section = view.read(satisfaction_section)
    survey = section.satisfaction
    if survey is None:
        st.caption(NO_SURVEY)
        return
    st.caption(escape_markdown(f"The latest wave by the end of the period: {survey.wave_line}."))
    headline_cards(survey.headlines)
    charts = {chart.key: chart for chart in section.charts()}
    if "dimensions" in charts:
        st.plotly_chart(cached_chart("pack_dimensions", dimension_trend_chart, survey.dimensions, survey.measure),
                        width="stretch")
    if "nps" in charts:
        st.plotly_chart(cached_chart("pack_nps", nps_chart, survey.nps), width="stretch")
    for key in ("dimensions", "nps"):
        if key not in charts:
            st.caption(why_no_chart(key, survey))
    _comment_choice(view, section)


def _comment_choice(view: PackView, section: SatisfactionSection) -> None:
    if section.comments_withheld:
        st.info(f"Comments from this wave are withheld: fewer than {MIN_RESPONSES} respondents match the filters.",
                icon=":material/visibility_off:")
    elif len(section.comment_choices):
        choices = section.comment_choices.set_index("response_id")
        st.multiselect(f"Comments to quote in the pack (at most {MAX_COMMENTS})", list(choices.index),
                       key=view.comments_key, persist_state="session", max_selections=MAX_COMMENTS,
                       placeholder="Choose representative comments",
                       format_func=lambda response_id: _comment_label(choices.loc[response_id]),
                       help="From the latest wave, lowest-scoring respondents first. A customer group with fewer "
                            f"than {MIN_RESPONSES} respondents is not named.")
    else:
        st.caption("No comments in this wave for the chosen filters.")


def _actioned(view: PackView) -> None:
    actioned = view.read(actioned_section)
    if actioned.empty:
        st.caption(NO_ACTIONED)
        return
    hours = actioned["hours_saved"].sum()
    st.caption(escape_markdown(f"{len(actioned):,} anomalies actioned in the period, saving customers an estimated "
                               f"{format_figure(hours, 'hours')}. {PACK_DEFINITIONS['anomalies']}"))
    show_table(actioned, "pack-anomalies-actioned.csv", key="pack_actioned", column_config={
        "actioned_on": "Actioned", "what_was_done": st.column_config.TextColumn("What was done", width="large"),
        "actioned_by": "By", "hours_saved": st.column_config.NumberColumn("Hours saved", format="%.1f")})


def _themes(view: PackView) -> None:
    section = view.read(themes_section)
    if section.themes is None:
        st.caption(NO_SURVEY)
        return
    st.caption(escape_markdown(f"The comments of the latest wave by the end of the period: {section.survey}, "
                               f"{section.wave}."))
    comment_themes_section(section.themes, "pack_themes")


def _what_changed(view: PackView) -> None:
    show_what_changed(view.read(what_changed_section), "pack_what_changed")


def _initiatives(view: PackView) -> None:
    initiatives = view.read(initiatives_section)
    if initiatives.empty:
        st.caption(NO_INITIATIVES)
        return
    st.caption(escape_markdown(INITIATIVES_NOTE))
    weeks = [f"{week:%d %b %Y}" if week is not None and not pd.isna(week) else "" for week in initiatives["latest_week"]]
    show_table(initiatives.assign(latest_week=weeks), "pack-initiatives.csv", key="pack_initiatives",
               hidden=("initiative_id", "summary"), column_config={
                   "latest_week": "Latest week", "actual": f"Last {RECENT_WEEKS} weeks", "last_review": "Last review"})


def _self_service(view: PackView) -> None:
    section = view.read(self_service_section)
    charts = section.charts()
    if not charts:
        st.caption(NO_SELF_SERVICE)
        return
    _chart(charts[0])
    show_table(section.candidates, "pack-self-service.csv", key="pack_self_service", column_config={
        "candidate": st.column_config.TextColumn("Typical subject", width="large"),
        "share_of_requests": st.column_config.NumberColumn("Share of requests", format="percent"),
        "staff_hours_per_month": st.column_config.NumberColumn("Staff hours per month", format="%.1f")})


_SECTIONS = {"Headline figures": _headlines, "Requests and service levels": _services, "Reach": _reach,
             "Satisfaction": _satisfaction, "Comment themes": _themes, "Anomalies actioned": _actioned,
             "Self-service": _self_service, "You said, we did": pack_preview, "Initiatives": _initiatives,
             "What changed": _what_changed}


def texts_input(view: PackView) -> None:
    """The lead's achievements and plans (kept in the session while typing), and how many comments are chosen."""
    st.text_area("Achievements", key=ACHIEVEMENTS_KEY, persist_state="session", height=140, max_chars=MAX_TEXT_CHARS,
                 placeholder="One per line, e.g. 'Launched the patent alert service for R&D'",
                 help=f"Shown on a slide of its own, one line per point (at most {MAX_TEXT_LINES} lines).")
    FEEDBACK.error("achievements")
    st.text_area("Plans", key=PLANS_KEY, persist_state="session", height=140, max_chars=MAX_TEXT_CHARS,
                 placeholder="One per line, e.g. 'Extend chat hours to 18:00'",
                 help=f"Shown on a slide of its own, one line per point (at most {MAX_TEXT_LINES} lines).")
    FEEDBACK.error("plans")
    chosen = len(st.session_state.get(view.comments_key) or [])
    st.caption(f"Comments to quote: {chosen or 'none'} chosen, on the Satisfaction tab.")
    FEEDBACK.error("comments")


def _comment_label(row: pd.Series) -> str:
    score = "" if pd.isna(row["score"]) else f" (score {row['score']:.1f})"
    return f"{row['comment'][:110]} - {row['customer_group']}{score}"


def make_pack(view: PackView) -> None:
    """Render and store the pack with the texts typed (callback of "Make the pack"); the parts already
    previewed come from the cache."""
    state = st.session_state
    texts = PackTexts(state.get(ACHIEVEMENTS_KEY) or "", state.get(PLANS_KEY) or "",
                      tuple(int(response_id) for response_id in state.get(view.comments_key) or []))
    try:
        content = pack_content(view.store, view.period, view.time_zone, view.filters, view.now, read=cached)
        pack_id = save_pack(view.store, content, texts, acting_account(view.store), now=view.now)
    except ValidationError as error:
        return FEEDBACK.failed(error.errors)
    except (StoreError, NotAllowed) as error:
        return FEEDBACK.failed({"form": str(error)})
    state[LAST_PACK_KEY] = pack_id
    FEEDBACK.succeeded(f"Made pack #{pack_id}: {content.title}. Download it below; it is also listed under "
                       "'Packs made before'.")


YEAR_START = FormFeedback("pack_year_start")
_MONTHS = {number: dt.date(2000, number, 1).strftime("%B") for number in range(1, 13)}


def year_start_control(store: Store, year_start: int) -> None:
    """A popover to choose the month the reporting year starts in (quarters and years count from it)."""
    with st.popover(f"Reporting year: from {_MONTHS[year_start]}", icon=":material/calendar_month:",
                    width="stretch"):
        st.selectbox("The reporting year starts in", list(_MONTHS), index=year_start - 1, format_func=_MONTHS.get,
                     key="pack_year_start", help="Quarters and years are counted from this month for every pack; "
                     "packs made before keep their periods. E.g. April for a year running April to March.")
        st.caption("Recorded under the name in 'Your name' further down.")
        st.button("Save", key="pack_year_start_save", on_click=_save_year_start, args=(store,))
        YEAR_START.error("year_start_month")
        YEAR_START.error("author")


def _save_year_start(store: Store) -> None:
    month = int(st.session_state.get("pack_year_start") or 1)
    if YEAR_START.attempt(lambda: set_reporting_year_start_month(store, month, acting_account(store)), "author"):
        YEAR_START.succeeded(f"The reporting year now starts in {_MONTHS[month]} (set by {staff_name()}).")


def downloads(store: Store, pack_id: int, formats: list[str], key: str) -> None:
    """A download button for each stored file of pack ``pack_id``."""
    for column, file_format in zip(st.columns(len(PACK_FORMATS)), formats, strict=False):
        stored = cached(saved_pack_file, store, pack_id, file_format)
        if stored is not None:
            column.download_button(PACK_FORMATS[file_format].title, noted(lambda content=stored.content: content,
                                                                          stored.file_name),
                                   file_name=stored.file_name, mime=stored.mime, key=f"{key}_{pack_id}_{file_format}",
                                   icon=":material/download:", on_click="ignore")
