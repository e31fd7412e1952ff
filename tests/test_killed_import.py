"""An import killed midway (the process ends with SIGKILL inside its transaction, after it has written its rows
but before it commits) leaves nothing of itself, and the file opens as before. The test waits on the import's
own signal that it is midway, never on a timer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from infodash.db import Store
from tests.processes import REPO

# Runs the real ServiceNow import of the fixture log; the audit row is written last inside the import's
# transaction, so the script says "midway" there and waits to be killed.
KILLED_IMPORT = """
import dataclasses, sys
from pathlib import Path
import infodash.request_import_write as write
from infodash.db import Store
from infodash.permissions import command_line
from infodash.request_import import SERVICENOW, import_requests

def midway(db, *args, **kwargs):
    print(db.execute("SELECT count(*) FROM requests").fetchone()[0], flush=True)  # rows written, not committed
    sys.stdin.read()  # until killed
write.audit.record = midway
options = dataclasses.replace(SERVICENOW, service_id=1, create_customers_in_group=1,
                              columns={k: v for k, v in SERVICENOW.columns.items() if k != "service"})
import_requests(Store(sys.argv[1]), Path(sys.argv[2]), options, command_line("Desk import"))
"""


def test_an_import_killed_midway_leaves_nothing_of_itself(fixture_store):
    with fixture_store.reading() as db:
        before = db.execute("SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM customers), "
                            "(SELECT count(*) FROM request_status_history)").fetchone()
    importer = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(fixture_store.path),
                                 str(REPO / "tests" / "fixtures" / "servicenow_events.csv")],
                                cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        written = int(importer.stdout.readline())  # the import has written its rows inside its transaction
        assert written > before[0]
        os.kill(importer.pid, signal.SIGKILL)
    finally:
        importer.wait(timeout=60)
    assert importer.returncode == -signal.SIGKILL
    reopened = Store(fixture_store.path)
    with reopened.reading() as db:
        after = db.execute("SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM customers), "
                           "(SELECT count(*) FROM request_status_history)").fetchone()
    assert after == before
