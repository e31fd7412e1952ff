"""What the property-based import tests share: cells as real exports hold them (good values beside blanks,
'?', '-1', impossible dates, formulas, odd encodings), a fingerprint of what the database holds, and a look
at every page over what was stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from infodash.db import Store
from tests.apptest_helpers import PAGES

# Bounded and repeatable: the same examples on every run, on a busy 2-core machine as on a laptop.
BOUNDED = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What a cell may hold besides good values: the junk of real exports.
JUNK = st.sampled_from(["", "?", "-", "-1", "-3", "0", "-2026", "1900-01-01", "0001-01-01", "2999-12-31 23:59",
                        "31/02/2026 09:00", "2026-02-30", "99999999999", "NaN", "null", "None", "n/a", " ",
                        '=HYPERLINK("http://evil.example","click")', "+1", "@SUM(A1)", "<b>x</b>", "a,b", 'quo"te',
                        "\u00e9\u2026", "\U0001f600", "line\nbreak", "2026-03-29 01:30", "2026-10-25 01:30",
                        "2026-11-16T09:00:00+14:00", "2026-11-16 09:00:00-12:00"])
TIMES = st.one_of(JUNK, st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))
                  .map(lambda moment: moment.strftime("%Y-%m-%d %H:%M")))
ENCODINGS = st.sampled_from(["utf-8", "utf-8", "cp1252", "latin-1"])


def cell(good: list[str]) -> st.SearchStrategy[str]:
    """A cell: one of the ``good`` values, junk, or any short text."""
    return st.one_of(*([st.sampled_from(good)] if good else []), JUNK, st.text(max_size=12))


def spoiled(row: list[str], position: int, junk: str, junk_time: str, time_positions: tuple[int, ...]) -> list[str]:
    """A good ``row`` with the cell at ``position`` replaced: by ``junk_time`` in a time column, else ``junk``."""
    row = list(row)
    row[position % len(row)] = junk_time if position % len(row) in time_positions else junk
    return row


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """Rows as a CSV file's text, quoting what needs it."""
    def quoted(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(mark in value for mark in ',"\n\r') else value
    return "\n".join(",".join(quoted(value) for value in row) for row in [header, *rows]) + "\n"


def encoded(text: str, encoding: str) -> bytes:
    """``text`` as a file in ``encoding``, characters it cannot hold written as '?' (as Excel does)."""
    return text.encode(encoding, errors="replace")


def fingerprint(store: Store, tables: tuple[str, ...]) -> tuple:
    """Row counts and content hashes of ``tables``: equal before and after means nothing was written."""
    with store.reading() as db:
        return tuple(db.execute(f"SELECT count(*), coalesce(sum(hash(t::VARCHAR)), 0) FROM {table} t").fetchone()
                     for table in tables)


def every_page_opens(path: Path, monkeypatch) -> None:
    """Run every page once over the database at ``path``; none may show an exception."""
    monkeypatch.setenv("INFODASH_DB", str(path))
    for page in sorted(PAGES.glob("*.py")):
        app = AppTest.from_file(str(page), default_timeout=60)
        app.session_state["staff_name"] = "Property Tester"
        app.session_state["profile_customer"] = 1
        app.run()
        assert not app.exception, (page.name, [error.value for error in app.exception])
