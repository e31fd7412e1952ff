"""Errors the library raises for people to read."""

from __future__ import annotations


class ValidationError(ValueError):
    """What a user entered is not acceptable; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = dict(errors)


class NotAllowed(Exception):
    """The signed-in person's role, or whose record it is, does not allow this (e.g. someone else's touchpoint, or
    a viewer logging a request); the message says who may. Not an OSError: a file problem is never mistaken for it."""
