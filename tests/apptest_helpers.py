"""What the page tests share: opening a page as a named staff member, clicking, reading messages."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from infodash.permissions import Account
from infodash.ui.pickers import DEMO_KEY, SIGNED_IN_KEY
from infodash.ui.sign_in import DEMO_LEAD

PAGES = Path(__file__).resolve().parents[1] / "app_pages"


def open_page(page: str, name: str | None) -> AppTest:
    """Run ``app_pages/<page>`` once on the demo database, as the app does: the demo lead signed in and ``name``
    typed as "Your name" (None: left empty)."""
    app = AppTest.from_file(str(PAGES / page), default_timeout=60)
    sign_in_as_demo(app)
    if name:
        app.session_state["staff_name"] = name
    return app.run()


def sign_in_as_demo(app: AppTest) -> AppTest:
    """What the sign-in does on the demo database: the demo lead, under whatever name is typed."""
    app.session_state[SIGNED_IN_KEY] = DEMO_LEAD
    app.session_state[DEMO_KEY] = True
    return app


def sign_in_as(app: AppTest, account: Account) -> AppTest:
    """What the sign-in does for ``account`` on a team's own database: entries go under its name."""
    app.session_state[SIGNED_IN_KEY] = account
    app.session_state[DEMO_KEY] = False
    app.session_state["staff_name"] = account.name
    return app


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
