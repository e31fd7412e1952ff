"""Page set-up shared by every page: the data notice, the sidebar filters, the time zone; and tabs that
read their data only while open."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from infodash.catalogue import customer_group_options, service_options
from infodash.db import Store
from infodash.filters import Filters
from infodash.formatting import count_of
from infodash.set_aside import SET_ASIDE_NOUNS, set_aside_counts, set_aside_rows
from infodash.settings import demo_size, organisation_time_zone
from infodash.setup_status import DataSpan, data_span, setup_counts
from infodash.ui.getting_started import getting_started
from infodash.ui.store import cached, get_store, store_errors
from infodash.ui.tables import download_button

View = TypeVar("View")
# Served by the app itself: an intranet without internet access shows it too (a material icon is fetched
# from a font service).
FAVICON = Path(__file__).parent / "assets" / "favicon.png"


# A card's label wraps rather than ending in "..." on a narrow card. On a phone Streamlit stacks columns one per
# row: KPI cards (in containers keyed "kpis...") stay two per row. The empty elements that have the browser load
# their code (see load_element_code) are never seen.
_PAGE_STYLE = """<style>
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"] p {
  white-space: normal; overflow: visible;
}
/* the words beside a card's change go under it, and both wrap, when the card is too narrow for both on one line */
div:has(> [data-testid="stMetricDeltaDescription"]) { flex-wrap: wrap; row-gap: 0; }
[data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] [data-testid="stCaptionContainer"],
[data-testid="stMetricDeltaDescription"] p, [data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricDelta"] p { white-space: normal; overflow: visible; }
/* a narrow card (five a row on a small laptop) writes its figure smaller rather than cut it ("100.0…") */
[data-testid="stMetric"] { container-type: inline-size; }
@container (max-width: 140px) { [data-testid="stMetricValue"] { font-size: 1.75rem; } }
.st-key-element_code { display: none; }
@media (max-width: 640px) {
  [class*="st-key-kpis"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 0.5rem; }
  [class*="st-key-kpis"] [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important; width: auto !important;
  }
}
</style>"""


def configure_page() -> None:
    """Title, icon and wide layout, the same on every page; card labels and the words beside a change that wrap,
    figures that fit a narrow card, and cards that stay two per row on a phone."""
    st.set_page_config(page_title="InfoDash", page_icon=str(FAVICON), layout="wide")
    st.html(_PAGE_STYLE)


_ELEMENT_CODE_KEY = "element_code_loaded"


def load_element_code() -> None:
    """Have the browser load the code of charts, tables and sparklines while the session's first page is read.
    The browser fetches and compiles each (Plotly's alone is about 4 MB, near a second on 2 cores) when it first
    draws one: without this, the first page with a chart, and the first with a table, that a person opens wait
    for it. A session's first run draws one empty chart, table and card with a sparkline, hidden."""
    if st.session_state.get(_ELEMENT_CODE_KEY):
        return
    st.session_state[_ELEMENT_CODE_KEY] = True
    with st.sidebar.container(key="element_code"):
        st.plotly_chart(go.Figure(), config={"staticPlot": True}, key="element_code_chart")
        st.dataframe(pd.DataFrame({"loading": []}), key="element_code_table")
        st.metric("loading", 0, chart_data=[0, 1])


@dataclass(frozen=True)
class PageContext:
    """What a page needs before it draws: the store, the chosen filters, the organisation's time zone."""

    store: Store
    filters: Filters
    time_zone: ZoneInfo
    data_span: DataSpan | None = None  # the days the data covers (review pages only): which periods to offer


def page_context(with_filters: bool = True) -> PageContext:
    """Set the page up, open the store, show the demo-data notice, and draw the shared sidebar filters. On a
    review page (``with_filters``) over a team's own database, say what is left to set up; without customer
    groups, services and customers the page stops there."""
    # Here as well as in dashboard.py: tests (AppTest) and notebooks run a page on its own.
    configure_page()
    with store_errors():
        store = get_store()
    with store_errors(store):  # one connection for the reads (opening a large file takes ~25 ms)
        size = cached(demo_size, store)
        time_zone = cached(organisation_time_zone, store)
        set_aside = cached(set_aside_counts, store)
        groups = dict(cached(customer_group_options, store)) if with_filters else {}
        services = dict(cached(service_options, store)) if with_filters else {}
        counts = None if size or not with_filters else cached(setup_counts, store)
        span = cached(data_span, store, time_zone) if with_filters else None
    if size:
        st.sidebar.info(
            f"**Demo data** ({size}): a generated organisation, not real people. "
            "Point `INFODASH_DB` at your own database to use InfoDash for real.",
            icon=":material/science:",
        )
    if set_aside:
        rows = ", ".join(count_of(count, SET_ASIDE_NOUNS[table]) for table, count in set_aside.items())
        st.sidebar.warning(f"**Set aside**: {rows} imported before InfoDash checked times, with a time before 1990 "
                           "or more than a day ahead. They are kept, not counted: the import pages list them.",
                           icon=":material/report:")
    filters = Filters()
    if with_filters:
        st.sidebar.header("Filters")
        group_ids = st.sidebar.multiselect(
            "Customer groups", list(groups), format_func=groups.get, key="filter_groups",
            placeholder="All customer groups", persist_state="session",
            help="Show only customers in these groups. Applies on every page.",
        )
        service_ids = st.sidebar.multiselect(
            "Services", list(services), format_func=services.get, key="filter_services",
            placeholder="All services", persist_state="session",
            help="Show only requests and touchpoints about these services. Applies on every page.",
        )
        filters = Filters(tuple(sorted(group_ids)), tuple(sorted(service_ids)))
    if counts is not None:  # a team's own database: what is left to set up, before empty figures
        getting_started(counts)
    return PageContext(store, filters, time_zone, span)


def lazy_tabs(sections: Mapping[str, Callable[[View], None]], key: str, view: View, store: Store) -> None:
    """One tab per section, drawn by ``sections[title](view)``; only the open one reads and draws (switching
    tabs reruns the page), so a page of many sections costs what its open section costs."""
    for draw, tab in zip(sections.values(), st.tabs(list(sections), key=key, on_change="rerun"), strict=True):
        if tab.open:
            with tab, store_errors(store):
                draw(view)


def lazy_expander(label: str, key: str, icon: str | None = None) -> Any | None:
    """An expander whose content is read and drawn only while it is open (opening it reruns the page): the
    container to draw in while it is open, else None."""
    expander = st.expander(label, key=key, icon=icon, on_change="rerun")
    return expander if expander.open else None


def set_aside_list(store: Store) -> None:
    """An expander listing the rows set aside for an impossible time, table by table, each with its CSV to
    correct and import again (nothing when there are none)."""
    with store_errors(store):
        counts = cached(set_aside_counts, store)
        tables = {table: cached(set_aside_rows, store, table) for table in counts}
    if not counts:
        return
    total = ", ".join(count_of(count, SET_ASIDE_NOUNS[table]) for table, count in counts.items())
    with st.expander(f"Set aside for an impossible time: {total}", icon=":material/report:"):
        st.caption("Imported before InfoDash checked times: each holds a time before 1990 or more than a day ahead, "
                   "which no calendar can judge. Correct them at the source and import them again; the row as it "
                   "was stored is in the last column.")
        for table, rows in tables.items():
            st.markdown(f"**{count_of(counts[table], SET_ASIDE_NOUNS[table])}**")
            st.dataframe(rows, hide_index=True, column_config={
                "set_aside_at": st.column_config.DatetimeColumn("Set aside", format="YYYY-MM-DD HH:mm"),
                "row_key": "Id", "reference": "Source id", "reason": "Why", "content": "As stored"})
            download_button(rows, f"set-aside-{table}.csv", key=f"set_aside_{table}")
