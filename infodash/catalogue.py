"""The lists filters and forms offer: customer groups and services."""

from __future__ import annotations

from infodash.db import Store
from infodash.errors import ValidationError


def customer_group_options(store: Store) -> list[tuple[int, str]]:
    """(group_id, name) in display order."""
    with store.reading() as db:
        return db.execute("SELECT group_id, name FROM customer_groups ORDER BY sort_order, name").fetchall()


def service_options(store: Store) -> list[tuple[int, str]]:
    """(service_id, name) of active services, in-scope ones first."""
    with store.reading() as db:
        return db.execute("SELECT service_id, name FROM services WHERE active ORDER BY NOT in_scope, name").fetchall()


def customer_group_named(store: Store, id_or_name: str) -> int:
    """The customer group whose id or name (any case) is ``id_or_name``; raises ValidationError (``group_id``)."""
    for group_id, name in customer_group_options(store):
        if id_or_name.strip().lower() in (str(group_id), name.lower()):
            return group_id
    raise ValidationError({"group_id": f"Unknown customer group {id_or_name!r}."})
