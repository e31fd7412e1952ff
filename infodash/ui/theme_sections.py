"""The comment themes section (Surveys page; any page with free-text comments): a bar chart of theme sizes
coloured by average score, the themes table, and each theme's representative comments as typed."""

from __future__ import annotations

import importlib

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from infodash.comment_themes import (FITTING_MODULES, METHOD, NO_SCORE, SMALL_THEME, CommentThemes, ScoreMeaning,
                                     theme_table)
from infodash.formatting import format_figure
from infodash.surveys import MIN_RESPONSES, SUPPRESSED
from infodash.ui.charts import cached_chart, styled
from infodash.ui.tables import show_table
from infodash.ui.text import escape_markdown

_NO_SCORE_COLOUR = "#adb5bd"
for _module in FITTING_MODULES:  # with the page's code (in the server's warm-up), not on the first fit
    importlib.import_module(_module)


def theme_chart(themes: pd.DataFrame, score: ScoreMeaning) -> go.Figure:
    """One bar per theme (largest at the top): its number of comments, coloured by its average score on the
    score's scale (red the worse end, green the better); grey where the score is withheld or not asked."""
    figure = go.Figure()
    scored = themes[themes["mean_score"].notna()]
    unscored = themes[themes["mean_score"].isna()]
    if len(scored):
        figure.add_trace(go.Bar(
            y=scored["label"], x=scored["comments"], orientation="h", name=score.label,
            marker={"color": scored["mean_score"], "colorscale": "RdYlGn" if score.higher_is_better else "RdYlGn_r",
                    "cmin": score.low, "cmax": score.high,
                    "colorbar": {"title": {"text": score.label.replace(" (", "<br>(")}, "thickness": 12}},
            customdata=[format_figure(value, score.kind) for value in scored["mean_score"]],
            texttemplate="%{customdata}",
            textposition="inside", insidetextanchor="end",
            hovertemplate="%{y}: %{x} comments, " + score.label.lower() + " %{customdata}<extra></extra>"))
    if len(unscored):
        asked = score != NO_SCORE
        reasons = [SUPPRESSED if hidden or asked else "no score asked" for hidden in unscored["suppressed"]]
        figure.add_trace(go.Bar(y=unscored["label"], x=unscored["comments"], orientation="h",
                                name="No score shown", marker={"color": _NO_SCORE_COLOUR}, customdata=reasons,
                                hovertemplate="%{y}: %{x} comments (%{customdata})<extra></extra>"))
    figure.update_yaxes(categoryorder="array", categoryarray=list(themes["label"]), autorange="reversed",
                        automargin=True)
    figure.update_xaxes(title_text="Comments")
    figure.update_layout(hovermode="closest", showlegend=len(unscored) > 0 and len(scored) > 0)
    return styled(figure, "Comments per theme, coloured by average score", height=max(300, 42 * len(themes) + 120))


def comment_themes_section(themes: CommentThemes, key: str) -> None:
    """The themes found (or why there are none), their chart, table and representative comments."""
    if not themes.found:
        st.info(escape_markdown(themes.message or "No themes."), icon=":material/category:")
        return
    latest = f" (the latest {themes.fitted:,} of {themes.comments:,})" if themes.comments > themes.fitted else ""
    st.caption(escape_markdown(
        f"{themes.fitted:,} comments{latest} fall into {len(themes.themes)} themes; {themes.unthemed:,} share too "
        f"few words with any theme to belong to one. {METHOD} {SMALL_THEME}"))
    st.plotly_chart(cached_chart(f"themes_{key}", theme_chart, themes.themes, themes.score), width="stretch")
    show_table(theme_table(themes), f"{key.replace('_', '-')}.csv", key=key, hidden=("theme",), column_config={
        "label": st.column_config.TextColumn("Theme name", help="Its two most used top words."),
        "top_words": st.column_config.TextColumn(
            "Top words", width="large", help="The words and phrases the theme weighs most, those most of its "
                                             "comments use first."),
        "comments": st.column_config.NumberColumn("Comments", format="%d",
                                                  help="Comments whose strongest theme this is."),
        "average_score": st.column_config.TextColumn(themes.score.label, help=themes.score.definition),
        "groups": st.column_config.TextColumn(
            "Customer groups", width="large", help="Comments per customer group; groups with fewer than "
                                                   f"{MIN_RESPONSES} comments in the theme are counted together, "
                                                   "not named.")})
    st.markdown("**What customers wrote**, the comments most typical of each theme:")
    columns = st.columns(3)
    for number, (_, rows) in enumerate(themes.examples.groupby("theme", sort=True)):
        quotes = "  \n".join(f"\u201c{escape_markdown(str(comment))}\u201d" for comment in rows["comment"])
        columns[number % 3].markdown(f"*{escape_markdown(str(rows['label'].iloc[0]))}*  \n{quotes}")
    withheld = themes.themes[themes.themes["suppressed"]]
    if len(withheld):
        st.caption(escape_markdown(f"No comments are quoted from {', '.join(withheld['label'])}: fewer than "
                                   f"{MIN_RESPONSES} comments each."))
