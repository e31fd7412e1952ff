"""Survey analysis: RATER dimension scores and gaps with confidence intervals, zones of tolerance,
weighted scores, NPS with its margin of error, CSAT, response rates and comments, per wave and by
customer group, department, seniority or relationship.

Definitions, so a lead can explain every number:

- A respondent's *dimension score* is the mean of their answers to that dimension's items; the
  *overall* score is the mean of all their item answers. A wave's score is the mean over its
  respondents, with a 95% t interval; respondents, not answers, are the unit, because one
  person's answers to related items are not independent.
- Gaps are per respondent and item, then averaged the same way: SERVQUAL gap = perception -
  expectation; LibQUAL adequacy gap = perceived - minimum (negative: below the zone of tolerance),
  superiority gap = perceived - desired (positive: above it).
- The change from the previous wave of the same survey is tested with Welch's t-test (means),
  a z-test on the NPS, or a z-test for proportions (CSAT); a change is *significant* at p < 0.05.
- Any cell with fewer than 5 responses shows "fewer than 5 responses" instead of a score: its
  figures are removed here, in the library, so no page, export or report can show them.
- The sidebar's customer-group filter applies to the respondent's group (known even when the
  response is anonymous); the service filter applies to post-request feedback only, since a
  wave survey asks about the team's service as a whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd

from infodash import statistics
from infodash.db import Store
from infodash.filters import Filters
from infodash.instruments import CSAT_RANGE, load_instrument
from infodash.periods import Period

MIN_RESPONSES = 5
SUPPRESSED = "fewer than 5 responses"
WITHHELD = "withheld, or a smaller cell could be worked out"
ANONYMOUS = "Anonymous (not known)"
# What a breakdown may be by: the user's choice maps to a fixed SQL expression, never to their text.
BREAKDOWNS: dict[str, str] = {
    "all": "'All respondents'",
    "customer group": "g.name",
    "department": f"coalesce(c.department, '{ANONYMOUS}')",
    "seniority": f"coalesce(c.seniority, '{ANONYMOUS}')",
    "relationship": f"coalesce(c.relationship, '{ANONYMOUS}')",
}
# The measure each style leads with: how far service falls short of (or beats) what customers want.
HEADLINE: dict[str, str] = {"servqual": "gap", "libqual": "adequacy_gap", "perception": "perception"}
MEASURE_TITLES: dict[str, str] = {
    "perception": "Perceived", "expectation": "Expected", "minimum": "Minimum", "desired": "Desired",
    "gap": "Gap (perceived - expected)", "adequacy_gap": "Adequacy gap (perceived - minimum)",
    "superiority_gap": "Superiority gap (perceived - desired)",
}
SCORE_BANDS = ("low", "middle", "high")
_ANSWER_MEASURES = {
    "perception": "a.perception", "expectation": "a.expectation", "minimum": "a.minimum", "desired": "a.desired",
    "gap": "a.perception - a.expectation", "adequacy_gap": "a.perception - a.minimum",
    "superiority_gap": "a.perception - a.desired",
}
STYLE_MEASURES: dict[str, tuple[str, ...]] = {
    "servqual": ("perception", "expectation", "gap"),
    "libqual": ("perception", "minimum", "desired", "adequacy_gap", "superiority_gap"),
    "perception": ("perception",),
}


# The satisfaction formulas, stated once for every query that counts them (per wave here, per week for
# infodash.initiatives): CSAT is the share answering 4 or 5 of 1-5; NPS counts promoters (9-10) and detractors (0-6).
CSAT_SATISFIED_SQL = "count(*) FILTER (csat >= 4)"
NPS_PROMOTERS_SQL = "count(*) FILTER (nps >= 9)"
NPS_PASSIVES_SQL = "count(*) FILTER (nps BETWEEN 7 AND 8)"
NPS_DETRACTORS_SQL = "count(*) FILTER (nps <= 6)"


def nps_score(promoters: Any, detractors: Any, n: Any) -> Any:
    """NPS = 100 x (promoters - detractors) / respondents (numbers or pandas columns alike)."""
    return 100 * (promoters - detractors) / n


def _scores_sql(style: str, level: str) -> str:
    """Per item, each answer is one respondent's score; per dimension (and overall), a respondent's
    answers are first averaged so that each respondent counts once. One pass then computes n,
    mean and sd of each measure the survey's style asks."""
    names = STYLE_MEASURES[style]
    if level == "item":
        per_unit = ("SELECT resp.wave_id, resp.cell, CAST(i.position AS VARCHAR) AS unit, "
                    + ", ".join(f"{_ANSWER_MEASURES[name]} AS {name}" for name in names)
                    + " FROM resp JOIN survey_answers a USING (response_id) JOIN survey_items i USING (item_id)")
    else:
        per_unit = ("SELECT resp.wave_id, resp.cell, coalesce(i.dimension, 'overall') AS unit, "
                    + ", ".join(f"avg({_ANSWER_MEASURES[name]}) AS {name}" for name in names)
                    + " FROM resp JOIN survey_answers a USING (response_id) JOIN survey_items i USING (item_id)"
                    " GROUP BY GROUPING SETS ((resp.wave_id, resp.cell, resp.response_id, i.dimension),"
                    " (resp.wave_id, resp.cell, resp.response_id))")
    summary = ", ".join(f"count({name}) AS {name}__n, avg({name}) AS {name}__mean, stddev_samp({name}) AS {name}__sd"
                        for name in names)
    return f"""
        , per_unit AS ({per_unit})
        SELECT wave_id, cell, unit, {summary} FROM per_unit GROUP BY ALL
    """


def _responses_cte(by: str, filters: Filters, wave_ids: list[int] | None, any_survey: bool = False) -> str:
    """The responses in scope as ``resp``; ``by`` and the filter columns are fixed names, never user text.
    ``any_survey``: every survey's responses, not only ``$survey``'s."""
    conditions = ""
    if filters.group_ids:
        conditions += " AND list_contains($groups::INTEGER[], r.group_id)"
    if filters.service_ids:
        conditions += (" AND (r.request_id IS NULL OR r.request_id IN "
                       "(SELECT request_id FROM requests WHERE list_contains($services::INTEGER[], service_id)))")
    if wave_ids is not None:
        conditions += " AND list_contains($waves::INTEGER[], r.wave_id)"
    return f"""
        WITH resp AS (
            SELECT r.response_id, r.wave_id, r.nps, r.csat, r.comment, r.submitted_at, {BREAKDOWNS[by]} AS cell,
                   g.name AS customer_group
            FROM survey_responses r
            JOIN survey_waves w ON w.wave_id = r.wave_id{'' if any_survey else ' AND w.survey_id = $survey'}
            JOIN customer_groups g ON g.group_id = r.group_id
            LEFT JOIN customers c ON c.customer_id = r.customer_id
            WHERE true{conditions}
        )"""


def _params(survey_id: int, filters: Filters, wave_ids: list[int] | None) -> dict[str, object]:
    params: dict[str, object] = {"survey": survey_id, **filters.params()}
    if wave_ids is not None:
        params["waves"] = list(wave_ids)
    return params


def _wave_order(db: duckdb.DuckDBPyConnection, survey_id: int) -> pd.DataFrame:
    return db.execute("""
        SELECT wave_id, name AS wave, opened_on, closed_on, row_number() OVER (ORDER BY opened_on, wave_id) AS wave_order
        FROM survey_waves WHERE survey_id = ?
    """, [survey_id]).df()


def _with_previous(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Add ``previous_<column>`` from the survey's previous wave for the same ``keys``."""
    previous = frame[["wave_order", *keys, *columns]].copy()
    previous["wave_order"] += 1
    return frame.merge(previous.rename(columns={column: f"previous_{column}" for column in columns}),
                       on=["wave_order", *keys], how="left")


def _suppress(frame: pd.DataFrame, columns: list[str], within: list[str]) -> pd.DataFrame:
    """Blank ``columns`` of the cells with fewer than :data:`MIN_RESPONSES` responses; and where that hides
    exactly one cell of a breakdown (the rows sharing ``within``, e.g. a wave and dimension), the smallest
    cell shown beside it too: otherwise the total, shown elsewhere, minus the cells shown would give the
    hidden one away."""
    hidden = frame["n"] < MIN_RESPONSES
    if frame["cell"].nunique() > 1:
        for _, rows in frame.groupby(within, sort=False).groups.items():
            if hidden[rows].sum() == 1 and (~hidden[rows]).any():
                hidden[frame.loc[rows][~hidden[rows]]["n"].idxmin()] = True
    frame["suppressed"] = hidden
    frame.loc[hidden, columns] = np.nan
    return frame


SCORE_COLUMNS = ("wave_id", "wave", "opened_on", "wave_order", "cell", "unit", "measure", "n", "mean", "sd", "ci_low",
                 "ci_high", "change", "p_value", "significant", "suppressed")  # of dimension_scores


def dimension_scores(store: Store, survey_id: int, filters: Filters = Filters(), by: str = "all",
                     level: str = "dimension", wave_ids: list[int] | None = None) -> pd.DataFrame:
    """Scores per wave, breakdown cell, dimension (or item) and measure, oldest wave first.

    Columns: wave_id, wave, opened_on, wave_order, cell, unit (a RATER dimension or 'overall'; the
    item position at level "item"), measure (see MEASURE_TITLES; only those the survey asks),
    n, mean, sd, ci_low, ci_high, change (from the previous wave), p_value, significant, suppressed.
    Suppressed cells (n < 5) carry no figures. ``wave_ids`` limits the waves read; the previous
    wave must be among them for a change to be computed.
    """
    with store.reading() as db:
        style = db.execute("SELECT style FROM surveys WHERE survey_id = ?", [survey_id]).fetchone()
        style = style[0] if style else "perception"
        wide = db.execute(_responses_cte(by, filters, wave_ids) + _scores_sql(style, level),
                          _params(survey_id, filters, wave_ids)).df()
        order = _wave_order(db, survey_id)
    keys = ["wave_id", "cell", "unit"]
    scores = pd.concat([wide[keys].assign(measure=name, n=wide[f"{name}__n"], mean=wide[f"{name}__mean"],
                                          sd=wide[f"{name}__sd"]) for name in STYLE_MEASURES[style]],
                       ignore_index=True)
    scores = scores[scores["n"] > 0].merge(order, on="wave_id")
    scores = _with_previous(scores, ["cell", "unit", "measure"], ["n", "mean", "sd"])
    intervals = [statistics.mean_interval(m, s, n) for m, s, n in zip(scores["mean"], scores["sd"], scores["n"])]
    scores["ci_low"] = [low for low, _ in intervals]
    scores["ci_high"] = [high for _, high in intervals]
    comparable = (scores["n"] >= MIN_RESPONSES) & (scores["previous_n"] >= MIN_RESPONSES)
    scores["change"] = (scores["mean"] - scores["previous_mean"]).where(comparable)
    scores["p_value"] = [
        statistics.welch_p_value(m, s, int(n), pm, ps, int(pn)) if ok else np.nan
        for m, s, n, pm, ps, pn, ok in zip(scores["mean"], scores["sd"], scores["n"], scores["previous_mean"],
                                           scores["previous_sd"], scores["previous_n"].fillna(0), comparable)]
    scores = _suppress(scores, ["mean", "sd", "ci_low", "ci_high", "change", "p_value"], ["wave_id", "unit", "measure"])
    scores["significant"] = scores["p_value"] < statistics.SIGNIFICANCE
    order = ["wave_id", "wave", "opened_on", "wave_order", "cell", "unit", "measure", "n", "mean", "sd", "ci_low",
             "ci_high", "change", "p_value", "significant", "suppressed"]
    return scores[order].sort_values(["wave_order", "cell", "unit", "measure"], ignore_index=True)


def wave_table(scores: pd.DataFrame, wave_id: int, cell: str | None = None) -> pd.DataFrame:
    """One wave's scores with a column per measure (means), plus n and the headline change.

    For a LibQUAL-style survey this is the zone-of-tolerance table: ``below_minimum`` flags units
    whose perceived level is under the minimum (negative adequacy gap), ``above_desired`` those
    over the desired level.
    """
    rows = scores[(scores["wave_id"] == wave_id) & ((scores["cell"] == cell) if cell else True)]
    table = rows.pivot(index=["cell", "unit"], columns="measure", values="mean").reset_index()
    # item positions are text: "2" before "10", not after (dimension names are longer, so keep their order)
    table = table.sort_values(["cell", "unit"], ignore_index=True,
                              key=lambda column: column.str.zfill(4) if column.name == "unit" else column)
    counts = rows[rows["measure"] == "perception"][["cell", "unit", "n", "suppressed"]]
    table = table.merge(counts, on=["cell", "unit"], how="left")
    table.columns.name = None
    if "adequacy_gap" in table:
        table["below_minimum"] = table["adequacy_gap"] < 0
        table["above_desired"] = table["superiority_gap"] > 0
    return table


def weighted_scores(store: Store, survey_id: int, filters: Filters = Filters(), by: str = "all",
                    scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The importance-weighted perception and headline gap per wave and cell.

    Each dimension's weight is the mean of the importance points respondents gave it, as a share
    of the points given to the dimensions the survey has items in (SERVQUAL's weighting); the
    weighted score is the sum of weight x dimension mean; a suppressed dimension suppresses it. Columns:
    wave_id, wave, cell, n (respondents who shared points), weighted_perception, weighted_gap,
    suppressed. Empty when the survey does not ask for importance. ``scores`` may pass the
    :func:`dimension_scores` already read for the same arguments.
    """
    instrument = load_instrument(store, survey_id)
    columns = ["wave_id", "wave", "cell", "n", "weighted_perception", "weighted_gap", "suppressed"]
    if not instrument.asks_importance:
        return pd.DataFrame(columns=columns)
    sql = _responses_cte(by, filters, None) + """
        SELECT resp.wave_id, resp.cell, p.dimension AS unit, count(*) AS n, avg(p.points) AS points
        FROM resp JOIN survey_importance p USING (response_id) GROUP BY ALL
    """
    with store.reading() as db:
        points = db.execute(sql, _params(survey_id, filters, None)).df()
    if scores is None:
        scores = dimension_scores(store, survey_id, filters, by)
    headline = HEADLINE[instrument.style]
    means = scores[scores["measure"].isin(["perception", headline])].pivot(
        index=["wave_id", "wave", "cell", "unit"], columns="measure", values="mean").reset_index()
    # Only the dimensions the survey has items in carry weight; their points are shared out afresh.
    merged = points.merge(means, on=["wave_id", "cell", "unit"], how="inner")
    merged["weight"] = merged["points"] / merged.groupby(["wave_id", "cell"])["points"].transform("sum")
    merged["weighted_perception"] = merged["weight"] * merged["perception"]
    merged["weighted_gap"] = merged["weight"] * merged[headline]
    result = merged.groupby(["wave_id", "wave", "cell"], as_index=False).agg(
        n=("n", "min"), weighted_perception=("weighted_perception", lambda v: v.sum(min_count=len(v))),
        weighted_gap=("weighted_gap", lambda v: v.sum(min_count=len(v))))
    result = _suppress(result, ["weighted_perception", "weighted_gap"], ["wave_id"])
    result["suppressed"] |= result["weighted_gap"].isna()  # a dimension of it withheld
    return result[columns].sort_values(["wave_id", "cell"], ignore_index=True)


def nps_with_margin(store: Store, survey_id: int, filters: Filters = Filters(), by: str = "all",
                    wave_ids: list[int] | None = None) -> pd.DataFrame:
    """NPS per wave and cell with its 95% margin of error and the change from the previous wave.

    Promoters answer 9-10, detractors 0-6; NPS = 100 x (promoters - detractors) / n. Columns:
    wave_id, wave, opened_on, wave_order, cell, n, promoters, passives, detractors, nps, margin,
    change, p_value, significant, suppressed.
    """
    sql = _responses_cte(by, filters, wave_ids) + """
        SELECT wave_id, cell, count(nps) AS n, """ + NPS_PROMOTERS_SQL + """ AS promoters,
               """ + NPS_PASSIVES_SQL + """ AS passives, """ + NPS_DETRACTORS_SQL + """ AS detractors
        FROM resp WHERE nps IS NOT NULL GROUP BY ALL
    """
    with store.reading() as db:
        frame = db.execute(sql, _params(survey_id, filters, wave_ids)).df().merge(_wave_order(db, survey_id),
                                                                                   on="wave_id")
    frame["nps"] = nps_score(frame["promoters"], frame["detractors"], frame["n"])
    frame["se"] = [statistics.nps_standard_error(p, d, n)
                   for p, d, n in zip(frame["promoters"], frame["detractors"], frame["n"])]
    frame["margin"] = [statistics.nps_margin(p, d, n)
                       for p, d, n in zip(frame["promoters"], frame["detractors"], frame["n"])]
    frame = _with_previous(frame, ["cell"], ["n", "nps", "se"])
    comparable = (frame["n"] >= MIN_RESPONSES) & (frame["previous_n"] >= MIN_RESPONSES)
    frame["change"] = (frame["nps"] - frame["previous_nps"]).where(comparable)
    frame["p_value"] = [statistics.nps_p_value(v, s, pv, ps) if ok else np.nan
                        for v, s, pv, ps, ok in zip(frame["nps"], frame["se"], frame["previous_nps"],
                                                    frame["previous_se"], comparable)]
    frame = _suppress(frame, ["promoters", "passives", "detractors", "nps", "margin", "change", "p_value"], ["wave_id"])
    frame["significant"] = frame["p_value"] < statistics.SIGNIFICANCE
    return frame[["wave_id", "wave", "opened_on", "wave_order", "cell", "n", "promoters", "passives", "detractors",
                  "nps", "margin", "change", "p_value", "significant", "suppressed"]].sort_values(
        ["wave_order", "cell"], ignore_index=True)


def csat_with_interval(store: Store, survey_id: int, filters: Filters = Filters(), by: str = "all",
                       wave_ids: list[int] | None = None) -> pd.DataFrame:
    """CSAT per wave and cell: the share answering 4 or 5 (of 1-5) with its Wilson 95% interval.

    Columns: wave_id, wave, opened_on, wave_order, cell, n, satisfied, share, ci_low, ci_high,
    mean_score, change, p_value, significant, suppressed.
    """
    sql = _responses_cte(by, filters, wave_ids) + """
        SELECT wave_id, cell, count(csat) AS n, """ + CSAT_SATISFIED_SQL + """ AS satisfied, avg(csat) AS mean_score
        FROM resp WHERE csat IS NOT NULL GROUP BY ALL
    """
    with store.reading() as db:
        frame = db.execute(sql, _params(survey_id, filters, wave_ids)).df().merge(_wave_order(db, survey_id),
                                                                                   on="wave_id")
    frame["share"] = frame["satisfied"] / frame["n"]
    frame["ci_low"], frame["ci_high"] = statistics.share_interval(frame["satisfied"].to_numpy(), frame["n"].to_numpy())
    frame = _with_previous(frame, ["cell"], ["n", "satisfied", "share"])
    comparable = (frame["n"] >= MIN_RESPONSES) & (frame["previous_n"] >= MIN_RESPONSES)
    frame["change"] = (frame["share"] - frame["previous_share"]).where(comparable)
    frame["p_value"] = [statistics.share_p_value(int(s), int(n), int(ps), int(pn)) if ok else np.nan
                        for s, n, ps, pn, ok in zip(frame["satisfied"], frame["n"], frame["previous_satisfied"].fillna(0),
                                                    frame["previous_n"].fillna(0), comparable)]
    frame = _suppress(frame, ["satisfied", "share", "ci_low", "ci_high", "mean_score", "change", "p_value"],
                      ["wave_id"])
    frame["significant"] = frame["p_value"] < statistics.SIGNIFICANCE
    return frame[["wave_id", "wave", "opened_on", "wave_order", "cell", "n", "satisfied", "share", "ci_low",
                  "ci_high", "mean_score", "change", "p_value", "significant", "suppressed"]].sort_values(
        ["wave_order", "cell"], ignore_index=True)


WEEKLY_SATISFACTION_COLUMNS = ("period_start", "csat_n", "satisfied", "csat", "nps_n", "promoters", "detractors",
                               "nps")


def weekly_satisfaction(store: Store, periods: list[Period], time_zone: ZoneInfo,
                        filters: Filters = Filters()) -> pd.DataFrame:
    """CSAT and NPS per period (e.g. week) from every survey's responses submitted in it, one query for all periods.

    The formulas of :func:`csat_with_interval` and :func:`nps_with_margin` (CSAT: share of 1-5 answers that are 4
    or 5; NPS: 100 x (promoters - detractors) / respondents), the filters applied to respondents as there. One row
    per period, oldest first (columns :data:`WEEKLY_SATISFACTION_COLUMNS`); a period with fewer than
    :data:`MIN_RESPONSES` answers to a question has no figure for it (its counts are kept, as response counts
    reveal no answers).
    """
    if not periods:
        return pd.DataFrame(columns=list(WEEKLY_SATISFACTION_COLUMNS))
    bounds = [period.bounds(time_zone) for period in periods]
    sql = _responses_cte("all", filters, None, any_survey=True) + """,
        periods AS (SELECT unnest($starts::TIMESTAMPTZ[]) AS period_start, unnest($ends::TIMESTAMPTZ[]) AS period_end),
        counted AS (
            SELECT p.period_start, count(r.csat) AS csat_n, """ + CSAT_SATISFIED_SQL + """ AS satisfied,
                   count(r.nps) AS nps_n, """ + NPS_PROMOTERS_SQL + """ AS promoters,
                   """ + NPS_DETRACTORS_SQL + """ AS detractors
            FROM periods p JOIN resp r ON r.submitted_at >= p.period_start AND r.submitted_at < p.period_end
            WHERE r.submitted_at >= $first_start AND r.submitted_at < $last_end
            GROUP BY p.period_start
        )
        SELECT p.period_start, coalesce(c.csat_n, 0) AS csat_n, coalesce(c.satisfied, 0) AS satisfied,
               coalesce(c.nps_n, 0) AS nps_n, coalesce(c.promoters, 0) AS promoters,
               coalesce(c.detractors, 0) AS detractors
        FROM periods p LEFT JOIN counted c USING (period_start) ORDER BY p.period_start
    """
    params = {"starts": [start for start, _ in bounds], "ends": [end for _, end in bounds],
              "first_start": min(start for start, _ in bounds), "last_end": max(end for _, end in bounds),
              **filters.params()}
    with store.reading() as db:
        frame = db.execute(sql, params).df()
    frame["csat"] = (frame["satisfied"] / frame["csat_n"]).where(frame["csat_n"] >= MIN_RESPONSES).astype(float)
    frame["nps"] = nps_score(frame["promoters"], frame["detractors"], frame["nps_n"]).where(
        frame["nps_n"] >= MIN_RESPONSES).astype(float)
    return frame[list(WEEKLY_SATISFACTION_COLUMNS)]


_RESPONSE_RATES = """
    SELECT w.wave_id, w.name AS wave, w.opened_on, g.group_id, g.name AS customer_group,
           coalesce(any_value(i.invited), 0) AS invited, count(r.response_id) AS responses
    FROM survey_waves w CROSS JOIN customer_groups g
    LEFT JOIN survey_invitations i ON i.wave_id = w.wave_id AND i.group_id = g.group_id
    LEFT JOIN survey_responses r ON r.wave_id = w.wave_id AND r.group_id = g.group_id
    WHERE w.survey_id = $survey AND (len($groups::INTEGER[]) = 0 OR list_contains($groups::INTEGER[], g.group_id))
      AND ($waves::INTEGER[] IS NULL OR list_contains($waves::INTEGER[], w.wave_id))
    GROUP BY ALL HAVING invited > 0 OR responses > 0
    ORDER BY w.opened_on, w.wave_id, g.name  -- waves in the order of dimension_scores' wave_order
"""


def response_rates(store: Store, survey_id: int, filters: Filters = Filters(),
                   wave_ids: list[int] | None = None) -> pd.DataFrame:
    """Invitations and responses per wave (of ``wave_ids``, default all) and customer group; rate = responses /
    invited.

    Counts of responses reveal no answers, so they are not suppressed; the rate is missing
    where nobody was invited (e.g. post-request feedback, which has no invitation list).
    """
    with store.reading() as db:
        frame = db.execute(_RESPONSE_RATES, {"survey": survey_id, "groups": list(filters.group_ids),
                                             "waves": None if wave_ids is None else list(wave_ids)}).df()
    frame["rate"] = (frame["responses"] / frame["invited"].where(frame["invited"] > 0)).astype(float)
    return frame


@dataclass(frozen=True)
class CommentSelection:
    """Comments matching a choice, lowest scores first; none from a wave where fewer than 5 respondents match."""

    comments: pd.DataFrame  # response_id, submitted_at, wave, customer_group, score, band, comment
    respondents: int
    suppressed: bool


def comments(store: Store, survey_id: int, filters: Filters = Filters(), wave_ids: list[int] | None = None,
             dimension: str | None = None, band: str | None = None, limit: int = 200) -> CommentSelection:
    """Respondents' comments, lowest-scoring respondents first.

    A respondent's score is their mean perception over the chosen dimension's items (all items
    when none is chosen), or their CSAT in a survey without items. Bands split the scale in
    thirds: low, middle, high. Respondents with no score are listed last when neither a dimension
    nor a band is chosen. Each wave and each customer group within a wave is a cell: no comment
    is returned from a wave where fewer than 5 respondents match, and a comment's customer group
    reads "fewer than 5 responses" where fewer than 5 of the wave's matching respondents are in it.
    ``suppressed`` is set when no wave has 5 matching respondents.
    """
    instrument = load_instrument(store, survey_id)
    low, high = (instrument.scale_min, instrument.scale_max) if instrument.items else CSAT_RANGE
    sql = _responses_cte("all", filters, wave_ids) + """,
        item_scores AS (
            SELECT a.response_id, avg(a.perception) AS score
            FROM survey_answers a JOIN survey_items i USING (item_id)
            WHERE a.response_id IN (SELECT response_id FROM resp) AND ($dimension IS NULL OR i.dimension = $dimension)
            GROUP BY ALL
        ),
        scored AS (
            SELECT resp.response_id, resp.submitted_at, resp.customer_group, resp.comment, resp.wave_id,
                   CASE WHEN $by_csat THEN resp.csat::DOUBLE ELSE s.score END AS score
            FROM resp LEFT JOIN item_scores s USING (response_id)
        ),
        banded AS (
            SELECT *, CASE WHEN score IS NULL THEN NULL
                           WHEN (score - $low) / ($high - $low) < 1 / 3 THEN 'low'
                           WHEN (score - $low) / ($high - $low) > 2 / 3 THEN 'high' ELSE 'middle' END AS band
            FROM scored WHERE score IS NOT NULL OR ($dimension IS NULL AND $band IS NULL)
        ),
        matched AS (
            SELECT *, count(*) OVER (PARTITION BY wave_id) AS in_wave,
                   count(*) OVER (PARTITION BY wave_id, customer_group) AS in_group
            FROM banded WHERE ($band IS NULL OR band = $band)
        ),
        shown AS (
            SELECT m.response_id, m.submitted_at, w.name AS wave,
                   CASE WHEN m.in_group < $min_responses THEN $suppressed ELSE m.customer_group END AS customer_group,
                   m.score, m.band, CASE WHEN m.in_wave >= $min_responses THEN m.comment END AS comment,
                   count(*) OVER () AS respondents,
                   sum(CASE WHEN m.in_wave >= $min_responses THEN 1 ELSE 0 END) OVER () AS in_shown_waves
            FROM matched m JOIN survey_waves w USING (wave_id)
        )
        SELECT * FROM shown
        ORDER BY comment IS NULL, score, submitted_at DESC
        LIMIT $limit
    """
    params = {**_params(survey_id, filters, wave_ids), "dimension": dimension, "band": band, "low": low,
              "high": high, "limit": limit, "by_csat": not instrument.items, "min_responses": MIN_RESPONSES,
              "suppressed": SUPPRESSED}
    with store.reading() as db:
        frame = db.execute(sql, params).df()
    respondents = int(frame["respondents"].iloc[0]) if len(frame) else 0
    in_shown_waves = int(frame["in_shown_waves"].iloc[0]) if len(frame) else 0
    frame = frame[frame["comment"].notna()].drop(columns=["respondents", "in_shown_waves"]).reset_index(drop=True)
    if in_shown_waves < MIN_RESPONSES:
        return CommentSelection(frame.iloc[0:0], respondents, True)
    return CommentSelection(frame, respondents, False)


@dataclass(frozen=True)
class WaveSummary:
    """The latest wave of a survey as of a day, for the weekly review and the management pack."""

    survey_id: int
    survey: str
    wave_id: int
    wave: str
    in_progress: bool
    headline_measure: str
    headline: pd.Series | None  # the overall row of dimension_scores (mean, change, significant...)
    scores: pd.DataFrame  # the dimension_scores it comes from: this wave's and the one before's, at least
    nps: pd.Series | None
    csat: pd.Series | None
    responses: int
    invited: int


def latest_wave(store: Store, as_of: dt.date, post_request: bool = False) -> tuple[int, int] | None:
    """(survey_id, wave_id) of the newest wave opened by ``as_of`` that has responses.

    ``post_request`` chooses between the wave surveys (False) and post-request feedback (True).
    """
    with store.reading() as db:
        return db.execute("""
            SELECT w.survey_id, w.wave_id FROM survey_waves w JOIN surveys s USING (survey_id)
            WHERE coalesce(s.post_request, false) = ? AND w.opened_on <= ?
              AND EXISTS (SELECT 1 FROM survey_responses r WHERE r.wave_id = w.wave_id)
            ORDER BY w.opened_on DESC, w.wave_id DESC LIMIT 1
        """, [post_request, as_of]).fetchone()


def latest_wave_summary(store: Store, as_of: dt.date, filters: Filters = Filters(),
                        post_request: bool = False) -> WaveSummary | None:
    """The latest wave's overall score, NPS and CSAT with their change from the wave before; None if no wave."""
    found = latest_wave(store, as_of, post_request)
    if found is None:
        return None
    survey_id, wave_id = found
    instrument = load_instrument(store, survey_id)
    with store.reading() as db:
        order = _wave_order(db, survey_id).set_index("wave_id")
    current = order.loc[wave_id]
    wanted = order.index[order["wave_order"].between(current["wave_order"] - 1, current["wave_order"])].tolist()
    headline_measure = HEADLINE[instrument.style]
    # Only what the survey asks is read: the weekly review pays for this on every new week.
    empty = pd.DataFrame({"wave_id": pd.Series(dtype="int64")})
    scores = (dimension_scores(store, survey_id, filters, wave_ids=wanted) if instrument.items
              else pd.DataFrame(columns=list(SCORE_COLUMNS)))
    headline = scores[(scores["wave_id"] == wave_id) & (scores["unit"] == "overall")
                      & (scores["measure"] == headline_measure)]
    nps = nps_with_margin(store, survey_id, filters, wave_ids=wanted) if instrument.asks_nps else empty
    csat = csat_with_interval(store, survey_id, filters, wave_ids=wanted) if instrument.asks_csat else empty
    rates = response_rates(store, survey_id, filters, wave_ids=[wave_id])

    def row(frame: pd.DataFrame) -> pd.Series | None:
        frame = frame[frame["wave_id"] == wave_id]
        return frame.iloc[0] if len(frame) else None

    closed_on = current["closed_on"]
    return WaveSummary(
        survey_id, instrument.name, wave_id, str(current["wave"]),
        bool(pd.isna(closed_on) or pd.Timestamp(closed_on).date() >= as_of), headline_measure,
        row(headline), scores, row(nps), row(csat), int(rates["responses"].sum()), int(rates["invited"].sum()))


def with_suppression_text(frame: pd.DataFrame, formats: dict[str, str | Callable[[float], str]]) -> pd.DataFrame:
    """A copy for display and export: each column in ``formats`` as text (a pattern such as ``"{:.2f}"`` or a
    function of the value),
    and "fewer than 5 responses" in place of every figure of a suppressed row (:data:`WITHHELD` where the row
    has enough responses but is withheld so that a smaller one cannot be worked out)."""
    shown = frame.copy()
    for column, pattern in formats.items():
        shown[column] = [(SUPPRESSED if n < MIN_RESPONSES else WITHHELD) if hidden
                         else "" if pd.isna(value) else pattern(value) if callable(pattern) else pattern.format(value)
                         for value, hidden, n in zip(frame[column], frame["suppressed"], frame["n"])]
    return shown
