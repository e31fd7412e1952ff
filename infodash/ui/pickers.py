"""Inputs several pages share: who is working, and which customer an entry is about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from infodash import customers
from infodash.accounts import current
from infodash.checks import MAX_AUTHOR_CHARS
from infodash.customers import all_customer_choices, customer_choice, customer_count, find_customers
from infodash.db import Store
from infodash.errors import NotAllowed
from infodash.permissions import ROLE_RANK, Account
from infodash.ui.store import cached

STAFF_NAME_KEY = "staff_name"
SIGNED_IN_KEY = "signed_in_account"  # the Account signed in (see infodash.ui.sign_in)
DEMO_KEY = "signed_in_demo"  # True on the demo database, where anyone may try the forms under any name


def staff_name_input() -> str:
    """The "Your name" box (remembered for the browser session, the same on every page); the name typed.
    Once someone has signed in with their own account, it shows their name and cannot be changed."""
    signed_in = st.session_state.get(SIGNED_IN_KEY) is not None and not st.session_state.get(DEMO_KEY)
    st.text_input("Your name", key=STAFF_NAME_KEY, persist_state="session", max_chars=MAX_AUTHOR_CHARS,
                  placeholder="e.g. Ana Costa", disabled=signed_in,
                  help="The person signed in: entries are recorded under this name." if signed_in else
                  "Remembered while this browser tab is open; your entries are listed under it.")
    return staff_name()


def staff_name() -> str:
    """The name entries are recorded under: the signed-in person's (whatever a crafted browser sends for the
    disabled box), or on the demo the name typed."""
    account = st.session_state.get(SIGNED_IN_KEY)
    if account is not None and not st.session_state.get(DEMO_KEY):
        return account.name
    return (st.session_state.get(STAFF_NAME_KEY) or "").strip()


def may(least_role: str) -> bool:
    """Whether the person signed in has at least ``least_role``: a page offers only the forms they may use
    (the library refuses the rest whatever a page offers)."""
    account = st.session_state.get(SIGNED_IN_KEY)
    return account is not None and ROLE_RANK.get(account.role, -1) >= ROLE_RANK[least_role]


def acting_account(store: Store, unnamed: str = "") -> Account:
    """Who is acting, for the library's write functions: the signed-in account as it stands now (a role changed or
    an account disabled since signing in counts from the next step); on the demo, the demo lead under the name
    typed in "Your name" (``unnamed`` when none is, e.g. for a dry run). Raises NotAllowed when no one is signed
    in or the account has been disabled."""
    return acting_account_later(store, unnamed)()


def acting_account_later(store: Store, unnamed: str = "") -> Callable[[], Account]:
    """:func:`acting_account`, worked out when called: the session's values are read now, the account then (on a
    thread of Streamlit's own, e.g. as a download's file is written, where no session is at hand)."""
    account, demo, name = st.session_state.get(SIGNED_IN_KEY), st.session_state.get(DEMO_KEY), staff_name()

    def acting() -> Account:
        if account is None:
            raise NotAllowed("No one is signed in: reload the page and sign in.")
        if demo:
            return replace(account, name=name or unnamed)
        return current(store, account)

    return acting


def customer_options(store: Store, selected_key: str, search_key: str,
                     include_inactive: bool = False) -> dict[int, str]:
    """Customers a form's picker offers, by id: all of them in a small organisation (the box filters as
    one types); in a large one, those matching a search box drawn here, plus the one already chosen.
    Inactive customers are offered too (marked so) with ``include_inactive``, e.g. to look one up."""
    if cached(customer_count, store, include_inactive) <= customers.FULL_LIST_LIMIT:
        choices = cached(all_customer_choices, store, include_inactive)
    else:
        search = st.text_input("Find customer", placeholder="Name, e-mail or department", key=search_key,
                               help="This organisation is large: type part of a name first, then pick below.")
        choices = cached(find_customers, store, search, include_inactive=include_inactive)
        selected = st.session_state.get(selected_key)
        if selected and all(choice.customer_id != selected for choice in choices):
            choices = [choice for choice in [cached(customer_choice, store, selected, include_inactive)]
                       if choice] + choices
    return {choice.customer_id: choice.label for choice in choices}
