"""Looking customers up: the type-ahead in forms, and the lists the sidebar filters offer."""

from __future__ import annotations

from dataclasses import dataclass

from infodash.db import Store

# Up to this many customers, forms offer every customer in one type-ahead box;
# beyond it they search on the server first (a box of 50,000 options is too slow to send).
FULL_LIST_LIMIT = 5_000


@dataclass(frozen=True)
class CustomerChoice:
    """One customer as a form offers it."""

    customer_id: int
    label: str  # "Name · email · department"


def _like_pattern(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ``$inactive`` true: former (inactive) customers too, marked as such -- a profile can be looked up, a
# new entry cannot be made for them.
_CHOICE_SELECT = ("SELECT customer_id, name || ' · ' || coalesce(email, '-') || ' · ' || department "
                  "|| CASE WHEN active THEN '' ELSE ' · inactive' END AS label "
                  "FROM customers WHERE (active OR $inactive)")


def customer_count(store: Store, include_inactive: bool = False) -> int:
    """Number of active customers (all customers with ``include_inactive``)."""
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM customers WHERE (active OR $inactive)",
                          {"inactive": include_inactive}).fetchone()[0]


def all_customer_choices(store: Store, include_inactive: bool = False) -> list[CustomerChoice]:
    """Every active customer (and inactive ones with ``include_inactive``), by name."""
    with store.reading() as db:
        rows = db.execute(_CHOICE_SELECT + " ORDER BY name, customer_id", {"inactive": include_inactive}).fetchall()
    return [CustomerChoice(*row) for row in rows]


def find_customers(store: Store, text: str, limit: int = 50, include_inactive: bool = False) -> list[CustomerChoice]:
    """Active customers (and inactive ones with ``include_inactive``) whose name, e-mail or department
    contains ``text`` (case-insensitive)."""
    if not text.strip():
        return []
    with store.reading() as db:
        rows = db.execute(
            _CHOICE_SELECT + " AND (name ILIKE $p ESCAPE '\\' OR email ILIKE $p ESCAPE '\\' "
            "OR department ILIKE $p ESCAPE '\\') ORDER BY name, customer_id LIMIT $limit",
            {"p": _like_pattern(text), "limit": limit, "inactive": include_inactive},
        ).fetchall()
    return [CustomerChoice(*row) for row in rows]


def customer_choice(store: Store, customer_id: int, include_inactive: bool = False) -> CustomerChoice | None:
    """One customer as a form offers it, or None if unknown (or inactive, unless ``include_inactive``)."""
    with store.reading() as db:
        row = db.execute(_CHOICE_SELECT + " AND customer_id = $id",
                         {"id": customer_id, "inactive": include_inactive}).fetchone()
    return CustomerChoice(*row) if row else None
