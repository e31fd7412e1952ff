"""Survey instruments as stored definitions: surveys, their items and scale, and waves.

A survey's *style* decides what each item asks:

- ``servqual``: expectation and perception (gap = perception - expectation);
- ``libqual``: minimum, desired and perceived (the zone of tolerance is minimum..desired);
- ``perception``: perception only, for a short pulse (or no items at all: a CSAT-only survey).

Ready templates (the 22-item SERVQUAL set and a 5-item pulse) create a survey in one call;
teams can also define their own items. A wave is one round of a survey, with the number of
people invited in each customer group, from which response rates follow.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.importers import ImportFileError, read_table
from infodash.permissions import Account, require
from infodash.survey_templates import PULSE_5, RATER_DIMENSIONS, SERVQUAL_22

MEASURES: dict[str, tuple[str, ...]] = {
    "servqual": ("expectation", "perception"),
    "libqual": ("minimum", "desired", "perception"),
    "perception": ("perception",),
}
STYLE_LABELS: dict[str, str] = {
    "servqual": "SERVQUAL: expectation and perception per item",
    "libqual": "LibQUAL-style: minimum, desired and perceived per item",
    "perception": "Perception only (a short pulse)",
}
MEASURE_LABELS: dict[str, str] = {
    "expectation": "expectation", "minimum": "minimum", "desired": "desired", "perception": "perceived",
}
TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {"SERVQUAL 22 items": SERVQUAL_22, "Pulse, 5 items": PULSE_5}
NPS_RANGE = (0, 10)
CSAT_RANGE = (1, 5)
CSAT_LABELS: dict[int, str] = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither satisfied nor dissatisfied",
                               4: "Satisfied", 5: "Very satisfied"}
MAX_ITEMS = 300  # an annual survey can have 120 and more
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class Item:
    """One question, tied to a RATER dimension."""

    item_id: int
    position: int
    dimension: str
    text: str
    code: str = ""  # what a forms tool heads the item's columns with, e.g. q4; unique in its survey

    @property
    def label(self) -> str:
        """The item's code as shown: its own, else q and its position."""
        return self.code or f"q{self.position}"


@dataclass(frozen=True)
class Instrument:
    """A stored survey: its style and scale, what else it asks, and its items in order."""

    survey_id: int
    name: str
    style: str
    scale_min: int
    scale_max: int
    asks_nps: bool
    asks_csat: bool
    asks_importance: bool
    importance_points: int
    post_request: bool
    items: tuple[Item, ...] = ()

    @property
    def measures(self) -> tuple[str, ...]:
        """What each item asks, e.g. ("expectation", "perception")."""
        return MEASURES[self.style]


@dataclass(frozen=True)
class SurveyDraft:
    """A survey a team defines; ``items`` are (dimension, text) pairs in order."""

    name: str
    style: str
    scale_min: int
    scale_max: int
    items: tuple[tuple[str, str], ...]  # (dimension, text) in order
    asks_nps: bool = True
    asks_csat: bool = True
    asks_importance: bool = False
    importance_points: int = 100
    description: str = ""
    codes: tuple[str, ...] = ()  # each item's code, in order; none given: q1, q2 ...


@dataclass(frozen=True)
class WaveDraft:
    """One round of a survey: when it runs and how many were invited per customer group."""

    survey_id: int
    name: str
    opened_on: dt.date | None
    closed_on: dt.date | None = None
    invitations: dict[int, int] = field(default_factory=dict)


def surveys(store: Store) -> pd.DataFrame:
    """Every survey with its style, scale, item count, wave count and response count."""
    with store.reading() as db:
        return db.execute("""
            SELECT s.survey_id, s.name, s.style, s.scale_min, s.scale_max, s.asks_nps, s.asks_csat,
                   s.asks_importance, s.post_request,
                   (SELECT count(*) FROM survey_items i WHERE i.survey_id = s.survey_id) AS items,
                   (SELECT count(*) FROM survey_waves w WHERE w.survey_id = s.survey_id) AS waves,
                   (SELECT count(*) FROM survey_responses r JOIN survey_waves w USING (wave_id)
                    WHERE w.survey_id = s.survey_id) AS responses
            FROM surveys s ORDER BY s.post_request, s.survey_id
        """).df()


def load_instrument(store: Store, survey_id: int) -> Instrument:
    """The survey ``survey_id`` with its items; raises KeyError when there is none."""
    with store.reading() as db:
        row = db.execute("""
            SELECT survey_id, name, style, scale_min, scale_max, asks_nps, asks_csat, asks_importance,
                   coalesce(importance_points, 100), coalesce(post_request, false)
            FROM surveys WHERE survey_id = ?
        """, [survey_id]).fetchone()
        if row is None:
            raise KeyError(f"no survey {survey_id}")
        items = db.execute("SELECT item_id, position, dimension, text, coalesce(code, 'q' || position) "
                           "FROM survey_items WHERE survey_id = ? ORDER BY position", [survey_id]).fetchall()
    return Instrument(*row, items=tuple(Item(*item) for item in items))


def waves(store: Store, survey_id: int) -> pd.DataFrame:
    """The survey's waves, oldest first, with invited and response counts."""
    with store.reading() as db:
        return db.execute("""
            SELECT w.wave_id, w.name, w.opened_on, w.closed_on,
                   (SELECT sum(invited) FROM survey_invitations i WHERE i.wave_id = w.wave_id)::BIGINT AS invited,
                   (SELECT count(*) FROM survey_responses r WHERE r.wave_id = w.wave_id) AS responses
            FROM survey_waves w WHERE w.survey_id = ? ORDER BY w.opened_on, w.wave_id
        """, [survey_id]).df()


def create_survey(store: Store, draft: SurveyDraft, actor: Account) -> int:
    """Store a new survey with its items and return its id; raise ValidationError listing every problem."""
    require(actor, "lead", "set up surveys")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    name = draft.name.strip()
    if not name:
        errors["name"] = "Give the survey a name."
    elif len(name) > MAX_NAME_CHARS:
        errors["name"] = f"Use at most {MAX_NAME_CHARS} characters."
    if draft.style not in MEASURES:
        errors["style"] = "Choose a style."
    if not 0 <= draft.scale_min < draft.scale_max <= 100:
        errors["scale"] = "The scale runs from a lower to a higher whole number, e.g. 1 to 7."
    if not draft.items and not (draft.asks_nps or draft.asks_csat):
        errors["items"] = "Add at least one item, or ask NPS or CSAT."
    elif len(draft.items) > MAX_ITEMS:
        errors["items"] = f"A survey holds at most {MAX_ITEMS} items."
    else:
        for position, (dimension, text) in enumerate(draft.items, start=1):
            if dimension not in RATER_DIMENSIONS:
                errors["items"] = f"Item {position}: choose one of the five RATER dimensions."
                break
            if not text.strip():
                errors["items"] = f"Item {position}: the question text is empty."
                break
    codes = [code.strip() for code in draft.codes] or [f"q{position}" for position in range(1, len(draft.items) + 1)]
    if "items" not in errors and draft.codes:
        folded = [code.lower() for code in codes]
        if len(codes) != len(draft.items):
            errors["codes"] = "Give every item a code, or none (they are then q1, q2 ...)."
        elif not all(re.fullmatch(r"[A-Za-z0-9_.\-]{1,40}", code) for code in codes):
            errors["codes"] = "An item code is up to 40 letters, digits, dots, dashes or underscores, e.g. q4."
        elif len(set(folded)) != len(folded):
            errors["codes"] = "Two items have the same code: " + ", ".join(
                sorted({code for code in codes if folded.count(code.lower()) > 1})) + "."
    if draft.asks_importance and not draft.items:
        errors["asks_importance"] = "Importance weights the item dimensions; add items first."
    if draft.asks_importance and not 10 <= draft.importance_points <= 1000:
        errors["importance_points"] = "Share between 10 and 1,000 points (100 is usual)."
    with store.writing() as db:
        if name and db.execute("SELECT count(*) FROM surveys WHERE lower(name) = lower(?)", [name]).fetchone()[0]:
            errors["name"] = "A survey with this name exists already."
        if errors:
            raise ValidationError(errors)
        survey_id = db.execute("SELECT coalesce(max(survey_id), 0) + 1 FROM surveys").fetchone()[0]
        db.execute("""
            INSERT INTO surveys (survey_id, name, style, scale_min, scale_max, asks_nps, asks_csat, asks_importance,
                                 description, post_request, importance_points)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?)
        """, [survey_id, name, draft.style, draft.scale_min, draft.scale_max, draft.asks_nps, draft.asks_csat,
              draft.asks_importance, draft.description.strip() or None, draft.importance_points])
        first_item = db.execute("SELECT coalesce(max(item_id), 0) + 1 FROM survey_items").fetchone()[0]
        if draft.items:  # executemany refuses an empty list (a CSAT-only survey has no items)
            db.executemany("INSERT INTO survey_items (item_id, survey_id, position, dimension, text, code) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           [(first_item + i, survey_id, i + 1, dimension, text.strip(), codes[i])
                            for i, (dimension, text) in enumerate(draft.items)])
        audit.record(db, author, "create", "survey", survey_id, {"name": name, "items": len(draft.items)})
    return survey_id


def open_wave(store: Store, draft: WaveDraft, actor: Account) -> int:
    """Store a new wave of a survey with its invitations and return its id; raise ValidationError."""
    require(actor, "lead", "open survey waves")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    name = draft.name.strip()
    if not name:
        errors["name"] = "Name the wave, e.g. 'Autumn 2026'."
    if draft.opened_on is None:
        errors["opened_on"] = "Enter the day the wave opens."
    elif draft.closed_on is not None and draft.closed_on < draft.opened_on:
        errors["closed_on"] = "The wave cannot close before it opens."
    if any(count < 0 for count in draft.invitations.values()):
        errors["invitations"] = "Invited counts cannot be negative."
    with store.writing() as db:
        if not db.execute("SELECT count(*) FROM surveys WHERE survey_id = ?", [draft.survey_id]).fetchone()[0]:
            errors["survey_id"] = "Choose a survey."
        elif name and db.execute("SELECT count(*) FROM survey_waves WHERE survey_id = ? AND lower(name) = lower(?)",
                                 [draft.survey_id, name]).fetchone()[0]:
            errors["name"] = "This survey has a wave with this name already."
        known_groups = {row[0] for row in db.execute("SELECT group_id FROM customer_groups").fetchall()}
        if set(draft.invitations) - known_groups:
            errors["invitations"] = "Invitations name a customer group that does not exist."
        if errors:
            raise ValidationError(errors)
        wave_id = db.execute("SELECT coalesce(max(wave_id), 0) + 1 FROM survey_waves").fetchone()[0]
        db.execute("INSERT INTO survey_waves VALUES (?, ?, ?, ?, ?)",
                   [wave_id, draft.survey_id, name, draft.opened_on, draft.closed_on])
        invited = [(wave_id, group_id, count) for group_id, count in draft.invitations.items() if count]
        if invited:  # executemany refuses an empty list
            db.executemany("INSERT INTO survey_invitations VALUES (?, ?, ?)", invited)
        audit.record(db, author, "create", "survey_wave", wave_id,
                     {"survey_id": draft.survey_id, "name": name, "invited": sum(draft.invitations.values())})
    return wave_id


def active_customers_by_group(store: Store) -> pd.DataFrame:
    """Each customer group with its number of active customers: the default invitation list."""
    with store.reading() as db:
        return db.execute("""
            SELECT g.group_id, g.name AS customer_group, count(c.customer_id) AS active_customers
            FROM customer_groups g LEFT JOIN customers c ON c.group_id = g.group_id AND c.active
            GROUP BY ALL ORDER BY g.name
        """).df()


ITEM_FILE_COLUMNS = {"code": ("code", "item", "item code", "question code", "id"),
                     "dimension": ("dimension", "rater", "rater dimension"),
                     "text": ("text", "question", "question text", "item text", "wording")}


def items_from_file(source: str | Path | bytes, file_name: str | None = None,
                    encoding: str = "utf-8") -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """A survey's items from a file (CSV or Excel) with a column for each item's code, RATER dimension and text
    (headers such as code, dimension, question; any case), in the file's order: ((dimension, text) ...) and
    (code ...), as :class:`SurveyDraft` takes them. Raises ImportFileError for a missing column, ValidationError
    (field ``items``) listing each line whose dimension is not one of the five or whose text is empty."""
    frame = read_table(source, file_name, encoding)
    found = {field: next((column for column in frame.columns if column.strip().lower() in names), None)
             for field, names in ITEM_FILE_COLUMNS.items()}
    missing = [field for field in ("dimension", "text") if found[field] is None]
    if missing:
        raise ImportFileError(f"The items file needs a column for each item's {' and '.join(missing)}; its columns "
                              f"are {', '.join(frame.columns)}.")
    problems = []
    items, codes = [], []
    for line, row in enumerate(frame.to_dict("records"), start=2):
        dimension = (row[found["dimension"]] or "").strip().lower()
        text = (row[found["text"]] or "").strip()
        if dimension not in RATER_DIMENSIONS:
            problems.append(f"line {line}: dimension {dimension!r} is not one of {', '.join(RATER_DIMENSIONS)}")
        if not text:
            problems.append(f"line {line}: the question text is empty")
        items.append((dimension, text))
        codes.append((row[found["code"]] or "").strip() if found["code"] else f"q{line - 1}")
    if problems:
        raise ValidationError({"items": "; ".join(problems[:20]) + ("; ..." if len(problems) > 20 else "")})
    return tuple(items), tuple(codes)


def survey_named(store: Store, id_or_name: str) -> int:
    """The survey whose id or name (any case) is ``id_or_name``; raises ValidationError (field ``survey``)."""
    with store.reading() as db:
        row = db.execute("SELECT survey_id FROM surveys WHERE CAST(survey_id AS VARCHAR) = $text "
                         "OR lower(name) = lower($text) ORDER BY CAST(survey_id AS VARCHAR) = $text DESC LIMIT 1",
                         {"text": id_or_name.strip()}).fetchone()
    if row is None:
        raise ValidationError({"survey": f"There is no survey with the id or name {id_or_name!r}."})
    return row[0]
