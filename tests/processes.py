"""A second real process that holds the database file, as a scheduled job or another app would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HOLD_SCRIPT = """
import sys, time
from infodash.db import Store
store = Store(sys.argv[1])
with store.writing() as db:
    db.execute("INSERT INTO audit_log (actor, action, entity) VALUES ('holder', 'hold', 'test')")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_database(path: Path, seconds: float) -> subprocess.Popen:
    """Start a process that writes inside one transaction for ``seconds``; returns once it holds the file."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(path), str(seconds)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder
