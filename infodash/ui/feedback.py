"""Messages a form shows: each field's error under the field, and a one-time confirmation.

Callbacks record them in ``st.session_state`` (under ``<prefix>_errors`` / ``<prefix>_flash``), the
page draws them on the run that follows. Messages may quote what people typed, so they are
shown escaped, never as markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from infodash.db import StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.ui.text import escape_markdown


@dataclass(frozen=True)
class FormFeedback:
    """The messages of one form, kept under keys starting with ``prefix``."""

    prefix: str

    @property
    def errors_key(self) -> str:
        return f"{self.prefix}_errors"

    @property
    def flash_key(self) -> str:
        return f"{self.prefix}_flash"

    def failed(self, errors: dict[str, str]) -> None:
        """Record the problems of a failed action, by field ("form" for the form as a whole)."""
        st.session_state[self.errors_key] = errors

    def attempt(self, action: Callable[[], Any], store_error_field: str = "form") -> bool:
        """Run ``action``; on bad input record its problems by field, on a busy or unreadable database, or an
        action the signed-in role may not take, its message under ``store_error_field`` (the field the form
        shows it by); True when it went through."""
        try:
            action()
        except ValidationError as error:
            self.failed(error.errors)
            return False
        except (StoreError, NotAllowed) as error:
            self.failed({store_error_field: str(error)})
            return False
        return True

    def succeeded(self, message: str) -> None:
        """Clear old problems and confirm an action once."""
        st.session_state[self.errors_key] = {}
        st.session_state[self.flash_key] = message

    def clear(self) -> None:
        """Forget old problems."""
        st.session_state[self.errors_key] = {}

    def error(self, field: str) -> None:
        """Show the message for ``field`` from the last failed action, if any."""
        message = st.session_state.get(self.errors_key, {}).get(field)
        if message:
            st.error(escape_markdown(message), icon=":material/error:")

    def flash(self) -> None:
        """Show the last confirmation, once."""
        if message := st.session_state.pop(self.flash_key, None):
            st.success(escape_markdown(message), icon=":material/check_circle:")
