"""A second real process that holds the database file, as a scheduled job or another app would, until the
test lets go: tests wait on these events, never on how long a process takes to start."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HOLD_SCRIPT = """
import sys
from infodash.db import Store
store = Store(sys.argv[1])
with store.writing() as db:
    db.execute("INSERT INTO audit_log (actor, action, entity) VALUES ('holder', 'hold', 'test')")
    print("holding", flush=True)
    sys.stdin.read()  # until the test closes our input
"""


@contextmanager
def holding_database(path: Path) -> Iterator[subprocess.Popen]:
    """A process that writes inside one transaction, holding the file from the moment the block starts until
    :func:`release` (or the block's end); it commits as it lets go."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(path)], cwd=REPO, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        release(holder)


def release(holder: subprocess.Popen) -> None:
    """Let the holding process commit and end; returns once it has (and so once the file is free)."""
    if holder.stdin and not holder.stdin.closed:
        holder.stdin.close()
    holder.wait(timeout=60)
