"""Showing text people typed (names, notes, messages that quote them) as plain text."""

from __future__ import annotations

import re

# Characters Streamlit's markdown gives a meaning to; a backslash makes each one literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$])")
# Streamlit turns these into symbols when spaces stand around them (" -- " into an em dash, " -> " into an
# arrow), escaped or not; an invisible word joiner before one keeps it as typed.
_TYPOGRAPHY = re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(?=\s|$)")
WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """``text`` escaped so that ``st.error``/``st.success`` and friends show it exactly as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _TYPOGRAPHY.sub(rf"\1{WORD_JOINER}\2", text))
