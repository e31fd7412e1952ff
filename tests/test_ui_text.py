"""Text people typed is shown as typed, never as markdown or HTML."""

from infodash.formatting import count_of
from infodash.ui.text import escape_markdown


def test_markdown_and_html_characters_are_escaped():
    assert escape_markdown("**Bob** <b>x</b> [a](b) :smile: $x$") == (
        r"\*\*Bob\*\* \<b\>x\</b\> \[a\]\(b\) \:smile\: \$x\$")


def test_plain_words_are_left_alone():
    assert escape_markdown("Ana Costa") == "Ana Costa"


def test_counts_read_as_english():
    assert (count_of(1, "row"), count_of(0, "row"), count_of(1500, "row")) == ("1 row", "0 rows", "1,500 rows")
