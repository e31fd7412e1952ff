"""The app's connection to the database, its cached reads, and busy-file handling."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store, StoreError
from infodash.demo import build_demo, needs_demo_data
from infodash.sla_reports import open_verdicts
from infodash.ui.text import escape_markdown

T = TypeVar("T")
_FIRST_RUN_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store_for(path: str, busy_timeout_s: float) -> Store:
    # Runs once per file and server process (and again after an error, which is not cached).
    store = Store(path, busy_timeout_s)
    with _FIRST_RUN_LOCK:
        if not store.exists() or needs_demo_data(store):
            with st.spinner("First run: creating the database with demo data (a few seconds)..."):
                build_demo(store, "small")
    return store


def get_store() -> Store:
    """The Store for ``$INFODASH_DB``; on the very first run, fills a new database with small demo data."""
    configured = Store.from_env()
    return _store_for(str(configured.path), configured.busy_timeout_s)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(name: str, path: str, version: tuple[int, int, int], _func: Callable[..., Any], _store: Store,
                 *args: Any, **kwargs: Any) -> Any:
    return _func(_store, *args, **kwargs)


def cached(func: Callable[..., T], store: Store, *args: Any, **kwargs: Any) -> T:
    """``func(store, *args, **kwargs)``, cached until the database file changes (in this or another process)."""
    name = f"{func.__module__}.{func.__qualname__}"
    return _cached_call(name, str(store.path), store.data_version(), func, store, *args, **kwargs)


def cached_log(func: Callable[..., T], store: Store, *args: Any, **kwargs: Any) -> T:
    """:func:`cached` for reads of the audit log, which bookkeeping writes (a download, a sign-in) add to while
    leaving every figure, and so :func:`cached`'s key, as it was."""
    name = f"{func.__module__}.{func.__qualname__}"
    return _cached_call(name, str(store.path), store.data_version(with_bookkeeping=True), func, store, *args,
                        **kwargs)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_judged_call(name: str, path: str, version: tuple[int, int, int], verdicts: tuple[int, int], day: dt.date,
                        _func: Callable[..., Any], _store: Store, _now: dt.datetime, *args: Any, **kwargs: Any) -> Any:
    return _func(_store, *args, now=_now, **kwargs)


def cached_judged(func: Callable[..., T], store: Store, *args: Any, now: dt.datetime, time_zone: ZoneInfo,
                  **kwargs: Any) -> T:
    """``func(store, *args, now=now, **kwargs)`` for a figure that depends on ``now`` only through the open
    requests' verdicts and the day in ``time_zone``: cached until the file changes, a verdict changes (an open
    request falls at risk or past due) or the day turns, rather than read again every minute. Lists that show the
    time left (which changes every minute) take :func:`cached` instead."""
    name = f"{func.__module__}.{func.__qualname__}"
    verdicts = cached(open_verdicts, store, now)
    return _cached_judged_call(name, str(store.path), store.data_version(), verdicts, now.astimezone(time_zone).date(),
                               func, store, now, *args, **kwargs)


def cached_result(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` for work that needs no database (e.g. reading an upload), remembered for the same
    arguments so that every widget change on the page does not repeat it."""
    return _cached_result(f"{func.__module__}.{func.__qualname__}", func, *args)


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_result(name: str, _func: Callable[..., Any], *args: Any) -> Any:
    return _func(*args)


@contextmanager
def store_errors(store: Store | None = None) -> Iterator[None]:
    """Turn a busy or unreadable database into a clear message on the page instead of a traceback.

    Given the ``store``, the block's reads share one open connection (see :meth:`Store.session`).
    """
    try:
        if store is None:
            yield
        else:
            with store.session():
                yield
    except StoreError as error:
        st.warning(escape_markdown(str(error)), icon=":material/hourglass_top:")
        st.button("Try again", key="store_retry")
        st.stop()
