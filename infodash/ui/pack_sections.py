"""Parts of the Reports page: the pack's headline cards and charts as a preview, the lead's texts and
comment choice, making the pack (callback), and downloading a stored pack's files."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import ValidationError
from infodash.formatting import PALETTE
from infodash.pack import (MAX_COMMENTS, MAX_TEXT_CHARS, MAX_TEXT_LINES, NO_SURVEY, Chart, Headline, ManagementPack,
                           PackContent, PackTexts)
from infodash.reports import PACK_FORMATS, save_pack, saved_pack_file
from infodash.surveys import MIN_RESPONSES
from infodash.ui.charts import cached_chart, styled
from infodash.ui.feedback import FormFeedback
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.pickers import staff_name
from infodash.ui.sla_charts import breakdown_chart, weekly_chart
from infodash.ui.store import cached
from infodash.ui.survey_charts import dimension_trend_chart, nps_chart
from infodash.ui.text import escape_markdown

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


def preview(pack: ManagementPack) -> None:
    """The pack's sections as the page shows them: figures as cards, charts with their definitions."""
    content = pack.content
    charts = {chart.key: chart for chart in pack.charts()}
    st.subheader("Requests and service levels")
    headline_cards(content.headlines)
    left, right = st.columns(2)
    for column, key in ((left, "requests_by_service"), (right, "requests_by_group")):
        if key in charts:
            column.plotly_chart(cached_chart(f"pack_{key}", chart_figure, charts[key]), width="stretch")
            column.caption(charts[key].note)
    if "service_levels" in charts:
        target = float(content.service_levels["primary_target"].max())
        left, right = st.columns(2)
        left.plotly_chart(cached_chart("pack_policies", breakdown_chart, content.service_levels, "Policy", target),
                          width="stretch")
        right.plotly_chart(cached_chart("pack_trend", weekly_chart,
                                        content.attainment_trend.rename(columns={"week": "value"}), target),
                           width="stretch")
        st.caption(charts["service_levels"].note)
    st.subheader("Reach across the organisation")
    if "reach" in charts:
        st.plotly_chart(cached_chart("pack_reach", chart_figure, charts["reach"]), width="stretch")
        st.caption(charts["reach"].note)
    survey = content.satisfaction
    st.subheader("Satisfaction")
    if survey is None:
        st.caption(NO_SURVEY)
        return
    st.caption(escape_markdown(f"The latest wave by the end of the period: {survey.wave_line}."))
    headline_cards(survey.headlines)
    if "dimensions" in charts:
        st.plotly_chart(cached_chart("pack_dimensions", dimension_trend_chart, survey.dimensions, survey.measure),
                        width="stretch")
    if "nps" in charts:
        st.plotly_chart(cached_chart("pack_nps", nps_chart, survey.nps), width="stretch")
    for key in ("dimensions", "nps"):
        if key not in charts:
            st.caption(pack.why_no_chart(key))


def texts_input(content: PackContent) -> str:
    """The lead's achievements, plans and comments to quote (kept in the session while typing); the key of
    the comment choice, which depends on the wave and filters it is made from."""
    st.text_area("Achievements", key=ACHIEVEMENTS_KEY, persist_state="session", height=140, max_chars=MAX_TEXT_CHARS,
                 placeholder="One per line, e.g. 'Launched the patent alert service for R&D'",
                 help=f"Shown on a slide of its own, one line per point (at most {MAX_TEXT_LINES} lines).")
    FEEDBACK.error("achievements")
    st.text_area("Plans", key=PLANS_KEY, persist_state="session", height=140, max_chars=MAX_TEXT_CHARS,
                 placeholder="One per line, e.g. 'Extend chat hours to 18:00'",
                 help=f"Shown on a slide of its own, one line per point (at most {MAX_TEXT_LINES} lines).")
    FEEDBACK.error("plans")
    survey, filters = content.satisfaction, content.filters
    key = (f"pack_comments_{survey.wave_id if survey else 0}_{'-'.join(map(str, filters.group_ids))}_"
           f"{'-'.join(map(str, filters.service_ids))}")
    if content.comments_withheld:
        st.info(f"Comments from this wave are withheld: fewer than {MIN_RESPONSES} respondents match the filters.",
                icon=":material/visibility_off:")
    elif len(content.comment_choices):
        choices = content.comment_choices.set_index("response_id")
        st.multiselect(f"Comments to quote (at most {MAX_COMMENTS})", list(choices.index), key=key,
                       max_selections=MAX_COMMENTS, placeholder="Choose representative comments",
                       format_func=lambda response_id: _comment_label(choices.loc[response_id]),
                       help="From the latest wave, lowest-scoring respondents first. A customer group with fewer "
                            f"than {MIN_RESPONSES} respondents is not named.")
    FEEDBACK.error("comments")
    return key


def _comment_label(row: pd.Series) -> str:
    score = "" if pd.isna(row["score"]) else f" (score {row['score']:.1f})"
    return f"{row['comment'][:110]} - {row['customer_group']}{score}"


def make_pack(store: Store, content: PackContent, comments_key: str) -> None:
    """Render and store the pack with the texts typed (callback of "Make the pack")."""
    state = st.session_state
    texts = PackTexts(state.get(ACHIEVEMENTS_KEY) or "", state.get(PLANS_KEY) or "",
                      tuple(int(response_id) for response_id in state.get(comments_key) or []))
    try:
        pack_id = save_pack(store, content, texts, staff_name(), now=content.judged_at)
    except ValidationError as error:
        return FEEDBACK.failed(error.errors)
    except StoreError as error:
        return FEEDBACK.failed({"form": str(error)})
    state[LAST_PACK_KEY] = pack_id
    FEEDBACK.succeeded(f"Made pack #{pack_id}: {content.title}. Download it below; it is also listed under "
                       "'Packs made before'.")


def downloads(store: Store, pack_id: int, formats: list[str], key: str) -> None:
    """A download button for each stored file of pack ``pack_id``."""
    for column, file_format in zip(st.columns(len(PACK_FORMATS)), formats, strict=False):
        stored = cached(saved_pack_file, store, pack_id, file_format)
        if stored is not None:
            column.download_button(PACK_FORMATS[file_format].title, stored.content, file_name=stored.file_name,
                                   mime=stored.mime, key=f"{key}_{pack_id}_{file_format}", icon=":material/download:")
