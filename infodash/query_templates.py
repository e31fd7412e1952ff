"""Query templates: what stays the same when a user runs a query again with other values.

:func:`normalise_query` turns query text into a template -- every number and quoted string
replaced by ``?``, an IN list of them by ``IN (?)``, comments dropped, keywords, identifiers and
white space folded -- and lists the values it took out, each named by the column it is compared
with. :func:`repeated_queries` is usage-monitoring detector 1: it flags a user who ran one template
many times in a day, changing a value each time, like the analyst who looked up 136 companies
one query at a time instead of passing the list in one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass
from typing import NamedTuple

import pyarrow
import pyarrow.compute
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from infodash.db import Store
from infodash.findings import Finding
from infodash.periods import Period
from infodash.settings import organisation_time_zone

__all__ = ["NormalisedQuery", "normalise_query", "repeated_queries", "MIN_RUNS", "MIN_DISTINCT", "MIN_RUNS_IN_HOUR"]

PLACEHOLDER = "?"
# Joins a query's literal values into one key for counting distinct value sets in SQL; a
# control character, so it cannot be confused with anything a value holds.
_KEY_SEPARATOR = "\x1f"

# Defaults of the detector, set from the demo data (tests/test_query_templates.py checks them
# against the small demo; the figures below are from the small and the large demo databases).
# Among ordinary users the most runs of one template by one user in one day were 8 (small
# demo, 67,566 query events) and 13 (large demo, 3.4 million); the most in one hour 4 and 5;
# the most different values in one day 6 and 8. The planted analyst ran 136 in a day, 20 an
# hour. The thresholds sit at more than twice the busiest ordinary figures, and low enough to
# catch a habit that costs the user an hour or more: 30 runs at a few minutes each.
MIN_RUNS = 30
# Different value sets needed: re-running one unchanged query (a dashboard refresh, a retry) is
# not the list-in-disguise this detector looks for. Above the 8 that ordinary users reach (the
# demo's ordinary queries vary only a year, 2019-2026, so the data cannot argue for more).
MIN_DISTINCT = 10
# One every four minutes for an hour: three times the busiest ordinary hour (5); the analyst's
# pace was one every three minutes. Catches a burst on a day that stays under MIN_RUNS.
MIN_RUNS_IN_HOUR = 15
EXAMPLES = 10  # literal values kept in a finding's evidence, first ones in time order
SUGGESTED_ACTION = ("Show them how to pass a list of ids in one query (WHERE company_id IN (...)) or a batch report, "
                    "or build the report they need.")


@dataclass(frozen=True)
class NormalisedQuery:
    """A query's template and the literal values that were taken out of it.

    ``literals`` holds (name, value) pairs, the i-th filling the template's i-th ``?``: the name
    is the column a value is compared with (``company_id = 1042`` gives ``("company_id",
    "1042")``, ``x IN (1, 2)`` gives ``("x", "1, 2")``), else its context (``limit``, a
    function's name) or ``value``. Values are as written (``.5`` as ``0.5``), strings without
    their quotes. ``parsed`` says whether the SQL parser read the text (False: it was not SQL it
    understood, and the pattern fallback made the template). A tuple, not a list, because
    results are cached and shared.
    """

    template: str
    literals: tuple[tuple[str, str], ...]
    parsed: bool

    @property
    def literal_key(self) -> str:
        """The values joined into one string: equal keys mean the same values."""
        return _KEY_SEPARATOR.join(value for _, value in self.literals)


@functools.lru_cache(maxsize=200_000)
def normalise_query(text: str) -> NormalisedQuery:
    """The template of ``text`` and the literals taken out of it; never raises for any string.

    SQL is parsed with sqlglot; text it cannot parse, or that is not a statement (a search
    phrase, a dialect quirk), goes through a regular-expression normaliser doing the same
    replacements, so every text gets a template. Results are cached, since the same texts recur.

    Parsing costs about half a millisecond a text, the patterns a tenth of that, and a query
    log's texts mostly differ only in their values. So the patterns run first, and the parser
    runs once per pattern template: texts sharing it share the parser's template and literal
    names, with their own values -- when the parser's values for the first text were the same as
    the patterns' (else each text of that shape is parsed on its own).
    """
    patterned = _with_patterns(text)
    known = _SHAPES.get(patterned.template)
    if known is None:
        parsed = _with_parser(text)
        _remember_shape(patterned, parsed)
        return parsed or patterned
    if known == _NOT_SQL:
        return patterned
    if known == _PARSE_EACH:
        return _with_parser(text) or patterned
    template, names = known
    return NormalisedQuery(template, tuple(zip(names, (value for _, value in patterned.literals))), parsed=True)


# What the parser made of the first text of each pattern template: its template and literal
# names, or one of these two markers. Emptied when it grows past _MAX_SHAPES.
_NOT_SQL = "not sql"  # the parser did not read it: use the patterns' result
_PARSE_EACH = "parse each"  # the parser's literals did not line up with the patterns'
_SHAPES: dict[str, tuple[str, tuple[str, ...]] | str] = {}
_MAX_SHAPES = 50_000


def _remember_shape(patterned: NormalisedQuery, parsed: NormalisedQuery | None) -> None:
    if len(_SHAPES) >= _MAX_SHAPES:
        _SHAPES.clear()
    if parsed is None:
        _SHAPES[patterned.template] = _NOT_SQL
    elif [value for _, value in parsed.literals] == [value for _, value in patterned.literals]:
        _SHAPES[patterned.template] = (parsed.template, tuple(name for name, _ in parsed.literals))
    else:
        _SHAPES[patterned.template] = _PARSE_EACH


# -- with the SQL parser ----------------------------------------------------------------------

_STATEMENTS = (exp.Query, exp.DML, exp.DDL)
# Nodes between a literal and the comparison that says what it is: -5, CAST('2024-01-01' AS DATE),
# (5), INTERVAL '1' DAY.
_WRAPPERS = (exp.Neg, exp.Cast, exp.TryCast, exp.Paren, exp.Interval)


class _CommandFilter(logging.Filter):
    """Drops sqlglot's warning for text it reads as an opaque command; such text goes to the fallback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_CommandFilter())


def _with_parser(text: str) -> NormalisedQuery | None:
    try:
        statements = [statement for statement in sqlglot.parse(text) if statement is not None]
        if not statements or not all(isinstance(statement, _STATEMENTS) for statement in statements):
            return None  # e.g. an opaque command, or words that happen to parse as an expression
        found: list[tuple[str, str]] = []  # (name, value), numbered by their marker
        for statement in statements:
            _take_literals(statement, found)
            for identifier in statement.find_all(exp.Identifier):
                identifier.set("this", identifier.this.lower())
        marked = "; ".join(statement.sql(comments=False) for statement in statements)
    except (SqlglotError, RecursionError):  # not SQL sqlglot reads, or nested too deep for its recursive parser
        return None
    # literals in the order their placeholders appear in the template: the i-th value fills the i-th ?
    order = [int(number) for number in _MARKER.findall(marked)]
    return NormalisedQuery(_MARKER.sub(PLACEHOLDER, marked), tuple(found[i] for i in order), parsed=True)


# Each literal is first replaced by a numbered placeholder (printed as :infodash_literal_7), so
# that the generated text shows where each one went.
_MARKER_NAME = "infodash_literal_"
_MARKER = re.compile(rf":{_MARKER_NAME}(\d+)\b")


def _take_literals(statement: exp.Expression, found: list[tuple[str, str]]) -> None:
    """Replace the statement's literals by numbered placeholders, appending (name, value) to ``found``."""
    def marker(name: str, value: str) -> exp.Placeholder:
        found.append((name, value))
        return exp.Placeholder(this=f"{_MARKER_NAME}{len(found) - 1}")

    for in_list in list(statement.find_all(exp.In)):
        items = in_list.expressions
        values = [_literal_value(item) for item in items]
        if items and all(value is not None for value in values):
            in_list.set("expressions", [marker(_column_name(in_list.this), ", ".join(values))])
    for literal in list(statement.find_all(exp.Literal)):
        if literal.find_ancestor(exp.DataType):
            continue  # VARCHAR(10), DECIMAL(10, 2): part of a type, not a value
        target = literal.parent if isinstance(literal.parent, exp.Neg) else literal
        target.replace(marker(_literal_name(target), _literal_value(target) or ""))


def _literal_value(node: exp.Expression) -> str | None:
    """The literal's value as written (strings unquoted), or None when the node is not a literal."""
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return "-" + node.this.this
    return node.this if isinstance(node, exp.Literal) else None


def _literal_name(node: exp.Expression) -> str:
    """The column ``node`` is compared with, else the clause or function it sits in, else 'value'."""
    child, parent = node, node.parent
    while isinstance(parent, _WRAPPERS):
        child, parent = parent, parent.parent
    if isinstance(parent, (exp.In, exp.Between)):
        return _column_name(parent.this)
    if isinstance(parent, exp.Predicate) and isinstance(parent, exp.Binary):
        return _column_name(parent.left if child is parent.right else parent.right)
    if isinstance(parent, (exp.Limit, exp.Offset)):
        return parent.key
    if isinstance(parent, exp.Anonymous):
        return parent.name.lower()
    if isinstance(parent, exp.Func):
        return parent.sql_name().lower()
    return "value"


def _column_name(side: exp.Expression | None) -> str:
    column = side if isinstance(side, exp.Column) or side is None else side.find(exp.Column)
    return column.name.lower() if column is not None else "value"


# -- with patterns, for text the parser does not read -----------------------------------------

_TOKEN = re.compile(r"""
      (?P<string>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")*")
    | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d]\w*)
    | (?P<space>\s+)
    | (?P<operator>[<>!=]+)
    | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
# Words after which a minus sign starts a negative number rather than a subtraction.
_BEFORE_NEGATIVE = frozenset({"select", "where", "and", "or", "in", "between", "when", "then", "else", "values",
                              "limit", "offset", "by", "like", "not", "is", "case", "return", "set", "having", "on"})

# Words that make the string after them a typed value: DATE '2024-01-01', INTERVAL '1' DAY.
_TYPED_LITERAL = frozenset({"date", "time", "timestamp", "interval"})


class _Token(NamedTuple):
    kind: str  # a group name of _TOKEN
    text: str


def _with_patterns(text: str) -> NormalisedQuery:
    tokens = _significant_tokens(text)
    out: list[str] = []
    literals: list[tuple[str, str]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _end_of_in_list(tokens, index) if token.kind == "word" and token.text.lower() == "in" else None
        if end is not None:
            values = [_value(item) for item in tokens[index + 2:end - 1:2]]
            literals.append((_name_before(tokens, index), ", ".join(values)))
            out.extend(["in", "(", PLACEHOLDER, ")"])
            index = end
            continue
        if token.kind in ("string", "number"):
            literals.append((_name_before(tokens, index), _value(token)))
            out.append(PLACEHOLDER)
        else:
            out.append(token.text.lower() if token.kind in ("word", "quoted") else token.text)
        index += 1
    template = re.sub(r" (?=[,).'])|(?<=[(.']) ", "", " ".join(out))
    return NormalisedQuery(template, tuple(literals), parsed=False)


def _significant_tokens(text: str) -> list[_Token]:
    """The text's tokens without white space and comments, a minus sign joined to the number it negates."""
    tokens: list[_Token] = []
    pending_minus = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "space" or kind == "comment":
            continue
        token = _Token(kind, match.group())
        if pending_minus and token.kind == "number":
            tokens[-1] = _Token("number", "-" + token.text)
            pending_minus = False
            continue
        pending_minus = token.text == "-" and _negation_may_follow(tokens[-1] if tokens else None)
        tokens.append(token)
    return tokens


def _negation_may_follow(previous: _Token | None) -> bool:
    """Whether a minus sign after ``previous`` negates (``= -5``) rather than subtracts (``x - 5``)."""
    if previous is None or previous.kind == "operator":
        return True
    if previous.kind == "word":
        return previous.text.lower() in _BEFORE_NEGATIVE
    return previous.kind == "other" and previous.text in "(,+-*/"


def _end_of_in_list(tokens: list[_Token], index: int) -> int | None:
    """For ``IN ( literal, ... )`` starting at ``index``, the index just after the closing parenthesis."""
    if tokens[index].kind != "word" or tokens[index].text.lower() != "in":
        return None
    if index + 1 >= len(tokens) or tokens[index + 1].text != "(":
        return None
    position = index + 2
    while position + 1 < len(tokens) and tokens[position].kind in ("string", "number"):
        if tokens[position + 1].text == ")":
            return position + 2
        if tokens[position + 1].text != ",":
            return None
        position += 2
    return None


def _name_before(tokens: list[_Token], index: int) -> str:
    """The column a literal (or an IN list) at ``index`` is compared with, as in ``company_id = 1042``."""
    def word(at: int) -> str | None:
        return tokens[at].text.lower() if 0 <= at < len(tokens) and tokens[at].kind in ("word", "quoted") else None

    previous = tokens[index - 1] if index else None
    subject: int | None = None
    if word(index) == "in":  # x IN (...), x NOT IN (...)
        subject = index - 2 if word(index - 1) == "not" else index - 1
    elif previous is None:
        return "value"
    elif word(index - 1) in _TYPED_LITERAL:  # d >= DATE '2024-01-01': named as the word before it would be
        return _name_before(tokens, index - 1)
    elif previous.kind == "operator" or word(index - 1) in ("like", "ilike", "between"):
        subject = index - 2
    elif word(index - 1) in ("limit", "offset"):
        return word(index - 1) or "value"
    elif word(index - 1) == "and" and word(index - 3) == "between":  # the upper bound of x BETWEEN 1 AND 2
        subject = index - 4
    name = word(subject) if subject is not None else None
    return name.strip('"') if name else "value"


def _value(token: _Token) -> str:
    """A string without its quotes, a number as written (but .5 as 0.5, as the parser writes it)."""
    if token.kind == "string":
        return token.text[1:-1].replace("''", "'")
    return re.sub(r"^(-?)\.", r"\g<1>0.", token.text)


# -- detector 1: the same query run many times with different values ---------------------------

# Query events of users who ran enough queries on one local day to be flagged at all. Most
# user-days hold a query or two, so this leaves a few per cent of the events, and only their
# distinct texts are normalised (in Python).
_EVENTS_OF_BUSY_DAYS = """
    WITH query_events AS (
        SELECT login, customer_id, system_id, resource, occurred_at, query_text,
               timezone($tz, occurred_at) AS local_time
        FROM usage_events
        WHERE occurred_at >= $start AND occurred_at < $end AND query_text IS NOT NULL
    ), busy_days AS (
        SELECT login, system_id, CAST(local_time AS DATE) AS day
        FROM query_events
        GROUP BY ALL
        HAVING count(*) >= $least_runs
    )
    SELECT e.login, e.customer_id, e.system_id, e.resource, e.occurred_at, e.query_text,
           CAST(e.local_time AS DATE) AS day, hour(e.local_time) AS hour
    FROM query_events e
    SEMI JOIN busy_days b ON b.login = e.login AND b.system_id = e.system_id AND b.day = CAST(e.local_time AS DATE)
"""

# Runs of one template by one user on one local day, with the busiest hour among those in which
# the values changed often enough; for the flagged ones, the value sets and hours in time order.
_REPEATED_TEMPLATES = """
    WITH runs AS (
        SELECT e.login, e.customer_id, e.system_id, e.resource, e.occurred_at, e.day, e.hour, t.template,
               t.literal_key
        FROM busy_query_events e JOIN query_template_map t ON t.query_text = e.query_text
    ), counted AS (
        SELECT login, customer_id, system_id, day, template, hour, GROUPING(hour) = 1 AS whole_day,
               count(*) AS runs, count(DISTINCT literal_key) AS distinct_values, mode(resource) AS resource
        FROM runs
        GROUP BY GROUPING SETS ((login, customer_id, system_id, day, template),
                                (login, customer_id, system_id, day, template, hour))
    ), judged AS (
        SELECT login, customer_id, system_id, day, template,
               any_value(runs) FILTER (WHERE whole_day) AS runs,
               any_value(distinct_values) FILTER (WHERE whole_day) AS distinct_values,
               any_value(resource) FILTER (WHERE whole_day) AS resource,
               max(runs) FILTER (WHERE NOT whole_day AND distinct_values >= $min_distinct) AS burst_runs,
               arg_max(hour, runs) FILTER (WHERE NOT whole_day AND distinct_values >= $min_distinct) AS burst_hour
        FROM counted
        GROUP BY login, customer_id, system_id, day, template
    ), flagged AS (
        SELECT * FROM judged
        WHERE (runs >= $min_runs AND distinct_values >= $min_distinct) OR burst_runs >= $min_runs_in_hour
    )
    SELECT f.login, f.customer_id, f.system_id, f.day, f.template, f.runs, f.distinct_values, f.resource,
           f.burst_runs, f.burst_hour,
           list(r.literal_key ORDER BY r.occurred_at) AS literal_keys,
           list(r.hour ORDER BY r.occurred_at) AS hours
    FROM flagged f JOIN runs r
      ON r.login = f.login AND r.customer_id IS NOT DISTINCT FROM f.customer_id AND r.system_id = f.system_id
     AND r.day = f.day AND r.template = f.template
    GROUP BY ALL
    ORDER BY f.day, f.login, f.system_id, f.template
"""


def repeated_queries(store: Store, start: dt.datetime, end: dt.datetime, min_runs: int = MIN_RUNS,
                     min_distinct: int = MIN_DISTINCT, min_runs_in_hour: int = MIN_RUNS_IN_HOUR,
                     now: dt.datetime | None = None) -> list[Finding]:
    """Users who ran one query template many times in a day, changing a value each time.

    Looks at query events in [start, end) and counts, per user (login, customer and system),
    local day in the organisation's time zone and template: a finding when the user ran it at
    least ``min_runs`` times that day with at least ``min_distinct`` different value sets, or at
    least ``min_runs_in_hour`` times within one clock hour with that many different value sets.
    Days are counted from the events in range only: pass local midnights to judge whole days.
    With ``now``, days not over by ``now`` are left for a later run (a finding is stored once,
    so it should carry the day's final count). Findings come in day order; the score is
    runs / ``min_runs`` (or the burst's runs / ``min_runs_in_hour`` when that is larger).
    Raises ValueError for naive datetimes or thresholds below 1.
    """
    if start.tzinfo is None or end.tzinfo is None or (now is not None and now.tzinfo is None):
        raise ValueError("start, end and now must be time-zone aware datetimes")
    if min(min_runs, min_distinct, min_runs_in_hour) < 1:
        raise ValueError("min_runs, min_distinct and min_runs_in_hour must be at least 1")
    if start >= end:
        return []
    time_zone = organisation_time_zone(store)
    thresholds = {"min_runs": min_runs, "min_distinct": min_distinct, "min_runs_in_hour": min_runs_in_hour}
    with store.reading() as db:
        events = db.sql(_EVENTS_OF_BUSY_DAYS, params={"tz": time_zone.key, "start": start, "end": end,
                                                      "least_runs": min(min_runs, min_runs_in_hour)}).to_arrow_table()
        if events.num_rows == 0:
            return []
        texts = pyarrow.compute.unique(events["query_text"]).to_pylist()
        normalised = [normalise_query(text) for text in texts]
        names = {query.template: tuple(name for name, _ in query.literals) for query in normalised}
        mapping = pyarrow.table({"query_text": texts, "template": [query.template for query in normalised],
                                 "literal_key": [query.literal_key for query in normalised]})
        db.register("busy_query_events", events)
        db.register("query_template_map", mapping)
        try:
            rows = db.execute(_REPEATED_TEMPLATES, thresholds).fetchall()
        finally:
            db.unregister("query_template_map")
            db.unregister("busy_query_events")
    findings = []
    for (login, customer_id, system_id, day, template, runs, distinct_values, resource, burst_runs, burst_hour,
         literal_keys, hours) in rows:
        window_start, window_end = Period(day, day + dt.timedelta(days=1)).bounds(time_zone)
        if now is not None and window_end > now:
            continue
        varying, examples = _varying_values(names[template], literal_keys)
        by_hour = {f"{hour:02d}:00": hours.count(hour) for hour in sorted(set(hours))}
        burst = burst_runs if runs < min_runs or distinct_values < min_distinct else None
        findings.append(Finding(
            detector="repeated_query", subject_kind="user", subject=login, customer_id=customer_id,
            system_id=system_id, resource=resource, window_start=window_start, window_end=window_end,
            observed=float(runs), score=max(runs / min_runs, (burst_runs or 0) / min_runs_in_hour),
            explanation=_explanation(runs, day, varying, examples, burst, burst_hour),
            suggested_action=SUGGESTED_ACTION, pattern=template, grain="hour",
            evidence={"runs": runs, "distinct_values": distinct_values, "varying": ", ".join(varying),
                      "examples": examples[:EXAMPLES], "last_example": examples[-1] if examples else None,
                      "template": template, "peak_hour_runs": max(by_hour.values()), "by_hour": by_hour},
        ))
    return findings


def _varying_values(names: tuple[str, ...], literal_keys: list[str]) -> tuple[list[str], list[str]]:
    """The names of the literals that changed between runs, and their distinct values in order of first use.

    With several changing literals a value reads e.g. '1042 / 2024'.
    """
    value_sets = list(dict.fromkeys(tuple(key.split(_KEY_SEPARATOR)) for key in literal_keys))
    changing = [i for i in range(len(names)) if len({values[i] for values in value_sets if len(values) > i}) > 1]
    examples = list(dict.fromkeys(" / ".join(values[i] for i in changing) for values in value_sets))
    return [names[i] for i in changing], examples


def _explanation(runs: int, day: dt.date, varying: list[str], examples: list[str], burst_runs: int | None,
                 burst_hour: int | None) -> str:
    """E.g. 'Ran the same query 136 times on Tue 20 Oct 2026, changing only the company id: 1042, 1043, ... 1177.'

    Up to five values are all shown; more as the first three, an ellipsis and the last.
    """
    text = f"Ran the same query {runs} times on {day:%a} {day.day} {day:%b %Y}"
    if burst_runs is not None and burst_hour is not None:
        how_many = "all" if burst_runs == runs else f"{burst_runs} of them"
        text += f" ({how_many} between {burst_hour:02d}:00 and {(burst_hour + 1) % 24:02d}:00)"
    if not varying:
        return text + "."
    what = " and ".join(name.replace("_", " ") for name in varying)
    shown = ", ".join(examples) if len(examples) <= 5 else f"{', '.join(examples[:3])}, ... {examples[-1]}"
    return f"{text}, changing {'only ' if len(varying) == 1 else ''}the {what}: {shown}."
