"""A page visited again, with nothing changed in the database, is drawn from the caches: it does not open the
database at all (an opening costs tens of milliseconds on a large file, and every uncached read runs its SQL
again on every click)."""

import pytest

from infodash.db import Store
from tests.apptest_helpers import open_page

PAGES = ["weekly_review.py", "customer_groups.py", "sla_performance.py", "surveys.py", "usage_monitoring.py",
         "customer_profile.py", "scorecard.py", "self_service.py", "reports.py", "feedback.py",
         "log_touchpoint.py", "requests.py"]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_visited_again_reads_nothing_from_the_file(app_db, page, monkeypatch):
    app = open_page(page, "Ana Costa")
    assert not app.exception
    openings = []
    opened = Store._connect
    monkeypatch.setattr(Store, "_connect", lambda store: openings.append(store.path) or opened(store))

    app.run()

    assert not app.exception
    assert openings == [], f"{page} opened the database on a visit with nothing changed"
