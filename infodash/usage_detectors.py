"""Usage detectors built on :func:`infodash.anomalies.score_series`: volume spikes and drops per
system, resource, customer group and user, customers gone quiet, new heavy users and subscribed
resources nobody uses. Each returns :class:`~infodash.findings.Finding` objects with an
explanation in plain words and a suggested action.

Counts are made in DuckDB (tens of millions of events become a few thousand points per
series); only those small series reach pandas. Times are bucketed in the organisation's time
zone, so "Tuesday 10:00" means what the team means by it. Only complete buckets are judged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.anomalies import DEFAULT_HISTORY, DEFAULT_THRESHOLD, events_from_points, score_series
from infodash.calendars import public_holidays
from infodash.db import Store
from infodash.findings import Finding

GRAINS = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(weeks=1)}


@dataclass(frozen=True)
class VolumeSeries:
    """One family of series: what is counted, at which grain, and how a finding reads."""

    name: str
    subject_kind: str
    grain: str
    period: int
    keys: tuple[str, ...]
    select: str  # key columns as SQL over usage_events e (+ customers c when by_customer)
    by_customer: bool
    spikes_only: bool = False
    min_count: int = 0  # a spike must reach at least this many events to be worth a look
    min_change: int = 10  # nor is a difference of a few events from what is expected
    relative_spread: float = 0.1  # busy series vary by a tenth without anyone needing to know why
    neighbours: int = 0  # phases either side also count as history (steadier spread for hourly data)
    min_ratio: float = 0.0  # a spike must also be this many times the expected value


VOLUME_SERIES: tuple[VolumeSeries, ...] = (
    VolumeSeries("system", "system", "hour", 168, ("system_id",), "e.system_id", False, neighbours=1),
    VolumeSeries("resource", "resource", "day", 7, ("system_id", "resource"), "e.system_id, e.resource", False),
    VolumeSeries("group", "group", "day", 7, ("group_id", "system_id"), "c.group_id, e.system_id", True),
    # Per user, weekly: a day-level view of one person is mostly noise; a quiet user is the
    # quiet-customer detector's business, so only spikes, and only users who reached min_count
    # in a judged week are counted at all (tens of thousands of users, a few candidates). A busy
    # person doubling their week is common; three times their usual is worth a question.
    VolumeSeries("user", "user", "week", 1, ("customer_id", "system_id"), "e.customer_id, e.system_id", True,
                 spikes_only=True, min_count=30, min_ratio=3.0),
)


def _bucket(grain: str) -> str:
    return {"hour": "date_trunc('hour', timezone($tz, e.occurred_at))",
            "day": "date_trunc('day', timezone($tz, e.occurred_at))",
            "week": "date_trunc('week', timezone($tz, e.occurred_at))"}[grain]


def _counts_sql(spec: VolumeSeries, subject_filter: str = "", candidates: bool = False) -> str:
    """Event counts per series and bucket in [from, to), dense from each series' first bucket to the last.

    With ``candidates``, only series that reached ``$min_count`` in a bucket from ``$judge_from`` are read.
    """
    join = " JOIN customers c ON c.customer_id = e.customer_id" if spec.by_customer else ""
    keys = ", ".join(spec.keys)
    on = " AND ".join(f"g.{key} IS NOT DISTINCT FROM n.{key}" for key in spec.keys)
    candidate_cte = semi_join = ""
    if candidates:
        candidate_cte = f"""cand AS (
            SELECT DISTINCT {keys} FROM (
                SELECT {spec.select} FROM usage_events e{join}
                WHERE e.occurred_at >= $judge_from AND e.occurred_at < $to{subject_filter}
                GROUP BY {spec.select}, {_bucket(spec.grain)} HAVING count(*) >= $min_count)
        ),"""
        semi_join = f" SEMI JOIN cand ON {' AND '.join(f'cand.{key} = e.{key}' for key in spec.keys)}"
    return f"""
        WITH {candidate_cte} n AS (
            SELECT {spec.select}, {_bucket(spec.grain)} AS timestamp, count(*) AS value
            FROM usage_events e{join}{semi_join}
            WHERE e.occurred_at >= $from AND e.occurred_at < $to{subject_filter}
            GROUP BY ALL
        ),
        spans AS (SELECT {keys}, min(timestamp) AS first FROM n GROUP BY ALL),
        grid AS (
            SELECT {keys}, unnest(generate_series(first, $last_bucket, INTERVAL 1 {spec.grain})) AS timestamp FROM spans
        )
        SELECT {", ".join(f"g.{key}" for key in spec.keys)}, g.timestamp, coalesce(n.value, 0) AS value
        FROM grid g LEFT JOIN n ON {on} AND g.timestamp = n.timestamp
        ORDER BY {", ".join(f"g.{key}" for key in spec.keys)}, g.timestamp
    """


_COUNTS = {spec.name: _counts_sql(spec, candidates=spec.min_count > 0) for spec in VOLUME_SERIES}


def bucket_floor(moment: dt.datetime, grain: str, time_zone: ZoneInfo) -> pd.Timestamp:
    """The start (local wall-clock time) of the bucket ``moment`` falls in."""
    local = pd.Timestamp(moment.astimezone(time_zone).replace(tzinfo=None))
    if grain == "week":
        return local.normalize() - pd.Timedelta(days=local.weekday())
    return local.floor({"hour": "h", "day": "D"}[grain])


def _local_to_utc(local: pd.Timestamp, time_zone: ZoneInfo) -> dt.datetime:
    return local.to_pydatetime().replace(tzinfo=time_zone).astimezone(dt.UTC)


def volume_series(store: Store, spec: VolumeSeries, since: dt.datetime | None, until: dt.datetime,
                  time_zone: ZoneInfo, history: int = DEFAULT_HISTORY) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Dense counts for every series of ``spec`` with enough history to judge buckets from ``since``
    (None: from the start) up to the last complete bucket before ``until``; and the first bucket to judge."""
    end = bucket_floor(until, spec.grain, time_zone)  # the bucket in progress is not judged
    step = GRAINS[spec.grain]
    first_judged = pd.Timestamp.min if since is None else bucket_floor(since, spec.grain, time_zone)
    read_from = None if since is None else first_judged - step * (spec.period * history + 1)
    params = {"tz": time_zone.key, "to": _local_to_utc(end, time_zone),
              "from": dt.datetime(1970, 1, 1, tzinfo=dt.UTC) if read_from is None else _local_to_utc(read_from, time_zone),
              "last_bucket": end - step}
    if spec.min_count:
        params["min_count"] = spec.min_count
        params["judge_from"] = params["from"] if since is None else _local_to_utc(first_judged, time_zone)
    with store.reading() as db:
        counts = db.execute(_COUNTS[spec.name], params).df()
    return counts, first_judged


def _when(start: pd.Timestamp, last: pd.Timestamp, grain: str) -> str:
    if grain == "hour":
        end = last + GRAINS["hour"]
        same_day = start.date() == last.date()
        return (f"on {start:%a %d %b %Y} {start:%H:%M}-{end:%H:%M}" if same_day
                else f"from {start:%a %d %b %Y %H:%M} to {end:%a %d %b %H:%M}")
    if grain == "day":
        return f"on {start:%a %d %b %Y}" if start == last else f"from {start:%a %d %b} to {last:%a %d %b %Y}"
    return f"in the week of {start:%d %b %Y}" if start == last else f"in the weeks {start:%d %b} to {last:%d %b %Y}"


_RHYTHM = {"hour": "for those hours of the week", "day": "for those days of the week", "week": "a week"}
_ACTIONS = {
    "spike": "Find out what drove it (an announcement, a deadline, a new report?) and whether people found what "
             "they needed; a lasting rise may call for a guide or a training session.",
    "drop": "Check the system and its vendor for an outage or a broken link, and tell the customers affected.",
    "user_spike": "Ask whether they are working around a missing report or dataset, or would save time with "
                  "training or a batch extract.",
}


def _names(store: Store) -> tuple[dict[int, str], dict[int, str]]:
    with store.reading() as db:
        systems = dict(db.execute("SELECT system_id, name FROM systems").fetchall())
        groups = dict(db.execute("SELECT group_id, name FROM customer_groups").fetchall())
    return systems, groups


def _customers(store: Store, ids: list[int]) -> dict[int, tuple[str, str, int]]:
    if not ids:
        return {}
    with store.reading() as db:
        rows = db.execute("SELECT c.customer_id, c.login, c.name, c.group_id FROM customers c "
                          "WHERE list_contains(?, c.customer_id)", [ids]).fetchall()
    return {row[0]: (row[1] or str(row[0]), row[2], row[3]) for row in rows}


def closed_days(store: Store, first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """Public holidays and team closures of the organisation's main (first) calendar: days when low
    use is expected, so they are neither judged nor used as history."""
    with store.reading() as db:
        calendar = db.execute("SELECT calendar_id, country, subdivision FROM calendars ORDER BY calendar_id "
                              "LIMIT 1").fetchone()
        if calendar is None:
            return frozenset()
        closures = {day for (day,) in db.execute("SELECT day FROM calendar_closures WHERE calendar_id = ?",
                                                 [calendar[0]]).fetchall()}
    holidays = public_holidays(calendar[1], calendar[2], range(first.year, last.year + 1)) if calendar[1] else set()
    return frozenset(closures | set(holidays))


def _without_closed_days(counts: pd.DataFrame, grain: str, closed: frozenset[dt.date]) -> pd.DataFrame:
    if grain == "week" or counts.empty or not closed:
        return counts
    on_closed_day = counts["timestamp"].dt.normalize().isin(pd.to_datetime(sorted(closed)))
    return counts.assign(value=counts["value"].astype(float).mask(on_closed_day))


def volume_anomalies(store: Store, time_zone: ZoneInfo, until: dt.datetime, since: dt.datetime | None = None,
                     threshold: float = DEFAULT_THRESHOLD, history: int = DEFAULT_HISTORY,
                     specs: tuple[VolumeSeries, ...] = VOLUME_SERIES) -> list[Finding]:
    """Spikes and drops in every volume series, judged from ``since`` (None: all history) to ``until``."""
    systems, groups = _names(store)
    findings: list[Finding] = []
    for spec in specs:
        counts, first_judged = volume_series(store, spec, since, until, time_zone, history)
        if counts.empty:
            continue
        counts = _without_closed_days(counts, spec.grain, closed_days(store, counts["timestamp"].min().date(),
                                                                      counts["timestamp"].max().date()))
        scored = score_series(counts, spec.period, threshold, history, key=list(spec.keys), counts=True,
                              min_change=spec.min_change, relative_spread=spec.relative_spread,
                              neighbours=spec.neighbours)
        worth_a_look = scored["flagged"] & ((scored["direction"] != "spike")
                                            | (scored["value"] >= spec.min_ratio * scored["expected"]))
        if spec.spikes_only:
            worth_a_look &= (scored["direction"] == "spike") & (scored["value"] >= spec.min_count)
        runs = events_from_points(scored.assign(flagged=worth_a_look), list(spec.keys))
        runs = runs[runs["start"] >= first_judged]
        if runs.empty:
            continue
        people = _customers(store, runs["customer_id"].dropna().astype(int).tolist()) if "customer_id" in runs else {}
        for run in runs.itertuples():
            findings.append(_volume_finding(spec, run, systems, groups, people, threshold, time_zone))
    return findings


def _volume_finding(spec: VolumeSeries, run: object, systems: dict[int, str], groups: dict[int, str],
                    people: dict[int, tuple[str, str, int]], threshold: float, time_zone: ZoneInfo) -> Finding:
    system = systems.get(int(run.system_id), f"system {run.system_id}")
    customer_id = group_id = None
    resource = None
    if spec.subject_kind == "system":
        subject, label = system, system
    elif spec.subject_kind == "resource":
        resource = run.resource
        subject, label = f"{system}: {resource}", f"{resource} ({system})"
    elif spec.subject_kind == "group":
        group_id = int(run.group_id)
        subject = groups.get(group_id, str(group_id))
        label = f"{subject} on the {system}"
    else:
        customer_id = int(run.customer_id)
        login, name, group_id = people.get(customer_id, (str(customer_id), str(customer_id), None))
        subject = login
        label = f"{name} ({login}, {groups.get(group_id, 'no group')}) on the {system}"
    when = _when(run.start, run.end, spec.grain)
    explanation = (f"{label}: {run.observed:,.0f} events {when}, where about {run.expected:,.0f} are usual "
                   f"{_RHYTHM[spec.grain]} ({how_different(run.observed, run.expected)}).")
    action = _ACTIONS["user_spike" if spec.subject_kind == "user" else run.direction]
    detector = "volume_spike" if run.direction == "spike" else "volume_drop"
    return Finding(
        detector, spec.subject_kind, subject, _local_to_utc(run.start, time_zone),
        _local_to_utc(run.end + GRAINS[spec.grain], time_zone), float(run.score) / threshold, explanation, action,
        observed=float(run.observed), expected_low=float(run.expected_low), expected_high=float(run.expected_high),
        customer_id=customer_id, system_id=int(run.system_id), resource=resource, group_id=group_id,
        pattern=run.direction, grain=spec.grain,
        evidence={"series": spec.name, "buckets": int(run.points), "peak": float(run.peak_value),
                  "usual": round(float(run.expected), 1)})


def how_different(observed: float, usual: float) -> str:
    """The change from the usual level in words: "3.2 times the usual", "60% fewer than usual"."""
    if usual <= 0:
        return "usually none" if observed else "as usual"
    if observed >= usual:
        ratio = observed / usual
        return f"{ratio:.1f} times the usual" if ratio >= 1.5 else f"{ratio - 1:.0%} more than usual"
    return f"{1 - observed / usual:.0%} fewer than usual"


# The series shown as evidence for findings that are not volume findings themselves.
EVIDENCE_SERIES: dict[str, VolumeSeries] = {spec.name: spec for spec in VOLUME_SERIES} | {
    "customer": VolumeSeries("customer", "user", "week", 1, ("customer_id",), "e.customer_id", False),
    "resource_week": VolumeSeries("resource_week", "resource", "week", 1, ("system_id", "resource"),
                                  "e.system_id, e.resource", False),
    "user_hour": VolumeSeries("user_hour", "user", "hour", 24, ("customer_id", "system_id"),
                              "e.customer_id, e.system_id", False),
}
_SUBJECT_FILTERS = {"system_id": " AND e.system_id = $system_id", "resource": " AND e.resource = $resource",
                    "group_id": " AND c.group_id = $group_id", "customer_id": " AND e.customer_id = $customer_id"}
_EVIDENCE_SQL = {name: _counts_sql(spec, "".join(_SUBJECT_FILTERS[key] for key in spec.keys))
                 for name, spec in EVIDENCE_SERIES.items()}
_EVIDENCE_OF = {"repeated_query": "user_hour"}


def evidence_series(store: Store, anomaly: dict, time_zone: ZoneInfo, now: dt.datetime,
                    threshold: float = DEFAULT_THRESHOLD, history: int = DEFAULT_HISTORY) -> pd.DataFrame:
    """The series behind a stored finding, around its window: timestamp, value, expected, expected_low,
    expected_high, flagged (points in the finding's window are marked ``in_window``)."""
    evidence = anomaly.get("evidence") or {}
    if isinstance(evidence, str):
        evidence = json.loads(evidence)
    name = _EVIDENCE_OF.get(anomaly["detector"]) or evidence.get("series") or "system"
    spec = EVIDENCE_SERIES[name]
    step = GRAINS[spec.grain]
    start = pd.Timestamp(anomaly["window_start"]).tz_convert(time_zone).tz_localize(None)
    end = pd.Timestamp(anomaly["window_end"]).tz_convert(time_zone).tz_localize(None)
    read_from = bucket_floor(start.to_pydatetime().replace(tzinfo=time_zone), spec.grain, time_zone) \
        - step * (spec.period * history + 1)
    last = min(bucket_floor(now, spec.grain, time_zone),
               bucket_floor(end.to_pydatetime().replace(tzinfo=time_zone), spec.grain, time_zone)
               + step * max(spec.period, 4))
    params = {"tz": time_zone.key, "from": _local_to_utc(read_from, time_zone), "to": _local_to_utc(last, time_zone),
              "last_bucket": last - step}
    for key in spec.keys:
        value = anomaly.get(key)
        params[key] = None if value is None or pd.isna(value) else (value if key == "resource" else int(value))
    with store.reading() as db:
        counts = db.execute(_EVIDENCE_SQL[name], params).df()
    if counts.empty:
        return pd.DataFrame(columns=["timestamp", "value", "expected", "expected_low", "expected_high", "flagged",
                                     "in_window"])
    scored = score_series(counts, spec.period, threshold, history, key=list(spec.keys), counts=True,
                          min_change=spec.min_change, relative_spread=spec.relative_spread, neighbours=spec.neighbours)
    scored["in_window"] = (scored["timestamp"] >= start.floor("h")) & (scored["timestamp"] < end)
    return scored[["timestamp", "value", "expected", "expected_low", "expected_high", "flagged", "in_window"]]
