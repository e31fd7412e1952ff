"""Connection handling for the one DuckDB file InfoDash keeps its data in.

This is the only module that calls ``duckdb.connect``. Everything else asks a
:class:`Store` for a cursor (:meth:`Store.reading`) or a transaction
(:meth:`Store.writing`).

Why connections are short-lived: DuckDB lets one process at a time open a file,
and while the Streamlit server has it open a scheduled job (``python -m infodash
import ...``) cannot open it at all, not even read-only. So a Store opens the
file for each unit of work and closes it afterwards; DuckDB shares one database
instance between the connections a process has open at the same moment, so
concurrent sessions of one server cost nothing extra, and the file is released
as soon as the last of them finishes. When another process holds the file, each
side waits and retries for a while and then raises :class:`StoreBusy`, whose
message says who holds it; nothing has been written at that point.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from infodash.migrations import MIGRATIONS, latest_version

DEFAULT_DB_PATH = Path("data") / "infodash.duckdb"
DB_PATH_ENV = "INFODASH_DB"
BUSY_TIMEOUT_ENV = "INFODASH_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_S = 10.0

_LOCK_PID = re.compile(r"\(PID (\d+)\)")
# DuckDB shares one database instance between a process's connections to a file, but two
# threads opening (or one opening while another closes the last connection) at the same
# moment can both try to attach the file and fail. Opening and closing take turns.
_OPEN_CLOSE_LOCK = threading.Lock()


class StoreError(Exception):
    """Base class for problems with the InfoDash database file."""


class StoreBusy(StoreError):
    """Another process held the database file for longer than we were willing to wait."""

    def __init__(self, path: Path, waited_s: float, holder_pid: int | None) -> None:
        holder = f"another InfoDash process (pid {holder_pid})" if holder_pid else "another process"
        # the file's name, not its path: pages show this to everyone, and the server's folders are nobody's business
        super().__init__(
            f"The database {path.name} is in use by {holder}; waited {waited_s:.1f} s. "
            "Nothing was written. Try again when that job has finished."
        )
        self.path = path
        self.holder_pid = holder_pid


class SchemaTooNew(StoreError):
    """The file was written by a newer InfoDash than this one."""


def configured_db_path() -> Path:
    """The database path: ``$INFODASH_DB`` if set, else ``data/infodash.duckdb``."""
    return Path(os.environ.get(DB_PATH_ENV) or DEFAULT_DB_PATH)


@dataclass
class Store:
    """Access to one InfoDash database file.

    ``busy_timeout_s`` is how long to keep retrying when another process holds
    the file. The first connection of a Store creates the file if needed and
    applies pending migrations.
    """

    path: Path
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self._migrated = False
        self._migrate_lock = threading.Lock()
        # Writers of one process queue here rather than fail on DuckDB's
        # optimistic write-write conflict checks.
        self._write_lock = threading.RLock()
        self._writes = 0
        self._bookkeeping_writes = 0
        self._bookkeeping_left: dict[tuple[int, int, int], tuple[int, int, int]] = {}  # the file after one: the version before
        self._local = threading.local()

    @classmethod
    def from_env(cls) -> Store:
        """A Store for :func:`configured_db_path`, waiting ``$INFODASH_BUSY_TIMEOUT`` seconds (default 10) for a busy file."""
        return cls(configured_db_path(), float(os.environ.get(BUSY_TIMEOUT_ENV) or DEFAULT_BUSY_TIMEOUT_S))

    def exists(self) -> bool:
        """Whether the database file exists yet."""
        return self.path.exists()

    def data_version(self, with_bookkeeping: bool = False) -> tuple[int, int, int]:
        """A cheap token that changes whenever the file's data may have changed; the app's cache key.

        The files' modification times reveal writes by other processes without opening the
        database; the count of this Store's own commits covers file systems whose clocks are
        too coarse to tell two quick writes apart. This process's bookkeeping writes (see
        :meth:`writing`) leave it as it was, unless ``with_bookkeeping`` (for reads of the audit log).
        """
        stamps = self._stamps()
        if with_bookkeeping:
            return stamps[0], stamps[1], self._writes + self._bookkeeping_writes
        before = self._bookkeeping_left.get((*stamps, self._writes))
        return before if before is not None else (stamps[0], stamps[1], self._writes)

    def _stamps(self) -> tuple[int, int]:
        stamps = []
        for candidate in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                stamps.append(candidate.stat().st_mtime_ns)
            except FileNotFoundError:
                stamps.append(0)
        return stamps[0], stamps[1]

    @contextmanager
    def session(self) -> Iterator[None]:
        """Share one connection between the reads and writes this thread makes while the block runs.

        Opening the file costs tens of milliseconds on a large database; a page that reads
        eight figures opens it once this way, and not at all when every figure comes from a
        cache. The file is released when the block ends.
        """
        if getattr(self._local, "in_session", False):
            yield
            return
        self._local.in_session, self._local.connection = True, None
        try:
            yield
        finally:
            connection, self._local.connection, self._local.in_session = self._local.connection, None, False
            if connection is not None:
                _close(connection)

    def _session_connection(self) -> duckdb.DuckDBPyConnection | None:
        if not getattr(self._local, "in_session", False):
            return None
        if self._local.connection is None:
            self._local.connection = self._connect()
        return self._local.connection

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for reads (a cursor of the session's, inside :meth:`session`), closed on exit."""
        shared = self._session_connection()
        connection = self._connect() if shared is None else shared.cursor()
        try:
            yield connection
        finally:
            if shared is None:
                _close(connection)
            else:
                connection.close()

    @contextmanager
    def writing(self, bookkeeping: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside a transaction: committed on success, rolled back on error.

        A ``bookkeeping`` write (an audit row for a download, a sign-in's attempt count) changes nothing a cached
        figure shows, so it leaves :meth:`data_version` as it was: every page's cached reads stay good.
        """
        with self._write_lock:
            shared = self._session_connection()
            connection = self._connect() if shared is None else shared.cursor()
            try:
                # read while this process holds the file: no other process can write until it lets go
                before = self.data_version() if bookkeeping else None
                connection.execute("BEGIN TRANSACTION")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
                if before is None:
                    self._writes += 1
                else:
                    self._bookkeeping_writes += 1
                    self._keep_version(connection, before)
            finally:
                if shared is None:
                    _close(connection)
                else:
                    connection.close()

    def _keep_version(self, connection: duckdb.DuckDBPyConnection, before: tuple[int, int, int]) -> None:
        """After a bookkeeping write, have the file as it now is stand for the version ``before`` it. The write is
        checkpointed first, so that closing the connection does not touch the file again; should that fail (other
        transactions of this process still open), the version simply moves on, as after any write."""
        try:
            connection.execute("CHECKPOINT")
        except duckdb.Error:
            return
        # keyed on this Store's commits too: a later (or nested) ordinary write never hides behind it
        self._bookkeeping_left = {(*self._stamps(), self._writes): before}

    def schema_version(self) -> int:
        """The migration version the file is at."""
        with self.reading() as connection:
            return _current_version(connection)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        connection = self._open_with_retry()
        if not self._migrated:
            with self._migrate_lock:
                if not self._migrated:
                    try:
                        _migrate(connection)
                    except BaseException:
                        _close(connection)
                        raise
                    self._migrated = True
        return connection

    def _open_with_retry(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        pause = 0.02
        while True:
            try:
                with _OPEN_CLOSE_LOCK:
                    connection = duckdb.connect(str(self.path))
                # no progress bar: long statements would draw it over a command's own output
                connection.execute("SET enable_progress_bar = false")
                return connection
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    reason = str(error).replace(str(self.path.resolve()), self.path.name).replace(str(self.path),
                                                                                                 self.path.name)
                    raise StoreError(f"The database {self.path.name} cannot be opened: {reason}") from None
                waited = time.monotonic() - started
                if waited >= self.busy_timeout_s:
                    match = _LOCK_PID.search(str(error))
                    raise StoreBusy(self.path, waited, int(match.group(1)) if match else None) from None
                time.sleep(min(pause, max(self.busy_timeout_s - waited, 0.0)))
                pause = min(pause * 2, 0.25)


def _close(connection: duckdb.DuckDBPyConnection) -> None:
    with _OPEN_CLOSE_LOCK:
        connection.close()


def _current_version(connection: duckdb.DuckDBPyConnection) -> int:
    # fetchall, not fetchone: DuckDB 2.0 refuses further work on a connection with an unfinished result
    [(exists,)] = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()
    if not exists:
        return 0
    [(version,)] = connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()
    return version


def _migrate(connection: duckdb.DuckDBPyConnection) -> None:
    current = _current_version(connection)
    newest = latest_version()
    if current > newest:
        raise SchemaTooNew(
            f"This database is at schema version {current}, but this InfoDash only knows up to "
            f"version {newest}. Upgrade InfoDash (pip install -r requirements.txt) to open it."
        )
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(migration.sql)
            connection.execute(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, now())",
                [migration.version, migration.description],
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
