"""One customer's profile: who they are, their totals, one timeline of everything, their use of the
team's systems by week, and what is open for them.

Contact means a request received from the customer or a touchpoint with them. Requests carry their
service-level verdict judged live (as on the Service levels page, through
:func:`infodash.sla_reports.judged_requests_sql`). Survey responses count only where the customer
answered under their name; anonymous responses cannot be tied to anyone and never appear here.
Every figure is one query in DuckDB filtered on the customer (the usage of one person among tens of
millions of events is a few thousand rows); times are local to the organisation's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash import service_requests, touchpoints
from infodash.db import Store
from infodash.findings import DETECTORS
from infodash.periods import Period
from infodash.sla_reports import judged_params, judged_requests_sql

# What the timeline can show, in the order a person thinks of them.
TIMELINE_KINDS: dict[str, str] = {"request": "Requests", "touchpoint": "Touchpoints", "survey": "Survey responses",
                                  "anomaly": "Anomalies", "usage week": "Usage by week"}
# What the ``outcome`` column of the timeline and of open requests holds, in words.
OUTCOMES: dict[str, str] = {
    "met": "service level met", "breached": "service level breached", "declined": "declined",
    "open_on_track": "open, on track", "open_at_risk": "open, at risk", "open_breached": "open, past due",
    "open_paused": "open, clock paused", "not judged": "no service level applies",
    "follow-up open": "follow-up open", "follow-up overdue": "follow-up overdue", "follow-up done": "follow-up done",
    "promoter": "promoter (NPS 9-10)", "passive": "passive (NPS 7-8)", "detractor": "detractor (NPS 0-6)",
    "new": "anomaly new", "reviewing": "anomaly being reviewed", "actioned": "anomaly actioned",
    "dismissed": "anomaly dismissed",
}
DEFINITIONS: dict[str, str] = {
    "contact": "Contact: a request received from the customer or a touchpoint with them.",
    "requests": "Requests received from the customer, ever: open, resolved and declined.",
    "resolved": "Requests resolved (declined ones are counted apart).",
    "declined": "Requests declined as out of scope, with a reason and a referral.",
    "open_requests": "Requests neither resolved nor declined yet.",
    "open_follow_ups": "Follow-ups set on touchpoints with the customer and not yet marked done, whoever set them.",
    "touchpoints": "Touchpoints logged with the customer, ever.",
    "minutes": "Minutes the team logged on touchpoints with the customer.",
    "sla_met_share": "Service level met: requests resolved within target / (requests resolved + open requests "
                     "already past due), judged now; declined requests and requests no policy covers are left out.",
    "surveys": "Survey responses the customer gave under their name (post-request feedback included); "
               "anonymous responses cannot be tied to anyone.",
    "usage_events": "Events of the customer's login in the monitored systems (queries, page views, downloads, "
                    "searches, log-ins) still kept under the retention period.",
    "gap": "Per response, averaged over the items answered: SERVQUAL gap = perceived - expected; LibQUAL-style "
           "adequacy gap = perceived - minimum (negative: below what the customer finds adequate).",
}
TIMELINE_LIMIT = 500
_EVERYTHING_FROM = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class CustomerSummary:
    """Who the customer is and their totals; contact times in the organisation's time zone."""

    customer_id: int
    name: str
    email: str | None
    customer_group: str
    department: str
    seniority: str
    relationship: str
    active: bool
    first_contact: dt.datetime | None
    last_contact: dt.datetime | None
    requests: int
    resolved: int
    declined: int
    open_requests: int
    touchpoints: int
    minutes: int
    open_follow_ups: int
    sla_met: int
    sla_counted: int  # the requests the met share is out of
    surveys_answered: int
    usage_events: int

    @property
    def sla_met_share(self) -> float | None:
        """Requests met / (resolved + open past due), None when none counts (see :data:`DEFINITIONS`)."""
        return self.sla_met / self.sla_counted if self.sla_counted else None


@dataclass(frozen=True)
class OpenItems:
    """What is still to do for a customer."""

    follow_ups: pd.DataFrame  # touchpoint_id, follow_up_on, days_overdue (negative: not yet due), ...
    requests: pd.DataFrame  # request_id, received, due, outcome, business_hours_left, ...


def _whole_history(time_zone: ZoneInfo, now: dt.datetime) -> dict[str, object]:
    """Parameters judging every request received up to ``now``, as of ``now``."""
    tomorrow = now.astimezone(time_zone).date() + dt.timedelta(days=1)
    return judged_params(Period(_EVERYTHING_FROM, tomorrow), time_zone, now)


def _labels(name: str, labels: dict) -> dict[str, list]:
    """A label dictionary as two parameters, read in SQL as ``map($<name>_keys, $<name>_labels)[code]``."""
    return {f"{name}_keys": list(labels), f"{name}_labels": list(labels.values())}


# Judged for one customer: the verdicts of their requests only.
_JUDGED = judged_requests_sql(" AND r.customer_id = $customer")

_SUMMARY = _JUDGED + """,
counted_requests AS (
    SELECT count(*) AS requests, count(*) FILTER (status = 'resolved') AS resolved,
           count(*) FILTER (status = 'declined') AS declined,
           count(*) FILTER (status NOT IN ('resolved', 'declined')) AS open_requests,
           min(received_at) AS first_at, max(received_at) AS last_at
    FROM requests WHERE customer_id = $customer
),
counted_touchpoints AS (
    SELECT count(*) AS touchpoints, coalesce(sum(minutes), 0) AS minutes,
           count(*) FILTER (follow_up_on IS NOT NULL AND follow_up_done_at IS NULL) AS open_follow_ups,
           min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM touchpoints WHERE customer_id = $customer
),
verdicts AS (
    SELECT count(*) FILTER (outcome = 'met') AS met,
           count(*) FILTER (outcome IN ('met', 'breached', 'open_breached')) AS counted
    FROM judged
)
SELECT c.customer_id, c.name, c.email, g.name, c.department, c.seniority, c.relationship, c.active,
       least(q.first_at, t.first_at), greatest(q.last_at, t.last_at),
       q.requests, q.resolved, q.declined, q.open_requests, t.touchpoints, t.minutes, t.open_follow_ups,
       v.met, v.counted,
       (SELECT count(*) FROM survey_responses WHERE customer_id = $customer),
       (SELECT count(*) FROM usage_events WHERE customer_id = $customer)
FROM customers c LEFT JOIN customer_groups g ON g.group_id = c.group_id
CROSS JOIN counted_requests q CROSS JOIN counted_touchpoints t CROSS JOIN verdicts v
WHERE c.customer_id = $customer
"""


def customer_summary(store: Store, customer_id: int, time_zone: ZoneInfo,
                     now: dt.datetime | None = None) -> CustomerSummary:
    """The customer's details and totals, open requests judged as of ``now`` (default: the current time).

    Raises KeyError for a customer id that does not exist (inactive customers have a summary too).
    """
    now = now or dt.datetime.now(dt.UTC)
    with store.reading() as db:
        row = db.execute(_SUMMARY, {**_whole_history(time_zone, now), "customer": customer_id}).fetchone()
    if row is None:
        raise KeyError(f"No customer #{customer_id}.")
    values = list(row)
    for position in (8, 9):  # first and last contact
        values[position] = values[position] and values[position].astimezone(time_zone)
    return CustomerSummary(*values)


# The customer's survey responses with their scores, for the timeline and the survey table.
_RESPONSES = """
responses AS (
    SELECT r.response_id, r.submitted_at, r.request_id, r.nps, r.csat, r.comment, s.name AS survey, w.name AS wave,
           count(a.item_id) AS items_answered, avg(a.perception) AS perceived,
           CASE s.style WHEN 'servqual' THEN avg(a.perception - a.expectation)
                        WHEN 'libqual' THEN avg(a.perception - a.minimum) END AS gap
    FROM survey_responses r
    JOIN survey_waves w ON w.wave_id = r.wave_id JOIN surveys s ON s.survey_id = w.survey_id
    LEFT JOIN survey_answers a ON a.response_id = r.response_id
    WHERE r.customer_id = $customer
    GROUP BY r.response_id, r.submitted_at, r.request_id, r.nps, r.csat, r.comment, s.name, s.style, w.name
)"""
_USAGE_WEEKS = """
usage_weeks AS (
    SELECT date_trunc('week', timezone($time_zone, e.occurred_at)) AS week, sy.name AS system, count(*) AS events
    FROM usage_events e JOIN systems sy ON sy.system_id = e.system_id
    WHERE e.customer_id = $customer
    GROUP BY ALL
)"""
# One SELECT per kind, all with the same columns; the timeline joins the chosen ones with UNION ALL.
_TIMELINE_BRANCHES: dict[str, str] = {
    "request": """
SELECT timezone($time_zone, r.received_at) AS "when", 'request' AS kind,
       'Request #' || r.request_id || ': ' || sv.name || coalesce(' - ' || nullif(r.subject, ''), '') AS title,
       concat_ws(' · ', coalesce(map($request_channel_keys, $request_channel_labels)[r.channel], r.channel),
                 r.priority || ' priority', coalesce(map($status_keys, $status_labels)[r.status], r.status)
                     || coalesce(' ' || strftime(timezone($time_zone, r.closed_at), '%d %b %Y %H:%M'), ''),
                 'assigned to ' || r.assigned_to, 'vendor: ' || r.vendor, 'reason: ' || r.decline_reason,
                 'referred to ' || r.referred_to) AS detail,
       coalesce(j.outcome, CASE WHEN r.status = 'declined' THEN 'declined' ELSE 'not judged' END) AS outcome,
       r.request_id, NULL::BIGINT AS touchpoint_id, NULL::BIGINT AS response_id, NULL::BIGINT AS anomaly_id
FROM requests r JOIN services sv ON sv.service_id = r.service_id
LEFT JOIN judged j ON j.request_id = r.request_id
WHERE r.customer_id = $customer""",
    "touchpoint": """
SELECT timezone($time_zone, t.occurred_at), 'touchpoint',
       coalesce(map($kind_keys, $kind_labels)[t.kind], t.kind) || ' · '
           || coalesce(map($channel_keys, $channel_labels)[t.channel], t.channel),
       concat_ws(' · ', nullif(t.note, ''), t.minutes || ' min, READ ' || t.read_level, sv.name,
                 'logged by ' || t.created_by, 'follow up on ' || strftime(t.follow_up_on, '%d %b %Y')),
       CASE WHEN t.follow_up_on IS NULL THEN NULL WHEN t.follow_up_done_at IS NOT NULL THEN 'follow-up done'
            WHEN t.follow_up_on < $today THEN 'follow-up overdue' ELSE 'follow-up open' END,
       t.request_id, t.touchpoint_id, NULL, NULL
FROM touchpoints t LEFT JOIN services sv ON sv.service_id = t.service_id
WHERE t.customer_id = $customer""",
    "survey": """
SELECT timezone($time_zone, submitted_at), 'survey', survey || ', ' || wave,
       concat_ws(' · ', 'NPS ' || nps, 'CSAT ' || csat, items_answered || ' items, perceived '
                     || printf('%.2f', perceived), 'gap ' || printf('%+.2f', gap), nullif(comment, '')),
       CASE WHEN nps >= 9 THEN 'promoter' WHEN nps >= 7 THEN 'passive' WHEN nps IS NOT NULL THEN 'detractor' END,
       request_id, NULL, response_id, NULL
FROM responses""",
    "anomaly": """
SELECT timezone($time_zone, a.window_start), 'anomaly',
       coalesce(map($detector_keys, $detector_labels)[a.detector], a.detector) || ': ' || a.subject,
       concat_ws(' · ', a.explanation, 'Suggested: ' || a.suggested_action, 'Review note: ' || a.review_note),
       a.status, NULL, NULL, NULL, a.anomaly_id
FROM anomalies a WHERE a.customer_id = $customer""",
    "usage week": """
SELECT week, 'usage week',
       sum(events) || CASE WHEN sum(events) = 1 THEN ' usage event' ELSE ' usage events' END || ' in the week',
       string_agg(system || ': ' || events, ' · ' ORDER BY events DESC, system), NULL, NULL, NULL, NULL, NULL
FROM usage_weeks GROUP BY week""",
}
_LINK_IDS = ("request_id", "touchpoint_id", "response_id", "anomaly_id")
_COLUMNS = ("when", "kind", "title", "detail", "outcome", *_LINK_IDS)


def timeline(store: Store, customer_id: int, time_zone: ZoneInfo, kinds: Iterable[str] | None = None,
             limit: int = TIMELINE_LIMIT, now: dt.datetime | None = None) -> pd.DataFrame:
    """Everything about the customer in one frame, newest first, at most ``limit`` rows.

    ``kinds`` chooses among :data:`TIMELINE_KINDS` (default: all). Columns: ``when`` (local time; a
    usage week's Monday), ``kind``, ``title``, ``detail`` (plain text, notes and comments as typed),
    ``outcome`` (a key of :data:`OUTCOMES`: a request's service-level verdict judged as of ``now``,
    a touchpoint's follow-up, a response's NPS category, an anomaly's review status; empty for
    usage), and the link ids ``request_id``, ``touchpoint_id``, ``response_id``, ``anomaly_id``.
    An unknown customer has an empty timeline. Raises ValueError for an unknown kind.
    """
    chosen = list(TIMELINE_KINDS) if kinds is None else list(dict.fromkeys(kinds))
    unknown = [kind for kind in chosen if kind not in TIMELINE_KINDS]
    if unknown:
        raise ValueError(f"unknown timeline kind {unknown[0]!r}; choose among {', '.join(TIMELINE_KINDS)}")
    now = now or dt.datetime.now(dt.UTC)
    branches = "\nUNION ALL".join(_TIMELINE_BRANCHES[kind] for kind in TIMELINE_KINDS if kind in chosen)
    if not branches:
        return pd.DataFrame(columns=list(_COLUMNS)).astype(
            {"when": "datetime64[us]", **{column: "Int64" for column in _LINK_IDS}})
    columns = ", ".join(f'"{column}"' for column in _COLUMNS)
    sql = (f"{_JUDGED}, {_RESPONSES}, {_USAGE_WEEKS},\nentries ({columns}) AS ({branches}\n)\n"
           "SELECT * FROM entries ORDER BY \"when\" DESC, kind, "
           "coalesce(request_id, touchpoint_id, response_id, anomaly_id) DESC LIMIT $limit")
    params = {**_whole_history(time_zone, now), "customer": customer_id, "limit": limit, "time_zone": time_zone.key,
              "today": now.astimezone(time_zone).date(),
              **_labels("request_channel", service_requests.CHANNELS), **_labels("status", service_requests.STATUSES),
              **_labels("kind", touchpoints.KINDS), **_labels("channel", touchpoints.CHANNELS),
              **_labels("detector", DETECTORS)}
    with store.reading() as db:
        frame = db.execute(sql, _used(sql, params)).df()
    return frame.astype({column: "Int64" for column in _LINK_IDS})


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    """Only the parameters ``sql`` refers to (DuckDB refuses unused named parameters)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


_USAGE_BY_WEEK = """
WITH counted AS (
    SELECT CAST(date_trunc('week', timezone($time_zone, occurred_at)) AS DATE) AS week, system_id, count(*) AS events
    FROM usage_events
    WHERE occurred_at >= $start AND customer_id = $customer
    GROUP BY ALL
),
weeks AS (SELECT CAST($first_monday + INTERVAL 7 DAY * w AS DATE) AS week FROM range($weeks) t(w)),
used AS (SELECT DISTINCT system_id FROM counted)
SELECT k.week, sy.name AS system, coalesce(n.events, 0) AS events
FROM weeks k CROSS JOIN used u JOIN systems sy ON sy.system_id = u.system_id
LEFT JOIN counted n ON n.week = k.week AND n.system_id = u.system_id
ORDER BY k.week, sy.name
"""


def usage_by_week(store: Store, customer_id: int, time_zone: ZoneInfo, weeks: int = 26,
                  now: dt.datetime | None = None) -> pd.DataFrame:
    """The customer's usage events per system and week for the ``weeks`` weeks up to the current one.

    Columns ``week`` (its Monday, local), ``system``, ``events``: one row per week and system the
    customer used in those weeks, weeks without use as 0; empty when they used none. The current
    week counts so far.
    """
    now = now or dt.datetime.now(dt.UTC)
    today = now.astimezone(time_zone).date()
    first_monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
    start = dt.datetime.combine(first_monday, dt.time(), time_zone)
    with store.reading() as db:  # the time bound first: events are stored in time order, so it skips most
        return db.execute(_USAGE_BY_WEEK, {"time_zone": time_zone.key, "start": start, "customer": customer_id,
                                           "first_monday": first_monday, "weeks": weeks}).df()


_OPEN_FOLLOW_UPS = """
SELECT t.touchpoint_id, t.follow_up_on, $today - t.follow_up_on AS days_overdue,
       timezone($time_zone, t.occurred_at) AS contact, t.channel, t.kind, t.note, t.created_by AS logged_by
FROM touchpoints t
WHERE t.customer_id = $customer AND t.follow_up_on IS NOT NULL AND t.follow_up_done_at IS NULL
ORDER BY t.follow_up_on, t.touchpoint_id
"""
_OPEN_REQUESTS = _JUDGED + """
SELECT r.request_id, timezone($time_zone, r.received_at) AS received, r.status, sv.name AS service, r.priority,
       r.subject, r.assigned_to, r.vendor, timezone($time_zone, j.due_at) AS due,
       coalesce(j.outcome, 'not judged') AS outcome, j.seconds_left / 3600.0 AS business_hours_left
FROM requests r JOIN services sv ON sv.service_id = r.service_id
LEFT JOIN judged j ON j.request_id = r.request_id
WHERE r.customer_id = $customer AND r.status NOT IN ('resolved', 'declined')
ORDER BY r.received_at, r.request_id
"""


def open_items(store: Store, customer_id: int, time_zone: ZoneInfo, now: dt.datetime | None = None) -> OpenItems:
    """The customer's open follow-ups (whoever set them; the most overdue first) and open requests (oldest
    first, judged as of ``now``, default the current time; ``outcome`` a key of :data:`OUTCOMES`)."""
    now = now or dt.datetime.now(dt.UTC)
    with store.reading() as db:
        follow_ups = db.execute(_OPEN_FOLLOW_UPS, {"customer": customer_id, "time_zone": time_zone.key,
                                                   "today": now.astimezone(time_zone).date()}).df()
        requests = db.execute(_OPEN_REQUESTS, {**_whole_history(time_zone, now), "customer": customer_id,
                                               "time_zone": time_zone.key}).df()
    return OpenItems(follow_ups, requests)


_ANOMALIES = """
SELECT a.anomaly_id, a.detector, a.subject, timezone($time_zone, a.window_start) AS window_start,
       timezone($time_zone, a.window_end) AS window_end, a.explanation, a.suggested_action, a.status,
       a.reviewed_by, a.review_note, a.score
FROM anomalies a WHERE a.customer_id = $customer
ORDER BY a.status IN ('new', 'reviewing') DESC, a.window_start DESC, a.anomaly_id DESC
"""


def anomalies_about(store: Store, customer_id: int, time_zone: ZoneInfo) -> pd.DataFrame:
    """Usage anomalies found about the customer, open ones (new, being reviewed) first, then the latest.

    Columns: ``anomaly_id``, ``detector`` (a key of :data:`infodash.findings.DETECTORS`), ``subject``,
    ``window_start``, ``window_end`` (local), ``explanation``, ``suggested_action``, ``status``,
    ``reviewed_by``, ``review_note``, ``score``.
    """
    with store.reading() as db:
        return db.execute(_ANOMALIES, {"customer": customer_id, "time_zone": time_zone.key}).df()


def signed_survey_responses(store: Store, customer_id: int, time_zone: ZoneInfo) -> pd.DataFrame:
    """The survey responses the customer gave under their name (never anonymous ones), newest first.

    Columns: ``response_id``, ``submitted`` (local), ``survey``, ``wave``, ``nps``, ``csat``,
    ``items_answered``, ``perceived`` (mean perceived score over the items answered), ``gap`` (see
    :data:`DEFINITIONS`; empty for perception-only surveys), ``comment`` and ``request_id`` (for
    feedback after a request).
    """
    sql = f"""WITH {_RESPONSES}
        SELECT response_id, timezone($time_zone, submitted_at) AS submitted, survey, wave, nps, csat,
               items_answered, perceived, gap, comment, request_id
        FROM responses ORDER BY submitted_at DESC, response_id DESC"""
    with store.reading() as db:
        return db.execute(sql, {"customer": customer_id, "time_zone": time_zone.key}).df()
