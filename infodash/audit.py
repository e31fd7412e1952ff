"""The audit log: who changed what, written in the same transaction as the change."""

from __future__ import annotations

import json
from typing import Any

import duckdb


def record(db: duckdb.DuckDBPyConnection, actor: str, action: str, entity: str, entity_id: object,
           details: dict[str, Any] | None = None) -> None:
    """Append one audit row; ``details`` (e.g. the old values of an edited row) is stored as JSON."""
    db.execute(
        "INSERT INTO audit_log (actor, action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?)",
        [actor, action, entity, None if entity_id is None else str(entity_id),
         json.dumps(details or {}, default=str)],
    )
