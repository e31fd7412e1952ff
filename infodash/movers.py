"""What changed, in words: the few biggest significant movers between a period and the period it is compared
with, across services, customer groups, channels, survey scores and usage, each written as a sentence with
its numbers ("Requests from Legal rose 40% to 56, the largest rise.").

The figures are those the pages show, read with the library's own queries or one aggregate per kind that
returns both periods' numbers:

- *Counts* -- requests received per service, customer group and channel, touchpoints per channel
  (:func:`infodash.review.touchpoints_by_channel`) and usage events per system and resource. Tested with
  the exact conditional binomial test of the two counts (given their sum, is the split what equal daily
  rates would give? The Poisson rate comparison; periods of unequal length are weighed by their days;
  the effect size, the absolute log rate ratio, adds half a count to each so a change from none is finite).
- *Attainment* per service, customer group and channel, as :func:`infodash.sla_reports.attainment_by` states it
  (one pass over both periods' judged requests with the library's ``ATTAINMENT_SQL``), tested with the
  two-sample z-test for proportions (:func:`infodash.statistics.share_p_value`).
- *Survey scores* of the latest wave by the period's end against the wave before, while that wave was open
  during the period: the RATER dimensions and overall score of the survey's headline measure (Welch's t),
  NPS (z-test) and CSAT (z-test for proportions), wave surveys and post-request feedback; the p-values are
  those :mod:`infodash.surveys` computes, and its suppressed cells (fewer than 5 responses) are left out.

Every p-value is then adjusted for the number of figures tested (Benjamini-Hochberg, controlling the false
discovery rate); a change is *significant* when its adjusted p is below 0.05. Small cells are not tested:
a share needs at least :data:`~infodash.surveys.MIN_RESPONSES` requests in both periods, a count that many in
one of them. Large counts make tiny changes significant, so a change must also be at least
:data:`MIN_EFFECT` in effect size (absolute log rate ratio for counts, Cohen's h for shares, Cohen's d for
scores: 0.1 is about a 10% change of a count). The significant changes are ranked by effect size, largest
first (ties: the order of :data:`FIGURES`, then the name), and the first :data:`TOP` are written out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from infodash import statistics
from infodash.db import Store
from infodash.filters import Filters
from infodash.formatting import format_figure, format_p_value, target_verdict
from infodash.pack_parts import _comparators, reporting_span
from infodash.periods import Period, ReportingPeriod
from infodash.review import touchpoints_by_channel
from infodash.service_requests import CHANNELS as REQUEST_CHANNELS
from infodash.sla_reports import ATTAINMENT_SQL, judged_params, judged_requests_sql
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.surveys import MEASURE_TITLES, MIN_RESPONSES, WaveSummary, latest_wave_summary
from infodash.touchpoints import CHANNELS as TOUCHPOINT_CHANNELS

TOP = 5
MIN_EFFECT = 0.1
CORRECTION = "Benjamini-Hochberg"

TESTS: dict[str, str] = {
    "count": "exact conditional binomial test of the two counts (Poisson rates per day)",
    "share": statistics.TEST_NAMES["share"],
    "mean": statistics.TEST_NAMES["mean"],
    "nps": statistics.TEST_NAMES["nps"],
}

# Each figure that can move: key -> (what it is in a sentence, how its value is written, its test).
FIGURES: dict[str, tuple[str, str, str]] = {
    "requests by service": ("Requests for {subject}", "count", "count"),
    "requests by customer group": ("Requests from {subject}", "count", "count"),
    "requests by channel": ("Requests via {subject}", "count", "count"),
    "attainment by service": ("Attainment for {subject}", "share", "share"),
    "attainment by customer group": ("Attainment for requests from {subject}", "share", "share"),
    "attainment by channel": ("Attainment for requests via {subject}", "share", "share"),
    "touchpoints by channel": ("Touchpoints via {subject}", "count", "count"),
    "survey score": ("{subject}", "score", "mean"),
    "nps": ("NPS {subject}", "nps", "nps"),
    "csat": ("CSAT {subject}", "share", "share"),
    "usage by system": ("Usage events in {subject}", "count", "count"),
    "usage by resource": ("Usage events on {subject}", "count", "count"),
}

CANDIDATE_COLUMNS = ("figure", "subject", "then", "now", "then_n", "now_n", "target", "p_value", "effect", "against")

DEFINITION = (
    "The biggest significant changes from the period compared with: requests per service, customer group and "
    "channel, service-level attainment per service, group and channel, touchpoints per channel, usage events per "
    "system and resource, and the survey wave open in the period against the wave before. Counts are tested with "
    "the exact conditional binomial test (Poisson rates), attainment and CSAT with the z-test for proportions, "
    "survey scores with Welch's t-test and NPS with a z-test; p-values are adjusted for the number of figures "
    f"tested ({CORRECTION}) and a change is listed when the adjusted p is below {statistics.SIGNIFICANCE} and its "
    f"effect size is at least {MIN_EFFECT} (about a 10% change of a count). Largest effect first; cells with "
    f"fewer than {MIN_RESPONSES} requests or responses are not tested.")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object" if column in ("figure", "subject", "against")
                                           else "float64") for column in CANDIDATE_COLUMNS})


def _cohen_h(now: float, then: float) -> float:
    return abs(2 * math.asin(math.sqrt(now)) - 2 * math.asin(math.sqrt(then)))


def rate_p_values(now: np.ndarray, then: np.ndarray, now_days: float, then_days: float) -> np.ndarray:
    """Two-sided p-values of the exact conditional binomial test of counts ``now`` against ``then`` (arrays):
    given their sum n, ``now`` ~ Binomial(n, now_days / (now_days + then_days)) when the daily rates are equal.
    Two-sided by doubling the smaller tail (capped at 1), which for periods of equal length is the same as
    :func:`scipy.stats.binomtest`'s; computed for all pairs at once."""
    now, then = np.asarray(now, dtype=float), np.asarray(then, dtype=float)
    total, expected = now + then, now_days / (now_days + then_days)
    lower = stats.binom.cdf(now, total, expected)
    upper = stats.binom.sf(now - 1, total, expected)
    return np.minimum(1.0, 2 * np.minimum(lower, upper))


def count_tests(figure: str | None, counts: pd.DataFrame, now_days: int, then_days: int) -> pd.DataFrame:
    """Candidates for ``figure`` (None: each row's ``figure`` column) from ``counts`` (subject, then, now): the exact
    conditional binomial test of each pair (:func:`rate_p_values`) and the effect size. Pairs where neither count
    reaches :data:`MIN_RESPONSES` are left out."""
    rows = counts[(counts["then"] >= MIN_RESPONSES) | (counts["now"] >= MIN_RESPONSES)]
    if rows.empty:
        return _empty()
    now, then = rows["now"].to_numpy(dtype=float), rows["then"].to_numpy(dtype=float)
    # Periods of different lengths (March against February) are compared per day, as the test compares them:
    # "then" is the earlier count scaled to the later period's days, so the sentence's verb and percentage say
    # what the test found; "then_n" keeps the count itself.
    return pd.DataFrame({
        "figure": rows["figure"].to_numpy() if figure is None else figure,
        "subject": rows["subject"].astype(str).to_numpy(), "then": then * now_days / then_days, "now": now,
        "then_n": then,
        "p_value": rate_p_values(now, then, now_days, then_days),
        "effect": np.abs(np.log((now + 0.5) / now_days) - np.log((then + 0.5) / then_days)),
    }).reindex(columns=CANDIDATE_COLUMNS)


def share_tests(figure: str | None, shares: pd.DataFrame) -> pd.DataFrame:
    """Candidates for ``figure`` (None: each row's ``figure`` column) from ``shares`` (subject, then_met, then_n,
    now_met, now_n, target; and the shares ``then`` and ``now`` as the library states them, else met / n): the
    z-test for proportions and Cohen's h.
    Cells with fewer than :data:`MIN_RESPONSES` in either period are left out."""
    rows = shares[(shares["then_n"] >= MIN_RESPONSES) & (shares["now_n"] >= MIN_RESPONSES)]
    if "now" not in rows:
        rows = rows.assign(now=rows["now_met"] / rows["now_n"], then=rows["then_met"] / rows["then_n"])
    found = []
    for row in rows.itertuples():
        now, then = float(row.now), float(row.then)
        found.append({"figure": row.figure if figure is None else figure, "subject": str(row.subject),
                      "then": then, "now": now,
                      "then_n": float(row.then_n), "now_n": float(row.now_n),
                      "target": None if pd.isna(row.target) else float(row.target),
                      "p_value": statistics.share_p_value(int(row.now_met), int(row.now_n), int(row.then_met),
                                                          int(row.then_n)),
                      "effect": _cohen_h(now, then)})
    return pd.DataFrame(found).reindex(columns=CANDIDATE_COLUMNS) if found else _empty()


# ---------------------------------------------------------------------------------------------------------------
# Reading the figures of both periods

_REQUEST_COUNTS = """
WITH request_rows AS (
    SELECT true AS is_now, customer_id, service_id, channel FROM requests r
    WHERE received_at >= $start AND received_at < $end {filters}
    UNION ALL
    SELECT false, customer_id, service_id, channel FROM requests r
    WHERE received_at >= $then_start AND received_at < $then_end {filters}
),
named AS (
    SELECT r.is_now, sv.name AS service, g.name AS customer_group, r.channel
    FROM request_rows r JOIN services sv USING (service_id) JOIN customers c USING (customer_id)
    JOIN customer_groups g ON g.group_id = c.group_id
)
SELECT 'requests by service' AS figure, service AS subject, count(*) FILTER (NOT is_now) AS then_count,
       count(*) FILTER (is_now) AS now_count FROM named GROUP BY ALL
UNION ALL
SELECT 'requests by customer group', customer_group, count(*) FILTER (NOT is_now), count(*) FILTER (is_now)
FROM named GROUP BY ALL
UNION ALL
SELECT 'requests by channel', channel, count(*) FILTER (NOT is_now), count(*) FILTER (is_now) FROM named GROUP BY ALL
ORDER BY 1, 2
"""

_USAGE_COUNTS = """
WITH usage_rows AS (
    SELECT true AS is_now, system_id, resource FROM usage_events e
    WHERE occurred_at >= $start AND occurred_at < $end {filters}
    UNION ALL
    SELECT false, system_id, resource FROM usage_events e
    WHERE occurred_at >= $then_start AND occurred_at < $then_end {filters}
),
counted AS (
    SELECT system_id, resource, count(*) FILTER (NOT is_now) AS then_count, count(*) FILTER (is_now) AS now_count
    FROM usage_rows GROUP BY ALL
)
SELECT 'usage by system' AS figure, s.name AS subject, sum(then_count)::BIGINT AS then_count,
       sum(now_count)::BIGINT AS now_count
FROM counted JOIN systems s USING (system_id) GROUP BY ALL
UNION ALL
SELECT 'usage by resource', k.resource || ' (' || s.name || ')', then_count, now_count
FROM counted k JOIN systems s USING (system_id) WHERE k.resource IS NOT NULL
ORDER BY 1, 2
"""


def _both_periods(period: Period, compared: Period, time_zone: ZoneInfo) -> dict[str, object]:
    (start, end), (then_start, then_end) = period.bounds(time_zone), compared.bounds(time_zone)
    return {"start": start, "end": end, "then_start": then_start, "then_end": then_end}


def count_candidates(store: Store, period: Period, compared: Period, time_zone: ZoneInfo,
                     filters: Filters = Filters()) -> pd.DataFrame:
    """Requests per service, customer group and channel, touchpoints per channel and usage events per system and
    resource, in ``period`` and ``compared``, each pair tested (see :func:`count_tests`). The customer-group filter
    applies to usage as on the Usage page; the service filter does not."""
    params = _both_periods(period, compared, time_zone)
    usage_filter = Filters(group_ids=filters.group_ids)
    with store.reading() as db:
        requests = db.execute(_REQUEST_COUNTS.format(filters=filters.conditions("r.customer_id", "r.service_id")),
                              {**params, **filters.params()}).df()
        usage = db.execute(_USAGE_COUNTS.format(filters=usage_filter.conditions("e.customer_id")),
                           {**params, **usage_filter.params()}).df()
    channels = touchpoints_by_channel(store, [compared, period], time_zone, filters)
    by_period = {when: dict(zip(rows["channel"], rows["touchpoints"]))
                 for when, rows in ((True, channels[channels["period"] == period.start]),
                                    (False, channels[channels["period"] != period.start]))}
    touched = sorted(set(by_period[True]) | set(by_period[False]))
    touchpoints = pd.DataFrame({"figure": "touchpoints by channel", "subject": touched,
                                "then_count": [by_period[False].get(channel, 0) for channel in touched],
                                "now_count": [by_period[True].get(channel, 0) for channel in touched]})
    found = [frame for frame in (requests, touchpoints, usage) if len(frame)]
    counts = pd.concat(found, ignore_index=True) if found else touchpoints
    labels = {"requests by channel": REQUEST_CHANNELS, "touchpoints by channel": TOUCHPOINT_CHANNELS}
    counts["subject"] = [labels.get(figure, {}).get(subject, subject)
                         for figure, subject in zip(counts["figure"], counts["subject"])]
    return count_tests(None, counts.rename(columns={"then_count": "then", "now_count": "now"}), period.days,
                       compared.days)


# Attainment and the requests it is computed over (its denominator: met, breached, or open and past due) per
# service, customer group and channel in both periods, in one pass over the judged requests (see
# infodash.sla_reports.judged_requests_sql), attainment itself by the library's own ATTAINMENT_SQL.
_ATTAINMENT_CELLS = """,
cells AS (
    SELECT r.received_at >= $split AS is_now, sv.name AS service, g.name AS customer_group, r.channel, r.outcome,
           r.primary_target_share
    FROM judged r JOIN customers c ON c.customer_id = r.customer_id
    JOIN customer_groups g ON g.group_id = c.group_id JOIN services sv ON sv.service_id = r.service_id
    WHERE r.received_at < $then_end OR r.received_at >= $split
)
SELECT grouping(service, customer_group, channel) AS grouping_set, is_now, service, customer_group, channel,
       count(*) FILTER (r.outcome = 'met') AS met,
       count(*) FILTER (r.outcome IN ('met', 'breached', 'open_breached')) AS judged,
       {attainment} AS attainment, max(r.primary_target_share) AS target
FROM cells r
GROUP BY GROUPING SETS ((is_now, service), (is_now, customer_group), (is_now, channel))
"""
_ATTAINMENT_SETS = {"service": 0b011, "customer group": 0b101, "channel": 0b110}  # grouping() of each set


def attainment_candidates(store: Store, period: Period, compared: Period, time_zone: ZoneInfo,
                          filters: Filters = Filters(), now: dt.datetime | None = None) -> pd.DataFrame:
    """Service-level attainment per service, customer group and channel in ``period`` and ``compared`` (before
    it), as :func:`infodash.sla_reports.attainment_by` states it (open requests judged against ``now``), each pair
    tested (see :func:`share_tests`); the target is the share the policy promises."""
    sql = (judged_requests_sql(filters.conditions("r.customer_id", "r.service_id"))
           + _ATTAINMENT_CELLS.format(attainment=ATTAINMENT_SQL))
    params = {**judged_params(Period(compared.start, period.end), time_zone, now), **filters.params(),
              "split": period.bounds(time_zone)[0], "then_end": compared.bounds(time_zone)[1]}
    with store.reading() as db:
        frame = db.execute(sql, params).df()
    figures = {grouping_set: f"attainment by {dimension}" for dimension, grouping_set in _ATTAINMENT_SETS.items()}
    frame = frame.assign(figure=frame["grouping_set"].map(figures),
                         subject=frame["service"].fillna(frame["customer_group"]).fillna(frame["channel"]))
    channel = frame["figure"] == "attainment by channel"
    frame.loc[channel, "subject"] = frame.loc[channel, "subject"].map(lambda value: REQUEST_CHANNELS.get(value, value))
    both = frame[frame["is_now"]].merge(frame[~frame["is_now"]], on=["figure", "subject"], suffixes=("_now", "_then"))
    return share_tests(None, pd.DataFrame({
        "figure": both["figure"], "subject": both["subject"], "then_met": both["met_then"],
        "then_n": both["judged_then"], "now_met": both["met_now"], "now_n": both["judged_now"],
        "then": both["attainment_then"], "now": both["attainment_now"], "target": both["target_now"]}))


def _previous_wave(store: Store, summary: WaveSummary, period: Period) -> str | None:
    """The name of the wave before ``summary``'s when its wave was open during ``period``; None when it was not
    (or it is the survey's first)."""
    with store.reading() as db:
        order = db.execute("SELECT wave_id, name, opened_on, closed_on FROM survey_waves WHERE survey_id = ? "
                           "ORDER BY opened_on, wave_id", [summary.survey_id]).df()
    position = order.index[order["wave_id"] == summary.wave_id][0]
    opened, closed = pd.Timestamp(order.loc[position, "opened_on"]).date(), order.loc[position, "closed_on"]
    was_open = opened < period.end and (pd.isna(closed) or pd.Timestamp(closed).date() >= period.start)
    return str(order.loc[position - 1, "name"]) if was_open and position > 0 else None


def survey_tests(summary: WaveSummary, previous_wave: str) -> pd.DataFrame:
    """Candidates from a wave's summary: the headline measure per RATER dimension and overall (Welch's t),
    NPS and CSAT, with the p-values :mod:`infodash.surveys` computed against the wave before (named
    ``previous_wave``). Suppressed cells (fewer than 5 responses in either wave) have no p-value and are left
    out."""
    scores = summary.scores
    found = []
    mine = scores[(scores["wave_id"] == summary.wave_id) & (scores["measure"] == summary.headline_measure)
                  & scores["unit"].isin((*RATER_DIMENSIONS, "overall")) & scores["p_value"].notna()]
    title = "Perceived score" if summary.headline_measure == "perception" else \
        MEASURE_TITLES[summary.headline_measure]
    for row in mine.itertuples():
        before = scores[(scores["wave_order"] == row.wave_order - 1) & (scores["unit"] == row.unit)
                        & (scores["measure"] == row.measure)]
        if before.empty:
            continue
        spread = math.sqrt((row.sd ** 2 + float(before["sd"].iloc[0]) ** 2) / 2)
        where = "overall" if row.unit == "overall" else f"for {row.unit.capitalize()}"
        found.append({"figure": "survey score", "subject": f"{title} {where} in the {summary.wave} wave",
                      "then": float(before["mean"].iloc[0]), "now": float(row.mean), "now_n": float(row.n),
                      "then_n": float(before["n"].iloc[0]), "p_value": float(row.p_value),
                      "effect": abs(row.change) / spread if spread else math.inf,
                      "against": previous_wave})
    nps = summary.nps
    if nps is not None and not pd.isna(nps["p_value"]):
        spread = statistics.nps_standard_error(int(nps["promoters"]), int(nps["detractors"]), int(nps["n"])) \
            * math.sqrt(nps["n"])
        found.append({"figure": "nps", "subject": f"in the {summary.wave} wave", "then": nps["nps"] - nps["change"],
                      "now": float(nps["nps"]), "now_n": float(nps["n"]), "p_value": float(nps["p_value"]),
                      "effect": abs(nps["change"]) / spread if spread else math.inf, "against": previous_wave})
    csat = summary.csat
    if csat is not None and not pd.isna(csat["p_value"]):
        then = float(csat["share"] - csat["change"])
        found.append({"figure": "csat", "subject": f"in the {summary.wave} wave", "then": then,
                      "now": float(csat["share"]), "now_n": float(csat["n"]), "p_value": float(csat["p_value"]),
                      "effect": _cohen_h(float(csat["share"]), then), "against": previous_wave})
    return pd.DataFrame(found).reindex(columns=CANDIDATE_COLUMNS) if found else _empty()


def survey_candidates(store: Store, period: Period, filters: Filters = Filters(),
                      summaries: tuple[WaveSummary | None, ...] | None = None) -> pd.DataFrame:
    """The survey figures of the latest wave by the end of ``period`` (wave surveys and post-request feedback)
    against the wave before, for the waves that were open during ``period``. ``summaries`` may pass the
    :func:`infodash.surveys.latest_wave_summary` results already read for the period's last day (as the weekly
    review has them)."""
    if summaries is None:
        last_day = period.end - dt.timedelta(days=1)
        summaries = tuple(latest_wave_summary(store, last_day, filters, post_request) for post_request in (False, True))
    found = []
    for summary in summaries:
        previous_wave = None if summary is None else _previous_wave(store, summary, period)
        if summary is not None and previous_wave is not None:
            found.append(survey_tests(summary, previous_wave))
    return combined(found)


def figure_candidates(store: Store, period: Period, compared: Period, time_zone: ZoneInfo,
                      filters: Filters = Filters(), now: dt.datetime | None = None) -> pd.DataFrame:
    """:func:`count_candidates` and :func:`attainment_candidates` together: every figure but the surveys'."""
    return combined([count_candidates(store, period, compared, time_zone, filters),
                    attainment_candidates(store, period, compared, time_zone, filters, now)])


def combined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Candidate frames (rows of :data:`CANDIDATE_COLUMNS`) as one, empty ones left out."""
    frames = [frame for frame in frames if len(frame)]
    return pd.concat(frames, ignore_index=True).reindex(columns=CANDIDATE_COLUMNS) if frames else _empty()


# ---------------------------------------------------------------------------------------------------------------
# Ranking and writing

MOVER_COLUMNS = ("sentence", "figure", "subject", "then", "now", "change", "test", "p_value", "adjusted_p_value",
                 "effect")


@dataclass(frozen=True)
class WhatChanged:
    """The biggest significant movers, as sentences, and how many figures were tested."""

    compared_with: str  # "the previous week", "the same days of the week before (16-18 Nov 2026)"
    movers: pd.DataFrame  # MOVER_COLUMNS, largest effect first
    tested: int
    significant: int  # of the tested: how many changed significantly (the movers are the first TOP of them)

    @property
    def sentences(self) -> list[str]:
        """One sentence per mover; or one saying that nothing moved."""
        if self.movers.empty:
            return [f"No figure changed significantly from {self.compared_with}."]
        return list(self.movers["sentence"])

    @property
    def summary(self) -> str:
        """E.g. "7 of the 112 figures tested changed significantly from the previous week; the 5 largest."."""
        if not self.tested:
            return (f"Nothing to test: no figure had enough requests, touchpoints, usage or survey responses in this "
                    f"period and {self.compared_with}.")
        if self.movers.empty:
            return f"None of the {self.tested:,} figures tested changed significantly from {self.compared_with}."
        largest = "" if self.significant <= len(self.movers) else f"; the {len(self.movers)} largest"
        return (f"{self.significant:,} of the {self.tested:,} figures tested changed significantly from "
                f"{self.compared_with}{largest}.")

    def table(self) -> pd.DataFrame:
        """The movers with their test and p-values written out (for a table on the page or in the pack)."""
        return pd.DataFrame({
            "change": self.movers["sentence"], "test": self.movers["test"],
            "p_value": [format_p_value(p, named=False) for p in self.movers["p_value"]],
            "adjusted_p_value": [format_p_value(p, named=False) for p in self.movers["adjusted_p_value"]]})


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _movement(kind: str, then: float, now: float) -> str:
    verb = "rose" if now > then else "fell"
    if kind == "count":
        if then == 0:
            return f"rose from none to {format_figure(now, 'count')}"
        if now == 0:
            return f"fell from {format_figure(then, 'count')} to none"
        return f"{verb} {abs(now / then - 1) * 100:.0f}% to {format_figure(now, 'count')}"
    if kind == "share":
        return f"{verb} {abs(now - then) * 100:.1f} points to {format_figure(now, 'share')}"
    if kind == "nps":
        return f"{verb} {abs(now - then):.0f} points to {format_figure(now, 'count')}"
    return f"{verb} {format_figure(abs(now - then), 'score')} to {format_figure(now, 'score')}"


_VERDICTS = {"met": "meeting its {target} target", "close": "just below its {target} target",
             "missed": "below its {target} target"}


def sentence(figure: str, subject: str, then: float, now: float, target: float | None = None, against: str = "",
             largest: str = "") -> str:
    """One mover in words, e.g. "Requests from Legal rose 40% to 56, the largest rise." ``largest`` ("rise" or
    "fall") adds that it is the largest of its direction; ``target`` the verdict against it; ``against`` the
    wave compared with."""
    what, kind, _ = FIGURES[figure]
    text = f"{what.format(subject=subject)} {_movement(kind, then, now)}"
    if against:
        text += f" against the {against} wave"
    verdict = target_verdict(now, target)
    if verdict is not None and target is not None:
        text += ", " + _VERDICTS[verdict].format(target=_percent(target))
    if largest:
        text += f", the largest {largest}"
    return text[0].upper() + text[1:] + "."


def rank_movers(candidates: pd.DataFrame, compared_with: str, limit: int = TOP) -> WhatChanged:
    """The significant changes among ``candidates`` (rows of :data:`CANDIDATE_COLUMNS`), p-values adjusted for
    the number tested (:data:`CORRECTION`), ranked by effect size (ties: the order of :data:`FIGURES`, then the
    subject), the first ``limit`` written as sentences."""
    tested = candidates[candidates["p_value"].notna()].reset_index(drop=True)
    if tested.empty:
        return WhatChanged(compared_with, pd.DataFrame(columns=list(MOVER_COLUMNS)), 0, 0)
    tested["adjusted_p_value"] = multipletests(tested["p_value"].astype(float).to_numpy(),
                                               alpha=statistics.SIGNIFICANCE, method="fdr_bh")[1]
    significant = tested[(tested["adjusted_p_value"] < statistics.SIGNIFICANCE)
                         & (tested["effect"] >= MIN_EFFECT) & (tested["now"] != tested["then"])].copy()
    order = {figure: number for number, figure in enumerate(FIGURES)}
    significant["figure_order"] = significant["figure"].map(order)
    significant = significant.sort_values(["effect", "figure_order", "subject"], ascending=[False, True, True],
                                          kind="stable").head(limit).reset_index(drop=True)
    rises = significant["now"] > significant["then"]
    sentences = []
    for position, row in enumerate(significant.itertuples()):
        rise = bool(rises.iloc[position])
        same_direction = rises[rises == rise]
        first_of_direction = same_direction.index[0] == position and len(same_direction) > 1
        sentences.append(sentence(row.figure, row.subject, row.then, row.now,
                                  None if pd.isna(row.target) else row.target,
                                  "" if pd.isna(row.against) else row.against,
                                  ("rise" if rise else "fall") if first_of_direction else ""))
    movers = pd.DataFrame({
        "sentence": sentences, "figure": significant["figure"], "subject": significant["subject"],
        "then": significant["then"], "now": significant["now"], "change": significant["now"] - significant["then"],
        "test": [TESTS[FIGURES[figure][2]] for figure in significant["figure"]],
        "p_value": significant["p_value"], "adjusted_p_value": significant["adjusted_p_value"],
        "effect": significant["effect"]})
    return WhatChanged(compared_with, movers[list(MOVER_COLUMNS)], len(tested),
                       int(((tested["adjusted_p_value"] < statistics.SIGNIFICANCE) & (tested["effect"] >= MIN_EFFECT)
                            & (tested["now"] != tested["then"])).sum()))


def what_changed(store: Store, period: Period, compared: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                 now: dt.datetime | None = None, compared_with: str = "the previous week", limit: int = TOP,
                 summaries: tuple[WaveSummary | None, ...] | None = None) -> WhatChanged:
    """The biggest significant movers from ``compared`` to ``period`` (see the module's rules), open requests
    judged against ``now`` (default: the present). ``compared_with`` names ``compared`` in the sentence said
    when nothing moved; ``summaries``: see :func:`survey_candidates`."""
    candidates = combined([figure_candidates(store, period, compared, time_zone, filters, now),
                          survey_candidates(store, period, filters, summaries)])
    return rank_movers(candidates, compared_with, limit)


def what_changed_section(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters,
                         now: dt.datetime) -> WhatChanged:
    """The management pack's first page: what changed in ``period`` (so far) from the previous period of the same
    kind (its same first days when ``period`` is still running)."""
    covered, partial = reporting_span(period, time_zone, now)
    previous = _comparators(period, covered, partial)[0]
    assert previous.days is not None  # the previous period always exists
    return what_changed(store, covered, previous.days, time_zone, filters, now, previous.name)

