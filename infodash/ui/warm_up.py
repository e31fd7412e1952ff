"""The pages' code loaded once per server process, in the background, so that a page's first visit waits for its
data and not for its imports (the statistics libraries alone take half a second on 2 cores); then the requests'
subjects grouped, which the process keeps for the Self-service page (half a second on the large set)."""

from __future__ import annotations

import ast
import importlib
import logging
import threading
from pathlib import Path

from infodash.db import Store

PAGES = Path(__file__).resolve().parents[2] / "app_pages"
_log = logging.getLogger(__name__)


def modules_the_pages_import(pages: Path = PAGES) -> list[str]:
    """The modules the page scripts in ``pages`` import, sorted; a page's own imports bring what they need."""
    names: set[str] = set()
    for script in pages.glob("*.py"):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    return sorted(names)


def _load(modules: list[str], store: Store | None = None) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the page that needs it will raise it where a person sees it
            _log.debug("warming up %s failed", name, exc_info=True)
    # Plotly reads its layout validators when the first figure is built (about 80 ms).
    import plotly.graph_objects as go

    go.Figure().update_layout(title="")
    if store is not None:
        _group_subjects(store)


def _group_subjects(store: Store) -> None:
    from infodash.self_service import subject_groups  # here, not above: loading it is part of the warm-up

    try:
        subject_groups(store)
    except Exception:  # a busy file, say: the Self-service page groups them when opened, and says what is wrong
        _log.debug("grouping the subjects in the background failed", exc_info=True)


_STARTED: list[threading.Thread] = []
_START_LOCK = threading.Lock()


def warm_up(store: Store | None = None) -> threading.Thread:
    """Start loading every page's code in the background, then grouping the subjects of ``store``'s requests,
    once per server process (not again after "Clear caches": the modules stay loaded and the grouping kept);
    returns the loading thread."""
    with _START_LOCK:
        if not _STARTED:
            thread = threading.Thread(target=_load, args=(modules_the_pages_import(), store),
                                      name="infodash-warm-up", daemon=True)
            thread.start()
            _STARTED.append(thread)
        return _STARTED[0]
