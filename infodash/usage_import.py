"""Loading usage events: who used which system, when, for what. From CSV or Parquet files (one row
per event) and from web-server access logs, a file or a glob of them at a time.

**Tabular files** (CSV, Parquet) have the columns ``timestamp``, ``user`` (the login), ``system``,
``action``, ``resource`` and, optionally, ``query`` (the query text) and ``duration_ms``;
:attr:`UsageLoadOptions.columns` names other columns for these fields. A time carrying a UTC offset
(``2026-11-16 09:00:00+01:00``) keeps it; a time without one is a wall-clock time in the
organisation's time zone (or :attr:`UsageLoadOptions.time_zone`); Parquet timestamp columns are
read as their type says. The action is one of :data:`ACTIONS` (any case), or a value
:attr:`UsageLoadOptions.action_map` translates into one.

**Access logs** in the common or combined log format
(``127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "-" "-"``),
all of one system (:attr:`UsageLoadOptions.system`, e.g. "Intranet"). Per line: the login is the
authenticated user, or the client address when the user is "-"; the time keeps the offset the line
gives (so a log that crosses a change of clocks lands right); the resource is the request path
without its query string; the query string (undecoded) is the query text; the status and bytes
("-" is 0) are kept. The action, in this order:

- GET or HEAD with a ``q=``, ``query=`` or ``search=`` parameter: ``search``;
- GET or HEAD of a document (a path ending in one of :data:`DOWNLOAD_EXTENSIONS`, e.g. ``.pdf``): ``download``;
- any other GET or HEAD: ``view``;
- POST, PUT, PATCH, DELETE: ``submit``.

Only use is loaded; these lines are skipped, and counted by reason (:data:`SKIP_REASONS`): requests for
a page's static parts (style sheets, scripts, images, fonts: :data:`STATIC_EXTENSIONS`, unless
:attr:`UsageLoadOptions.skip_static_files` is False), requests that failed (status 400 and above), other
methods (OPTIONS, PROPFIND ...: a program asking, not a person using), known bots, crawlers, feed readers
and monitors by their user agent (the ``crawlerdetect`` package's maintained list, unless
:attr:`UsageLoadOptions.keep_bots`), and blank lines. The user agent is kept with each event.

**Customers.** A login maps to the customer with that ``customers.login`` (ignoring case). A login
no customer has (or that several share) is kept with no customer; the report counts those events
and names the most frequent such logins.

**Bad rows.** A row whose time cannot be read, with no user, with an unknown action, or a log line
not in the format is rejected, with the file, its line and the reason (the first problem found in
the row). By default a file with any rejected row is not loaded at all (imports are all-or-nothing
per file); with :attr:`UsageLoadOptions.skip_bad_rows` its good rows are loaded and the rest
reported. An access log may hold a few junk lines: it is loaded without them (each reported) as long
as they are at most :data:`MAX_UNREADABLE_SHARE` of its lines; more means the wrong format or file.
Line numbers are the file's lines (a CSV's header is line 1; they count records, so a blank line or a
cell spanning lines shifts them); in a Parquet file, the row number from 1.

**Incremental.** The ``usage_loads`` ledger keeps, per source, its name and the hash of its first
64 KiB (its identity), the bytes loaded so far and the hash of those bytes. A file whose bytes
loaded before are unchanged is the same source: loading it again adds nothing, and a log (or CSV)
that has grown adds only its new lines. A source is found by its name, or by its first 64 KiB under
another name (a log renamed by rotation). A file whose earlier bytes differ (replaced, or rotated
in under the same name) is a new source. An access log's last line is loaded only once it is
finished (ends with a line break). Compressed (``.gz``) and Parquet files are loaded whole.

**Systems.** An unknown system refuses the load (naming the known ones), unless
:attr:`UsageLoadOptions.create_systems` says to create it; the first system of a database without any
is created.

Everything of one file is written in one transaction: its events, its ledger entry, its audit row.
Files are parsed and checked in DuckDB, never row by row in Python.
"""

from __future__ import annotations

import codecs
import functools
import glob
import gzip
import hashlib
import io
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from crawlerdetect import CrawlerDetect

from infodash import audit
from infodash.checks import TOO_EARLY, TOO_LATE, check_author, plausible_range
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.formatting import count_of
from infodash.importers import ImportFileError, Progress, reading_problems
from infodash.permissions import Account, require
from infodash.settings import organisation_time_zone

KIND = "usage"
FORMATS = ("auto", "csv", "parquet", "access-log")
FIELDS = ("timestamp", "user", "system", "action", "resource", "query", "duration_ms")
REQUIRED_FIELDS = ("timestamp", "user", "action", "resource")  # and system, unless the options name it
ACTIONS = ("view", "search", "query", "download", "login", "logout", "click", "submit", "upload", "edit")
DOWNLOAD_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "xlsm", "ppt", "pptx", "csv", "zip", "odt", "ods",
                       "odp", "rtf")
STATIC_EXTENSIONS = ("css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp", "woff",
                     "woff2", "ttf", "eot")
SEARCH_PARAMETERS = ("q", "query", "search")
MAX_REJECTED_ROWS = 1000  # rejected rows listed in a report; the count is always complete
MAX_UNREADABLE_SHARE = 0.01  # an access log with more unreadable lines than this is refused whole
SKIP_REASONS = {"bot": "bots and crawlers", "static": "static files", "failed": "failed requests",
                "method": "other methods", "blank": "blank lines"}
TOP_UNMAPPED_LOGINS = 20
IDENTITY_BYTES = 64 * 1024
# The shape of an access log line: client, ident, user, [time], "method target protocol", status, bytes; anything
# after (the combined format's referer and agent) is ignored. No quote before the request, none inside it.
ACCESS_LOG_PATTERN = r'^[^\s"\[]+ [^\s"\[]+ [^\s"\[]+ \[[^\]"]+\] "[^\s"]+ [^\s"]+[^"]*" \d{3} (\d+|-)'
_ACCESS_LOG_BYTES = re.compile(ACCESS_LOG_PATTERN.encode())  # whatever the encoding, the shape is ASCII
_CHUNK = 1 << 20
_OFFSET_AT_END = r"(?i)[0-9]:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\s*(z|[+-][0-9]{2}(:?[0-9]{2})?)$"
_NEW_SYSTEM_KIND = {"access-log": "web site"}  # the kind of a system created by a load; else "other"


@dataclass(frozen=True)
class UsageLoadOptions:
    """How to read usage files. The defaults read a CSV or Parquet file with the standard columns."""

    format: str = "auto"  # csv, parquet, access-log, or auto: by the file's name, else by its first lines
    system: str | None = None  # the system of every event; an access log needs it
    create_systems: bool = False  # create a system not known yet, instead of refusing the file
    skip_bad_rows: bool = False  # load a file's good rows and report the rest, instead of refusing the file
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's column, where not named alike
    action_map: dict[str, str] = field(default_factory=dict)  # a file's action value -> one of ACTIONS
    time_zone: str | None = None  # of times without a UTC offset; None: the organisation's
    time_format: str | None = None  # strptime format of tabular times, e.g. "%d/%m/%Y %H:%M"; None: ISO 8601
    encoding: str = "utf-8"  # of CSV files and logs
    skip_static_files: bool = True  # access logs: skip requests for style sheets, scripts, images and fonts
    keep_bots: bool = False  # access logs: load requests of known bots and crawlers too


@dataclass(frozen=True)
class RejectedRow:
    """A row not loaded: the file's name, its line (see the module notes), the column and why."""

    file: str
    line: int
    column: str
    reason: str


@dataclass
class UsageFileReport:
    """What one file held and what became of it.

    ``lines`` counts the lines (rows) read this time: those loaded before are not read again.
    ``events`` are the good ones among them, written when ``loaded`` (in a dry run, the ones that
    would be). ``problem`` says why nothing of the file was (or would be) loaded.
    """

    file: str
    format: str
    lines: int = 0
    events: int = 0
    rejected: int = 0
    skipped: int = 0  # lines that are not use: see SKIP_REASONS
    skipped_by: dict[str, int] = field(default_factory=dict)  # by reason (a key of SKIP_REASONS)
    already_loaded: int = 0  # events loaded from this source before
    loaded: bool = False
    problem: str | None = None

    @property
    def name(self) -> str:
        """The file's name without its folder."""
        return Path(self.file).name

    def skipped_reasons(self) -> str:
        """E.g. "12 bots and crawlers, 40 static files"."""
        return ", ".join(f"{count:,} {SKIP_REASONS[reason]}" for reason, count in self.skipped_by.items() if count)


@dataclass
class UsageLoadReport:
    """What a load found and did, over all its files."""

    dry_run: bool = False
    files: list[UsageFileReport] = field(default_factory=list)
    rejected_rows: list[RejectedRow] = field(default_factory=list)  # the first MAX_REJECTED_ROWS
    events_by_system: dict[str, int] = field(default_factory=dict)  # events added (dry run: to add)
    unmapped_events: int = 0  # of those, events whose login no customer has
    unmapped_logins: list[tuple[str, int]] = field(default_factory=list)  # the most frequent, with events
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def events_added(self) -> int:
        """Events written (in a dry run: 0)."""
        return sum(file.events for file in self.files if file.loaded)

    @property
    def events_found(self) -> int:
        """Good new events in the files that are (or, in a dry run, would be) loaded."""
        return sum(file.events for file in self.files if file.problem is None)

    @property
    def already_loaded(self) -> int:
        """Events loaded before from these files."""
        return sum(file.already_loaded for file in self.files)

    @property
    def rejected(self) -> int:
        """Rows rejected, over all files (the complete count)."""
        return sum(file.rejected for file in self.files)

    @property
    def ok(self) -> bool:
        """True when every file is (or would be) loaded."""
        return all(file.problem is None for file in self.files)

    def rejected_table(self) -> pd.DataFrame:
        """The rejected rows listed (file, line, column, reason), for a page or a CSV."""
        return pd.DataFrame([vars(row) for row in self.rejected_rows], columns=["file", "line", "column", "reason"])

    def files_table(self) -> pd.DataFrame:
        """One row per file: what it held and what became of it."""
        return pd.DataFrame([{"file": item.name, "format": item.format, "lines read": item.lines,
                              "events": item.events, "rejected": item.rejected, "skipped": item.skipped,
                              "skipped as": item.skipped_reasons(),
                              "loaded before": item.already_loaded, "loaded": item.loaded,
                              "problem": item.problem or ""} for item in self.files])

    def unmapped_table(self) -> pd.DataFrame:
        """The most frequent logins no customer has, with their events."""
        return pd.DataFrame(self.unmapped_logins, columns=["login", "events"])


def load_usage(store: Store, path_or_glob: str | Path | Sequence[str | Path], options: UsageLoadOptions,
               actor: Account, progress: Progress | None = None, dry_run: bool = False) -> UsageLoadReport:
    """Load the usage events of a file, a glob of files, or a list of either; see the module notes.

    Each file is checked and loaded on its own (one transaction each); ``dry_run`` checks and counts,
    writing nothing. ``progress(fraction, message)`` is told of each file and each stage.
    Raises ValidationError for unusable options (field -> message), ImportFileError when no file
    matches or the system named in the options is unknown, StoreBusy when the database is in use.
    """
    require(actor, "lead", "import usage events")
    author = actor.name.strip()
    started = time.monotonic()
    _check_options(options, author)
    files = usage_files(path_or_glob)
    step = progress or (lambda fraction, message: None)
    time_zone = options.time_zone or organisation_time_zone(store).key
    if options.system and not options.create_systems:
        known = system_names(store)
        if known and options.system.lower() not in {name.lower() for name in known}:  # (a first one is created)
            raise ImportFileError(_unknown_systems_message([options.system], known))
    report = UsageLoadReport(dry_run=dry_run)
    unmapped: Counter[str] = Counter()
    for index, path in enumerate(files):
        def stage(fraction: float, message: str, index: int = index, path: Path = path) -> None:
            step((index + fraction) / len(files), f"{path.name} ({index + 1} of {len(files)}): {message}")
        report.files.append(_load_file(store, path, options, time_zone, author, dry_run, report, unmapped, stage))
    report.unmapped_logins = unmapped.most_common(TOP_UNMAPPED_LOGINS)
    report.notes = list(dict.fromkeys(report.notes))  # a file read twice (see _load_file) noted once
    report.seconds = time.monotonic() - started
    step(1.0, f"Done, {report.events_added:,} events added" if not dry_run else "Checked")
    return report


def usage_files(path_or_glob: str | Path | Sequence[str | Path]) -> list[Path]:
    """The files a path, a glob (``logs/access.log*``) or a list of either names, in name order per glob.

    Raises ImportFileError when a path does not exist, is a folder, or a glob matches no file.
    """
    patterns = [path_or_glob] if isinstance(path_or_glob, (str, Path)) else list(path_or_glob)
    found: list[Path] = []
    for pattern in patterns:
        text = os.path.expanduser(str(pattern))
        if any(character in text for character in "*?["):
            matched = sorted(Path(name) for name in glob.glob(text) if Path(name).is_file())
            if not matched:
                raise ImportFileError(f"No file matches {text}.")
            found.extend(matched)
        elif Path(text).is_dir():
            raise ImportFileError(f"{text} is a folder: name its files, e.g. {Path(text) / '*.log'}.")
        elif not Path(text).is_file():
            raise ImportFileError(f"{text}: no such file.")
        else:
            found.append(Path(text))
    return list(dict.fromkeys(found))


def detect_format(path: Path) -> str:
    """A file's format by its name (``.csv``, ``.parquet``; ``.gz`` looked through), else by its content:
    Parquet's magic bytes, an access log's first lines, otherwise CSV."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    opener: Callable[..., Any] = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        head = handle.read(16 * 1024)
    if head.startswith(b"PAR1"):
        return "parquet"
    lines = head.splitlines()  # as bytes: decoded, a Windows byte such as 0x85 would read as a line break
    if len(head) == 16 * 1024:
        lines = lines[:-1]  # cut off by the read
    first = [line for line in lines if line.strip()][:5]
    return "access-log" if any(_ACCESS_LOG_BYTES.match(line) for line in first) else "csv"


def system_names(store: Store) -> list[str]:
    """The names of the systems usage can be loaded for, alphabetically."""
    with store.reading() as db:
        return [name for (name,) in db.execute("SELECT name FROM systems ORDER BY name").fetchall()]


def usage_load_history(store: Store, limit: int = 200) -> pd.DataFrame:
    """The sources loaded so far, latest first: file name, events, rejected rows, bytes, who and when."""
    with store.reading() as db:
        return db.execute("SELECT file_name, events, rejected, bytes_loaded, loaded_by, loaded_at FROM usage_loads "
                          "ORDER BY loaded_at DESC, file_name LIMIT ?", [limit]).df()


# --- one file ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """Where a file stands against the ledger: its key, what to read, and what was loaded before."""

    key: str
    end: int  # bytes to load through: the end of the last complete line of a log, else the file's size
    end_hash: str
    end_lines: int  # line breaks before ``end``
    after_line: int  # lines (rows) up to this one were loaded before
    previous: dict[str, Any] | None  # its ledger row
    note: str | None = None


def _load_file(store: Store, path: Path, options: UsageLoadOptions, time_zone: str, author: str, dry_run: bool,
               report: UsageLoadReport, unmapped: Counter[str], stage: Progress) -> UsageFileReport:
    try:
        file_format = options.format if options.format != "auto" else detect_format(path)
    except (OSError, EOFError) as error:  # EOFError: a truncated .gz
        return UsageFileReport(str(path), options.format, problem=f"{path.name} cannot be read: {error}")
    result = UsageFileReport(str(path), file_format)
    if file_format == "access-log" and not options.system:
        result.problem = f"{path.name}: an access log is the usage of one system; name it (e.g. Intranet)"
        return result
    encoding = options.encoding
    for attempt in (1, 2):
        try:
            with (store.reading() if dry_run else store.writing()) as db:
                _load_into(db, path, file_format, encoding, options, time_zone, author, dry_run, result, report,
                           unmapped, stage)
            break
        except (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException,
                UnicodeDecodeError) as error:
            message = str(error).split("\n")[0].removeprefix("Invalid Input Error: ")
            not_text = isinstance(error, UnicodeDecodeError) or "unicode" in str(error).lower()
            if attempt == 1 and file_format == "access-log" and not_text:
                encoding = "latin-1"  # servers escape bytes beyond ASCII; a junk line may still hold some
                report.notes.append(f"{path.name} is not all {options.encoding} text: read as Latin-1.")
                continue
            if not_text:
                message = (f"not {options.encoding} text; name its encoding (e.g. cp1252 for Excel on Windows, "
                           "latin-1, or utf-16 for some Windows exports)")
            result = UsageFileReport(str(path), file_format, problem=f"{path.name} cannot be read as "
                                     f"{file_format.replace('-', ' ')}: {message}")
            break
    stage(1.0, "refused" if result.problem else "loaded" if result.loaded else "checked")
    return result


def _load_into(db: duckdb.DuckDBPyConnection, path: Path, file_format: str, encoding: str,
               options: UsageLoadOptions, time_zone: str, author: str, dry_run: bool, result: UsageFileReport,
               report: UsageLoadReport, unmapped: Counter[str], stage: Progress) -> None:
    """Check one file inside ``db`` (a transaction unless ``dry_run``) and write it if it is good."""
    stage(0.0, "comparing with what was loaded before")
    source = _source(db, path, file_format)
    if source.note:
        report.notes.append(source.note)
    result.already_loaded = source.previous["events"] if source.previous else 0
    if source.end == 0 or (source.previous and source.previous["bytes_loaded"] == source.end):
        return  # nothing (new) to read
    stage(0.1, "reading and checking")
    if file_format == "access-log":
        _stage_access_log(db, path, encoding, options, source)
        problem = None
    else:
        problem = _stage_table(db, path, file_format, encoding, options, time_zone, source)
    if problem:
        result.problem = f"{path.name}: {problem}"
    else:
        _judge(db, path, file_format, options, dry_run, author, source, result, report, unmapped, stage)
    # (after an error the transaction's rollback, or closing the connection, drops them)
    for statement in _DROP_STAGING:
        db.execute(statement)


_DROP_STAGING = tuple(f"DROP TABLE IF EXISTS {table}" for table in ("usage_lines", "usage_stage", "usage_ready"))


def _judge(db: duckdb.DuckDBPyConnection, path: Path, file_format: str, options: UsageLoadOptions, dry_run: bool,
           author: str, source: _Source, result: UsageFileReport, report: UsageLoadReport, unmapped: Counter[str],
           stage: Progress) -> None:
    """Count and list the staged rows' problems; unless refused, resolve systems and logins and write."""
    [(result.lines, result.skipped, result.rejected, result.events)] = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE skipped), count(*) FILTER (WHERE reason IS NOT NULL), "
        "count(*) FILTER (WHERE NOT skipped AND reason IS NULL) FROM usage_stage").fetchall()
    result.skipped_by = {reason: count for reason, count in db.execute(
        "SELECT skip_reason, count(*) FROM usage_stage WHERE skipped GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()}
    room = MAX_REJECTED_ROWS - len(report.rejected_rows)
    if result.rejected and room > 0:
        rows = db.execute("SELECT line, problem_column, reason FROM usage_stage WHERE reason IS NOT NULL "
                          "ORDER BY line LIMIT ?", [room]).fetchall()
        report.rejected_rows.extend(RejectedRow(path.name, line, column, reason) for line, column, reason in rows)
    unknown = [name for (name,) in db.execute(_UNKNOWN_SYSTEMS).fetchall()]
    known = _names(db)
    if unknown and not options.create_systems and known:  # (a database's first system is created)
        result.problem = f"{path.name}: {_unknown_systems_message(unknown, known)}"
        return
    junk_allowed = file_format == "access-log" and result.rejected <= MAX_UNREADABLE_SHARE * result.lines
    if result.rejected and not options.skip_bad_rows and not junk_allowed:
        result.problem = (f"{path.name}: {result.rejected:,} of {result.lines:,} rows have problems, so nothing of "
                          "the file was loaded; fix them, or skip the bad rows to load the rest"
                          + (f" (over {MAX_UNREADABLE_SHARE:.0%} of a log's lines unreadable: is it an access log?)"
                             if file_format == "access-log" else ""))
        return
    if result.rejected and junk_allowed and not options.skip_bad_rows:
        report.notes.append(f"{path.name}: {count_of(result.rejected, 'unreadable line')} left out (listed), "
                            f"at most {MAX_UNREADABLE_SHARE:.0%} of its lines")
    if unknown:
        report.notes.append(f"{'would create' if dry_run else 'created'} the system{'s' if len(unknown) > 1 else ''} "
                            f"{', '.join(unknown)}")
        if not dry_run:
            db.execute(_CREATE_SYSTEMS, {"kind": _NEW_SYSTEM_KIND.get(file_format, "other")})
    stage(0.7, "writing" if not dry_run else "counting")
    db.execute(_READY)
    for system, events in db.execute("SELECT system_name, count(*) FROM usage_ready GROUP BY 1").fetchall():
        report.events_by_system[system] = report.events_by_system.get(system, 0) + events
    logins = db.execute("SELECT login, count(*) FROM usage_ready WHERE customer_id IS NULL GROUP BY 1 "
                        "ORDER BY 2 DESC, 1 LIMIT 1000").fetchall()
    report.unmapped_events += db.execute("SELECT count(*) FROM usage_ready WHERE customer_id IS NULL").fetchone()[0]
    unmapped.update(dict(logins))
    if dry_run:
        return
    db.execute("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action, resource, query_text, "
               "duration_ms, http_status, bytes, user_agent) SELECT occurred_at, system_id, login, customer_id, "
               "action, resource, query_text, duration_ms, http_status, bytes, user_agent FROM usage_ready "
               "ORDER BY occurred_at")
    db.execute("""
        INSERT INTO usage_loads VALUES ($key, $name, $bytes, $hash, $events, $rejected, $author, now())
        ON CONFLICT (source_key) DO UPDATE SET bytes_loaded = excluded.bytes_loaded,
            prefix_hash = excluded.prefix_hash, events = events + excluded.events,
            rejected = rejected + excluded.rejected, loaded_by = excluded.loaded_by, loaded_at = excluded.loaded_at
    """, {"key": source.key, "name": path.name, "bytes": source.end, "hash": source.end_hash,
          "events": result.events, "rejected": result.rejected, "author": author})
    audit.record(db, author, "import", "usage_events", source.key,
                 {"file": path.name, "lines": result.lines, "events": result.events, "rejected": result.rejected,
                  "skipped": result.skipped, "after_line": source.after_line})
    result.loaded = True


# --- identity: which source a file is, and what of it is new -------------------------------------------------


def _source(db: duckdb.DuckDBPyConnection, path: Path, file_format: str) -> _Source:
    """Match the file with the ledger (see the module notes) in one pass over its bytes."""
    size = path.stat().st_size
    whole = file_format == "parquet" or path.name.lower().endswith(".gz")
    end = size if whole or file_format == "csv" else _end_of_last_line(path, size)
    head = min(IDENTITY_BYTES, size)
    head_hash = _hashes_at(path, [head])[head][0][:32]
    candidates = [dict(zip(("source_key", "file_name", "bytes_loaded", "prefix_hash", "events", "rejected"), row,
                           strict=True))
                  for row in db.execute("SELECT source_key, file_name, bytes_loaded, prefix_hash, events, rejected "
                                        "FROM usage_loads WHERE file_name = ? OR ends_with(source_key, ?)",
                                        [path.name, f"|{head_hash}"]).fetchall()]
    usable = [row for row in candidates if row["bytes_loaded"] == end or (not whole and row["bytes_loaded"] < end)]
    hashes = _hashes_at(path, sorted({end, *(row["bytes_loaded"] for row in usable)}))
    matches = [row for row in usable if hashes[row["bytes_loaded"]][0] == row["prefix_hash"]]
    note = None if end == size else (f"{path.name}: its last line is not finished yet; it will be loaded next time")
    end_hash, end_lines = hashes[end]
    if matches:
        previous = max(matches, key=lambda row: row["bytes_loaded"])
        loaded_lines = hashes[previous["bytes_loaded"]][1]
        # a CSV's loaded rows are its records (a header, then one a line); a log's, its lines
        after_line = previous["events"] + previous["rejected"] + 1 if file_format == "csv" else loaded_lines
        if previous["bytes_loaded"] < end:
            note = "; ".join(filter(None, [note, f"{path.name} has grown since it was loaded: reading it from "
                                                 f"line {after_line + 1:,}"]))
        return _Source(previous["source_key"], end, end_hash, end_lines, after_line, previous, note)
    key = f"{path.name}|{head_hash}"
    taken = {row["source_key"] for row in candidates}
    number = 2
    while key in taken:  # the same name and start as an earlier source, different bytes later on
        key, number = f"{path.name}#{number}|{head_hash}", number + 1
    return _Source(key, end, end_hash, end_lines, 0, None, note)


def _hashes_at(path: Path, cuts: list[int]) -> dict[int, tuple[str, int]]:
    """For each cut (ascending), the SHA-256 of the file's first ``cut`` bytes and the line breaks among them."""
    found: dict[int, tuple[str, int]] = {}
    digest, breaks, position = hashlib.sha256(), 0, 0
    with path.open("rb") as handle:
        for cut in cuts:
            while position < cut:
                chunk = handle.read(min(_CHUNK, cut - position))
                if not chunk:
                    break
                digest.update(chunk)
                breaks += chunk.count(b"\n")
                position += len(chunk)
            found[cut] = (digest.hexdigest(), breaks)
    return found


def _copy_bytes(path: Path, start: int, end: int, target: Path) -> None:
    """Copy bytes ``start`` to ``end`` of ``path`` into a new file ``target``."""
    with path.open("rb") as source, target.open("wb") as copy:
        source.seek(start)
        while start < end:
            chunk = source.read(min(_CHUNK, end - start))
            if not chunk:
                break
            copy.write(chunk)
            start += len(chunk)


def _end_of_last_line(path: Path, size: int) -> int:
    """The position just after the file's last line break (0 if it has none)."""
    with path.open("rb") as handle:
        position = size
        while position > 0:
            start = max(0, position - _CHUNK)
            handle.seek(start)
            found = handle.read(position - start).rfind(b"\n")
            if found >= 0:
                return start + found + 1
            position = start
    return 0


# --- staging: every new row of the file in the temp table usage_stage, with its problem if any --------------

# usage_stage(line, occurred_at, login, system, action, resource, query_text, duration_ms, http_status, bytes,
#             skipped, problem_column, reason): reason is NULL for a good row.
# The new lines, numbered: the file's first line is ``$first_line``. Numbering reads in order, on one thread;
# what follows runs in parallel. A line is read whole: the delimiter is a character text never holds.
_LOG_LINES = """
CREATE OR REPLACE TEMP TABLE usage_lines AS
SELECT line, text FROM (
    SELECT $first_line - 1 + row_number() OVER () AS line, text
    FROM read_csv($path, columns = {'text': 'VARCHAR'}, delim = $nul, quote = '', escape = '', header = false,
                  auto_detect = false, strict_mode = false, encoding = $encoding)
) WHERE line > $after_line AND line <= $last_line
"""
_STAGE_ACCESS_LOG = r"""
CREATE OR REPLACE TEMP TABLE usage_stage AS
WITH fresh AS (
    -- A line of the pattern's shape splits at its quotes into what precedes the request, the request, and
    -- the status and bytes; those split at spaces. (Three times faster than the pattern's capture groups.)
    -- The combined format adds the referer and the user agent, the sixth part.
    SELECT line, text, NOT coalesce(regexp_matches(text, $pattern), false) AS malformed,
           split_part(text, '"', 1) AS head, split_part(text, '"', 2) AS request,
           trim(split_part(text, '"', 3)) AS outcome, nullif(nullif(split_part(text, '"', 6), '-'), '') AS user_agent
    FROM usage_lines
), parsed AS (
    SELECT line, text, malformed, user_agent, split_part(split_part(head, '[', 2), ']', 1) AS time,
           upper(split_part(request, ' ', 1)) AS method,
           CASE WHEN split_part(head, ' ', 3) = '-' THEN split_part(head, ' ', 1)
                ELSE split_part(head, ' ', 3) END AS login,
           try_strptime(split_part(split_part(head, '[', 2), ']', 1), '%d/%b/%Y:%H:%M:%S %z') AS occurred_at,
           split_part(split_part(request, ' ', 2), '?', 1) AS resource,
           nullif(substr(split_part(request, ' ', 2), length(split_part(split_part(request, ' ', 2), '?', 1)) + 2),
                  '') AS query_text,
           try_cast(split_part(outcome, ' ', 1) AS SMALLINT) AS http_status,
           CASE WHEN split_part(outcome, ' ', 2) = '-' THEN 0 ELSE try_cast(split_part(outcome, ' ', 2) AS BIGINT) END
               AS bytes
    FROM fresh
), classified AS (
    SELECT *,
           CASE WHEN method IN ('GET', 'HEAD') THEN
                    CASE WHEN query_text IS NOT NULL AND regexp_matches(query_text, $search) THEN 'search'
                         WHEN list_contains($downloads, extension) THEN 'download'
                         ELSE 'view' END
                WHEN method IN ('POST', 'PUT', 'PATCH', 'DELETE') THEN 'submit' END AS action,
           CASE WHEN text IS NULL OR (malformed AND regexp_matches(text, '^\s*$')) THEN 'blank'
                WHEN malformed THEN NULL
                WHEN $skip_static AND method IN ('GET', 'HEAD') AND list_contains($statics, extension) THEN 'static'
                WHEN http_status >= 400 THEN 'failed'
                WHEN method NOT IN ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE') THEN 'method' END AS skip_reason
    FROM (SELECT *, lower(split_part(resource, '.', -1)) AS extension FROM parsed)
)
SELECT line, occurred_at, login, CAST($system AS VARCHAR) AS system, action, resource, query_text,
       CAST(NULL AS INTEGER) AS duration_ms, http_status, bytes, user_agent, skip_reason IS NOT NULL AS skipped,
       skip_reason,
       CASE WHEN skip_reason IS NOT NULL THEN NULL WHEN malformed THEN 'line' WHEN occurred_at IS NULL THEN 'time'
            END AS problem_column,
       CASE WHEN skip_reason IS NOT NULL THEN NULL
            WHEN malformed THEN 'not in the common or combined log format: ''' || left(text, 120) || ''''
            WHEN occurred_at IS NULL THEN 'unparseable time ''' || time || '''' END AS reason
FROM classified
"""


@contextmanager
def _in_utf8(path: Path, encoding: str) -> Iterator[Path]:
    """The file as UTF-8 text for DuckDB's reader: itself when it is UTF-8, else a copy decoded by Python,
    which knows every codec (DuckDB's own Latin-1 refuses bytes 0x80-0x9F, and it knows no cp1252). A .gz
    file's copy is decompressed. Raises UnicodeDecodeError when the file is not ``encoding`` text."""
    if codecs.lookup(encoding).name == "utf-8":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="infodash-usage-") as folder:
        copy = Path(folder) / path.name.removesuffix(".gz").removesuffix(".GZ")
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as raw, copy.open("w", encoding="utf-8", newline="") as out:
            shutil.copyfileobj(io.TextIOWrapper(raw, encoding=encoding, newline=""), out, _CHUNK)
        yield copy


def _stage_access_log(db: duckdb.DuckDBPyConnection, path: Path, encoding: str, options: UsageLoadOptions,
                      source: _Source) -> None:
    lines = {"nul": "\x00", "encoding": "utf-8", "first_line": 1, "after_line": source.after_line,
             "last_line": source.end_lines}
    if path.name.lower().endswith(".gz"):
        with _in_utf8(path, encoding) as readable:  # read whole: line breaks were counted compressed
            _execute(db, _LOG_LINES, {**lines, "path": str(readable), "last_line": 2**62})
    elif source.previous:
        with tempfile.TemporaryDirectory(prefix="infodash-usage-") as folder:  # read only the new part
            tail = Path(folder) / "new-lines.log"
            _copy_bytes(path, source.previous["bytes_loaded"], source.end, tail)
            with _in_utf8(tail, encoding) as readable:
                _execute(db, _LOG_LINES, {**lines, "path": str(readable), "first_line": source.after_line + 1})
    else:
        with _in_utf8(path, encoding) as readable:
            _execute(db, _LOG_LINES, {**lines, "path": str(readable)})
    _execute(db, _STAGE_ACCESS_LOG, {
        "pattern": ACCESS_LOG_PATTERN,
        "search": f"(^|&)({'|'.join(SEARCH_PARAMETERS)})=", "downloads": list(DOWNLOAD_EXTENSIONS),
        "statics": list(STATIC_EXTENSIONS), "skip_static": options.skip_static_files,
        "system": options.system})
    _refuse_implausible_times(db, "time")
    if not options.keep_bots:
        agents = [agent for (agent,) in db.execute(
            "SELECT DISTINCT user_agent FROM usage_stage WHERE NOT skipped AND user_agent IS NOT NULL").fetchall()]
        db.execute("UPDATE usage_stage SET skipped = true, skip_reason = 'bot' WHERE list_contains(?, user_agent)",
                   [[agent for agent in agents if is_bot(agent)]])


_STAGE_TABLE = """
CREATE OR REPLACE TEMP TABLE usage_stage AS
WITH raw AS (
    SELECT {line} AS line, {time_text} AS time_text, {occurred_at} AS occurred_at, {user} AS login,
           {system} AS system, {action} AS action_text, {resource} AS resource, {query} AS query_text,
           {duration} AS duration_text
    FROM {reader}
), parsed AS (
    SELECT *, CASE WHEN list_contains(CAST($map_from AS VARCHAR[]), action_text)
                   THEN list_extract(CAST($map_to AS VARCHAR[]),
                                     list_position(CAST($map_from AS VARCHAR[]), action_text))
                   ELSE lower(action_text) END AS action,
           try_cast(duration_text AS INTEGER) AS duration_ms
    FROM raw WHERE line > $after_line
)
SELECT line, occurred_at, login, system, action, resource, query_text, duration_ms,
       CAST(NULL AS SMALLINT) AS http_status, CAST(NULL AS BIGINT) AS bytes, CAST(NULL AS VARCHAR) AS user_agent,
       false AS skipped, CAST(NULL AS VARCHAR) AS skip_reason,
       CASE WHEN occurred_at IS NULL THEN $timestamp_column WHEN login IS NULL THEN $user_column
            WHEN action_text IS NULL OR NOT list_contains($actions, action) THEN $action_column
            WHEN system IS NULL THEN $system_column
            WHEN duration_text IS NOT NULL AND duration_ms IS NULL THEN $duration_column END AS problem_column,
       CASE WHEN time_text IS NULL THEN 'timestamp is missing'
            WHEN occurred_at IS NULL THEN 'unparseable time ''' || time_text || ''' (expected ' || $time_hint || ')'
            WHEN login IS NULL THEN 'user is missing'
            WHEN action_text IS NULL THEN 'action is missing'
            WHEN NOT list_contains($actions, action)
                THEN 'unknown action ''' || action_text || ''' (expected one of ' || $action_list || ')'
            WHEN system IS NULL THEN 'system is missing'
            WHEN duration_text IS NOT NULL AND duration_ms IS NULL
                THEN 'duration ''' || duration_text || ''' is not a whole number of milliseconds' END AS reason
FROM parsed
"""
_READERS = {
    "csv": ("read_csv($path, all_varchar = true, header = true, encoding = $encoding)", "row_number() OVER () + 1"),
    "parquet": ("read_parquet($path, file_row_number = true)", "file_row_number + 1"),
}


def _stage_table(db: duckdb.DuckDBPyConnection, path: Path, file_format: str, encoding: str,
                 options: UsageLoadOptions, time_zone: str, source: _Source) -> str | None:
    """Stage a CSV or Parquet file; returns why it cannot be (a mapped column it lacks), or None."""
    if file_format == "csv" and codecs.lookup(encoding).name != "utf-8":
        with _in_utf8(path, encoding) as readable:
            return _stage_table(db, readable, file_format, "utf-8", options, time_zone, source)
    reader, line = _READERS[file_format]
    reader_parameters = {"path": str(path), **({"encoding": encoding} if file_format == "csv" else {})}
    described = _execute(db, f"DESCRIBE SELECT * FROM {reader}", reader_parameters).fetchall()
    types = {name: column_type for name, column_type, *_ in described if name != "file_row_number"}
    columns, missing = _file_columns(options, list(types))
    if missing:
        return (f"the file has no column {', '.join(missing)}. Its columns are: {', '.join(types)}. "
                "Name the file's column for each field (or, for an access log, choose that format).")
    text = {name: _text(columns.get(name)) for name in FIELDS}
    time_text, occurred_at = _time_expressions(columns["timestamp"], types[columns["timestamp"]], options)
    system = text["system"] if not options.system else "CAST($system AS VARCHAR)"
    sql = _STAGE_TABLE.format(line=line, time_text=time_text, occurred_at=occurred_at, user=text["user"],
                              system=system, action=text["action"], resource=text["resource"], query=text["query"],
                              duration=text["duration_ms"], reader=reader)
    _execute(db, sql, {
        **reader_parameters, "after_line": source.after_line, "time_zone": time_zone,
        "time_format": options.time_format, "offset_at_end": _OFFSET_AT_END, "system": options.system,
        "map_from": list(options.action_map), "map_to": list(options.action_map.values()),
        "actions": list(ACTIONS), "action_list": ", ".join(ACTIONS),
        "time_hint": f"a time like {options.time_format!r}" if options.time_format
        else "ISO 8601, e.g. 2026-11-16 09:00:00+00:00",
        **{f"{name}_column": columns.get(name, name) for name in ("timestamp", "user", "action", "system")},
        "duration_column": columns.get("duration_ms", "duration_ms")})
    _refuse_implausible_times(db, columns["timestamp"])
    return None


# A time no system can have logged (:func:`infodash.checks.plausible_range`) makes its row a bad one.
_IMPLAUSIBLE_TIMES = """
UPDATE usage_stage
SET problem_column = $column,
    reason = 'the time ' || CAST(occurred_at AS VARCHAR) || ' is '
             || CASE WHEN occurred_at < $earliest THEN $too_early ELSE $too_late END
WHERE reason IS NULL AND NOT skipped AND NOT (occurred_at BETWEEN $earliest AND $latest)
"""


def _refuse_implausible_times(db: duckdb.DuckDBPyConnection, column: str) -> None:
    earliest, latest = plausible_range()
    db.execute(_IMPLAUSIBLE_TIMES, {"column": column, "earliest": earliest, "latest": latest,
                                    "too_early": TOO_EARLY, "too_late": TOO_LATE})


def _file_columns(options: UsageLoadOptions, available: list[str]) -> tuple[dict[str, str], list[str]]:
    """Each field's column in the file (matched exactly, else ignoring case), and the required ones it lacks."""
    wanted = {name: options.columns.get(name, name) for name in FIELDS}
    by_lower = {column.lower(): column for column in available}
    columns = {name: column if column in available else by_lower.get(column.lower(), "")
               for name, column in wanted.items()}
    required = REQUIRED_FIELDS + (() if options.system else ("system",))
    missing = [f"{wanted[name]} (for {name})" if wanted[name] != name else name for name in FIELDS
               if not columns[name] and (name in required or name in options.columns)]
    return {name: column for name, column in columns.items() if column}, missing


def _text(column: str | None) -> str:
    """A file column as trimmed text, blank as NULL. The column is one of the file's own, quoted."""
    return f"nullif(trim(CAST({_identifier(column)} AS VARCHAR)), '')" if column else "CAST(NULL AS VARCHAR)"


def _time_expressions(column: str, column_type: str, options: UsageLoadOptions) -> tuple[str, str]:
    """SQL for the time's text (for messages) and its instant, by the column's type (Parquet keeps types)."""
    name = _identifier(column)
    if column_type.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"CAST({name} AS VARCHAR)", name
    if column_type.startswith(("TIMESTAMP", "DATE")):
        return f"CAST({name} AS VARCHAR)", f"timezone($time_zone, CAST({name} AS TIMESTAMP))"
    value = _text(column)
    if options.time_format:
        parsed = f"try_strptime({value}, $time_format)"
        return value, parsed if "%z" in options.time_format else f"timezone($time_zone, {parsed})"
    return value, (f"CASE WHEN regexp_matches({value}, $offset_at_end) THEN try_cast({value} AS TIMESTAMPTZ) "
                   f"ELSE timezone($time_zone, try_cast({value} AS TIMESTAMP)) END")


def _identifier(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


# --- resolving systems and customers --------------------------------------------------------------------------

_GOOD_SYSTEMS = ("SELECT min(system) AS name FROM usage_stage WHERE reason IS NULL AND NOT skipped "
                 "GROUP BY lower(system)")
_UNKNOWN_SYSTEMS = (f"SELECT name FROM ({_GOOD_SYSTEMS}) WHERE lower(name) NOT IN (SELECT lower(name) FROM systems) "
                    "ORDER BY name")
_CREATE_SYSTEMS = (f"INSERT INTO systems (system_id, name, kind) SELECT (SELECT coalesce(max(system_id), 0) "
                   f"FROM systems) + row_number() OVER (ORDER BY name), name, $kind FROM ({_UNKNOWN_SYSTEMS})")
# The good rows with their system and customer: a login maps to the one customer with that login (any case).
_READY = """
CREATE OR REPLACE TEMP TABLE usage_ready AS
WITH logins AS (
    SELECT lower(login) AS login_key, min(customer_id) AS customer_id FROM customers
    WHERE login IS NOT NULL GROUP BY 1 HAVING count(*) = 1
)
SELECT s.occurred_at, y.system_id, coalesce(y.name, s.system) AS system_name, s.login, l.customer_id, s.action,
       s.resource, s.query_text, s.duration_ms, s.http_status, s.bytes, s.user_agent
FROM usage_stage s
LEFT JOIN systems y ON lower(y.name) = lower(s.system)
LEFT JOIN logins l ON l.login_key = lower(s.login)
WHERE s.reason IS NULL AND NOT s.skipped
"""


def _names(db: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in db.execute("SELECT name FROM systems ORDER BY name").fetchall()]


def _unknown_systems_message(unknown: Sequence[str], known: Sequence[str]) -> str:
    listed = ", ".join(repr(name) for name in unknown)
    return (f"Unknown system{'s' if len(unknown) > 1 else ''} {listed}. The known systems are {', '.join(known)}: "
            "choose one, or have the load create it (--create-system on the command line, 'a new system' on the "
            "Import usage page).")


@functools.lru_cache(maxsize=100_000)
def is_bot(user_agent: str) -> bool:
    """Whether ``user_agent`` is a known bot, crawler, feed reader or monitor (``crawlerdetect``'s maintained
    list of patterns); asked once per distinct agent."""
    return bool(_CRAWLERS.isCrawler(user_agent))


_CRAWLERS = CrawlerDetect()


# --- small helpers -------------------------------------------------------------------------------------------

_PARAMETER = re.compile(r"\$(\w+)")


def _execute(db: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Run ``sql`` with those of ``parameters`` it names (DuckDB refuses unused ones)."""
    used = set(_PARAMETER.findall(sql))
    return db.execute(sql, {name: value for name, value in parameters.items() if name in used})


def _check_options(options: UsageLoadOptions, author: str) -> None:
    errors: dict[str, str] = {}
    check_author(author, errors)
    errors.update(option_problems(options))
    if errors:
        raise ValidationError(errors)


def option_problems(options: UsageLoadOptions) -> dict[str, str]:
    """What is wrong with ``options``, by field (format, columns, action_map, encoding, time_format, time_zone,
    system); empty when nothing is. :func:`load_usage` refuses such options; the import page says so next to
    each field as it is filled in."""
    errors: dict[str, str] = {}
    if options.format not in FORMATS:
        errors["format"] = f"Choose one of {', '.join(FORMATS)}."
    unknown_fields = sorted(set(options.columns) - set(FIELDS))
    if unknown_fields:
        errors["columns"] = f"Unknown field {', '.join(unknown_fields)}: the fields are {', '.join(FIELDS)}."
    bad_actions = sorted({action for action in options.action_map.values() if action not in ACTIONS})
    if bad_actions:
        errors["action_map"] = f"Translate into one of {', '.join(ACTIONS)}, not {', '.join(bad_actions)}."
    errors.update(reading_problems(options.encoding, options.time_format, options.time_zone))
    if "date_format" in errors:
        errors["time_format"] = errors.pop("date_format")
    if options.system is not None and not options.system.strip():
        errors["system"] = "Name the system, or leave it out to read it from the file."
    return errors
