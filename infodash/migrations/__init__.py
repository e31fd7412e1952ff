"""Versioned schema migrations, one ``NNN_description.sql`` file each.

A file is applied once, inside a transaction, and recorded in ``schema_version``.
Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Migration:
    """One schema step: its version number, a one-line description and its SQL."""

    version: int
    description: str
    sql: str


def _load() -> tuple[Migration, ...]:
    found = []
    for entry in resources.files(__package__).iterdir():
        if not entry.name.endswith(".sql"):
            continue
        number, _, rest = entry.name.removesuffix(".sql").partition("_")
        found.append(Migration(int(number), rest.replace("_", " "), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    expected = list(range(1, len(found) + 1))
    if [migration.version for migration in found] != expected:
        raise RuntimeError(f"migration files must be numbered 1..n without gaps, found {found}")
    return tuple(found)


MIGRATIONS: tuple[Migration, ...] = _load()


def latest_version() -> int:
    """The schema version this InfoDash writes."""
    return MIGRATIONS[-1].version if MIGRATIONS else 0
