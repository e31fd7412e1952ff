"""InfoDash entry point: page configuration, sign-in and navigation."""

import streamlit as st

from infodash.permissions import ROLE_RANK
from infodash.ui.layout import configure_page, load_element_code
from infodash.ui.sign_in import signed_in
from infodash.ui.store import get_store, store_errors
from infodash.ui.warm_up import warm_up

# Each page with the least role that may open it: viewers (senior management) see the aggregate pages,
# staff also the pages about individuals and the logging forms, leads everything. A page left out of the
# navigation cannot be opened, not even from a bookmark.
PAGES = {
    "Review": [
        ("app_pages/weekly_review.py", "Weekly review", ":material/calendar_view_week:", "viewer"),
        ("app_pages/customer_groups.py", "Customer groups", ":material/groups:", "viewer"),
        ("app_pages/sla_performance.py", "Service levels", ":material/timer:", "viewer"),
        ("app_pages/surveys.py", "Surveys", ":material/sentiment_satisfied:", "viewer"),
        ("app_pages/usage_monitoring.py", "Usage monitoring", ":material/monitoring:", "staff"),
        ("app_pages/customer_profile.py", "Customer profile", ":material/person_search:", "staff"),
        ("app_pages/scorecard.py", "Scorecard", ":material/flag:", "viewer"),
        ("app_pages/self_service.py", "Self-service", ":material/self_improvement:", "viewer"),
        ("app_pages/reports.py", "Reports", ":material/slideshow:", "viewer"),
    ],
    "Log": [
        ("app_pages/log_touchpoint.py", "Log touchpoint", ":material/edit_note:", "staff"),
        ("app_pages/requests.py", "Requests", ":material/inbox:", "staff"),
        ("app_pages/survey_entry.py", "Enter survey responses", ":material/rate_review:", "staff"),
        ("app_pages/feedback.py", "Feedback", ":material/feedback:", "staff"),
        ("app_pages/feedback_form.py", "Public feedback form", ":material/campaign:", "viewer"),
    ],
    "Import and set up": [
        ("app_pages/organisation.py", "Organisation", ":material/account_tree:", "lead"),
        ("app_pages/import_customers.py", "Import customers", ":material/contacts:", "lead"),
        ("app_pages/import_requests.py", "Import requests", ":material/upload_file:", "lead"),
        ("app_pages/import_surveys.py", "Import survey responses", ":material/ballot:", "lead"),
        ("app_pages/import_usage.py", "Import usage", ":material/query_stats:", "lead"),
        ("app_pages/sla_setup.py", "SLA setup", ":material/tune:", "lead"),
        ("app_pages/survey_setup.py", "Survey setup", ":material/fact_check:", "lead"),
        ("app_pages/audit.py", "Audit log", ":material/history:", "lead"),
    ],
}


def allowed_pages(role: str) -> dict[str, list[st.Page]]:
    """The navigation's sections with the pages ``role`` may open (sections left empty left out)."""
    allowed = {section: [st.Page(path, title=title, icon=icon, default=path.endswith("weekly_review.py"))
                         for path, title, icon, least in pages if ROLE_RANK[role] >= ROLE_RANK[least]]
               for section, pages in PAGES.items()}
    return {section: pages for section, pages in allowed.items() if pages}


configure_page()
with store_errors():  # a database busy with an import says so, and the sign-in waits for it
    store = get_store()
warm_up(store)  # the other pages' code loads, and the subjects are grouped, while this page is read
# One connection for the whole run, opened at the first read no cache answers and closed once the page is drawn:
# each opening starts DuckDB afresh (its catalogue read, no data in memory), a quarter of a second of a page's
# first visit on the large set when its sections opened their own; between runs the file is free for jobs.
with store.session():
    with store_errors():
        account = signed_in(store)
    # Only once someone is signed in: drawn on the sign-in page or the public feedback form, it would show them an
    # empty sidebar.
    load_element_code()  # while the first page is read
    # expanded: every page stays in sight rather than behind "View more" (up to 18 pages in 3 groups)
    st.navigation(allowed_pages(account.role), expanded=True).run()
