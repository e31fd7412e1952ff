"""Who is using the app: the sign-in that stands before every page.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` people sign in through the organisation's
identity provider (Streamlit's ``st.login``: OpenID Connect, e.g. Entra ID, Google, Okta) and are
matched to an InfoDash account by e-mail. Without it, they sign in with a local account; the first
start on a real database asks for the lead's account. The demo database signs in as a demo lead
and says so.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from infodash.accounts import Account, SignInRefused, add_first_lead, current, has_accounts, provider_sign_in, sign_in
from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.settings import demo_size
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import DEMO_KEY, SIGNED_IN_KEY, STAFF_NAME_KEY
from infodash.ui.store import cached
from infodash.ui.text import escape_markdown

DEMO_LEAD = Account(0, "demo.lead@example.org", "Demo lead", "lead")
PUBLIC_FEEDBACK_PAGE = "app_pages/feedback_form.py"  # its address: <app>/feedback_form
_FORM = FormFeedback("sign_in")


def _provider_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: local accounts
        return False


def signed_in(store: Store) -> Account:
    """The signed-in account as it stands now (a lead's change of role counts from the next step; a disabled
    account is signed out); draws the sign-in (and stops the script) while there is none."""
    account = st.session_state.get(SIGNED_IN_KEY)
    if account is not None and st.session_state.get(DEMO_KEY) and not _demo_sign_in(store):
        _sign_out()  # the file has become a team's own (accounts added, or data of its own): sign in for real
        account = None
    if account is not None:
        try:
            # cached until the file changes (a lead's change of role or a disabled account is a change): each
            # page switch would otherwise open the database only to find the account as it was
            account = cached(current, store, account)
        except NotAllowed as ended:
            _sign_out()
            _FORM.failed({"form": str(ended)})
            account = None
        else:
            st.session_state[SIGNED_IN_KEY] = account
    if account is None:
        account = _sign_in(store)
        st.session_state[SIGNED_IN_KEY] = account
        st.session_state[DEMO_KEY] = account == DEMO_LEAD
        if account != DEMO_LEAD:  # entries are attributed to the person signed in, not to a typed name
            st.session_state[STAFF_NAME_KEY] = account.name
    _sidebar(account)
    return account


def _sign_in(store: Store) -> Account:
    if _provider_configured():
        return _through_provider(store)
    if _demo_sign_in(store):
        return DEMO_LEAD
    form = _local_form if has_accounts(store) else _first_lead_form
    _only_page(lambda: form(store))
    raise AssertionError("unreachable: st.stop() ends the script")


def _demo_sign_in(store: Store) -> bool:
    """Whether this is demo data nobody has accounts on: then the demo lead is signed in by itself. Once a lead
    adds accounts, everyone signs in, whatever the file holds."""
    return bool(cached(demo_size, store)) and not cached(has_accounts, store)


def _only_page(draw: Callable[[], None]) -> None:
    """Run ``draw`` as the app's only page and stop: until someone signs in, no other page is in the
    navigation (a sidebar left from before a sign-out would otherwise still list them)."""
    def sign_in_page() -> None:
        st.title("InfoDash")
        draw()

    # The public feedback form is the one other page someone not signed in may open (by its own address, linked
    # from the team's intranet page); it reads nothing stored but the names of the services.
    st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/login:", default=True),
                   st.Page(PUBLIC_FEEDBACK_PAGE, title="Feedback", icon=":material/campaign:")],
                  position="hidden").run()
    st.stop()


def _through_provider(store: Store) -> Account:
    if not st.user.is_logged_in:
        _only_page(lambda: st.button("Sign in with your organisation's account", type="primary", on_click=st.login,
                                     icon=":material/login:"))
    try:
        if st.user.get("email_verified") is False:  # a provider that says so: the e-mail is only a claim
            raise SignInRefused("Your organisation's sign-in has not verified your e-mail address: ask a lead.")
        return provider_sign_in(store, str(st.user.email or ""))
    except SignInRefused as refused:
        st.error(escape_markdown(str(refused)))
        st.button("Sign out", on_click=st.logout)
        st.stop()
        raise AssertionError("unreachable: st.stop() ends the script") from refused


def _local_form(store: Store) -> None:
    with st.form("sign_in_form", enter_to_submit=True):
        st.text_input("E-mail", key="sign_in_email", autocomplete="username", persist_state="session")
        st.text_input("Password", key="sign_in_password", type="password", autocomplete="current-password")
        _FORM.error("form")
        st.form_submit_button("Sign in", type="primary", on_click=_try_local, args=(store,))


def _try_local(store: Store) -> None:
    state = st.session_state
    try:
        account = sign_in(store, state.get("sign_in_email") or "", state.get("sign_in_password") or "",
                          source=_browser_address())
    except (SignInRefused, StoreError) as refused:
        _FORM.failed({"form": str(refused)})
    else:
        _accept(account)
    state["sign_in_password"] = ""  # never kept, right or wrong


def _browser_address() -> str | None:
    """Where the attempt comes from, for throttling (None when Streamlit does not know it)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def _first_lead_form(store: Store) -> None:
    st.info("No one can sign in to this database yet: create the lead's account. Others are added with "
            "`python -m infodash users add`.", icon=":material/person_add:")
    with st.form("first_lead_form", enter_to_submit=False):
        st.text_input("E-mail", key="lead_email", autocomplete="username", persist_state="session")
        _FORM.error("email")
        st.text_input("Name", key="lead_name", placeholder="e.g. Ana Costa", persist_state="session")
        _FORM.error("name")
        st.text_input("Password", key="lead_password", type="password", autocomplete="new-password")
        _FORM.error("password")
        st.text_input("Password again", key="lead_password_again", type="password", autocomplete="new-password")
        _FORM.error("password_again")
        _FORM.error("form")
        st.form_submit_button("Create and sign in", type="primary", on_click=_create_lead, args=(store,))


def _create_lead(store: Store) -> None:
    state = st.session_state
    password = state.get("lead_password") or ""
    if password != (state.get("lead_password_again") or ""):
        _FORM.failed({"password_again": "The two passwords differ."})
        return
    email = state.get("lead_email") or ""
    try:
        account = add_first_lead(store, email, state.get("lead_name") or "", password)
    except ValidationError as error:
        _FORM.failed(error.errors)
    except StoreError as error:
        _FORM.failed({"form": str(error)})
    else:
        _accept(account)


def _accept(account: Account) -> None:
    st.session_state[SIGNED_IN_KEY] = account
    st.session_state[DEMO_KEY] = False
    st.session_state[STAFF_NAME_KEY] = account.name


def _sign_out() -> None:
    for key in (SIGNED_IN_KEY, DEMO_KEY, STAFF_NAME_KEY):
        st.session_state.pop(key, None)
    if _provider_configured() and st.user.is_logged_in:
        st.logout()


def _sidebar(account: Account) -> None:
    with st.sidebar:
        if st.session_state.get(DEMO_KEY):
            st.caption("Demo data: you are signed in as the demo lead automatically.")
            return
        left, right = st.columns([3, 2], vertical_alignment="center")
        left.caption(f"Signed in as **{escape_markdown(account.name)}** ({account.role})")
        right.button("Sign out", key="sign_out", on_click=_sign_out, width="stretch")


def require_lead(what: str) -> None:
    """Stop the page unless a lead is signed in (the navigation offers it to leads only; a bookmark does not
    get round that)."""
    account = st.session_state.get(SIGNED_IN_KEY)
    if account is None or account.role != "lead":
        st.error(f"Only a lead can see {what}.", icon=":material/lock:")
        st.stop()
