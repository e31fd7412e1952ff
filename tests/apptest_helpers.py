"""What the page tests share: opening a page as a named staff member, clicking, reading messages."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parents[1] / "app_pages"


def open_page(page: str, name: str | None) -> AppTest:
    """Run ``app_pages/<page>`` once, with ``name`` typed as "Your name" (None: left empty)."""
    app = AppTest.from_file(str(PAGES / page), default_timeout=60)
    if name:
        app.session_state["staff_name"] = name
    return app.run()


def click(app: AppTest, label: str) -> AppTest:
    """Click the (first) button labelled ``label`` and let the page rerun."""
    next(button for button in app.button if button.label == label).click()
    return app.run()


def shown(markdown_source: str) -> str:
    """What a person reads: messages are escaped markdown, so drop the escaping backslashes."""
    return re.sub(r"\\(.)", r"\1", markdown_source)


def errors(app: AppTest) -> list[str]:
    """The error messages on the page, as read."""
    return [shown(error.value) for error in app.error]


def successes(app: AppTest) -> list[str]:
    """The confirmations on the page, as read."""
    return [shown(message.value) for message in app.success]
