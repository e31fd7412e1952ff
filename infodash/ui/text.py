"""Showing text people typed (names, notes, messages that quote them) as plain text."""

from __future__ import annotations

import re

# Characters Streamlit's markdown gives a meaning to; a backslash makes each one literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$])")


def escape_markdown(text: str) -> str:
    """``text`` escaped so that ``st.error``/``st.success`` and friends show it exactly as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
