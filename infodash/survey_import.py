"""Importing survey responses from a forms tool's export (CSV or Excel): one row per respondent,
one column per answer, mapped onto the items of one survey wave.

Every row is checked with the entry form's rules (:func:`infodash.survey_responses.check_response`),
so a value the form refuses is refused in a file too, in the same words; each problem is reported
by line and by the file's column name. Nothing is written unless every row is good. A blank cell
is a question not answered. Each response keeps a source key (``wave 7: R-1001``, the wave and the
respondent ID), so importing the same file again adds nothing.

What a file column can hold (the *targets* of a mapping):

- ``respondent``: the forms tool's respondent or response ID (optional, recommended);
- ``customer``: who answered, by e-mail, login, name or id (``customer_key``); blank: anonymous;
- ``group``: the customer group's name, read for anonymous responses;
- ``submitted_at``: when the answers were given (without it: the wave's closing day at noon);
- ``nps``, ``csat``, ``comment``;
- ``item:<position>:<measure>``: one level (expectation, minimum, desired or perception) of one item;
- ``importance:<dimension>``: the points given to one RATER dimension.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from infodash import audit
from infodash.catalogue import customer_group_options
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.formatting import count_of
from infodash.importers import (CUSTOMER_KEYS, ImportFileError, ImportReport, Progress, RowError, add_row_errors,
                                match_customers, parse_time_column, read_table, reading_problems, require_columns)
from infodash.instruments import CSAT_RANGE, MEASURE_LABELS, NPS_RANGE, Instrument, load_instrument
from infodash.permissions import Account, require
from infodash.survey_responses import (ITEM_IMPORTANCE, ResponseDraft, check_response, dated_response_time,
                                      has_answers, insert_responses, outside_wave)
from infodash.survey_templates import RATER_DIMENSIONS

KIND = "survey"
WHO_TARGETS = ("respondent", "customer", "group", "submitted_at")
SCORE_TARGETS = ("nps", "csat", "comment")
PROGRESS_EVERY_ROWS = 250


def item_target(position: int, measure: str) -> str:
    """The target of one level of the item at ``position``, e.g. ``item:3:perception``."""
    return f"item:{position}:{measure}"


def importance_target(dimension: str) -> str:
    """The target of the points given to one RATER dimension, e.g. ``importance:reliability``."""
    return f"importance:{dimension}"


def survey_targets(instrument: Instrument) -> dict[str, str]:
    """Every target a file column can be mapped to for this survey, in display order, with its label."""
    targets = {"respondent": "Respondent ID", "customer": "Customer", "group": "Customer group (anonymous rows)",
               "submitted_at": "Submitted at"}
    if instrument.asks_nps:
        targets["nps"] = f"NPS ({NPS_RANGE[0]}-{NPS_RANGE[1]})"
    if instrument.asks_csat:
        targets["csat"] = f"CSAT ({CSAT_RANGE[0]}-{CSAT_RANGE[1]})"
    targets["comment"] = "Comment"
    for item in instrument.items:
        for measure in instrument.measures:
            targets[item_target(item.position, measure)] = f"{item.label} {MEASURE_LABELS[measure]}"
        targets[item_target(item.position, ITEM_IMPORTANCE)] = f"{item.label} importance (optional)"
    if instrument.asks_importance:
        for dimension in RATER_DIMENSIONS:
            targets[importance_target(dimension)] = f"Importance: {dimension}"
    return targets


@dataclass(frozen=True)
class SurveyImportOptions:
    """How to read one forms tool's export: which file column holds each target, and how to read values."""

    columns: dict[str, str]  # target (see the module docstring) -> the file's column
    date_format: str | None = None  # strptime format, e.g. "%d/%m/%Y %H:%M:%S"; None for ISO 8601
    time_zone: str = "Europe/London"  # of wall-clock times in the file
    missing_marker: str = ""  # a cell meaning "no value", e.g. "-"
    encoding: str = "utf-8"
    customer_key: str = "email"  # how the customer column identifies a customer: email, login, name or id
    unanswered: tuple[str, ...] = ()  # cells of an item, importance or CSAT column meaning "not answered", e.g. 0

    def to_dict(self) -> dict[str, Any]:
        """The options as plain data, for saving a mapping."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SurveyImportOptions:
        """Options saved with :meth:`to_dict`."""
        return cls(**{**data, "unanswered": tuple(data.get("unanswered", ()))})


@dataclass(frozen=True)
class SurveyWave:
    """The wave responses are imported into, with its survey's name."""

    wave_id: int
    survey_id: int
    survey: str
    name: str
    opened_on: dt.date
    closed_on: dt.date | None


_WAVES = ("SELECT w.wave_id, w.survey_id, s.name, w.name, w.opened_on, w.closed_on "
          "FROM survey_waves w JOIN surveys s USING (survey_id) ")


def survey_wave(store: Store, wave_id: int) -> SurveyWave:
    """The wave ``wave_id``; raises ImportFileError when there is none."""
    with store.reading() as db:
        row = db.execute(_WAVES + "WHERE w.wave_id = ?", [wave_id]).fetchone()
    if row is None:
        raise ImportFileError(f"There is no survey wave {wave_id}.")
    return SurveyWave(*row)


def find_wave(store: Store, id_or_name: str) -> SurveyWave:
    """The wave whose id or name (any case) is ``id_or_name``; raises ImportFileError when none or several match."""
    text = id_or_name.strip()
    with store.reading() as db:
        rows = db.execute(_WAVES + "WHERE CAST(w.wave_id AS VARCHAR) = $text OR lower(w.name) = lower($text) "
                          "ORDER BY CAST(w.wave_id AS VARCHAR) = $text DESC, w.wave_id", {"text": text}).fetchall()
    if not rows:
        raise ImportFileError(f"There is no survey wave with the id or name {text!r}.")
    if len(rows) > 1 and str(rows[0][0]) != text:
        choices = "; ".join(f"{wave_id} ({survey})" for wave_id, _, survey, *_ in rows)
        raise ImportFileError(f"Several surveys have a wave named {text!r}: give its id instead: {choices}.")
    return SurveyWave(*rows[0])


# --- Guessing the mapping from the file's headers ------------------------------------------------------------------

_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[a-z]+|\d+")
_IN_BRACKETS = re.compile(r"\([^)]*\)")
_MEASURE_WORDS: dict[str, str] = {
    word: measure for measure, words in {
        "expectation": ("e", "exp", "expect", "expected", "expectation", "expectations"),
        "minimum": ("m", "min", "minimum", "minimal"),
        "desired": ("d", "des", "desire", "desired"),
        "perception": ("p", "per", "perc", "perceived", "perception", "perceptions", "experienced", "actual"),
        ITEM_IMPORTANCE: ("importance", "important", "imp"),
    }.items() for word in words}
# Words around an item number that say nothing about which level it is: "Q3 perceived service level".
_ITEM_FILLERS = frozenset({"q", "question", "item", "i", "no", "nr", "number", "score", "rating", "level", "service",
                           "answer", "value", "of", "the"})
_IMPORTANCE_WORDS = frozenset({"importance", "important", "imp", "points", "pts", "weight", "weighting", "priority"})
# Target -> patterns on the header's words joined by spaces, surest first (a surer match wins a tie).
_HEADER_TEXT: dict[str, tuple[str, ...]] = {
    "respondent": (r"^(respondent|response|submission|participant|record|entry)( id| number| no| nr)?$",
                   r"^(id|uuid|serial|ref|reference)$"),
    "customer": (r"\be ?mail\b", r"^(login|username|user name|user id|userid|account)$",
                 r"^(customer|customer id|customer name|name|full name|respondent name|your name)$"),
    "group": (r"^(customer group|group|group name|user group|customer segment|segment)$",),
    "submitted_at": (r"^(submitted( at| on| date| time)?|(date|time) submitted|submission (date|time)"
                     r"|submit (date|time))$",
                     r"^(time ?stamp|completion time|completed( at| on)?|end (date|time)|recorded date"
                     r"|response date|date)$"),
    "nps": (r"\bnps\b|net promoter", r"recommend"),
    "csat": (r"\bcsat\b", r"satisf"),
    "comment": (r"^(any )?(other |further |additional )?(comments?|remarks?|feedback|suggestions?)$",
                r"comment|remark|suggestion|anything else|feedback"),
}
_HEADER_PATTERNS = {target: [re.compile(text) for text in texts] for target, texts in _HEADER_TEXT.items()}


def _words(header: str) -> list[str]:
    return _WORD.findall(_CAMEL_CASE.sub(" ", header).lower())


def _only_measure(words: list[str], instrument: Instrument, single_letters: bool = True) -> str | None:
    """The one measure ``words`` name (or the survey's only measure when they name none)."""
    named = {_MEASURE_WORDS[word] for word in words if word in _MEASURE_WORDS and (single_letters or len(word) > 1)}
    if not named and len(instrument.measures) == 1:
        return instrument.measures[0]
    measure = named.pop() if len(named) == 1 else None
    return measure if measure in (*instrument.measures, ITEM_IMPORTANCE) else None


def _item_by_code(header: str, instrument: Instrument) -> str | None:
    """The item and level a header names by the item's code, never by where the item stands in the survey:
    "q4 perception", "Q4_per" or "q4" (a one-level survey) go to the item coded q4; a header of a number and
    a level, as "Item 3 - Expectation", "E3" or "3_min", to the item whose code is that number (q3)."""
    words = _words(_IN_BRACKETS.sub(" ", header))
    best: tuple[int, int, str] | None = None  # (length of the code matched, position, measure)
    for item in instrument.items:
        code = _words(item.label)
        for start in range(len(words) - len(code) + 1):
            rest = words[:start] + words[start + len(code):]
            if words[start:start + len(code)] != code or any(word not in _MEASURE_WORDS and word not in
                                                              _ITEM_FILLERS for word in rest):
                continue
            measure = _only_measure([word for word in rest if word not in _ITEM_FILLERS], instrument)
            if measure and (best is None or len(code) > best[0]):
                best = (len(code), item.position, measure)
    if best is not None:
        return item_target(best[1], best[2])
    numbers = [word for word in words if word.isdigit()]
    others = [word for word in words if not word.isdigit() and word not in _ITEM_FILLERS]
    if len(numbers) != 1 or any(word not in _MEASURE_WORDS for word in others):
        return None
    numbered = [item for item in instrument.items
                if [word for word in _words(item.label) if word not in _ITEM_FILLERS] == numbers]
    measure = _only_measure(others, instrument)
    return item_target(numbered[0].position, measure) if len(numbered) == 1 and measure else None


def _item_by_text(header: str, instrument: Instrument) -> str | None:
    """Forms tools that head a column with the question: "Expectation [Staff give you prompt service.]"."""
    words = _words(header)
    best: tuple[int, int, int] | None = None  # (length of the item's text, where it starts, position)
    for item in instrument.items:
        text = _words(item.text)
        for start in range(len(words) - len(text) + 1):
            if len(text) >= 3 and words[start:start + len(text)] == text and (best is None or len(text) > best[0]):
                best = (len(text), start, item.position)
    if best is None:
        return None
    length, start, position = best
    measure = _only_measure(words[:start] + words[start + length:], instrument, single_letters=False)
    return None if measure is None else item_target(position, measure)


def _importance_by_name(header: str, instrument: Instrument) -> tuple[str, int] | None:
    words = _words(header)
    for dimension in RATER_DIMENSIONS if instrument.asks_importance else ():
        if dimension in words and _IMPORTANCE_WORDS & set(words):
            return importance_target(dimension), 0
        if words == [dimension]:
            return importance_target(dimension), 1
    return None


def _guess(header: str, instrument: Instrument, targets: dict[str, str]) -> tuple[str, int] | None:
    """The target a header most likely holds, with the guess's rank (0 is surest)."""
    item = _item_by_code(header, instrument) or _item_by_text(header, instrument)
    if item:
        return item, 0
    importance = _importance_by_name(header, instrument)
    if importance:
        return importance
    text = " ".join(_words(header))
    return next(((target, rank) for target, patterns in _HEADER_PATTERNS.items() if target in targets
                 for rank, pattern in enumerate(patterns) if pattern.search(text)), None)


def suggest_columns(instrument: Instrument, file_columns: Sequence[str]) -> dict[str, str]:
    """Target -> file column for the headers that follow a common convention (any case), in target order.

    Recognised, among others: "Q3 perception", "q3_per", "Item 3 - Expectation", "E3"/"P3",
    "3_min"/"3_desired", a header holding the item's question text and a level, "NPS",
    "Likelihood to recommend", "CSAT", "Comments", "Respondent ID", "Email", "Group", "Submitted".
    A column is never guessed for two targets; a target that two columns claim equally (e.g.
    "Q3 perception" and "P3") is left for the person to choose.
    """
    targets = survey_targets(instrument)
    claims: dict[str, list[tuple[int, str]]] = {}
    for column in file_columns:
        guess = _guess(column, instrument, targets)
        if guess:
            claims.setdefault(guess[0], []).append((guess[1], column))
    chosen: dict[str, str] = {}
    for target in targets:
        ranked = sorted(claims.get(target, []))
        if ranked and (len(ranked) == 1 or ranked[0][0] < ranked[1][0]):
            chosen[target] = ranked[0][1]
    return chosen


def suggest_customer_key(column: str) -> str:
    """How a customer column identifies customers, judged by its header: email, login, id or name."""
    words = _words(column)
    text = " ".join(words)
    if re.search(r"\be ?mail\b", text):
        return "email"
    if {"login", "username", "user", "userid", "account"} & set(words):
        return "login"
    return "id" if "id" in words else "name"


def suggest_options(instrument: Instrument, file_columns: Sequence[str],
                    time_zone: str = "Europe/London") -> SurveyImportOptions:
    """Options for a file never seen before: :func:`suggest_columns` and the customer key its header suggests."""
    columns = suggest_columns(instrument, file_columns)
    key = suggest_customer_key(columns["customer"]) if "customer" in columns else "email"
    return SurveyImportOptions(columns=columns, time_zone=time_zone, customer_key=key)


# --- Importing --------------------------------------------------------------------------------------------------------


def option_problems(options: SurveyImportOptions) -> dict[str, str]:
    """What is wrong with how ``options`` read a file, by field (encoding, date_format, time_zone, customer_key);
    empty when nothing is. :func:`import_survey_responses` refuses such options before it reads the file."""
    problems = reading_problems(options.encoding, options.date_format, options.time_zone)
    if options.customer_key not in CUSTOMER_KEYS:
        problems["customer_key"] = f"Choose one of {', '.join(CUSTOMER_KEYS)}."
    return problems


def target_named(instrument: Instrument, text: str) -> str | None:
    """The target ``text`` names: its key (``nps``, ``item:3:perception``), its label as the pages show it
    ("q3 perceived"), or an item's code and level ("q3 perception"); any case. None when it names none."""
    wanted = " ".join(_words(text))
    targets = survey_targets(instrument)
    for key, label in targets.items():
        if text.strip().lower() == key or wanted == " ".join(_words(label)):
            return key
    found = _item_by_code(text, instrument) or _importance_by_name(text, instrument)
    return found[0] if isinstance(found, tuple) else found


def import_survey_responses(store: Store, source: str | Path | bytes, wave_id: int, options: SurveyImportOptions,
                            actor: Account, file_name: str | None = None, dry_run: bool = False,
                            progress: Progress | None = None) -> ImportReport:
    """Check a forms export against wave ``wave_id``'s survey and, unless ``dry_run`` or any row has a
    problem, add its new responses in one transaction; rows imported before are counted, not added.

    Raises ValidationError (by field) when ``author`` is empty or :func:`option_problems` refuses the options,
    before the file is read; ImportFileError when the wave does not exist, the mapping does not fit the
    survey, or the file cannot be read or lacks a mapped column.
    """
    require(actor, "lead", "import survey answers")
    author = actor.name.strip()
    errors = option_problems(options)
    check_author(author, errors)
    if errors:
        raise ValidationError(errors)
    step = progress or (lambda fraction, message: None)
    wave = survey_wave(store, wave_id)
    instrument = load_instrument(store, wave.survey_id)
    _check_mapping(instrument, options)
    step(0.05, "Reading the file")
    frame = read_table(source, file_name, options.encoding, options.missing_marker)
    require_columns(frame, options.columns)
    report = ImportReport(rows_read=len(frame))
    rows = pd.DataFrame({target: frame[column] for target, column in options.columns.items()}, index=frame.index)
    if options.unanswered:  # e.g. a forms tool's 0 for a question skipped on a 1-7 scale (NPS 0 is an answer)
        for target in rows.columns:
            if target.startswith(("item:", "importance:")) or target == "csat":
                rows[target] = rows[target].astype(object).where(~rows[target].isin(options.unanswered), None)
    lines = pd.Series(range(2, len(frame) + 2), index=frame.index)
    step(0.1, "Checking every row")
    now = dt.datetime.now(dt.UTC)
    who = _respondents(store, rows, lines, options, report)
    times = _submission_times(rows, lines, wave, options, report, now)
    keys = _source_keys(rows, lines, wave.wave_id, options, report)
    drafts = _checked_drafts(store, instrument, wave, rows, lines, who, times, keys, options, report, now, step)
    with store.reading() as db:
        known = _imported_keys(db, keys)
    report.already_imported = sum(draft.source_key in known for draft in drafts)
    _sort_errors(report, list(frame.columns))
    new = [draft for draft in drafts if draft.source_key not in known]
    report.to_add = len(new)
    if report.errors or dry_run or not new:
        step(1.0, "Checked" if report.errors or dry_run else "Nothing new")
        return report
    step(0.7, f"Adding {len(new):,} responses")
    with store.writing() as db:
        known = _imported_keys(db, keys)  # again: another import may have added some since the check
        new = [draft for draft in drafts if draft.source_key not in known]
        insert_responses(db, new, author.strip())
        where = file_name or (None if isinstance(source, bytes) else str(source))
        audit.record(db, author.strip(), "import", "survey_responses", None,
                     {"wave_id": wave.wave_id, "file": where, "rows": report.rows_read, "added": len(new),
                      "already_imported": len(drafts) - len(new)})
    report.added, report.already_imported, report.written = len(new), len(drafts) - len(new), True
    step(1.0, "Done")
    return report


def _check_mapping(instrument: Instrument, options: SurveyImportOptions) -> None:
    """Refuse a mapping that cannot fit the survey, whatever the rows hold."""
    targets = survey_targets(instrument)
    columns = options.columns
    problems = []
    unknown = [target for target in columns if target not in targets]
    if unknown:
        problems.append(f"The survey {instrument.name!r} asks no {', '.join(unknown)}.")
    halves = [(f"Item {item.position}", [item_target(item.position, m) for m in instrument.measures])
              for item in instrument.items]
    if instrument.asks_importance:
        halves.append(("Importance", [importance_target(dimension) for dimension in RATER_DIMENSIONS]))
    for name, group in halves:
        mapped = [target for target in group if target in columns]
        if mapped and len(mapped) < len(group):
            missing = [targets[target] for target in group if target not in columns]
            problems.append(f"{name} is only partly mapped: map a column to {', '.join(missing)} too, or to none.")
    first_target: dict[str, str] = {}
    for target, column in columns.items():
        if column in first_target:
            problems.append(f"The column {column!r} is mapped to both {targets.get(first_target[column])} and "
                            f"{targets.get(target, target)}.")
        first_target.setdefault(column, target)
    if "customer" not in columns and "group" not in columns:
        problems.append("Map the customer column, or the customer group column for anonymous responses.")
    if not any(target not in WHO_TARGETS for target in columns):
        problems.append("Map at least one answer column (an item, NPS, CSAT or the comment).")
    if problems:
        raise ImportFileError(" ".join(problems))


@dataclass(frozen=True)
class _Who:
    customer_ids: dict[int, int]  # row index -> customer id, for rows naming a known customer
    group_ids: dict[int, int]  # row index -> group id, for anonymous rows naming a known group
    named: set[int]  # rows whose customer cell is filled: their customer check is the importer's


def _respondents(store: Store, rows: pd.DataFrame, lines: pd.Series, options: SurveyImportOptions,
                 report: ImportReport) -> _Who:
    """Who answered each row: a customer matched like every import does, or a group by name for anonymous rows."""
    customers = rows["customer"] if "customer" in rows else pd.Series(None, index=rows.index, dtype=object)
    ids = (match_customers(store, customers, lines, options.columns["customer"], options.customer_key, report)
           if "customer" in rows else customers)
    group_ids: dict[int, int] = {}
    if "group" in rows:
        by_name = {name.strip().lower(): group_id for group_id, name in customer_group_options(store)}
        for index, name in rows.loc[customers.isna() & rows["group"].notna(), "group"].items():
            if name.lower() in by_name:
                group_ids[index] = by_name[name.lower()]
            else:
                report.errors.append(RowError(int(lines[index]), options.columns["group"],
                                              f"unknown customer group {name!r}"))
    return _Who({index: int(value) for index, value in ids.dropna().items()}, group_ids,
                set(customers.index[customers.notna()]))


def _submission_times(rows: pd.DataFrame, lines: pd.Series, wave: SurveyWave, options: SurveyImportOptions,
                      report: ImportReport, now: dt.datetime) -> dict[int, dt.datetime | None]:
    """When each row's answers were given; without a column, noon on the day the wave closed (or opened,
    while it has no closing day), as the entry form dates a paper form."""
    if "submitted_at" in rows:
        column = options.columns["submitted_at"]
        parsed = parse_time_column(report, rows["submitted_at"], lines, column, options.date_format,
                                   options.time_zone)
        _outside_wave(report, parsed, lines, column, wave, ZoneInfo(options.time_zone))
        return {index: None if pd.isna(moment) else moment.to_pydatetime() for index, moment in parsed.items()}
    day, which = (wave.closed_on, "closes") if wave.closed_on else (wave.opened_on, "opened")
    moment = dated_response_time(day, ZoneInfo(options.time_zone), now)
    report.notes.append(f"The file has no submission time: every response counts as given at 12:00 "
                        f"({options.time_zone}) on {day.isoformat()}, the day the wave {which}"
                        + (", or now while that is still to come." if moment == now else "."))
    return dict.fromkeys(rows.index, moment)


def _outside_wave(report: ImportReport, submitted: pd.Series, lines: pd.Series, column: str, wave: SurveyWave,
                  time_zone: ZoneInfo) -> None:
    """Report answers dated before the wave opened or after the day it closed: the file, or the wave chosen
    for it, is probably not the right one."""
    for index, moment in submitted.dropna().items():
        day = moment.tz_convert(time_zone).date()
        if problem := outside_wave(day, wave.name, wave.opened_on, wave.closed_on):
            report.errors.append(RowError(int(lines[index]), column,
                                          f"answered on {day.isoformat()}, {problem}: is this the right wave?"))


def _source_keys(rows: pd.DataFrame, lines: pd.Series, wave_id: int, options: SurveyImportOptions,
                 report: ImportReport) -> dict[int, str | None]:
    """Each row's source key: the wave and the respondent ID, or (without that column) a hash of the row's
    mapped values, numbered when several rows hold the same values (two people can answer alike)."""
    if "respondent" in rows:
        respondents = rows["respondent"]
        column = options.columns["respondent"]
        add_row_errors(report, lines[respondents.isna()], column, "respondent ID is missing")
        repeated = respondents.notna() & respondents.duplicated(keep="first")
        first_line = lines.groupby(respondents).transform("min")
        add_row_errors(report, lines[repeated], column, lambda line: f"the same respondent as line {int(line)}",
                       first_line[repeated])
        return {index: None if value is None else f"wave {wave_id}: {value}" for index, value in respondents.items()}
    ordered = sorted(rows.columns)
    digests = pd.Series([hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]
                         for values in rows[ordered].itertuples(index=False, name=None)], index=rows.index)
    repeat = digests.groupby(digests).cumcount() + 1
    return {index: f"wave {wave_id}: row {digest}" + (f" #{repeat[index]}" if repeat[index] > 1 else "")
            for index, digest in digests.items()}


def _number(record: dict[str, Any], target: str, expected: str, problems: dict[str, str]) -> float | None:
    """A cell as a number: None when blank. Text that is no number is a problem, and comes back as NaN so
    that the form's checks count the question as answered (and say nothing more about it)."""
    text = record.get(target)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems[target] = f"{text!r} is not a number ({expected})"
        return math.nan
    return value


def _checked_drafts(store: Store, instrument: Instrument, wave: SurveyWave, rows: pd.DataFrame, lines: pd.Series,
                    who: _Who, times: dict[int, dt.datetime | None], keys: dict[int, str | None],
                    options: SurveyImportOptions, report: ImportReport, now: dt.datetime,
                    step: Progress) -> list[ResponseDraft]:
    """One draft per row, each checked by the entry form's rules; every problem becomes a row error."""
    scale = f"answer with a whole number from {instrument.scale_min} to {instrument.scale_max}"
    positions = {item.item_id: item.position for item in instrument.items}
    drafts: list[ResponseDraft] = []
    skipped: set[int] = set()  # their lines
    with store.reading() as db:
        for number, (index, record) in enumerate(zip(rows.index, rows.to_dict("records"), strict=True)):
            if number % PROGRESS_EVERY_ROWS == 0:
                step(0.1 + 0.6 * number / len(rows), f"Checking row {number + 1:,} of {len(rows):,}")
            problems: dict[str, str] = {}
            answers = {item.item_id: {measure: _number(record, item_target(item.position, measure), scale, problems)
                                      for measure in (*instrument.measures, ITEM_IMPORTANCE)}
                       for item in instrument.items
                       if any(item_target(item.position, measure) in record
                              for measure in (*instrument.measures, ITEM_IMPORTANCE))}
            importance = {dimension: _number(record, importance_target(dimension), "give a number of points", problems)
                          for dimension in RATER_DIMENSIONS if importance_target(dimension) in record}
            draft = ResponseDraft(
                wave_id=wave.wave_id, customer_id=who.customer_ids.get(index), group_id=who.group_ids.get(index),
                answers=answers, importance=importance, comment=record.get("comment") or "",
                nps=_number(record, "nps", f"answer with a whole number from {NPS_RANGE[0]} to {NPS_RANGE[1]}",
                            problems),
                csat=_number(record, "csat", f"answer with a whole number from {CSAT_RANGE[0]} to {CSAT_RANGE[1]}",
                             problems),
                submitted_at=times[index], source_key=keys[index])
            if not has_answers(draft):  # opened the form and answered nothing: not a response
                skipped.add(int(lines[index]))
                continue
            drafts.append(draft)
            _form_problems(db, instrument, draft, now, index in who.named, positions, options, problems)
            for target, reason in problems.items():
                report.errors.append(RowError(int(lines[index]), _column_of(target, options), reason))
    if skipped:  # nor are their other cells' problems (an unknown customer ...) a reason to refuse the file
        report.errors[:] = [error for error in report.errors if error.line not in skipped]
        report.notes.append(f"{count_of(len(skipped), 'respondent')} answered nothing: skipped, not counted as "
                            "responses")
    return drafts


def _form_problems(db: duckdb.DuckDBPyConnection, instrument: Instrument, draft: ResponseDraft, now: dt.datetime,
                   named: bool, positions: dict[int, int], options: SurveyImportOptions,
                   problems: dict[str, str]) -> None:
    """The entry form's messages for one row, by target; a cell's first problem is the one kept."""
    form: dict[str, str] = {}
    check_response(db, instrument, draft, now, form)
    for field, message in form.items():
        if named and field in ("customer_id", "group_id"):
            continue  # the customer cell is filled: matching it reported any problem in the importer's words
        kind, _, rest = field.partition(":")
        if kind == "item":
            item_id, _, measure = rest.partition(":")
            target = item_target(positions[int(item_id)], measure)
        elif field == "importance":
            target = next(name for name in options.columns if name.startswith("importance:"))
        elif field == "answers":
            target = next(target for target in options.columns if target not in WHO_TARGETS)
        else:
            target = {"customer_id": "customer", "group_id": "group" if "group" in options.columns
                      else "customer"}.get(field, field)
        problems.setdefault(target, message)


def _column_of(target: str, options: SurveyImportOptions) -> str:
    return options.columns.get(target, target)


def _imported_keys(db: duckdb.DuckDBPyConnection, keys: dict[int, str | None]) -> set[str]:
    wanted = [key for key in keys.values() if key is not None]
    if not wanted:
        return set()
    return {key for (key,) in db.execute("SELECT source_key FROM survey_responses WHERE list_contains(?, source_key)",
                                         [wanted]).fetchall()}


def _sort_errors(report: ImportReport, file_columns: list[str]) -> None:
    """Problems in the order a person reads the file, by line and then left to right; one per cell (the first
    found: the importer's own words, e.g. "unknown customer group 'X'", before the form's)."""
    order = {column: position for position, column in enumerate(file_columns)}
    first = {(error.line, error.column): error for error in reversed(report.errors)}
    report.errors[:] = sorted(first.values(), key=lambda error: (error.line, order.get(error.column, len(order)),
                                                                 error.column))
