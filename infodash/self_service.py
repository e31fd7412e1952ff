"""Self-service opportunities: the routine requests customers could handle themselves, and the staff hours
they cost.

Request subjects are grouped by text similarity, not by hand-written rules:

1. **Normalise** each subject in DuckDB: lower case; the requester's own name, surname and login become
   ``‹name›``; e-mail addresses ``‹e-mail›``; any word holding a digit (ids, dates, logins, DOIs)
   ``‹number›``; punctuation and single letters (initials) go. Names of systems and databases are kept.
2. **Group identical** normalised subjects in SQL, so a million requests become a few thousand distinct
   subjects. The :data:`MAX_CLUSTERED` most frequent are clustered; the rest join the cluster whose centre
   is nearest, if it is within the same distance, and are otherwise left ungrouped (counted, not hidden).
3. **Cluster** with scikit-learn: TF-IDF on words and on character 3-5-grams (so "jsmith" and "smith",
   "reset" and "resets" are near), rows scaled to unit length, then agglomerative clustering with average
   linkage on cosine distance, merging while groups are closer than :data:`DISTANCE_THRESHOLD`. Nothing is
   random, so the same subjects always give the same groups.

A group of subjects is a *candidate*: named by its most typical subject (the normalised subject most
similar to the rest of its group, requests weighted) and its top words. Figures per candidate, for requests
received in a period: requests and share, median effort and time to resolve, staff hours per month (see
:data:`DEFINITIONS`), whether it is routine (:data:`ROUTINE_RULE`), ranked by the hours self-service would
free.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from infodash.db import Store
from infodash.filters import Filters
from infodash.periods import Period

# How many distinct normalised subjects are clustered (the most frequent ones). Clustering needs their pairwise
# distances: 3,000 subjects take about 70 MB and a second or two; the rest join the nearest group.
MAX_CLUSTERED = 3_000
# Cosine distance (0 = the same words, 1 = nothing in common) below which groups of subjects merge.
DISTANCE_THRESHOLD = 0.6
# A candidate repeats when it has at least this many requests in the period and this share of all of them.
MIN_REQUESTS = 10
MIN_SHARE = 0.005
# Requests without logged effort count at their candidate's median effort when it has at least this many
# requests with logged effort; otherwise at their service's median.
MIN_MEASURED = 5
USE_IDF = False
DAYS_PER_MONTH = 365.25 / 12
PLACEHOLDERS = {"xname": "‹name›", "xemail": "‹e-mail›", "xnumber": "‹number›"}

ROUTINE_RULE = (
    "Routine = it repeats (at least {min_requests} requests in the period and at least {min_share:.1%} of all "
    "requests), it takes little effort (median effort at or below the median of all requests with effort "
    "logged) and it is resolved quickly (median business hours to resolve at or below the median of all "
    "resolved requests)."
).format(min_requests=MIN_REQUESTS, min_share=MIN_SHARE)

DEFINITIONS: dict[str, str] = {
    "label": "The candidate's most typical subject: of its subjects, normalised (the requester's name, e-mail "
             "addresses and numbers replaced), the one most similar to the others.",
    "top_words": "The words that weigh most in the candidate's subjects (TF-IDF).",
    "requests": "Requests of this candidate received in the period (declined ones included).",
    "share": "Its requests as a share of all requests received in the period for the chosen filters.",
    "requests_per_month": "Requests in the period / months in the period (days / 30.4).",
    "median_effort_minutes": "Median minutes of effort per request, over the requests with touchpoints linked "
                             "to them (all their touchpoints' minutes added up).",
    "measured_share": "Share of its requests whose effort comes from linked touchpoints; the others are "
                      "estimated.",
    "median_hours": "Median business hours from receipt to resolution, as the service-level engine judges them: "
                    "opening hours only, time waiting on the customer or a vendor left out (resolved requests).",
    "hours_per_month": "Staff hours per month: the minutes of the touchpoints linked to its requests, plus, for "
                       "each request without one, an estimate: the candidate's median effort when at least "
                       f"{MIN_MEASURED} of its requests have effort logged, otherwise its service's median "
                       "effort in the period; added up, in hours, divided by the months in the period. All of "
                       "it would be freed if customers did these themselves.",
    "routine": ROUTINE_RULE,
    "rank": "Routine candidates ranked by staff hours per month, largest first.",
    "service_share": "Of each service's (or customer group's) requests in the period, the share that belong to "
                     "routine candidates.",
}


@dataclass(frozen=True)
class SubjectGroups:
    """How request subjects group: ``subjects`` maps each distinct normalised subject (``normalised``,
    ``requests``) to its ``candidate`` (-1: left ungrouped); ``candidates`` holds per candidate its ``label``,
    ``top_words``, ``subjects`` (distinct normalised ones) and ``requests`` (all time)."""

    subjects: pd.DataFrame
    candidates: pd.DataFrame
    distinct: int  # distinct normalised subjects
    clustered: int  # of them, clustered (the most frequent, at most MAX_CLUSTERED)
    ungrouped_requests: int  # requests whose subject joined no group


# The requester's name, surname and login, and e-mail addresses and words with digits, replaced before grouping.
# Names are replaced as plain text (replace, not a pattern), so any name is safe.
_NAMES_REPLACED = """
SELECT r.*, CASE WHEN length(n.surname) >= 2 THEN replace(n.with_login, ' ' || n.surname, ' xname ')
                 ELSE n.with_login END AS named
FROM (
    SELECT r.request_id,
           CASE WHEN coalesce(c.login, '') <> ''
                THEN replace(replace(' ' || lower(r.subject) || ' ', lower(c.name), ' xname '), lower(c.login), ' xname ')
                ELSE replace(' ' || lower(r.subject) || ' ', lower(c.name), ' xname ') END AS with_login,
           lower(trim(substr(c.name, length(split_part(c.name, ' ', 1)) + 1))) AS surname
    FROM requests r JOIN customers c USING (customer_id)
    WHERE r.subject IS NOT NULL AND trim(r.subject) <> '' {conditions}
) n JOIN requests r USING (request_id)
"""
# Then e-mail addresses, words with a digit, punctuation and single letters (initials).
_NORMALISED = r"""trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(named,
    '[^\s@]+@[^\s@]+', ' xemail ', 'g'),
    '[^\s]*[0-9][^\s]*', ' xnumber ', 'g'),
    '[^\p{L}]+', ' ', 'g'),
    '(^| )\p{L}( \p{L})*( |$)', ' ', 'g'),
    '\s+', ' ', 'g'))"""


def normalised_requests_sql(conditions: str = "") -> str:
    """SQL of the requests with a subject (every column of ``requests``) and ``normalised``, their normalised
    subject; ``conditions`` is the caller's constant ``AND ...`` on ``r`` (requests) and ``c`` (customers),
    its values bound as parameters."""
    return f"SELECT *, {_NORMALISED} AS normalised FROM ({_NAMES_REPLACED.format(conditions=conditions)})"


_DISTINCT_SQL = f"""
SELECT normalised, count(*) AS requests FROM ({normalised_requests_sql()})
WHERE normalised <> '' GROUP BY 1 ORDER BY requests DESC, normalised
"""


def normalised_subjects(store: Store) -> pd.DataFrame:
    """Every distinct normalised subject with its number of requests (all time), most frequent first."""
    with store.reading() as db:
        return db.execute(_DISTINCT_SQL).df()


def _vectorise(texts: list[str]) -> tuple[sp.csr_matrix, TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w\w+\b", stop_words="english", sublinear_tf=True,
                            use_idf=USE_IDF)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, use_idf=USE_IDF)
    matrix = _stack(words.fit_transform(texts) if _has_words(texts, words) else None, chars.fit_transform(texts),
                    len(texts))
    return matrix, words, chars


def _has_words(texts: list[str], words: TfidfVectorizer) -> bool:
    analyse = words.build_analyzer()
    return any(analyse(text) for text in texts)


def _stack(word_part: sp.spmatrix | None, char_part: sp.spmatrix, rows: int) -> sp.csr_matrix:
    # words and characters weigh the same: each part is already unit length per row
    parts = [char_part] if word_part is None else [word_part, char_part]
    return normalize(sp.hstack(parts, format="csr") if len(parts) > 1 else sp.csr_matrix(char_part))


def _transform(texts: list[str], words: TfidfVectorizer, chars: TfidfVectorizer, has_words: bool) -> sp.csr_matrix:
    return _stack(words.transform(texts) if has_words else None, chars.transform(texts), len(texts))


def cluster_subjects(texts: list[str], threshold: float = DISTANCE_THRESHOLD) -> np.ndarray:
    """Cluster labels (0, 1, ...) for ``texts``: TF-IDF on words and character n-grams, agglomerative clustering
    with average linkage on cosine distance, merging below ``threshold``. Deterministic; labels are numbered
    in order of each cluster's first text."""
    if not texts:
        return np.zeros(0, dtype=int)
    if len(texts) == 1:
        return np.zeros(1, dtype=int)
    matrix, _, _ = _vectorise(texts)
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=threshold).fit_predict(distances)
    return _renumber(labels)


def _renumber(labels: np.ndarray) -> np.ndarray:
    order: dict[int, int] = {}
    for label in labels:
        order.setdefault(int(label), len(order))
    return np.array([order[int(label)] for label in labels], dtype=int)


def group_subjects(distinct: pd.DataFrame, max_clustered: int = MAX_CLUSTERED,
                   threshold: float = DISTANCE_THRESHOLD) -> SubjectGroups:
    """Group distinct normalised subjects (columns ``normalised``, ``requests``, most frequent first) into
    candidates: the first ``max_clustered`` are clustered, the others join the nearest candidate's centre when
    it is closer than ``threshold`` (else candidate -1)."""
    distinct = distinct.reset_index(drop=True)
    texts = distinct["normalised"].tolist()
    clustered_texts = texts[:max_clustered]
    labels = cluster_subjects(clustered_texts, threshold)
    candidate = np.full(len(texts), -1, dtype=int)
    candidate[:len(labels)] = labels
    counts = distinct["requests"].to_numpy(dtype=float)
    if len(clustered_texts) >= 1:
        matrix, words, chars = _vectorise(clustered_texts)
        has_words = hasattr(words, "vocabulary_")
        clusters = int(labels.max()) + 1
        membership = sp.csr_matrix((counts[:len(labels)], (labels, np.arange(len(labels)))),
                                   shape=(clusters, len(labels)))
        centres = normalize(membership @ matrix)
        if len(texts) > len(clustered_texts):
            rest = _transform(texts[len(clustered_texts):], words, chars, has_words)
            similarity = (rest @ centres.T).toarray()
            nearest = similarity.argmax(axis=1)
            close = 1.0 - similarity[np.arange(len(nearest)), nearest] < threshold
            candidate[len(labels):] = np.where(close, nearest, -1)
        candidates = _describe(distinct, candidate, matrix, labels, words if has_words else None, counts)
    else:
        candidates = pd.DataFrame(columns=["candidate", "label", "top_words", "subjects", "requests"])
    subjects = distinct.assign(candidate=candidate)
    return SubjectGroups(subjects, candidates, len(texts), len(clustered_texts),
                         int(distinct.loc[candidate < 0, "requests"].sum()))


def _describe(distinct: pd.DataFrame, candidate: np.ndarray, matrix: sp.csr_matrix, labels: np.ndarray,
              words: TfidfVectorizer | None, counts: np.ndarray) -> pd.DataFrame:
    rows = []
    vocabulary = None if words is None else np.array(words.get_feature_names_out())
    word_count = 0 if vocabulary is None else len(vocabulary)
    for number in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == number)
        weights = counts[members]
        part = matrix[members]
        # most typical: the member most similar to the group's requests (weighted by how often each is asked)
        similarity = (part @ part.T).toarray() @ weights
        typical = distinct["normalised"].iloc[members[int(np.argmax(similarity))]]
        top = ""
        if word_count:
            weight = np.asarray(part[:, :word_count].multiply(weights[:, None]).sum(axis=0)).ravel()
            chosen = [i for i in np.argsort(-weight, kind="stable") if weight[i] > 0
                      and vocabulary[i] not in PLACEHOLDERS][:4]
            top = ", ".join(vocabulary[i] for i in chosen)
        rows.append((number, readable_subject(typical), top, int((candidate == number).sum()),
                     int(distinct["requests"].to_numpy()[candidate == number].sum())))
    return pd.DataFrame(rows, columns=["candidate", "label", "top_words", "subjects", "requests"])


def readable_subject(normalised: str) -> str:
    """A normalised subject as people read it: placeholders as ‹name›, ‹e-mail›, ‹number›, first letter capital."""
    text = " ".join(PLACEHOLDERS.get(word, word) for word in normalised.split())
    return text[:1].upper() + text[1:]


def subject_groups(store: Store) -> SubjectGroups:
    """The candidates of all requests' subjects (see the module's description); empty without subjects."""
    return group_subjects(normalised_subjects(store))


# The requests received in the period (filtered), each with its candidate (-1: none: no subject or ungrouped),
# its logged effort (minutes of the touchpoints linked to it, NULL when none is) and business hours to resolve
# (NULL unless resolved and judged). ``subject_map`` is the registered (normalised, candidate) frame.
_TAGGED = """
WITH in_period AS (
    SELECT r.request_id, r.service_id, c.group_id
    FROM requests r JOIN customers c USING (customer_id)
    WHERE r.received_at >= $start AND r.received_at < $end {conditions}
),
normalised AS (
    SELECT request_id, normalised FROM ({normalised})
),
effort AS (
    SELECT request_id, sum(minutes) AS minutes FROM touchpoints
    WHERE request_id IN (SELECT request_id FROM in_period) GROUP BY request_id
),
tagged AS (
    SELECT p.request_id, p.service_id, p.group_id, coalesce(m.candidate, -1) AS candidate, e.minutes,
           CASE WHEN x.outcome IN ('met', 'breached') THEN x.business_seconds / 3600.0 END AS hours
    FROM in_period p
    LEFT JOIN normalised n USING (request_id)
    LEFT JOIN subject_map m USING (normalised)
    LEFT JOIN effort e USING (request_id)
    LEFT JOIN sla_results x USING (request_id)
),
usual AS (  -- what a request of each service usually takes
    SELECT service_id, median(minutes) AS usual_minutes, median(hours) AS usual_hours FROM tagged GROUP BY service_id
),
measured AS (
    SELECT candidate, count(minutes) AS measured, median(minutes) AS median_minutes FROM tagged GROUP BY candidate
),
estimated AS (
    SELECT t.*, u.usual_minutes, u.usual_hours,
           coalesce(t.minutes, CASE WHEN m.measured >= $min_measured THEN m.median_minutes END, u.usual_minutes)
               AS effort_minutes
    FROM tagged t JOIN usual u USING (service_id) JOIN measured m USING (candidate)
)
"""

_CANDIDATE_SQL = _TAGGED + """
SELECT candidate, count(*) AS requests, median(minutes) AS median_effort_minutes,
       count(minutes) / count(*) AS measured_share, median(hours) AS median_hours,
       sum(effort_minutes) / 60.0 AS hours, count(*) FILTER (effort_minutes IS NULL) AS without_estimate,
       median(usual_minutes) AS usual_effort_minutes, median(usual_hours) AS usual_hours
FROM estimated GROUP BY candidate
"""

# What "less effort than usual" means: a candidate's median effort at most this share of the usual effort of its
# requests' services (the median, over its requests, of their service's median effort).
SHORT_EFFORT_RATIO = 0.85

FIGURE_COLUMNS = ("rank", "candidate", "label", "top_words", "requests", "share", "requests_per_month",
                  "median_effort_minutes", "measured_share", "median_hours", "hours_per_month", "repeats",
                  "short_effort", "quick", "routine")


@dataclass(frozen=True)
class Opportunities:
    """Self-service candidates for a period: ``candidates`` (columns :data:`FIGURE_COLUMNS`, routine ones first,
    ranked by hours per month, then the others by hours per month), and the totals they are shares of."""

    candidates: pd.DataFrame
    requests: int  # all requests received in the period, for the filters
    months: float
    routine_requests: int
    routine_hours_per_month: float
    all_hours_per_month: float  # staff hours per month on all the period's requests, estimated the same way
    ungrouped_requests: int  # requests of the period with no subject or a subject that joined no candidate


def _with_subject_map(store: Store, groups: SubjectGroups, sql: str, params: dict[str, object]) -> pd.DataFrame:
    with store.reading() as db:
        db.register("subject_map", groups.subjects[["normalised", "candidate"]])
        try:
            return db.execute(sql, params).df()
        finally:
            db.unregister("subject_map")


def _period_params(period: Period, time_zone: ZoneInfo, filters: Filters) -> dict[str, object]:
    start, end = period.bounds(time_zone)
    return {"start": start, "end": end, "min_measured": MIN_MEASURED, **filters.params()}


def _tagged_sql(tail: str, filters: Filters) -> str:
    conditions = filters.conditions("r.customer_id", "r.service_id")
    normalised = normalised_requests_sql(" AND r.received_at >= $start AND r.received_at < $end" + conditions)
    return _TAGGED.format(conditions=conditions, normalised=normalised) + tail


def opportunities(store: Store, groups: SubjectGroups, period: Period, time_zone: ZoneInfo,
                  filters: Filters = Filters()) -> Opportunities:
    """The candidates of ``groups`` with their figures over the requests received in ``period`` (see
    :data:`DEFINITIONS`); a candidate without requests in the period is left out."""
    frame = _with_subject_map(store, groups, _tagged_sql(_CANDIDATE_SQL.removeprefix(_TAGGED), filters),
                              _period_params(period, time_zone, filters))
    months = period.days / DAYS_PER_MONTH
    total = int(frame["requests"].sum())
    all_hours = float(frame["hours"].sum()) / months if total else 0.0
    ungrouped = int(frame.loc[frame["candidate"] < 0, "requests"].sum())
    found = frame[frame["candidate"] >= 0].merge(groups.candidates[["candidate", "label", "top_words"]],
                                                 on="candidate", how="left")
    found = found.assign(
        share=found["requests"] / total if total else 0.0,
        requests_per_month=found["requests"] / months,
        hours_per_month=found["hours"] / months,
        repeats=(found["requests"] >= MIN_REQUESTS) & (found["requests"] >= MIN_SHARE * total),
        short_effort=found["median_effort_minutes"] <= SHORT_EFFORT_RATIO * found["usual_effort_minutes"],
        quick=found["median_hours"] <= found["usual_hours"],
    )
    for column in ("short_effort", "quick"):  # unknown (no effort logged, nothing resolved) is not routine
        found[column] = found[column].fillna(False).astype(bool)
    found["routine"] = found["repeats"] & found["short_effort"] & found["quick"]
    found = found.sort_values(["routine", "hours_per_month", "requests", "candidate"],
                              ascending=[False, False, False, True], kind="stable").reset_index(drop=True)
    found["rank"] = pd.array([i + 1 if routine else pd.NA for i, routine in enumerate(found["routine"])],
                             dtype="Int64")
    routine = found[found["routine"]]
    return Opportunities(found[list(FIGURE_COLUMNS)], total, months, int(routine["requests"].sum()),
                         float(routine["hours_per_month"].sum()), all_hours, ungrouped)


_MIX_DIMENSIONS = {"service": "sv.name", "customer group": "g.name"}
_MIX_SQL = """
SELECT {value} AS value, count(*) AS requests,
       count(*) FILTER (list_contains($routine::INTEGER[], e.candidate)) AS routine_requests,
       count(*) FILTER (e.candidate = $chosen) AS chosen_requests
FROM estimated e JOIN services sv USING (service_id) JOIN customer_groups g USING (group_id)
GROUP BY 1 ORDER BY routine_requests DESC, requests DESC, value
"""


def routine_mix(store: Store, groups: SubjectGroups, dimension: str, routine: tuple[int, ...], period: Period,
                time_zone: ZoneInfo, filters: Filters = Filters(), chosen: int = -2) -> pd.DataFrame:
    """Per service or customer group (``dimension``: a key of ``_MIX_DIMENSIONS``): ``requests`` received in
    the period, ``routine_requests`` of them in the ``routine`` candidates and their ``routine_share``, and
    ``chosen_requests``/``chosen_share`` for one ``chosen`` candidate."""
    sql = _tagged_sql(_MIX_SQL.format(value=_MIX_DIMENSIONS[dimension]), filters)
    frame = _with_subject_map(store, groups, sql, {**_period_params(period, time_zone, filters),
                                                   "routine": list(routine), "chosen": chosen})
    return frame.assign(routine_share=frame["routine_requests"] / frame["requests"],
                        chosen_share=frame["chosen_requests"] / frame["requests"])


_EXAMPLES_SQL = """
SELECT n.subject, count(*) AS requests FROM ({normalised}) n JOIN subject_map m USING (normalised)
WHERE m.candidate = $candidate GROUP BY n.subject ORDER BY requests DESC, n.subject LIMIT $limit
"""


def example_subjects(store: Store, groups: SubjectGroups, candidate: int, period: Period, time_zone: ZoneInfo,
                     filters: Filters = Filters(), limit: int = 10) -> pd.DataFrame:
    """The most frequent subjects, as typed, of one candidate's requests received in the period: ``subject``,
    ``requests``."""
    conditions = " AND r.received_at >= $start AND r.received_at < $end" + filters.conditions("r.customer_id",
                                                                                               "r.service_id")
    sql = _EXAMPLES_SQL.format(normalised=normalised_requests_sql(conditions))
    start, end = period.bounds(time_zone)
    return _with_subject_map(store, groups, sql, {"start": start, "end": end, "candidate": candidate, "limit": limit,
                                                  **filters.params()})
