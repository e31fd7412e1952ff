"""Importing requests from a service desk's export (CSV or Excel), in either common shape:

- one row per request (reference, customer, received, resolved, status ...), or
- an event log, one row per update of a request (ServiceNow, Jira and most desks export this),
  from which each request's status history is rebuilt; the desk's states map onto InfoDash's
  (e.g. "Awaiting User Info" -> waiting on customer, "Awaiting Vendor" -> waiting on vendor).

Every row is checked first; nothing is written unless the whole file is good. Requests whose
reference was imported before are brought up to date instead of added again: the same desk's export a
month later adds their new status changes and closes those resolved since; the same file twice adds
nothing. An import may create the services and customers the file names (the ServiceNow preset does, a
blank caller counting as "Unknown caller"), and says which.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from infodash.catalogue import customer_group_options, service_options
from infodash.checks import check_author, check_customer_group, check_service
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.formatting import count_of
from infodash.importers import (CUSTOMER_KEYS, ImportFileError, ImportReport, add_row_errors,
                                match_customers, parse_time_column, read_table, reading_problems, require_columns)
from infodash.permissions import Account, require
from infodash.request_import_write import HOLDING_GROUP, compare_known, write
from infodash.service_requests import CHANNELS, PRIORITIES, STATUSES

KIND = "requests"
DEFAULT_SERVICE = "Service desk"  # the one service an import may create when the file names none
UNCATEGORISED = "Uncategorised"  # the service of requests an export names no service for, when it may create one
REQUIRED_FIELDS = ("external_ref", "customer", "received_at")
EVENT_FIELDS = ("state", "changed_at")
OPTIONAL_FIELDS = ("service", "channel", "priority", "subject", "assigned_to", "first_response_at", "resolved_at",
                   "status", "vendor", "decline_reason", "referred_to")
TIME_FIELDS = ("received_at", "first_response_at", "resolved_at", "changed_at")
# Customers are matched (by one of CUSTOMER_KEYS) and problems reported the way every import does it.
_error = add_row_errors


@dataclass(frozen=True)
class RequestImportOptions:
    """How to read one desk's export: which column holds each field, and how its values translate."""

    columns: dict[str, str]
    shape: str = "per_request"  # or "event_log"
    date_format: str | None = None  # strptime format, e.g. "%d/%m/%Y %H:%M"; None for ISO 8601
    time_zone: str = "Europe/London"  # of wall-clock times in the file
    missing_marker: str = ""  # a cell meaning "no value", e.g. "?"
    encoding: str = "utf-8"
    customer_key: str = "email"  # how the customer column identifies a customer: email, login, name or id
    create_customers_in_group: int | None = None  # unknown customers are created here instead of refused
    service_id: int | None = None  # the service of every request, when the file has no service column
    state_map: dict[str, str | None] = field(default_factory=dict)  # desk state -> status (None: ignore row)
    priority_map: dict[str, str] = field(default_factory=dict)
    channel_map: dict[str, str] = field(default_factory=dict)
    # services the file names that do not exist yet are created; without a service column, one service is
    create_services: bool = False
    create_customers: bool = False  # unknown customers are created (in create_customers_in_group, else HOLDING_GROUP)
    unknown_customer: str | None = None  # a blank customer cell counts as this customer (e.g. "Unknown caller")

    def to_dict(self) -> dict[str, Any]:
        """The options as plain data, for saving a mapping."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequestImportOptions:
        """Options saved with :meth:`to_dict`."""
        return cls(**data)


SERVICENOW = RequestImportOptions(
    shape="event_log",
    columns={"external_ref": "number", "customer": "caller_id", "received_at": "opened_at", "state": "incident_state",
             "changed_at": "sys_updated_at", "priority": "priority", "channel": "contact_type",
             "assigned_to": "assignment_group", "resolved_at": "resolved_at", "vendor": "vendor",
             "service": "category"},
    date_format="%d/%m/%Y %H:%M", missing_marker="?", customer_key="name",
    create_services=True, create_customers=True, unknown_customer="Unknown caller",
    state_map={"New": "received", "Active": "responded", "Awaiting User Info": "waiting_customer",
               "Awaiting Evidence": "waiting_customer", "Awaiting Vendor": "waiting_vendor",
               "Awaiting Problem": "responded", "Resolved": "resolved", "Closed": "resolved", "-100": None},
    priority_map={"1 - Critical": "urgent", "2 - High": "high", "3 - Moderate": "normal", "4 - Low": "low"},
    channel_map={"Phone": "phone", "Email": "email", "Self service": "intranet", "Direct opening": "face_to_face",
                 "IVR": "phone"},
)
PRESETS = {"servicenow": SERVICENOW}


SHAPES = ("per_request", "event_log")


def option_problems(options: RequestImportOptions, store: Store | None = None) -> dict[str, str]:
    """What is wrong with ``options``, by field (shape, encoding, date_format, time_zone, customer_key, the value
    maps, and, given the ``store``, service_id and create_customers_in_group, which must exist); empty when
    nothing is. :func:`import_requests` refuses such options before it reads the file; the import page says
    each message under its field as it is typed."""
    problems = reading_problems(options.encoding, options.date_format, options.time_zone)
    if options.shape not in SHAPES:
        problems["shape"] = f"Choose one of {', '.join(SHAPES)}."
    if options.customer_key not in CUSTOMER_KEYS:
        problems["customer_key"] = f"Choose one of {', '.join(CUSTOMER_KEYS)}."
    for name, mapping, allowed in (("state_map", options.state_map, (*STATUSES, None)),
                                   ("priority_map", options.priority_map, PRIORITIES),
                                   ("channel_map", options.channel_map, CHANNELS)):
        wrong = sorted({str(code) for code in mapping.values() if code not in allowed})
        if wrong:
            problems[name] = (f"Translate into one of {', '.join(code for code in allowed if code)}, "
                              f"not {', '.join(wrong)}.")
    if store is not None:
        with store.reading() as db:
            check_service(db, options.service_id, problems)
            check_customer_group(db, options.create_customers_in_group, problems, "create_customers_in_group")
        for name, listed in (("service_id", service_options), ("create_customers_in_group", customer_group_options)):
            if name in problems:
                choices = listed(store)
                problems[name] += (" Choose one of " + ", ".join(f"{key} ({label})" for key, label in choices) + "."
                                   if choices else " None is set up yet.")
    return problems


def import_requests(store: Store, source: str | Path | bytes, options: RequestImportOptions, actor: Account,
                    file_name: str | None = None, dry_run: bool = False,
                    progress: Callable[[float, str], None] | None = None) -> ImportReport:
    """Check a desk export and, unless ``dry_run`` or any row has a problem, add its new requests and bring
    the requests imported before up to date (a grown export: their new status changes, closed since).

    Raises ValidationError (by field) for options :func:`option_problems` refuses, before reading the file;
    ImportFileError when the file cannot be read or lacks a mapped column.
    """
    require(actor, "lead", "import requests")
    author = actor.name.strip()
    problems = option_problems(options, store)
    check_author(author, problems)
    if problems:
        raise ValidationError(problems)
    report = ImportReport()
    step = progress or (lambda fraction, message: None)
    step(0.05, "Reading the file")
    frame = read_table(source, file_name, options.encoding, options.missing_marker)
    report.rows_read = len(frame)
    options = _fitted(options, frame, report)
    wanted = REQUIRED_FIELDS + (EVENT_FIELDS if options.shape == "event_log" else ())
    unmapped = [name for name in wanted if name not in options.columns]
    if unmapped:
        raise ImportFileError(f"Map a column to each of: {', '.join(unmapped)}.")
    if "service" not in options.columns and options.service_id is None and not options.create_services:
        raise ImportFileError("Map a column to service, or choose the service every request is for.")
    require_columns(frame, options.columns)
    rows = pd.DataFrame({name: frame[column] for name, column in options.columns.items()})
    rows["line"] = range(2, len(rows) + 2)
    if options.unknown_customer:
        blank = rows["customer"].isna()
        if blank.any():
            rows.loc[blank, "customer"] = options.unknown_customer
            report.notes.append(f"{count_of(int(blank.sum()), 'row')} with no {options.columns['customer']} kept "
                                f"under the customer {options.unknown_customer!r}")
    step(0.2, "Checking every row")
    checked = _check_rows(store, rows, options, report)
    requests, history = (_from_events(checked, options, report) if options.shape == "event_log"
                         else _from_rows(checked, options, report))
    report.errors.sort(key=lambda error: (error.line, error.column))
    if report.errors:
        step(1.0, "Checked")
        return report
    step(0.6, "Comparing with the requests imported before")
    with store.reading() as db:
        known = {ref for (ref,) in db.execute("SELECT external_ref FROM requests WHERE list_contains(?, external_ref)",
                                              [requests["external_ref"].tolist()]).fetchall()}
    requests = requests.assign(known=requests["external_ref"].isin(known))
    report.already_imported, report.to_add = len(known), int((~requests["known"]).sum())
    new_services = _services_to_create(requests)
    new_customers = requests.loc[requests["customer_id"].isna() & ~requests["known"], "customer"].nunique()
    with (store.reading() if dry_run else store.writing()) as db:
        changes = compare_known(db, requests, history)
        report.updated = changes.requests
        if not dry_run and (report.to_add or changes.requests or changes.status_changes):
            step(0.7, f"Adding {report.to_add:,} requests, updating {changes.requests:,}")
            write(db, requests, history, new_services, options.customer_key, options.create_customers_in_group,
                  author.strip(), report)
            report.added, report.written = report.to_add, True
    _creation_notes(report, new_services, new_customers, options, dry_run)
    if changes.requests or changes.status_changes:
        report.notes.append(f"{'will bring' if dry_run else 'brought'} {count_of(changes.requests, 'request')} "
                            f"imported before up to date: {count_of(changes.status_changes, 'new status change')}, "
                            f"{changes.closed:,} closed since")
    step(1.0, "Done" if report.written else "Checked")
    return report


def _fitted(options: RequestImportOptions, frame: pd.DataFrame, report: ImportReport) -> RequestImportOptions:
    """The options for this file: a service column a preset names and the file lacks is dropped when the import
    may create services (every request then goes to one service), and said so."""
    column = options.columns.get("service")
    if options.create_services and column and column not in frame.columns:
        report.notes.append(f"the file has no column {column!r}: every request is for the service "
                            f"{DEFAULT_SERVICE!r}")
        return dataclasses.replace(options, columns={name: value for name, value in options.columns.items()
                                                     if name != "service"})
    return options


def _services_to_create(requests: pd.DataFrame) -> list[str]:
    """The services the new requests name that do not exist yet, one per name whatever its case."""
    names: dict[str, str] = {}
    for name in requests.loc[requests["service_id"].isna() & ~requests["known"], "service"].dropna():
        names.setdefault(name.lower(), name)
    return sorted(names.values(), key=str.lower)


def _creation_notes(report: ImportReport, services: list[str], customers: int, options: RequestImportOptions,
                    dry_run: bool) -> None:
    verb = "will create" if dry_run else "created"
    if services:
        shown = ", ".join(services[:10]) + (f" and {len(services) - 10} more" if len(services) > 10 else "")
        report.notes.append(f"{verb} {count_of(len(services), 'service')}: {shown} (name and describe them on the "
                            "Organisation page)")
    if customers:
        where = (f"customer group {options.create_customers_in_group}" if options.create_customers_in_group
                 is not None else f"the group {HOLDING_GROUP!r}")
        report.notes.append(f"{verb} {count_of(customers, 'customer')} from the {options.columns['customer']} "
                            f"column, in {where} (import the directory to place them)")


def _check_rows(store: Store, rows: pd.DataFrame, options: RequestImportOptions, report: ImportReport) -> pd.DataFrame:
    columns = options.columns
    for name in REQUIRED_FIELDS + (EVENT_FIELDS if options.shape == "event_log" else ()):
        missing = rows[name].isna()
        _error(report, rows.loc[missing, "line"], columns[name], f"{name.replace('_', ' ')} is missing")
    for name in TIME_FIELDS:
        if name in columns:
            rows[name] = parse_time_column(report, rows[name], rows["line"], columns[name], options.date_format,
                                           options.time_zone)
    for name, allowed, mapping, default in (("priority", PRIORITIES, options.priority_map, "normal"),
                                            ("channel", CHANNELS, options.channel_map, "email")):
        if name not in columns:
            rows[name] = default
            continue
        translated = rows[name].map(lambda value, mapping=mapping, allowed=allowed, default=default: (
            default if value is None else mapping.get(value, value.lower() if value.lower() in allowed else None)))
        bad = translated.isna()
        _error(report, rows.loc[bad, "line"], columns[name],
               lambda value, name=name, mapping=mapping, allowed=allowed: (
                   f"unknown {name} {value!r}: map it to one of {', '.join(sorted(mapping or allowed))}"),
               rows.loc[bad, name])
        rows[name] = translated
    rows["customer_id"] = _customer_ids(store, rows, options, report)
    rows["service_id"] = _service_ids(store, rows, options, report)
    future = rows["received_at"] > pd.Timestamp.now(tz="UTC") + pd.Timedelta(minutes=5)
    _error(report, rows.loc[future, "line"], columns["received_at"], "received in the future")
    if "resolved_at" in columns:
        early = rows["resolved_at"].notna() & rows["received_at"].notna() & (rows["resolved_at"] < rows["received_at"])
        _error(report, rows.loc[early, "line"], columns["resolved_at"], "resolved before it was received")
    return rows


def _customer_ids(store: Store, rows: pd.DataFrame, options: RequestImportOptions, report: ImportReport) -> pd.Series:
    return match_customers(store, rows["customer"], rows["line"], options.columns["customer"], options.customer_key,
                           report, refuse_unknown=not (options.create_customers
                                                       or options.create_customers_in_group is not None))


def _service_ids(store: Store, rows: pd.DataFrame, options: RequestImportOptions, report: ImportReport) -> pd.Series:
    """Each row's service id: from its service column (by name, any case), else the one chosen for all, else
    (when the import may create services) none yet: the service named in ``rows["service"]`` is created."""
    if "service" not in options.columns:
        if options.service_id is not None:
            rows["service"] = None
            return pd.Series(options.service_id, index=rows.index)
        rows["service"] = DEFAULT_SERVICE  # create_services (checked before): one service for every request
    column = options.columns.get("service", "service")
    if options.create_services and rows["service"].isna().any():
        # an event log often names the category in a later update; a request that never does goes under one
        rows["service"] = rows.groupby("external_ref")["service"].transform(lambda names: names.bfill().ffill())
        blank = rows["service"].isna()
        if blank.any():
            rows.loc[blank, "service"] = UNCATEGORISED
            report.notes.append(f"{count_of(int(blank.sum()), 'row')} with no {column} in any update of their "
                                f"request: kept under the service {UNCATEGORISED!r}")
    with store.reading() as db:
        found = {name.lower(): service_id for name, service_id in
                 db.execute("SELECT name, service_id FROM services").fetchall()}
    ids = rows["service"].map(lambda value: found.get(value.lower()) if value else options.service_id)
    unknown = ids.isna() & (rows["service"].isna() | (not options.create_services))
    _error(report, rows.loc[unknown, "line"], column,
           lambda value: f"unknown service {value!r}" if value else "service is missing", rows.loc[unknown, "service"])
    return ids


_REQUEST_COLUMNS = ["external_ref", "customer", "customer_id", "service", "service_id", "channel", "priority",
                    "subject", "assigned_to", "received_at", "first_response_at", "status", "closed_at", "vendor",
                    "decline_reason", "referred_to"]


def _from_rows(rows: pd.DataFrame, options: RequestImportOptions, report: ImportReport
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per request: statuses as given (or resolved when a resolution time is)."""
    first_line = rows.groupby("external_ref")["line"].transform("min")
    duplicate = rows["external_ref"].notna() & rows.duplicated("external_ref", keep="first")
    _error(report, rows.loc[duplicate, "line"], "external_ref",
           lambda line: f"the same request as line {line}", first_line[duplicate])
    rows = rows[~duplicate].copy()
    for name in ("subject", "assigned_to", "first_response_at", "resolved_at", "status", "vendor", "decline_reason",
                 "referred_to"):
        if name not in rows:
            rows[name] = None
    status = rows["status"].map(lambda value: None if value is None else options.state_map.get(
        value, value.lower().replace(" ", "_")))
    status = status.where(status.notna(), rows["resolved_at"].map(lambda value: "resolved" if pd.notna(value)
                                                                    else "received"))
    bad = ~status.isin(list(STATUSES))
    _error(report, rows.loc[bad, "line"], "status", lambda value: f"unknown status {value!r}", rows.loc[bad, "status"])
    rows["status"] = status
    unresolved = rows["status"].isin(["resolved", "declined"]) & rows["resolved_at"].isna()
    _error(report, rows.loc[unresolved, "line"], options.columns.get("resolved_at", "status"),
           lambda value: f"{value} without the time it was closed", rows.loc[unresolved, "status"])
    rows["closed_at"] = rows["resolved_at"].where(rows["status"].isin(["resolved", "declined"]))
    history = pd.concat([
        rows.assign(changed_at=rows["received_at"], status="received"),
        rows[rows["first_response_at"].notna()].assign(changed_at=rows["first_response_at"], status="responded"),
        rows[rows["closed_at"].notna()].assign(changed_at=rows["closed_at"]),
    ])[["external_ref", "status", "changed_at", "vendor", "decline_reason", "referred_to"]]
    return rows[_REQUEST_COLUMNS], history


def _note_translations(report: ImportReport, column: str, states: pd.Series, statuses: pd.Series) -> None:
    """Say how the desk's states were read: which were counted as which InfoDash status (several folding into
    one), and which rows were left out, with how many rows each."""
    counted = pd.DataFrame({"state": states, "status": statuses}).fillna({"status": ""}).value_counts(sort=False)
    read_as = [f"{state!r} as {status.replace('_', ' ')} ({rows:,})" for (state, status), rows in counted.items()
               if status and state != status]
    dropped = [f"{state!r} ({rows:,} rows)" for (state, status), rows in counted.items() if not status]
    if read_as:
        report.notes.append(f"{column} read as InfoDash statuses: " + ", ".join(read_as))
    if dropped:
        report.notes.append(f"{column} values left out (not a status change): " + ", ".join(dropped))


def _from_events(events: pd.DataFrame, options: RequestImportOptions, report: ImportReport
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An event log: each request's history from its updates, in time order, repeats collapsed."""
    mapped = events["state"].map(lambda value: options.state_map.get(value, value if value in STATUSES else "?"))
    unknown = mapped == "?"
    _error(report, events.loc[unknown, "line"], options.columns["state"],
           lambda value: f"unknown state {value!r}: map it to an InfoDash status", events.loc[unknown, "state"])
    _note_translations(report, options.columns["state"], events["state"][~unknown], mapped[~unknown])
    events = events.assign(status=mapped)[~unknown & mapped.notna()].sort_values(["external_ref", "changed_at", "line"])
    # Desks record updates before a ticket's "opened" time (it was drafted first): a request counts as
    # received at the earlier of its received column and its first update.
    first_update = events.groupby("external_ref")["changed_at"].transform("min")
    early = first_update < events["received_at"]
    if early.any():
        report.notes.append(f"{events.loc[early, 'external_ref'].nunique():,} requests were updated before their "
                            "received time; they count as received at their first update")
        events["received_at"] = events["received_at"].where(~early, first_update)
    # "Closed" after "Resolved" is the desk tidying up, not a change of status: keep status changes only
    changed = events["status"] != events.groupby("external_ref")["status"].shift()
    history = events[changed & (events["status"] != "received")]
    history = pd.concat([events.groupby("external_ref", as_index=False).first().assign(
        changed_at=lambda frame: frame["received_at"], status="received"), history])
    history = history.assign(decline_reason=None, referred_to=None)
    if "vendor" not in history:
        history["vendor"] = None
    history = history.sort_values(["external_ref", "changed_at"])
    first = events.groupby("external_ref", as_index=False).first()
    last = history.groupby("external_ref", as_index=False).last()[["external_ref", "status", "changed_at"]]
    responded = (history[history["status"] != "received"].groupby("external_ref", as_index=False)["changed_at"].min()
                 .rename(columns={"changed_at": "first_response_at"}))
    requests = (first.drop(columns=["status", "first_response_at"], errors="ignore")
                .merge(last.rename(columns={"changed_at": "last_change"}), on="external_ref", how="left")
                .merge(responded, on="external_ref", how="left"))
    if "vendor" in events:
        latest_vendor = events.groupby("external_ref", as_index=False)["vendor"].last()
        requests = requests.drop(columns="vendor").merge(latest_vendor, on="external_ref", how="left")
    for name in ("vendor", "subject", "assigned_to", "decline_reason", "referred_to"):
        if name not in requests:
            requests[name] = None
    closed = requests["status"].isin(["resolved", "declined"])
    resolved_at = requests["resolved_at"] if "resolved_at" in requests else requests["last_change"]
    requests["closed_at"] = resolved_at.where(resolved_at.notna(), requests["last_change"]).where(closed)
    return requests[_REQUEST_COLUMNS], history[["external_ref", "status", "changed_at", "vendor", "decline_reason",
                                                "referred_to"]]
