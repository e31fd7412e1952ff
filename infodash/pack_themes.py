"""The management pack's comment themes: the themes in the comments of the latest survey wave by the end of the
period (the wave the Satisfaction section reports), as a table with a typical comment per theme."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.comment_themes import METHOD, SMALL_THEME, CommentThemes, survey_comment_themes, theme_table
from infodash.db import Store
from infodash.filters import Filters
from infodash.pack_parts import reporting_span
from infodash.periods import ReportingPeriod
from infodash.surveys import SUPPRESSED, latest_wave

THEMES_TITLE = "Comment themes"
THEMES_NOTE = f"Themes in the comments of the latest survey wave by the end of the period. {METHOD} {SMALL_THEME}"
THEME_COLUMNS = ["theme", "label", "top_words", "comments", "average_score", "groups", "typical_comment"]


@dataclass(frozen=True)
class ThemeSection:
    """The latest wave's comment themes; ``themes`` is None when no survey wave had opened by the period's end."""

    survey: str | None
    wave: str | None
    themes: CommentThemes | None

    @property
    def heading(self) -> str:
        """E.g. 'Comment themes: Service quality, RATER 2026-Q3'."""
        return THEMES_TITLE + (f": {self.survey}, {self.wave}" if self.survey else "")

    @property
    def message(self) -> str | None:
        """Why there is no themes table, in words; None when there is one."""
        if self.themes is None:
            return "No survey wave had opened by the end of this period."
        return self.themes.message

    def table(self) -> pd.DataFrame:
        """The themes (see :func:`~infodash.comment_themes.theme_table`) with the most typical comment of each
        theme shown ("fewer than 5 responses" for a small theme); empty when there are none."""
        if self.themes is None or not self.themes.found:
            return pd.DataFrame(columns=THEME_COLUMNS)
        table = theme_table(self.themes)
        first = self.themes.examples.drop_duplicates("theme").set_index("theme")["comment"]
        table["typical_comment"] = [first.get(theme, SUPPRESSED) for theme in table["theme"]]
        return table[THEME_COLUMNS]

    @property
    def score_label(self) -> str:
        """What the average score column holds, e.g. "Average CSAT (1-5)"."""
        return self.themes.score.label if self.themes is not None else ""


def themes_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                   now: dt.datetime) -> ThemeSection:
    """The comment themes of the latest survey wave by the end of the period, for the filters."""
    covered, _ = reporting_span(period, time_zone, now)
    found = latest_wave(store, covered.end - dt.timedelta(days=1))
    if found is None:
        return ThemeSection(None, None, None)
    survey_id, wave_id = found
    with store.reading() as db:
        survey, wave = db.execute("SELECT s.name, w.name FROM survey_waves w JOIN surveys s USING (survey_id) "
                                  "WHERE w.wave_id = ?", [wave_id]).fetchone()
    return ThemeSection(survey, wave, survey_comment_themes(store, survey_id, filters, [wave_id]))
