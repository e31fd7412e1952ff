"""Parts of the Surveys page (also used by the weekly review): one wave's KPI cards, its score table,
the breakdown table and the comments, each showing "fewer than 5 responses" where a cell is suppressed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from infodash.db import Store
from infodash.filters import Filters
from infodash.formatting import format_figure, format_p_value
from infodash.instruments import Instrument
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.surveys import (HEADLINE, MEASURE_TITLES, MIN_RESPONSES, SUPPRESSED, CommentSelection, WaveSummary,
                              latest_wave_summary, with_suppression_text)
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.store import cached
from infodash.ui.tables import download_button, show_table
from infodash.ui.text import escape_markdown


def latest_summaries(store: Store, last_day: dt.date, filters: Filters) -> tuple[WaveSummary | None, WaveSummary | None]:
    """The latest survey wave and the latest post-request feedback by ``last_day`` (cached), as the weekly review
    shows them and its "What changed" compares them."""
    return (cached(latest_wave_summary, store, last_day, filters),
            cached(latest_wave_summary, store, last_day, filters, True))


def _verdict(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["p_value"]):
        return "No earlier wave to compare with."
    return (f"Change from the previous wave: {format_p_value(row['p_value'])}, "
            + ("a significant change." if row["significant"] else "not significant: could be chance."))


def _row(frame: pd.DataFrame, wave_id: int, **equal: str) -> pd.Series | None:
    rows = frame[frame["wave_id"] == wave_id]
    for column, value in equal.items():
        rows = rows[rows[column] == value]
    return rows.iloc[0] if len(rows) else None


def _kpi(label: str, row: pd.Series | None, column: str, definition: str, kind: str, higher_is_better: bool = True,
         suffix: str = "", words: tuple[str, str] | None = None) -> Kpi:
    """A survey card; ``words`` say what a value below and at or above zero means (e.g. for a gap)."""
    hidden = row is not None and bool(row["suppressed"])
    value = None if row is None or hidden else row[column]
    change = None if row is None or hidden else row["change"]
    note = None if words is None or value is None or pd.isna(value) else words[0] if value < 0 else words[1]
    return Kpi(label + suffix, value, change, f"{definition} {_verdict(row)}", kind,
               "higher_is_better" if higher_is_better else "lower_is_better",
               shown_instead=SUPPRESSED if hidden else None, note=note)


def feedback_kpi(summary: WaveSummary) -> Kpi:
    """The post-request CSAT card: the share of satisfied answers in the current feedback wave."""
    return _kpi("After-request CSAT", summary.csat, "share", f"{_CSAT_HELP} Asked when a request is resolved; "
                f"{escape_markdown(summary.wave)}.", "share")


def summary_kpis(summary: WaveSummary) -> list[Kpi]:
    """Cards for the latest wave (weekly review and management pack): headline, NPS, CSAT, response rate."""
    cards = [_kpi(f"Overall {MEASURE_TITLES[summary.headline_measure].split(' (')[0].lower()}",
                  summary.headline, "mean", _HEADLINE_HELP[summary.headline_measure], "score",
                  words=_GAP_WORDS.get(summary.headline_measure))]
    if summary.nps is not None:
        margin = "" if pd.isna(summary.nps["margin"]) else f" (± {summary.nps['margin']:.0f})"
        cards.append(_kpi("NPS", summary.nps, "nps", _NPS_HELP, "count", suffix=margin))
    if summary.csat is not None:
        cards.append(_kpi("CSAT", summary.csat, "share", _CSAT_HELP, "share"))
    if summary.invited:
        cards.append(Kpi("Response rate", summary.responses / summary.invited, None,
                         f"{summary.responses:,} responses from {summary.invited:,} invited.", "share"))
    return cards


_HEADLINE_HELP = {
    "gap": "Mean over respondents of perceived minus expected, over all items: below zero, service falls short "
           "of what customers expect.",
    "adequacy_gap": "Mean over respondents of perceived minus minimum acceptable, over all items: below zero, "
                    "service falls under the zone of tolerance.",
    "perception": "Mean over respondents of their perceived-service answers, over all items.",
}
# What a gap below zero, and at or above it, means, in a few words under the figure.
_GAP_WORDS = {"gap": ("short of expectations", "meets expectations"),
              "adequacy_gap": ("below the acceptable", "within tolerance")}
_NPS_HELP = ("Net Promoter Score: % answering 9-10 minus % answering 0-6 to 'how likely are you to recommend us', "
             "with its 95% margin of error.")
_CSAT_HELP = "Share of respondents answering 4 or 5 on the 1-5 satisfaction question."


def wave_kpis(instrument: Instrument, scores: pd.DataFrame, nps: pd.DataFrame, csat: pd.DataFrame,
              rates: pd.DataFrame, weighted: pd.DataFrame, wave_id: int) -> None:
    """KPI cards for one wave of a survey, all respondents in the filters."""
    headline = HEADLINE[instrument.style]
    wave_rates = rates[rates["wave_id"] == wave_id]
    summary = WaveSummary(
        instrument.survey_id, instrument.name, wave_id, "", False, headline,
        _row(scores, wave_id, unit="overall", measure=headline), scores, _row(nps, wave_id), _row(csat, wave_id),
        int(wave_rates["responses"].sum()), int(wave_rates["invited"].sum()))
    cards = summary_kpis(summary)[0 if instrument.items else 1:]
    if not summary.invited:
        cards.append(Kpi("Responses", summary.responses, None, "Responses in this wave (nobody is invited to "
                         "post-request feedback: it is asked of every resolved request).", "count", "neutral"))
    weighted_row = _row(weighted, wave_id)
    if weighted_row is not None:
        gap = headline != "perception"  # weighted_gap weights the headline: a perception-only survey has no gap
        cards.append(Kpi("Weighted gap" if gap else "Weighted perceived",
                         None if weighted_row["suppressed"] else weighted_row["weighted_gap"], None,
                         f"The dimension {'gaps' if gap else 'perceived levels'} weighted by how many importance "
                         "points respondents gave each dimension.", "score",
                         shown_instead=SUPPRESSED if weighted_row["suppressed"] else None))
    kpi_row(cards, slots=5)


def wave_scores_table(table: pd.DataFrame, scores: pd.DataFrame, wave_id: int, instrument: Instrument,
                      labels: dict[str, str]) -> None:
    """The wave's means per dimension or item (``table``, its :func:`~infodash.surveys.wave_table` of ``scores``)
    with n and the headline change, downloadable."""
    headline = HEADLINE[instrument.style]
    changes = scores[(scores["wave_id"] == wave_id) & (scores["measure"] == headline)][
        ["unit", "change", "p_value", "significant"]]
    table = table.merge(changes, on="unit", how="left")
    table.insert(0, "question", [labels.get(unit, unit) for unit in table["unit"]])
    measures = [m for m in MEASURE_TITLES if m in table]
    shown = with_suppression_text(table, {**{m: "{:.2f}" for m in measures},
                                          "change": lambda change: format_figure(change, "score", signed=True),
                                          "p_value": lambda p: format_p_value(p, named=False)})
    shown = shown[["question", *measures, "n", "change", "p_value"]].rename(
        columns={m: MEASURE_TITLES[m].split(" (")[0] for m in measures}
        | {"question": "Dimension or item", "n": "Responses", "change": "Change on the previous wave", "p_value": "p"})
    st.dataframe(shown, hide_index=True, height=min(38 * (len(shown) + 1), 560))
    download_button(shown, "survey-wave-scores.csv", key="survey_wave_download")


def breakdown_table(scores: pd.DataFrame, nps: pd.DataFrame, csat: pd.DataFrame, wave_id: int, measure: str,
                    by: str) -> None:
    """Cells (groups, departments ...) x dimensions for one wave and measure, with NPS and CSAT; downloadable."""
    columns: list[pd.Series] = []
    rows = scores[(scores["wave_id"] == wave_id) & (scores["measure"] == measure)]
    if not rows.empty:
        shown = with_suppression_text(rows, {"mean": "{:.2f}"})
        columns.append(rows.groupby("cell")["n"].max().rename("responses"))
        columns.extend(shown.pivot(index="cell", columns="unit", values="mean")[unit].rename(unit.capitalize())
                       for unit in ("overall", *RATER_DIMENSIONS) if unit in set(rows["unit"]))
    for frame, column, label, pattern in ((nps, "nps", "NPS", "{:.0f}"), (csat, "share", "CSAT", "{:.0%}")):
        wave_rows = frame[frame["wave_id"] == wave_id]
        if not wave_rows.empty:
            if not columns:
                columns.append(wave_rows.set_index("cell")["n"].rename("responses"))
            columns.append(with_suppression_text(wave_rows, {column: pattern}).set_index("cell")[column].rename(label))
    if not columns:
        st.caption("No responses in this wave for the chosen filters.")
        return
    table = pd.concat(columns, axis=1).reset_index(names=by.capitalize())
    st.caption(f"{MEASURE_TITLES[measure]} per {by}; cells with fewer than {MIN_RESPONSES} responses show no score, "
               "and where that would hide one cell alone the next smallest is withheld too, so that neither can be "
               "worked out from the total.")
    show_table(table, f"survey-by-{by.replace(' ', '-')}.csv", key="survey_breakdown")


def comment_list(selection: CommentSelection) -> None:
    """The chosen comments as plain text, lowest scores first; withheld below 5 matching respondents."""
    if selection.suppressed:
        st.info(f"{selection.respondents:,} respondents match this choice, fewer than {MIN_RESPONSES} in each wave, so "
                "their comments are withheld to protect their anonymity. Widen the choice.",
                icon=":material/visibility_off:")
        return
    if selection.comments.empty:
        st.caption(f"None of the {selection.respondents:,} matching respondents left a comment.")
        return
    st.caption(f"{len(selection.comments):,} comments from {selection.respondents:,} matching respondents, "
               f"lowest-scoring respondents first. A wave with fewer than {MIN_RESPONSES} of them shows no "
               f"comment, and a customer group with fewer than {MIN_RESPONSES} in a wave is not named.")
    shown = selection.comments.drop(columns="response_id")  # an internal key: nothing for a reader
    show_table(shown, "survey-comments.csv", key="survey_comments", column_config={
        "submitted_at": st.column_config.DatetimeColumn("Submitted", format="D MMM YYYY"),
        "customer_group": "Customer group",
        "score": st.column_config.NumberColumn("Score", format="%.1f"),
        "comment": st.column_config.TextColumn("Comment", width="large")})
