"""The people tests act as: accounts of each role, under a given name (not kept in the database; the
library's write functions judge the role they carry)."""

from __future__ import annotations

from infodash.permissions import Account


def lead(name: str = "Ana Costa") -> Account:
    """A lead: may do everything."""
    return Account(0, "", name, "lead")


def staff(name: str = "Ben Okafor") -> Account:
    """Staff: their own work and the anomaly queue."""
    return Account(0, "", name, "staff")


def viewer(name: str = "Vera Board") -> Account:
    """A viewer (senior management): aggregate pages and packs."""
    return Account(0, "", name, "viewer")
