"""The public feedback form: a customer tells the team about a complaint, a compliment or a suggestion without
signing in (the team links to it from its intranet page). It shows nothing stored: not the customer directory,
not earlier feedback, not even whether an e-mail typed is known."""

import streamlit as st

from infodash.feedback import CATEGORIES, KINDS, MAX_DESCRIPTION_CHARS, MAX_EMAIL_CHARS, public_service_options
from infodash.feedback_figures import feedback_targets
from infodash.ui import feedback_forms as form
from infodash.ui.layout import configure_page
from infodash.ui.store import cached, get_store, store_errors

configure_page()
with store_errors():
    store = get_store()
with store_errors(store):
    services = dict(cached(public_service_options, store))
    targets = cached(feedback_targets, store)
for key, value in form.PUBLIC_DEFAULTS.items():
    st.session_state.setdefault(key, value)

st.title("Tell us what you think")
days = targets.acknowledge_days
st.markdown("A complaint, a compliment or an idea: the information team reads every message, "
            + ("replies the same working day" if days == 0 else f"replies within {days} working day{'s' * (days > 1)}")
            + " and tells you what it did about it.")
form.PUBLIC.flash()
with st.form("public_feedback", enter_to_submit=False):
    st.segmented_control("It is a", list(KINDS), format_func=KINDS.get, key="pf_kind")
    form.PUBLIC.error("kind")
    about_col, service_col = st.columns(2)
    with about_col:
        st.selectbox("About", list(CATEGORIES), format_func=CATEGORIES.get, key="pf_category",
                     placeholder="Choose what it is about")
        form.PUBLIC.error("category")
    with service_col:
        st.selectbox("Service (optional)", list(services), format_func=services.get, key="pf_service",
                     placeholder="If it is about one of our services")
        form.PUBLIC.error("service_id")
    st.text_area("Your message", key="pf_description", max_chars=MAX_DESCRIPTION_CHARS, height=160,
                 placeholder="What happened, or what would make our service better?")
    form.PUBLIC.error("description")
    st.text_input("Your e-mail (optional)", key="pf_email", max_chars=MAX_EMAIL_CHARS, autocomplete="email",
                  help="Only to tell you what we did; leave it empty to stay anonymous.")
    form.PUBLIC.error("email")
    st.form_submit_button("Send", type="primary", on_click=form.send_public, args=(store,))
form.PUBLIC.error("form")
