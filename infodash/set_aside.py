"""Rows set aside because a time of theirs cannot be real (before 1990, or more than a day ahead).

Imports and forms refuse such times (:func:`infodash.checks.plausible_range`); rows stored before they
did were moved whole into ``set_aside_rows`` when the database was upgraded (migration 010), so that no
page or calendar has to read the year 2 BC. Nothing is lost: each row is kept as it was, to be imported
again once its source is corrected.
"""

from __future__ import annotations

import pandas as pd

from infodash.db import Store

# The tables whose rows are set aside on their own; the rest (a request's status changes, a response's
# answers) went with the row they belong to.
SET_ASIDE_NOUNS = {"requests": "request", "survey_responses": "survey response", "touchpoints": "touchpoint",
                   "usage_events": "usage event"}


def set_aside_counts(store: Store) -> dict[str, int]:
    """How many rows of each table of :data:`SET_ASIDE_NOUNS` were set aside (tables with none left out)."""
    with store.reading() as db:
        return dict(db.execute("SELECT table_name, count(*) FROM set_aside_rows WHERE list_contains(?, table_name) "
                               "GROUP BY 1 ORDER BY 1", [list(SET_ASIDE_NOUNS)]).fetchall())


def set_aside_rows(store: Store, table: str, limit: int = 1_000) -> pd.DataFrame:
    """The rows set aside from ``table``, newest first: when, the row's id there, the id it came with from its
    source, why, and the row as it was (JSON text)."""
    with store.reading() as db:
        return db.execute("SELECT set_aside_at, row_key, reference, reason, CAST(content AS VARCHAR) AS content "
                          "FROM set_aside_rows WHERE table_name = ? ORDER BY set_aside_id DESC LIMIT ?",
                          [table, limit]).df()
