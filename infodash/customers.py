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


_CHOICE_SELECT = ("SELECT customer_id, name || ' · ' || coalesce(email, '-') || ' · ' || department AS label "
                  "FROM customers WHERE active")


def customer_count(store: Store) -> int:
    """Number of active customers."""
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM customers WHERE active").fetchone()[0]


def all_customer_choices(store: Store) -> list[CustomerChoice]:
    """Every active customer, by name."""
    with store.reading() as db:
        rows = db.execute(_CHOICE_SELECT + " ORDER BY name, customer_id").fetchall()
    return [CustomerChoice(*row) for row in rows]


def find_customers(store: Store, text: str, limit: int = 50) -> list[CustomerChoice]:
    """Active customers whose name, e-mail or department contains ``text`` (case-insensitive)."""
    if not text.strip():
        return []
    with store.reading() as db:
        rows = db.execute(
            _CHOICE_SELECT + " AND (name ILIKE $p ESCAPE '\\' OR email ILIKE $p ESCAPE '\\' "
            "OR department ILIKE $p ESCAPE '\\') ORDER BY name, customer_id LIMIT $limit",
            {"p": _like_pattern(text), "limit": limit},
        ).fetchall()
    return [CustomerChoice(*row) for row in rows]


def customer_choice(store: Store, customer_id: int) -> CustomerChoice | None:
    """One customer as a form offers it, or None if unknown or inactive."""
    with store.reading() as db:
        row = db.execute(_CHOICE_SELECT + " AND customer_id = ?", [customer_id]).fetchone()
    return CustomerChoice(*row) if row else None
