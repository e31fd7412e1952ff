"""The audit log: who changed what, written in the same transaction as the change, and read back for the
lead's Audit page."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb
import pandas as pd

from infodash.db import Store


def record(db: duckdb.DuckDBPyConnection, actor: str, action: str, entity: str, entity_id: object,
           details: dict[str, Any] | None = None) -> None:
    """Append one audit row; ``details`` (e.g. the old values of an edited row) is stored as JSON."""
    db.execute(
        "INSERT INTO audit_log (actor, action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?)",
        [actor, action, entity, None if entity_id is None else str(entity_id),
         json.dumps(details or {}, default=str)],
    )


def record_download(store: Store, actor: str, file_name: str, rows: int | None = None) -> None:
    """Note that ``actor`` took ``file_name`` away (a table's CSV, a pack file), with its row count."""
    with store.writing(bookkeeping=True) as db:
        record(db, actor, "download", "files", file_name, None if rows is None else {"rows": rows})


_MATCHING = """
    FROM audit_log
    WHERE ($actor IS NULL OR actor = $actor) AND ($entity IS NULL OR entity = $entity)
      AND ($start IS NULL OR logged_at >= $start) AND ($end IS NULL OR logged_at < $end)
"""
_ENTRIES = f"SELECT logged_at, actor, action, entity, entity_id, details {_MATCHING} " \
           "ORDER BY logged_at DESC, audit_id DESC LIMIT $limit"
_COUNT = f"SELECT count(*) {_MATCHING}"


def entries(store: Store, actor: str | None = None, entity: str | None = None, start: dt.datetime | None = None,
            end: dt.datetime | None = None, limit: int = 1_000) -> pd.DataFrame:
    """Audit rows, newest first, by one person (``actor``), about one table (``entity``), logged in [start, end):
    logged_at, actor, action, entity, entity_id, details (JSON text). None leaves a filter open."""
    with store.reading() as db:
        return db.execute(_ENTRIES, {"actor": actor, "entity": entity, "start": start, "end": end,
                                     "limit": limit}).df()


def entry_count(store: Store, actor: str | None = None, entity: str | None = None,
                start: dt.datetime | None = None, end: dt.datetime | None = None) -> int:
    """How many audit rows the same filters match (the list shows at most its limit)."""
    with store.reading() as db:
        return db.execute(_COUNT, {"actor": actor, "entity": entity, "start": start, "end": end}).fetchone()[0]


def who_and_what(store: Store) -> tuple[list[str], list[str]]:
    """Everyone who appears in the audit log, and every table it speaks of, alphabetically (for the filters)."""
    with store.reading() as db:
        actors = [row[0] for row in db.execute("SELECT DISTINCT actor FROM audit_log ORDER BY actor").fetchall()]
        tables = [row[0] for row in db.execute("SELECT DISTINCT entity FROM audit_log ORDER BY entity").fetchall()]
    return actors, tables
