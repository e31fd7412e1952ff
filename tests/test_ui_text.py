"""Text people typed is shown as typed, never as markdown or HTML."""

import re

from infodash.formatting import count_of
from infodash.ui.text import WORD_JOINER, escape_markdown


def test_markdown_and_html_characters_are_escaped():
    assert escape_markdown("**Bob** <b>x</b> [a](b) :smile: $x$") == (
        r"\*\*Bob\*\* \<b\>x\</b\> \[a\]\(b\) \:smile\: \$x\$")


def test_plain_words_are_left_alone():
    assert escape_markdown("Ana Costa") == "Ana Costa"


def test_counts_read_as_english():
    assert (count_of(1, "row"), count_of(0, "row"), count_of(1500, "row")) == ("1 row", "0 rows", "1,500 rows")


# What Streamlit's markdown does to a text node after parsing (streamlit/static/.../StreamlitMarkdown.js)
STREAMLIT_TYPOGRAPHY = [(r"(^|\s)<->(\s|$)", "\\1↔\\2"), (r"(^|\s)->(\s|$)", "\\1→\\2"), (r"(^|\s)<-(\s|$)", "\\1←\\2"),
                        (r"(^|\s)--(\s|$)", "\\1—\\2"), (r"(^|\s)>=(\s|$)", "\\1≥\\2"), (r"(^|\s)<=(\s|$)", "\\1≤\\2"),
                        (r"(^|\s)~=(\s|$)", "\\1≈\\2")]


def rendered(escaped: str) -> str:
    """What a person reads: markdown escapes removed, then Streamlit's typography applied."""
    text = re.sub(r"\\(.)", r"\1", escaped)
    for pattern, symbol in STREAMLIT_TYPOGRAPHY:
        text = re.sub(pattern, symbol, text)
    return text


def test_dashes_and_arrows_typed_between_spaces_stay_as_typed():
    for typed in ("Ann -- Lee", "-- leading", "a -> b <- c <-> d", "x >= 1 <= 2 ~= 3", "R--D", "trailing --"):
        assert rendered(escape_markdown(typed)).replace(WORD_JOINER, "") == typed
        assert not set("—→←↔≥≤≈") & set(rendered(escape_markdown(typed)))
