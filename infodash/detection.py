"""Running every usage detector, incrementally, and storing what they find once.

``run_detection`` judges the data that arrived since each detector's last run (or all of it
with ``full=True``), merges findings that describe one event from several angles (a spike on
one intranet page is also a spike for the groups who read it), and stores the new findings in
one transaction. ``python -m infodash detect`` runs it from a nightly schedule.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from infodash import audit
from infodash.anomalies import MIN_HISTORY, SENSITIVITY
from infodash.checks import check_author
from infodash.customer_activity import new_heavy_users, quiet_customers
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.findings import Finding, save_findings
from infodash.permissions import Account, require
from infodash.query_templates import repeated_queries
from infodash.resource_use import unused_resources
from infodash.settings import get_setting, organisation_time_zone
from infodash.usage_detectors import volume_anomalies

SENSITIVITY_SETTING = "anomaly_sensitivity"

Detector = Callable[[Store, ZoneInfo, dt.datetime, dt.datetime | None, float], list[Finding]]


def _repeated(store: Store, time_zone: ZoneInfo, until: dt.datetime, since: dt.datetime | None,
              threshold: float) -> list[Finding]:
    start = since or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    local = start.astimezone(time_zone)  # whole local days: a day's runs are counted together
    day_start = dt.datetime.combine(local.date(), dt.time(), tzinfo=time_zone)
    local_until = until.astimezone(time_zone)
    day_end = dt.datetime.combine(local_until.date(), dt.time(), tzinfo=time_zone)
    return repeated_queries(store, day_start, day_end) if day_end > day_start else []


DETECTORS: dict[str, Detector] = {
    "repeated_query": _repeated,
    "volume": lambda store, tz, until, since, threshold: volume_anomalies(store, tz, until, since, threshold),
    "quiet_customer": lambda store, tz, until, since, threshold: quiet_customers(store, tz, until),
    "new_heavy_user": lambda store, tz, until, since, threshold: new_heavy_users(store, tz, until),
    "unused_resource": lambda store, tz, until, since, threshold: unused_resources(store, tz, until),
}


@dataclass
class DetectionReport:
    """What one run looked at and found."""

    until: dt.datetime
    found: dict[str, int] = field(default_factory=dict)  # per detector, before merging
    added: int = 0  # new findings stored (not seen or dismissed before)
    seconds: dict[str, float] = field(default_factory=dict)
    history: dt.timedelta | None = None  # the span of the usage on file (None: none at all)

    @property
    def too_little_history(self) -> str | None:
        """Why the run could find little or nothing, in words, when the usage on file is too short to judge."""
        needed = dt.timedelta(weeks=MIN_HISTORY + 1)
        if self.history is None:
            return "there is no usage on file: load usage first (python -m infodash import usage, or Import usage)"
        if self.history < needed:
            return (f"the usage on file spans {self.history.days} days; a change is judged against at least "
                    f"{MIN_HISTORY} earlier weeks, so detection needs {needed.days} days of usage")
        return None


def sensitivity_threshold(store: Store) -> float:
    """The robust z-score a volume change must reach, from the 'anomaly_sensitivity' setting."""
    return SENSITIVITY.get(get_setting(store, SENSITIVITY_SETTING, "normal") or "normal", SENSITIVITY["normal"])


def set_sensitivity(store: Store, level: str, actor: Account) -> None:
    """Store how readily volume changes are raised: 'high' (more findings), 'normal' or 'low' (fewer).

    Raises ValidationError for an unknown level. Findings already stored are kept.
    """
    require(actor, "lead", "change the anomaly sensitivity")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    if level not in SENSITIVITY:
        errors["sensitivity"] = "Choose high, normal or low."
    if errors:
        raise ValidationError(errors)
    with store.writing() as db:
        db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   [SENSITIVITY_SETTING, level])
        audit.record(db, author.strip(), "update", "settings", SENSITIVITY_SETTING, {"value": level})


def last_run(store: Store) -> dict[str, dt.datetime]:
    """Each detector's data_through: events before it have been examined."""
    with store.reading() as db:
        return dict(db.execute("SELECT detector, max(data_through) FROM detection_runs GROUP BY ALL").fetchall())


def _overlaps(a: Finding, b: Finding) -> bool:
    return a.window_start < b.window_end and b.window_start < a.window_end


def merge_findings(findings: list[Finding], stored: list[Finding] = ()) -> list[Finding]:
    """Drop findings another one explains: a system or group spike explained by a resource spike of the same
    system and direction at the same time, and a user's or a resource's spike explained by a repeated query.
    ``stored`` are findings of earlier runs that may explain new ones. The explained ones are named in
    the explaining finding's evidence."""
    explainers = [*findings, *stored]
    resources = [f for f in explainers if f.detector.startswith("volume") and f.subject_kind == "resource"]
    repeated = [f for f in explainers if f.detector == "repeated_query"]
    also: dict[str, list[str]] = {}
    kept = []
    for finding in findings:
        explained_by = None
        if finding.detector.startswith("volume") and finding.subject_kind in ("system", "group"):
            explained_by = next((r for r in resources if r.system_id == finding.system_id
                                 and r.detector == finding.detector and _overlaps(r, finding)), None)
        elif finding.detector == "volume_spike" and finding.subject_kind == "user":
            explained_by = next((r for r in repeated if r.customer_id == finding.customer_id
                                 and _overlaps(r, finding)), None)
        elif finding.detector == "volume_spike" and finding.subject_kind == "resource":
            explained_by = next((r for r in repeated if r.system_id == finding.system_id
                                 and r.resource == finding.resource and _overlaps(r, finding)), None)
        if explained_by is None:
            kept.append(finding)
        else:
            also.setdefault(explained_by.fingerprint, []).append(finding.subject)
    return [replace(f, evidence={**f.evidence, "also_seen_in": also[f.fingerprint]}) if f.fingerprint in also else f
            for f in kept]


_EXPLAINERS = """
    SELECT detector, subject_kind, subject, window_start, window_end, customer_id, system_id, resource
    FROM anomalies
    WHERE (detector = 'repeated_query' OR (detector LIKE 'volume%' AND subject_kind = 'resource'))
      AND window_end > $since
"""


def _stored_explainers(store: Store, since: dt.datetime) -> list[Finding]:
    """Findings stored by earlier runs that can explain findings in data from ``since``."""
    with store.reading() as db:
        rows = db.execute(_EXPLAINERS, {"since": since}).fetchall()
    return [Finding(detector, kind, subject, start, end, 0.0, "", "", customer_id=customer_id, system_id=system_id,
                    resource=resource)
            for detector, kind, subject, start, end, customer_id, system_id, resource in rows]


def _data_span(store: Store) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first event loaded, and just after the latest (usage not loaded yet is not a drop in use)."""
    with store.reading() as db:
        [(first, latest)] = db.execute("SELECT min(occurred_at), max(occurred_at) FROM usage_events").fetchall()
    return first, None if latest is None else latest + dt.timedelta(microseconds=1)


def run_detection(store: Store, now: dt.datetime | None = None, full: bool = False,
                  detectors: tuple[str, ...] = tuple(DETECTORS)) -> DetectionReport:
    """Run the detectors over the data since their last run (all of it with ``full``) and store new findings.

    Data is judged up to ``now`` or the latest event loaded, whichever is earlier.
    """
    first, last = _data_span(store)
    until = min((now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(second=0, microsecond=0),
                last or dt.datetime.max.replace(tzinfo=dt.UTC))
    time_zone = organisation_time_zone(store)
    threshold = sensitivity_threshold(store)
    previous = {} if full else last_run(store)
    report = DetectionReport(until, history=None if first is None else until - first)
    findings: list[Finding] = []
    runs = []
    for name in detectors:
        started = time.perf_counter()
        found = DETECTORS[name](store, time_zone, until, previous.get(name), threshold)
        report.seconds[name] = time.perf_counter() - started
        report.found[name] = len(found)
        findings.extend(found)
        runs.append((name, until, dt.datetime.now(dt.UTC), report.seconds[name], len(found)))
    earliest = min((finding.window_start for finding in findings), default=until)
    stored = _stored_explainers(store, earliest) if findings else []
    with store.writing() as db:
        report.added = save_findings(db, merge_findings(findings, stored), until)
        db.executemany("INSERT INTO detection_runs VALUES (?, ?, ?, ?, ?)", runs)
    return report
