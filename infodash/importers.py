"""The import machinery every kind of import shares: reading a file, reporting row errors,
parsing values, and saved column mappings.

An import reads the whole file, checks every row, and writes nothing unless every row is good
(all-or-nothing per file). Its :class:`ImportReport` names each problem by line, column and
reason. A file that cannot be read at all raises :class:`ImportFileError` with a message a
person can act on.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import numpy as np
import pandas as pd

from infodash.checks import TOO_EARLY, TOO_LATE, plausible_range
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import Account, require

Progress = Callable[[float, str], None]
# How a file's customer column identifies a customer, and the column expression it is matched against.
CUSTOMER_KEYS = {"email": "email", "login": "login", "name": "name", "id": "CAST(customer_id AS VARCHAR)"}
# Customers by the chosen key: (value, lowest id, how many share it). Built once from the table above.
_MATCH_CUSTOMERS = {key: f"SELECT {expression}, min(customer_id), count(*) FROM customers "
                         f"WHERE list_contains(?, {expression}) GROUP BY 1"
                    for key, expression in CUSTOMER_KEYS.items()}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, wrong encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    """One problem: the file's line number (the header is line 1), the column, and why."""

    line: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """What an import found and did."""

    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    already_imported: int = 0
    updated: int = 0  # items imported before that the file changed
    to_add: int = 0  # new items the file holds (added, unless it was a dry run or a row has a problem)
    written: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row has a problem."""
        return not self.errors

    def error_table(self) -> pd.DataFrame:
        """The problems as a table (line, column, reason), for a page or a CSV."""
        return pd.DataFrame([vars(error) for error in self.errors], columns=["line", "column", "reason"])


def parse_pairs(lines: list[str], field: str) -> dict[str, str]:
    """``["a=b", ...]`` (a command's repeated option, or the lines a person typed; blank lines ignored) as
    ``{"a": "b"}``; raises ValidationError under ``field`` for a line without a name, "=" and a value."""
    pairs = {}
    for line in lines:
        if not line.strip():
            continue
        key, equals, mapped = line.partition("=")
        if not equals or not key.strip() or not mapped.strip():
            raise ValidationError({field: f"Write NAME=VALUE, not {line.strip()!r}."})
        pairs[key.strip()] = mapped.strip()
    return pairs


def add_row_errors(report: ImportReport, lines: pd.Series, column: str, reason: Callable[[Any], str] | str,
                   values: pd.Series | None = None) -> None:
    """Report a problem in ``column`` on each of ``lines``; a callable ``reason`` gets that line's value.

    A cell already reported keeps its first problem: what follows from it (a resolved request whose
    unreadable resolution time is missing) would only repeat it."""
    reported = {error.line for error in report.errors if error.column == column}
    for position, line in enumerate(lines):
        if int(line) in reported:
            continue
        text = reason(values.iloc[position]) if callable(reason) and values is not None else str(reason)
        report.errors.append(RowError(int(line), column, text))


def read_table(source: str | Path | bytes, file_name: str | None = None, encoding: str = "utf-8",
               missing_marker: str = "") -> pd.DataFrame:
    """A CSV or Excel file as a frame of text (every cell a string, missing cells None).

    ``source`` is a path or the file's bytes (an upload); ``file_name`` tells the format of bytes.
    Cells equal to ``missing_marker`` (e.g. "?") count as missing. Raises ImportFileError.
    """
    name = str(file_name or source if not isinstance(source, bytes) else file_name or "upload.csv")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if name.lower().endswith((".xlsx", ".xlsm")):
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str)
        except Exception as error:  # openpyxl raises many kinds; all mean "not a readable workbook"
            raise ImportFileError(f"{Path(name).name} is not a readable Excel workbook: {error}") from None
    else:
        try:
            text = data.decode("utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding)
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{Path(name).name} is not {encoding} text (byte 0x{data[error.start]:02x} at position {error.start}). "
                "Save it as CSV UTF-8, or name its encoding (e.g. cp1252 for Excel on Windows)."
            ) from None
        except LookupError:
            raise ImportFileError(f"Unknown encoding {encoding!r}.") from None
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            raise ImportFileError(f"{Path(name).name} is not a readable CSV file: {error}") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    # plain Python objects, missing cells None, so every check downstream sees text or None
    frame = frame.astype(object).map(
        lambda value: None if value is None or pd.isna(value) or str(value).strip() in ("", missing_marker)
        else str(value).strip())
    return frame.astype(object).where(frame.notna(), None)


# A moment whose every field differs from the others, to tell whether a date format keeps the whole date.
_SAMPLE_MOMENT = dt.datetime(2026, 3, 31, 14, 5, 9, tzinfo=dt.UTC)


def reading_problems(encoding: str | None = None, date_format: str | None = None, time_zone: str | None = None
                     ) -> dict[str, str]:
    """What is wrong with how a file is to be read, by field (encoding, date_format, time_zone); every import
    checks its options with this before it reads a byte, and its page says each message under the field."""
    problems: dict[str, str] = {}
    if encoding is not None:
        try:
            b"a".decode(encoding)
        except LookupError:
            problems["encoding"] = (f"Unknown text encoding {encoding!r}: use utf-8, cp1252 (Excel on Windows), "
                                    "latin-1 or utf-16.")
        except UnicodeDecodeError:
            pass  # a real text encoding that wants more than one byte
    if date_format:
        try:
            parsed = dt.datetime.strptime(_SAMPLE_MOMENT.strftime(date_format), date_format)
        except ValueError as error:
            problems["date_format"] = (f"{date_format!r} is not a date format ({error}): use strptime codes, "
                                       "e.g. %d/%m/%Y %H:%M.")
        else:
            if parsed.date() != _SAMPLE_MOMENT.date():
                problems["date_format"] = (f"{date_format!r} does not hold a whole date: it needs the day, month and "
                                           "year, e.g. %d/%m/%Y %H:%M.")
    if time_zone is not None:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems["time_zone"] = f"Unknown time zone {time_zone!r}: use a name like Europe/London."
    return problems


def require_columns(frame: pd.DataFrame, wanted: dict[str, str]) -> None:
    """Raise ImportFileError naming every mapped column (``field -> column``) the file lacks."""
    missing = [f"{column} (for {field_name})" for field_name, column in wanted.items() if column not in frame.columns]
    if missing:
        raise ImportFileError(f"The file has no column {', '.join(missing)}. Its columns are: "
                              f"{', '.join(frame.columns)}.")


def parse_times(values: pd.Series, date_format: str | None, time_zone: str) -> pd.Series:
    """Text to UTC instants: ``date_format`` (strptime) or ISO 8601; wall times are in ``time_zone``.

    Text carrying its own UTC offset keeps it (offsets may differ across a clock change). Cells an
    Excel workbook stored as real dates arrive as ISO text and are read as such whatever the format.
    A wall time that happens twice when the clocks go back means the first (summer-time) one.
    Unparseable text gives NaT (the caller reports it); missing stays NaT too.
    """
    parsed = _to_utc(values, date_format or "ISO8601", time_zone)
    if date_format:
        fallback = parsed.isna() & values.notna()
        if fallback.any():
            parsed = parsed.where(~fallback, _to_utc(values.where(fallback), "ISO8601", time_zone))
    return parsed


def parse_time_column(report: ImportReport, values: pd.Series, lines: pd.Series, column: str,
                      date_format: str | None, time_zone: str) -> pd.Series:
    """:func:`parse_times`, reporting every cell that is not a date in ``column`` as a row error, and every
    date no export can really hold (:func:`infodash.checks.plausible_range`); both come back as NaT."""
    parsed = parse_times(values, date_format, time_zone)
    bad = parsed.isna() & values.notna()
    expected = date_format or "ISO 8601, e.g. 2026-11-23 14:05"
    add_row_errors(report, lines[bad], column, lambda value: f"unparseable date {value!r} (expected {expected})",
                   values[bad])
    earliest, latest = plausible_range()
    too_early, too_late = parsed < pd.Timestamp(earliest), parsed > pd.Timestamp(latest)
    for wrong, reason in ((too_early, TOO_EARLY), (too_late, TOO_LATE)):
        add_row_errors(report, lines[wrong], column, lambda value, reason=reason: f"the date {value!r} is {reason}",
                       values[wrong])
    return parsed.mask(too_early | too_late)


# A time of day followed by its UTC offset: "14:05+01:00", "14:05:00.5 -0500", "14:05Z".
_WITH_OFFSET = r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"


def _to_utc(values: pd.Series, date_format: str, time_zone: str) -> pd.Series:
    try:
        parsed = pd.to_datetime(values, format=date_format, errors="coerce")
    except (ValueError, TypeError):  # offsets that differ from row to row, or wall times beside offsets
        parsed = pd.to_datetime(values, format=date_format, errors="coerce", utc=True)
        wall = values.notna() & ~values.astype(str).str.contains(_WITH_OFFSET)
        if wall.any() and not wall.equals(values.notna()):  # wall times are in time_zone, not UTC
            parsed = parsed.where(~wall, _to_utc(values.where(wall), date_format, time_zone))
        return parsed
    if parsed.dt.tz is None:
        first_occurrence = np.ones(len(parsed), dtype=bool)
        parsed = parsed.dt.tz_localize(time_zone, ambiguous=first_occurrence, nonexistent="shift_forward")
    return parsed.dt.tz_convert("UTC")


def customers_matching(db: duckdb.DuckDBPyConnection, key: str, values: list[str]) -> list[tuple[str, int, int]]:
    """(value, lowest customer id, how many customers have it) for each of ``values`` some customer has as ``key``."""
    if key not in CUSTOMER_KEYS:
        raise ImportFileError(f"customer_key must be one of {', '.join(CUSTOMER_KEYS)}")
    return db.execute(_MATCH_CUSTOMERS[key], [values]).fetchall()


def match_customers(store: Store, values: pd.Series, lines: pd.Series, column: str, key: str, report: ImportReport,
                    refuse_unknown: bool = True) -> pd.Series:
    """The customer id of each value (email, login, name or id, as ``key`` says); missing values give NaN.

    A value several customers share is a row error in ``column``; so is a value no customer has,
    unless ``refuse_unknown`` is False (the caller creates those customers).
    """
    with store.reading() as db:
        matches = customers_matching(db, key, sorted(set(values.dropna())))
    found = {value: customer_id for value, customer_id, count in matches if count == 1}
    several = {value: count for value, _, count in matches if count > 1}
    ambiguous = values.isin(list(several))
    add_row_errors(report, lines[ambiguous], column,
                   lambda value: f"{several[value]} customers have the {key} {value!r}; match by e-mail or id",
                   values[ambiguous])
    ids = values.map(found)
    unknown = values.notna() & ids.isna() & ~ambiguous
    if refuse_unknown:
        add_row_errors(report, lines[unknown], column, lambda value: f"unknown customer {value!r} (matched by {key})",
                       values[unknown])
    return ids


def save_mapping(store: Store, kind: str, name: str, options: dict[str, Any], actor: Account) -> None:
    """Keep an import's column mapping and options under ``name`` for the next file of this ``kind``."""
    require(actor, "lead", "save import mappings")
    author = actor.name.strip()
    with store.writing() as db:
        db.execute("INSERT INTO import_mappings VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET "
                   "options = excluded.options, saved_by = excluded.saved_by, saved_at = excluded.saved_at",
                   [name, kind, json.dumps(options), author, dt.datetime.now(dt.UTC)])


def load_mapping(store: Store, kind: str, name: str) -> dict[str, Any] | None:
    """A saved mapping's options, or None."""
    with store.reading() as db:
        row = db.execute("SELECT options FROM import_mappings WHERE kind = ? AND name = ?", [kind, name]).fetchone()
    return None if row is None else json.loads(row[0])


def mapping_names(store: Store, kind: str) -> list[str]:
    """Names of the saved mappings of ``kind``."""
    with store.reading() as db:
        return [row[0] for row in db.execute("SELECT name FROM import_mappings WHERE kind = ? ORDER BY name",
                                             [kind]).fetchall()]


@dataclass(frozen=True)
class FilePreview:
    """A first look at a file before mapping it: its columns, first rows, and each column's values."""

    columns: list[str]
    head: pd.DataFrame
    values: dict[str, list[str]]  # up to 50 distinct values per column, most frequent first
    rows: int


def preview_file(source: str | Path | bytes, file_name: str | None = None, encoding: str = "utf-8",
                 missing_marker: str = "", head_rows: int = 20) -> FilePreview:
    """Columns, first rows and common values of a file (raises ImportFileError like :func:`read_table`)."""
    frame = read_table(source, file_name, encoding, missing_marker)
    values = {column: [str(value) for value in frame[column].value_counts().index[:50]] for column in frame.columns}
    return FilePreview(list(frame.columns), frame.head(head_rows), values, len(frame))
