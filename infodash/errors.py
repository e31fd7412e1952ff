"""Errors the library raises for people to read."""

from __future__ import annotations


class ValidationError(ValueError):
    """What a user entered is not acceptable; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = dict(errors)


class NotAllowed(PermissionError):
    """The person asking may not change this record (e.g. someone else's touchpoint)."""
