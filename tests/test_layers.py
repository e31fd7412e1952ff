"""Architecture rules that keep the library usable without Streamlit and the SQL parameterised."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_ui_package_imports_streamlit():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "infodash").rglob("*.py")
                 if "ui" not in path.relative_to(ROOT / "infodash").parts and "streamlit" in _imports(path)]
    assert offenders == []


def test_only_db_py_connects_to_duckdb():
    offenders = [str(path.relative_to(ROOT)) for path in [*(ROOT / "infodash").rglob("*.py"), *(ROOT / "app_pages").glob("*.py")]
                 if "duckdb.connect" in path.read_text(encoding="utf-8") and path.name != "db.py"]
    assert offenders == []


def test_pages_hold_no_sql():
    for path in [ROOT / "dashboard.py", *(ROOT / "app_pages").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert ".execute(" not in text and "SELECT " not in text, path.name
