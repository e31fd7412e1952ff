"""The management pack's "You said, we did": the complaints and suggestions resolved in the period with what the
team did about them, and how well the loop was closed (acknowledged and resolved in time, customers told).

:func:`feedback_section` reads it like the other parts of :mod:`infodash.pack_parts`; :func:`feedback_table`,
:func:`feedback_html` and :func:`feedback_slide` lay it out for the spreadsheet, HTML and PowerPoint packs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.db import Store
from infodash.feedback_figures import DEFINITIONS, FeedbackTimeliness, feedback_timeliness, you_said_we_did
from infodash.filters import Filters
from infodash.formatting import format_figure
from infodash.pack_parts import reporting_span
from infodash.periods import ReportingPeriod

TITLE = "You said, we did"
MAX_ITEMS = 10  # the HTML table and the spreadsheet; the slide shows the first SLIDE_ITEMS
SLIDE_ITEMS = 5
NO_ITEMS = "No complaints or suggestions were resolved in this period."
NOTE = DEFINITIONS["you_said_we_did"] + " No customer is named."


@dataclass(frozen=True)
class FeedbackSection:
    """The period's resolved complaints and suggestions (newest first) and the loop-closing figures."""

    items: pd.DataFrame  # kind, service, you_said, we_did, resolved_on
    figures: FeedbackTimeliness

    def summary(self) -> str:
        """One sentence of figures, e.g. 'Received 42 items (20 complaints); 90.0% acknowledged in time, ...'."""
        figures = self.figures
        parts = [f"Received {_count(figures.received, 'feedback item')} ({_count(figures.complaints, 'complaint')}, "
                 f"{_count(figures.compliments, 'compliment')}, {_count(figures.suggestions, 'suggestion')})"]
        for share, words in ((figures.acknowledge_share, f"acknowledged within {figures.targets.acknowledge_days} "
                                                         "working day(s)"),
                             (figures.resolve_share, f"of complaints resolved within {figures.targets.resolve_days} "
                                                     "working days"),
                             (figures.told_share, "of customers told the outcome")):
            if share is not None:
                parts.append(f"{format_figure(share, 'share')} {words}")
        return "; ".join(parts) + "."


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def feedback_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                     now: dt.datetime) -> FeedbackSection:
    """What the pack says about feedback for ``period`` (the days covered so far for a running period)."""
    covered, _ = reporting_span(period, time_zone, now)
    items = you_said_we_did(store, covered, time_zone, MAX_ITEMS, filters)
    table = pd.DataFrame({
        "kind": items["kind"].str.capitalize(), "service": items["service"], "you_said": items["you_said"],
        "we_did": items["we_did"],
        "resolved_on": [moment.astimezone(time_zone).date() for moment in items["resolved_at"]]})
    return FeedbackSection(table, feedback_timeliness(store, covered, time_zone, now, filters))


def feedback_html(section: FeedbackSection) -> str:
    """The HTML pack's section: the figures in a sentence, then the table (or why there is none)."""
    rows = "".join(f"<tr><td>{escape(str(row.kind))}</td><td>{escape(str(row.service))}</td>"
                   f"<td>{escape(str(row.you_said))}</td><td>{escape(str(row.we_did))}</td>"
                   f"<td>{row.resolved_on:%d %b %Y}</td></tr>" for row in section.items.itertuples())
    table = ("<table><thead><tr><th>kind</th><th>service</th><th>you said</th><th>we did</th><th>resolved on</th>"
             f"</tr></thead><tbody>{rows}</tbody></table>") if rows else f'<p class="meta">{escape(NO_ITEMS)}</p>'
    return (f'<section id="you-said-we-did"><h2>{escape(TITLE)}</h2><p>{escape(section.summary())}</p>'
            f'<p class="note">{escape(NOTE)}</p>{table}</section>')


def feedback_lines(section: FeedbackSection) -> list[str]:
    """The slide's lines: one per item, 'You said: ... We did: ...' (at most :data:`SLIDE_ITEMS`)."""
    return [f"You said: \u201c{row.you_said}\u201d We did: {row.we_did}"
            for row in section.items.head(SLIDE_ITEMS).itertuples()] or [NO_ITEMS]


def feedback_notes(section: FeedbackSection) -> list[str]:
    """The slide's speaker notes: the figures with their definitions, and every item listed."""
    return [section.summary(), NOTE, DEFINITIONS["acknowledged_in_time"], DEFINITIONS["told_share"],
            *(f"{row.kind}, {row.service or 'no service'}, resolved {row.resolved_on:%d %b %Y}: {row.you_said} "
              f"-> {row.we_did}" for row in section.items.itertuples())]
