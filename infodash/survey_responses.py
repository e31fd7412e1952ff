"""Recording survey responses: from the entry form (paper or interview), from an import, and
the one-question CSAT a customer gives after a request.

One set of answer checks (:func:`check_answers`) serves the form and the importer, so a value
the form refuses is refused in a file too, with the same words. Responses are written by
:func:`insert_responses` in one set-based statement per table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from infodash import audit
from infodash.checks import check_author, check_moment
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.instruments import CSAT_RANGE, MEASURE_LABELS, NPS_RANGE, Instrument, load_instrument
from infodash.periods import local_datetime
from infodash.permissions import Account, require
from infodash.settings import organisation_time_zone
from infodash.survey_templates import RATER_DIMENSIONS

MAX_COMMENT_CHARS = 4_000
# Points that do not add up by less than this are rounding in a form tool, not a mistake.
POINTS_TOLERANCE = 0.5
# How important one item is to the respondent, on the survey's scale: asked beside an item's levels by some
# surveys, never required.
ITEM_IMPORTANCE = "importance"


@dataclass(frozen=True)
class ResponseDraft:
    """One respondent's answers. ``answers`` maps item id -> measure -> value (None: not answered).

    A response linked to a customer takes the customer's group; an anonymous one names its group.
    """

    wave_id: int | None
    customer_id: int | None = None
    group_id: int | None = None
    answers: dict[int, dict[str, float | None]] = field(default_factory=dict)
    nps: float | None = None
    csat: float | None = None
    importance: dict[str, float | None] = field(default_factory=dict)
    comment: str = ""
    submitted_at: dt.datetime | None = None
    source_key: str | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class RequestFeedback:
    """The CSAT a customer gave after a request, as recorded."""

    response_id: int
    csat: int | None
    comment: str
    submitted_at: dt.datetime
    entered_by: str | None


def dated_response_time(day: dt.date, time_zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The instant stored for answers dated ``day`` only (a paper form): noon local time, or ``now``
    when that noon is still to come. Noon keeps the day the same in every time zone's reports."""
    return min(local_datetime(day, dt.time(12), time_zone), now)


def outside_wave(day: dt.date, wave: str, opened_on: dt.date, closed_on: dt.date | None) -> str | None:
    """What is wrong with answers given on ``day`` for a wave open from ``opened_on`` to ``closed_on`` (both
    days included; None: still open), e.g. "before the wave 'Autumn 2026' opened on 2026-10-05"; None if
    the day is within it. The form and the importer both refuse such answers: they belong to another wave,
    or their date is wrong."""
    if day < opened_on:
        return f"before the wave {wave!r} opened on {opened_on.isoformat()}"
    if closed_on is not None and day > closed_on:
        return f"after the wave {wave!r} closed on {closed_on.isoformat()}"
    return None


def answer_field(item_id: int, measure: str) -> str:
    """The field name under which a problem with one answer is reported."""
    return f"item:{item_id}:{measure}"


def _whole_in(value: float, low: int, high: int) -> bool:
    return float(value).is_integer() and low <= value <= high


def check_answers(instrument: Instrument, answers: dict[int, dict[str, float | None]], nps: float | None,
                  csat: float | None, importance: dict[str, float | None], errors: dict[str, str]) -> None:
    """Add a message to ``errors`` for every answer that does not fit the instrument.

    Items may be skipped, but an answered item needs all its measures (a gap needs both ends);
    a LibQUAL minimum may not exceed the desired level; NPS is 0-10 and CSAT 1-5, whole numbers;
    importance points cover all five dimensions and add up to the survey's total.
    """
    low, high = instrument.scale_min, instrument.scale_max
    known = {item.item_id for item in instrument.items}
    for item_id, values in answers.items():
        if item_id not in known:
            errors[f"item:{item_id}"] = "This item is not part of the survey."
            continue
        given = {measure: value for measure, value in values.items()
                 if value is not None and measure != ITEM_IMPORTANCE}
        importance_given = values.get(ITEM_IMPORTANCE)
        if importance_given is not None and not _whole_in(importance_given, low, high):
            errors[answer_field(item_id, ITEM_IMPORTANCE)] = f"Answer with a whole number from {low} to {high}."
        for measure, value in given.items():
            if measure not in instrument.measures:
                errors[answer_field(item_id, measure)] = (
                    f"This survey does not ask the {MEASURE_LABELS.get(measure, measure)} level.")
            elif not _whole_in(value, low, high):
                errors[answer_field(item_id, measure)] = f"Answer with a whole number from {low} to {high}."
        missing = [measure for measure in instrument.measures if measure not in given]
        if given and missing:
            errors.setdefault(answer_field(item_id, missing[0]),
                              f"Answer every level of this item ({', '.join(MEASURE_LABELS[m] for m in instrument.measures)})"
                              " or leave them all blank.")
        if instrument.style == "libqual" and not missing and given["minimum"] > given["desired"]:
            errors.setdefault(answer_field(item_id, "minimum"), "The minimum level is above the desired level.")
    for name, value, asked, (low_bound, high_bound) in (("nps", nps, instrument.asks_nps, NPS_RANGE),
                                                         ("csat", csat, instrument.asks_csat, CSAT_RANGE)):
        if value is None:
            continue
        if not asked:
            errors[name] = f"This survey does not ask for {name.upper()}."
        elif not _whole_in(value, low_bound, high_bound):
            errors[name] = f"Answer with a whole number from {low_bound} to {high_bound}."
    points = {dimension: value for dimension, value in importance.items() if value is not None}
    if points:
        if not instrument.asks_importance:
            errors["importance"] = "This survey does not ask how important each dimension is."
        elif set(points) != set(RATER_DIMENSIONS) or any(value < 0 for value in points.values()):
            errors["importance"] = "Give each of the five dimensions zero or more points."
        elif abs(sum(points.values()) - instrument.importance_points) > POINTS_TOLERANCE:
            errors["importance"] = (f"The points add up to {sum(points.values()):g}; "
                                    f"they should add up to {instrument.importance_points}.")


def has_answers(draft: ResponseDraft) -> bool:
    """Whether the response says anything: a score, a level of an item, or a comment."""
    return bool(any(value is not None for values in draft.answers.values() for value in values.values())
                or draft.nps is not None or draft.csat is not None or draft.comment.strip())


def check_response(db: duckdb.DuckDBPyConnection, instrument: Instrument, draft: ResponseDraft, now: dt.datetime,
                   errors: dict[str, str]) -> None:
    """Every check of one response (who, when, what), adding messages to ``errors``."""
    if draft.customer_id is not None:
        if not db.execute("SELECT count(*) FROM customers WHERE customer_id = ?", [draft.customer_id]).fetchone()[0]:
            errors["customer_id"] = "Unknown customer: pick one from the list."
    elif draft.group_id is None:
        errors["group_id"] = "For an anonymous response, choose the respondent's customer group."
    elif not db.execute("SELECT count(*) FROM customer_groups WHERE group_id = ?", [draft.group_id]).fetchone()[0]:
        errors["group_id"] = "Unknown customer group."
    check_moment(draft.submitted_at, now, "submitted_at", errors, missing="Enter when the answers were given.",
                 future="This date is in the future.")
    if len(draft.comment) > MAX_COMMENT_CHARS:
        errors["comment"] = f"Keep the comment to {MAX_COMMENT_CHARS:,} characters."
    check_answers(instrument, draft.answers, draft.nps, draft.csat, draft.importance, errors)
    if not has_answers(draft):
        errors["answers"] = "Nothing was answered: enter at least one score or a comment."


def insert_responses(db: duckdb.DuckDBPyConnection, drafts: list[ResponseDraft], entered_by: str) -> list[int]:
    """Write checked responses with their answers and importance points; return the new ids."""
    if not drafts:
        return []
    first = db.execute("SELECT nextval('response_id_seq')").fetchone()[0]
    ids = list(range(first, first + len(drafts)))
    db.execute("SELECT setval('response_id_seq', ?)", [ids[-1]]).fetchall()
    responses = pd.DataFrame({
        "response_id": ids,
        "wave_id": [d.wave_id for d in drafts],
        "customer_id": pd.array([d.customer_id for d in drafts], dtype="Int64"),
        "group_id": pd.array([d.group_id for d in drafts], dtype="Int64"),
        "request_id": pd.array([d.request_id for d in drafts], dtype="Int64"),
        "submitted_at": pd.to_datetime([d.submitted_at for d in drafts], utc=True),
        "nps": pd.array([d.nps for d in drafts], dtype="Int64"),
        "csat": pd.array([d.csat for d in drafts], dtype="Int64"),
        "comment": pd.array([d.comment.strip() or None for d in drafts], dtype="string"),
        "source_key": pd.array([d.source_key for d in drafts], dtype="string"),
    })
    levels = ["expectation", "minimum", "desired", "perception", ITEM_IMPORTANCE]
    answers = pd.DataFrame(
        [(response_id, item_id, *(values.get(level) for level in levels))
         for response_id, draft in zip(ids, drafts) for item_id, values in draft.answers.items()
         if any(value is not None for value in values.values())],
        columns=["response_id", "item_id", *levels]).astype(dict.fromkeys(levels, "float64"))
    points = pd.DataFrame(
        [(response_id, dimension, value) for response_id, draft in zip(ids, drafts)
         for dimension, value in draft.importance.items() if value is not None],
        columns=["response_id", "dimension", "points"]).astype({"points": "float64"})
    db.register("new_responses", responses)
    db.register("new_answers", answers)
    db.register("new_points", points)
    try:
        # An anonymous response keeps only its group; a linked one takes its customer's group.
        db.execute("""
            INSERT INTO survey_responses (response_id, wave_id, group_id, customer_id, request_id, submitted_at,
                                          nps, csat, comment, source_key, entered_by)
            SELECT n.response_id, n.wave_id, coalesce(c.group_id, n.group_id), n.customer_id, n.request_id,
                   n.submitted_at, n.nps, n.csat, n.comment, n.source_key, $entered_by
            FROM new_responses n LEFT JOIN customers c USING (customer_id)
        """, {"entered_by": entered_by})
        db.execute("INSERT INTO survey_answers (response_id, item_id, expectation, minimum, desired, perception, "
                   "importance) SELECT * FROM new_answers")
        db.execute("INSERT INTO survey_importance SELECT * FROM new_points")
    finally:
        for name in ("new_responses", "new_answers", "new_points"):
            db.unregister(name)
    return ids


def record_response(store: Store, draft: ResponseDraft, actor: Account, now: dt.datetime) -> int:
    """Check and store one response keyed in by ``actor``; raise NotAllowed for a viewer, ValidationError listing
    every problem."""
    require(actor, "staff", "enter survey answers")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    if draft.wave_id is None:
        raise ValidationError({"wave_id": "Choose the survey wave.", **errors})
    with store.reading() as db:
        wave = db.execute("SELECT survey_id, name, opened_on, closed_on FROM survey_waves WHERE wave_id = ?",
                          [draft.wave_id]).fetchall()
    if not wave:
        raise ValidationError({"wave_id": "Unknown wave.", **errors})
    survey_id, name, opened_on, closed_on = wave[0]
    if draft.submitted_at is not None:
        day = draft.submitted_at.astimezone(organisation_time_zone(store)).date()
        if problem := outside_wave(day, name, opened_on, closed_on):
            errors["submitted_at"] = (f"This date is {problem}: enter the day the answers were given, or choose "
                                      "the wave they belong to.")
    instrument = load_instrument(store, survey_id)
    with store.writing() as db:
        check_response(db, instrument, draft, now, errors)
        if errors:
            raise ValidationError(errors)
        [response_id] = insert_responses(db, [draft], author)
        audit.record(db, author, "create", "survey_response", response_id, {"wave_id": draft.wave_id})
    return response_id


def post_request_survey(db: duckdb.DuckDBPyConnection) -> int:
    """The survey that collects post-request CSAT, created (CSAT only, no items) the first time it is needed."""
    found = db.execute("SELECT min(survey_id) FROM surveys WHERE post_request").fetchone()[0]
    if found is not None:
        return found
    survey_id = db.execute("SELECT coalesce(max(survey_id), 0) + 1 FROM surveys").fetchone()[0]
    taken = {name.lower() for (name,) in db.execute("SELECT name FROM surveys").fetchall()}
    # a team may have named a survey of its own this way already
    name = next(candidate for number in range(1, len(taken) + 2)
                if (candidate := "Post-request feedback" + ("" if number == 1 else f" ({number})")).lower() not in taken)
    db.execute("""
        INSERT INTO surveys (survey_id, name, style, scale_min, scale_max, asks_nps, asks_csat, asks_importance,
                             description, post_request)
        VALUES (?, ?, 'perception', 1, 5, false, true, false, 'One-question CSAT asked when a request is resolved', true)
    """, [survey_id, name])
    return survey_id


def _quarter_wave(db: duckdb.DuckDBPyConnection, survey_id: int, day: dt.date) -> int:
    """The post-request survey's wave covering ``day``; each calendar quarter is one wave."""
    found = db.execute("SELECT min(wave_id) FROM survey_waves WHERE survey_id = ? AND opened_on <= ? "
                       "AND coalesce(closed_on, DATE '9999-12-31') >= ?", [survey_id, day, day]).fetchone()[0]
    if found is not None:
        return found
    quarter = (day.month - 1) // 3
    start = dt.date(day.year, 3 * quarter + 1, 1)
    end = (dt.date(day.year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1) - dt.timedelta(days=1))
    name = f"After-request {day.year}-Q{quarter + 1}"
    # The quarter's wave may exist but stop short of the day (demo data closes it on the day the data
    # ends): it is widened to the whole quarter rather than joined by a second wave of the same name.
    cut_short = db.execute("SELECT min(wave_id) FROM survey_waves WHERE survey_id = ? AND name = ?",
                           [survey_id, name]).fetchone()[0]
    if cut_short is not None:
        db.execute("UPDATE survey_waves SET opened_on = least(opened_on, ?), closed_on = ? WHERE wave_id = ?",
                   [start, end, cut_short])
        return cut_short
    wave_id = db.execute("SELECT coalesce(max(wave_id), 0) + 1 FROM survey_waves").fetchone()[0]
    db.execute("INSERT INTO survey_waves VALUES (?, ?, ?, ?, ?)", [wave_id, survey_id, name, start, end])
    return wave_id


def record_request_feedback(store: Store, request_id: int, csat: int | None, comment: str, actor: Account,
                            now: dt.datetime, time_zone: Any) -> int:
    """Store the customer's CSAT (1-5) for a resolved request, keyed in by ``actor``; raise NotAllowed for a
    viewer, ValidationError when not acceptable.

    A request gets one feedback response; it lands in the post-request survey's wave for the
    current quarter (both created when missing).
    """
    require(actor, "staff", "record customers' feedback")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    if csat is None:
        errors["csat"] = "Choose how satisfied the customer was, from 1 to 5."
    elif not _whole_in(csat, *CSAT_RANGE):
        errors["csat"] = "Answer with a whole number from 1 to 5."
    if len(comment) > MAX_COMMENT_CHARS:
        errors["comment"] = f"Keep the comment to {MAX_COMMENT_CHARS:,} characters."
    with store.writing() as db:
        request = db.execute("SELECT customer_id, status FROM requests WHERE request_id = ?", [request_id]).fetchone()
        if request is None:
            errors["request_id"] = "Unknown request."
        elif request[1] not in ("resolved", "declined"):
            errors["request_id"] = "Feedback is asked once a request is resolved or declined."
        elif db.execute("SELECT count(*) FROM survey_responses WHERE request_id = ?", [request_id]).fetchone()[0]:
            errors["request_id"] = "Feedback for this request is recorded already."
        if errors:
            raise ValidationError(errors)
        wave_id = _quarter_wave(db, post_request_survey(db), now.astimezone(time_zone).date())
        draft = ResponseDraft(wave_id=wave_id, customer_id=request[0], csat=csat, comment=comment,
                              submitted_at=now, request_id=request_id)
        [response_id] = insert_responses(db, [draft], author)
        audit.record(db, author, "create", "survey_response", response_id, {"request_id": request_id})
    return response_id


def request_feedback(store: Store, request_id: int) -> RequestFeedback | None:
    """The feedback recorded for a request, or None when there is none yet."""
    with store.reading() as db:
        row = db.execute("SELECT response_id, csat, coalesce(comment, ''), submitted_at, entered_by "
                         "FROM survey_responses WHERE request_id = ? ORDER BY response_id LIMIT 1",
                         [request_id]).fetchone()
    return None if row is None else RequestFeedback(*row)
