"""Anomaly findings: stored once, reviewed by a person, and closed with what was done.

Every detector returns :class:`Finding` objects; :func:`save_findings` stores the new ones
(its fingerprint makes re-running detection harmless) and leaves out patterns a reviewer
dismissed for that subject. The review workflow moves a finding from new to reviewing, then to
actioned (with a note of what was done and, optionally, the hours it saved the customer) or
dismissed (with a reason, which also stops the same pattern being raised again for the subject).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.permissions import Account, require

STATUSES: dict[str, str] = {"new": "New", "reviewing": "Being reviewed", "actioned": "Actioned", "dismissed": "Dismissed"}
DETECTORS: dict[str, str] = {
    "repeated_query": "Repeated query", "volume_spike": "Usage spike", "volume_drop": "Usage drop",
    "quiet_customer": "Customer gone quiet", "new_heavy_user": "New heavy user", "unused_resource": "Unused resource",
}
# Every detector scales its score so that 1 is where it starts raising findings; the bands put
# findings of different detectors on one scale a reader can compare.
SEVERITY_BANDS: tuple[tuple[float, str], ...] = ((4.0, "high"), (2.0, "medium"), (0.0, "low"))
SEVERITY_DEFINITION = ("Severity compares findings of every kind by how far past its detector's own threshold each "
                       "is: low under twice the threshold, medium from twice, high from four times.")
MAX_SCORE = 10.0  # stored scores stop here: ten times a threshold is as high as a reader needs to tell apart
MAX_NOTE_CHARS = 2_000
MAX_MINUTES_SAVED = 100_000 * 60


@dataclass(frozen=True)
class Finding:
    """One anomaly as a detector reports it, with the words a reviewer reads."""

    detector: str
    subject_kind: str  # user, group, system, resource
    subject: str  # e.g. the login, the group or resource name
    window_start: dt.datetime
    window_end: dt.datetime
    score: float  # larger is more unusual; detectors scale theirs so that ~1 is the flagging threshold
    explanation: str
    suggested_action: str
    observed: float | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    customer_id: int | None = None
    system_id: int | None = None
    resource: str | None = None
    group_id: int | None = None
    pattern: str = ""  # what recurs (a query template, "spike"): a dismissal is remembered by it
    grain: str = "day"  # spacing of the evidence series
    evidence: dict[str, Any] = field(default_factory=dict)
    occurrence: str = ""  # when set, what makes it a new finding instead of its window's start (e.g. the quarter)

    @property
    def fingerprint(self) -> str:
        """Identity of the finding: the same subject, pattern and window (or occurrence) are one finding however
        often detected."""
        return "|".join((self.detector, self.subject_kind, self.subject, str(self.system_id), self.resource or "",
                         self.pattern, self.occurrence or self.window_start.isoformat()))


def severity(score: float) -> str:
    """'low', 'medium' or 'high' for a finding's score (see :data:`SEVERITY_DEFINITION`)."""
    return next(label for floor, label in SEVERITY_BANDS if score >= floor) if score >= 0 else "low"


def times_the_threshold(score: float) -> str:
    """A stored score in words: "2.3 times its detector's threshold", "10 or more times ..."."""
    return f"{'10 or more' if score >= MAX_SCORE else f'{score:.1f}'} times its detector's threshold"


_INSERT = """
    INSERT INTO anomalies (fingerprint, detector, subject_kind, subject, customer_id, system_id, window_start,
                           window_end, observed, expected_low, expected_high, score, explanation, suggested_action,
                           resource, group_id, pattern, grain, evidence, detected_at)
    SELECT n.* FROM new_findings n
    WHERE NOT EXISTS (SELECT 1 FROM anomalies a WHERE a.fingerprint = n.fingerprint)
      AND NOT EXISTS (SELECT 1 FROM anomaly_dismissals d WHERE d.detector = n.detector
                      AND d.subject_kind = n.subject_kind AND d.subject = n.subject AND d.pattern = n.pattern)
"""


def save_findings(db: duckdb.DuckDBPyConnection, findings: list[Finding], now: dt.datetime) -> int:
    """Store the findings not stored before and not dismissed for their subject; return how many were added."""
    if not findings:
        return 0
    unique = {finding.fingerprint: finding for finding in findings}
    frame = pd.DataFrame([{
        "fingerprint": key, "detector": f.detector, "subject_kind": f.subject_kind, "subject": f.subject,
        "customer_id": f.customer_id, "system_id": f.system_id, "window_start": f.window_start,
        "window_end": f.window_end, "observed": f.observed, "expected_low": f.expected_low,
        "expected_high": f.expected_high, "score": min(f.score, MAX_SCORE), "explanation": f.explanation,
        "suggested_action": f.suggested_action, "resource": f.resource, "group_id": f.group_id, "pattern": f.pattern,
        "grain": f.grain, "evidence": json.dumps(f.evidence, default=str), "detected_at": now,
    } for key, f in unique.items()]).astype({"customer_id": "Int64", "system_id": "Int64", "group_id": "Int64",
                                             "observed": "float64", "expected_low": "float64",
                                             "expected_high": "float64"})
    frame["window_start"] = pd.to_datetime(frame["window_start"], utc=True)
    frame["window_end"] = pd.to_datetime(frame["window_end"], utc=True)
    frame["detected_at"] = pd.to_datetime(frame["detected_at"], utc=True)
    [(before,)] = db.execute("SELECT count(*) FROM anomalies").fetchall()
    db.register("new_findings", frame)
    try:
        db.execute(_INSERT)
    finally:
        db.unregister("new_findings")
    [(after,)] = db.execute("SELECT count(*) FROM anomalies").fetchall()
    return after - before


_LIST = """
    SELECT a.anomaly_id, a.detector, a.subject_kind, a.subject, a.customer_id, c.name AS customer,
           coalesce(g.name, cg.name) AS customer_group, s.name AS system, a.system_id, a.resource,
           a.window_start, a.window_end, a.observed, a.expected_low, a.expected_high, a.score, a.explanation,
           a.suggested_action, a.pattern, a.grain, a.evidence, a.status, a.reviewed_by, a.reviewed_at,
           a.review_note, a.minutes_saved, a.detected_at, a.group_id
    FROM anomalies a
    LEFT JOIN customers c ON c.customer_id = a.customer_id
    LEFT JOIN customer_groups cg ON cg.group_id = c.group_id
    LEFT JOIN customer_groups g ON g.group_id = a.group_id
    LEFT JOIN systems s ON s.system_id = a.system_id
    WHERE list_contains($statuses::VARCHAR[], a.status)
      AND (len($groups::INTEGER[]) = 0 OR list_contains($groups::INTEGER[], coalesce(a.group_id, c.group_id)))
    ORDER BY CASE WHEN $newest_first THEN epoch(a.reviewed_at) END DESC NULLS LAST,
             a.status = 'reviewing' DESC, a.score DESC, a.window_start DESC
    LIMIT $limit
"""


def anomalies(store: Store, statuses: tuple[str, ...] = ("new", "reviewing"), filters: Filters = Filters(),
              limit: int = 200, newest_first: bool = False) -> pd.DataFrame:
    """Findings with the given statuses, those being reviewed first, then by score (most unusual first);
    with ``newest_first``, the most recently reviewed first (for the closed ones).

    The customer-group filter keeps findings about a customer or group in the chosen groups
    (system-wide findings are kept only when no group is chosen).
    """
    with store.reading() as db:
        return db.execute(_LIST, {"statuses": list(statuses), "groups": list(filters.group_ids), "limit": limit,
                                  "newest_first": newest_first}).df()


def review_anomaly(store: Store, anomaly_id: int, status: str, actor: Account, now: dt.datetime, note: str = "",
                   minutes_saved: int | None = None) -> None:
    """Move a finding to ``status``; raise ValidationError naming every problem.

    Actioned needs a note of what was done (and may record the minutes it saved customers);
    dismissed needs a reason and also remembers the pattern so it is not raised again for the subject.
    """
    require(actor, "staff", "review anomalies")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    note = note.strip()
    if status not in STATUSES or status == "new":
        errors["status"] = "Choose reviewing, actioned or dismissed."
    if status == "actioned" and not note:
        errors["note"] = "Say what was done, e.g. 'Showed them the batch report'."
    if status == "dismissed" and not note:
        errors["note"] = "Say why this is not worth acting on, e.g. 'Month-end reporting run'."
    if len(note) > MAX_NOTE_CHARS:
        errors["note"] = f"Keep the note to {MAX_NOTE_CHARS:,} characters."
    if minutes_saved is not None and (status != "actioned" or not 0 <= minutes_saved <= MAX_MINUTES_SAVED):
        errors["minutes_saved"] = ("Time saved is recorded when an anomaly is actioned." if status != "actioned"
                                   else "Enter the time saved as zero or more hours.")
    with store.writing() as db:
        row = db.execute("SELECT detector, subject_kind, subject, coalesce(pattern, ''), status FROM anomalies "
                         "WHERE anomaly_id = ?", [anomaly_id]).fetchone()
        if row is None:
            errors["anomaly_id"] = "This anomaly no longer exists."
        if errors:
            raise ValidationError(errors)
        db.execute("UPDATE anomalies SET status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?, "
                   "minutes_saved = ? WHERE anomaly_id = ?",
                   [status, author.strip(), now, note or None, minutes_saved, anomaly_id])
        if status == "dismissed":
            db.execute("INSERT OR REPLACE INTO anomaly_dismissals VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [*row[:4], note, author.strip(), now])
        audit.record(db, author.strip(), "review", "anomaly", anomaly_id, {"from": row[4], "to": status})


def actioned_between(store: Store, start: dt.datetime, end: dt.datetime, filters: Filters = Filters()) -> pd.DataFrame:
    """Anomalies actioned in [start, end): count and hours saved (for the weekly review and the pack)."""
    with store.reading() as db:
        return db.execute("""
            SELECT count(*) AS actioned, coalesce(sum(a.minutes_saved), 0) / 60.0 AS hours_saved
            FROM anomalies a LEFT JOIN customers c ON c.customer_id = a.customer_id
            WHERE a.status = 'actioned' AND a.reviewed_at >= $start AND a.reviewed_at < $end
              AND (len($groups::INTEGER[]) = 0 OR list_contains($groups::INTEGER[], coalesce(a.group_id, c.group_id)))
        """, {"start": start, "end": end, "groups": list(filters.group_ids)}).df()
