"""The pages' code loads in the background once per server process, so a page's first visit waits only for its
data."""

import logging
import sys
from pathlib import Path

from infodash.ui.warm_up import _load, modules_the_pages_import


def test_the_modules_the_pages_import_are_read_from_the_pages_themselves(tmp_path: Path):
    (tmp_path / "one.py").write_text("import json\nfrom infodash.surveys import latest_wave_summary\n")
    (tmp_path / "two.py").write_text("from infodash.ui.kpi import Kpi\nfrom . import nothing\n")

    assert modules_the_pages_import(tmp_path) == ["infodash.surveys", "infodash.ui.kpi", "json"]


def test_every_page_module_is_found_and_importable():
    modules = modules_the_pages_import()

    assert {"infodash.surveys", "infodash.review", "infodash.ui.tables", "streamlit"} <= set(modules)
    _load(modules)
    assert all(name in sys.modules for name in modules)


def test_a_module_that_cannot_be_imported_is_skipped_and_noted_not_raised(caplog):
    with caplog.at_level(logging.DEBUG, logger="infodash.ui.warm_up"):
        _load(["infodash.no_such_module", "json"])

    assert [record.getMessage() for record in caplog.records] == ["warming up infodash.no_such_module failed"]


def test_the_loading_starts_once_per_process_whatever_the_caches():
    import streamlit as st

    from infodash.ui.warm_up import warm_up

    first = warm_up()
    st.cache_resource.clear()  # what "Clear caches" does
    assert warm_up() is first
    first.join(timeout=120)


def test_with_a_store_the_warm_up_also_groups_its_subjects_for_the_self_service_page(demo_store, monkeypatch):
    from infodash import self_service

    _load([], demo_store)

    monkeypatch.setattr(self_service, "group_subjects", None)  # grouping again would fail: it was done
    assert len(self_service.subject_groups(demo_store).candidates) > 0


def test_a_database_the_warm_up_cannot_read_is_left_to_the_page_and_noted(tmp_path: Path, caplog):
    from infodash.db import Store

    garbage = tmp_path / "not-a-database.duckdb"
    garbage.write_bytes(b"garbage")
    with caplog.at_level(logging.DEBUG, logger="infodash.ui.warm_up"):
        _load([], Store(garbage, busy_timeout_s=0))

    assert [record.getMessage() for record in caplog.records] == ["grouping the subjects in the background failed"]
