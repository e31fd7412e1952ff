"""What a team's own database still needs, said on the review pages with a link to where each is done,
instead of empty charts."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from infodash.setup_status import SetupCounts


def page_link(path: str, label: str, icon: str) -> None:
    """A link to one of the app's pages; plain text where the page runs on its own (a test, a notebook),
    outside the app's navigation, which page links need."""
    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        st.markdown(f"{label} (the {path.removeprefix('app_pages/').removesuffix('.py')} page)")


def _steps(counts: SetupCounts) -> list[tuple[bool, str, str, str, str]]:
    """(done, what, why, page, link label) in the order a team does them."""
    return [
        (bool(counts.groups), "Customer groups",
         "the parts of the organisation every figure is broken down by", "app_pages/organisation.py",
         "Organisation: customer groups"),
        (bool(counts.services), "Services", "what the team offers, and what it refers elsewhere",
         "app_pages/organisation.py", "Organisation: services"),
        (bool(counts.customers), "Customers", "the people the team serves, from a directory or HR export",
         "app_pages/import_customers.py", "Import customers"),
        (bool(counts.calendars and counts.policies), "A calendar and a service-level policy",
         "working hours, holidays and targets to judge requests by (a first policy can take effect from the "
         "first request on file)", "app_pages/sla_setup.py", "SLA setup"),
        (bool(counts.requests), "Requests", "a service desk's export, or logged one by one",
         "app_pages/import_requests.py", "Import requests"),
    ]


def getting_started(counts: SetupCounts) -> None:
    """The set-up steps still to do. Without an organisation (groups, services, customers) there is nothing
    to review, so the page stops here; otherwise the steps left are a note above the page."""
    steps = _steps(counts)
    left = [step for step in steps if not step[0]]
    if not left:
        return
    if counts.has_organisation:
        with st.expander(f"Set-up: {len(left)} of {len(steps)} steps left", icon=":material/checklist:"):
            _draw(left)
        return
    st.subheader("Set up your organisation")
    st.caption("This database holds your own data, and there is not enough of it yet for figures. In this order:")
    _draw(steps)
    st.stop()


def _draw(steps: list[tuple[bool, str, str, str, str]]) -> None:
    for done, what, why, page, label in steps:
        mark, text = st.columns([1, 12], vertical_alignment="center")
        mark.markdown(":material/check_circle:" if done else ":material/radio_button_unchecked:")
        with text:
            st.markdown(f"**{what}**: {why}." + (" Done." if done else ""))
            if not done:
                page_link(page, label, ":material/arrow_forward:")
