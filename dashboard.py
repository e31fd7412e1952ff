"""InfoDash entry point: page configuration, sign-in and navigation."""

import streamlit as st

from infodash.ui.sign_in import signed_in
from infodash.ui.store import get_store, store_errors

st.set_page_config(page_title="InfoDash", page_icon=":material/insights:", layout="wide")
with store_errors():  # a database busy with an import says so, and the sign-in waits for it
    account = signed_in(get_store())

# expanded: every page stays in sight rather than behind "View more" (18 pages in 3 groups, 19 for a lead)
navigation = st.navigation(expanded=True, pages={
    "Review": [
        st.Page("app_pages/weekly_review.py", title="Weekly review", icon=":material/calendar_view_week:", default=True),
        st.Page("app_pages/customer_groups.py", title="Customer groups", icon=":material/groups:"),
        st.Page("app_pages/sla_performance.py", title="Service levels", icon=":material/timer:"),
        st.Page("app_pages/surveys.py", title="Surveys", icon=":material/sentiment_satisfied:"),
        st.Page("app_pages/usage_monitoring.py", title="Usage monitoring", icon=":material/monitoring:"),
        st.Page("app_pages/customer_profile.py", title="Customer profile", icon=":material/person_search:"),
        st.Page("app_pages/reports.py", title="Reports", icon=":material/slideshow:"),
    ],
    "Log": [
        st.Page("app_pages/log_touchpoint.py", title="Log touchpoint", icon=":material/edit_note:"),
        st.Page("app_pages/requests.py", title="Requests", icon=":material/inbox:"),
        st.Page("app_pages/survey_entry.py", title="Enter survey responses", icon=":material/rate_review:"),
    ],
    "Import and set up": [
        st.Page("app_pages/organisation.py", title="Organisation", icon=":material/account_tree:"),
        st.Page("app_pages/import_customers.py", title="Import customers", icon=":material/contacts:"),
        st.Page("app_pages/import_requests.py", title="Import requests", icon=":material/upload_file:"),
        st.Page("app_pages/import_surveys.py", title="Import survey responses", icon=":material/ballot:"),
        st.Page("app_pages/import_usage.py", title="Import usage", icon=":material/query_stats:"),
        st.Page("app_pages/sla_setup.py", title="SLA setup", icon=":material/tune:"),
        st.Page("app_pages/survey_setup.py", title="Survey setup", icon=":material/fact_check:"),
        *([st.Page("app_pages/audit.py", title="Audit log", icon=":material/history:")] if account.role == "lead"
          else []),
    ],
})
navigation.run()
