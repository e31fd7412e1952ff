"""Self-service opportunities: the routine requests customers could handle themselves, and the staff hours
they cost.

Request subjects are grouped by text similarity, not by hand-written rules:

1. **Normalise** each subject in DuckDB: lower case; the requester's own name, surname and login become
   ``‹name›``; e-mail addresses ``‹e-mail›``; any word holding a digit (ids, dates, logins, DOIs)
   ``‹number›``; punctuation and single letters (initials) go. Names of systems and databases are kept.
2. **Group identical** normalised subjects in SQL, so a million requests become a few thousand distinct
   subjects. The :data:`MAX_CLUSTERED` most frequent are clustered; the rest join the cluster whose centre
   is nearest, if it is within the same distance, and are otherwise left ungrouped (counted, not hidden).
3. **Cluster** with scikit-learn: ``TfidfVectorizer`` on words and on character 3-5-grams (so "jsmith" and
   "smith", "reset" and "resets" are near) with log-scaled term frequencies and no inverse document frequency
   (:data:`USE_IDF`: the words every subject of a template repeats must weigh, not only the rare ones such as
   a topic), rows scaled to unit length, then agglomerative clustering with average linkage on cosine
   distance, merging while groups are closer than :data:`DISTANCE_THRESHOLD`. Nothing is random, so the same
   subjects always give the same groups.

A group of subjects is a *candidate*: named by its most typical subject (the normalised subject most
similar to the rest of its group, requests weighted) and its top words. Figures per candidate, for requests
received in a period: requests and share, median effort and time to resolve, staff hours per month (see
:data:`DEFINITIONS`), whether it is routine (:data:`ROUTINE_RULE`), ranked by the hours self-service would
free.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import binomtest
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from infodash.db import Store
from infodash.filters import Filters
from infodash.periods import Period

# How many distinct normalised subjects are clustered (the most frequent ones). Clustering needs their pairwise
# distances: 3,000 subjects' take 72 MB, and were grouped in 1.4 s here (2 cores); the rest join the nearest
# group. (The large demo set's million requests hold 113,027 distinct subjects, 797 once normalised.)
MAX_CLUSTERED = 3_000
# Cosine distance (0 = the same words, 1 = nothing in common) below which groups of subjects merge.
DISTANCE_THRESHOLD = 0.6
# A candidate repeats when it has at least this many requests in the period and this share of all of them.
MIN_REQUESTS = 10
MIN_SHARE = 0.005
# It takes little effort when its requests typically take at most this share of the usual effort of their
# service (the median, over its requests with effort logged, of minutes / their service's median minutes), and
# more of them take less than usual than more, beyond chance (a sign test at this level); it is quick when they
# are typically resolved within this many business hours (about one business day).
SHORT_EFFORT_RATIO = 0.85
SIGN_TEST_LEVEL = 0.01
QUICK_HOURS = 8.0
# Requests without logged effort count at their candidate's median effort when it has at least this many
# requests with logged effort; otherwise at their service's median.
MIN_MEASURED = 5
USE_IDF = False  # plain term frequencies: words a template repeats in every subject must weigh, not only rare ones
DAYS_PER_MONTH = 365.25 / 12
PLACEHOLDERS = {"xname": "‹name›", "xemail": "‹e-mail›", "xnumber": "‹number›"}

_REPEATS = f"At least {MIN_REQUESTS} requests in the period, and at least {MIN_SHARE:.1%} of all its requests."
_SHORT = (f"Its requests typically (the median) take at most {SHORT_EFFORT_RATIO:.0%} of the median effort of their "
          "own service's requests, and more of them take less than their service's median than more, beyond "
          f"chance (sign test, p < {SIGN_TEST_LEVEL}); requests with effort logged.")
_QUICK = (f"Its resolved requests typically (the median) took at most {QUICK_HOURS:g} business hours, about one "
          "business day, as the service-level engine counts them.")
ROUTINE_RULE = ("A candidate is routine when all three hold. It repeats: " + _REPEATS[0].lower() + _REPEATS[1:]
                + " Less effort than usual: " + _SHORT[0].lower() + _SHORT[1:]
                + " Quick: " + _QUICK[0].lower() + _QUICK[1:])

DEFINITIONS: dict[str, str] = {
    "label": "The candidate's most typical subject: of its subjects, normalised (the requester's name, e-mail "
             "addresses and numbers replaced), the one most like the others, weighted by how often each is asked.",
    "top_words": "The words that weigh most in the candidate's subjects (term frequencies over its requests).",
    "requests": "Requests of this candidate received in the period (declined ones included).",
    "share": "Its requests as a share of all requests received in the period for the chosen filters.",
    "requests_per_month": "Requests in the period / months in the period (days / 30.4).",
    "median_effort_minutes": "Median minutes of effort per request, over its requests with touchpoints linked "
                             "to them (all their touchpoints' minutes added up).",
    "measured_share": "Share of its requests whose effort comes from linked touchpoints; the others are "
                      "estimated (see Staff hours per month).",
    "median_hours": "Median business hours from receipt to resolution, as the service-level engine judges them: "
                    "opening hours only, time waiting on the customer or a vendor left out (resolved requests).",
    "hours_per_month": "The minutes of the touchpoints linked to its requests, plus, for "
                       "each request without one, an estimate: the candidate's median effort when at least "
                       f"{MIN_MEASURED} of its requests have effort logged, otherwise the median effort of its "
                       "service's requests in the period; added up, in hours, divided by the months in the period. "
                       "Self-service would free all of it if customers did these themselves (an upper bound).",
    "repeats": _REPEATS,
    "short_effort": _SHORT,
    "quick": _QUICK,
    "routine": ROUTINE_RULE,
    "rank": "Routine candidates ranked by staff hours per month, largest first: the hours self-service would free.",
    "routine_requests": "Requests received in the period that belong to routine candidates.",
    "routine_share": "Routine requests as a share of all requests received in the period (filters applied).",
    "routine_hours": "Staff hours per month the routine candidates cost (see Staff hours per month in the table): "
                     "what self-service would free.",
    "routine_hours_share": "Routine candidates' staff hours per month as a share of the staff hours per month of "
                           "all the period's requests, estimated the same way.",
    "routine_candidates": "Groups of subjects that meet the routine rule in this period.",
    "service_share": "Of each service's (or customer group's) requests received in the period, the share that "
                     "belong to routine candidates.",
    "chosen_share": "Of the service's (or group's) requests in the period, the share that belong to this candidate.",
    "method": f"Subjects are grouped by text similarity with scikit-learn, not by hand-written rules. Each distinct "
              "subject is normalised: lower case; the requester's name, surname and login become ‹name›, e-mail "
              "addresses ‹e-mail›, words with a digit (ids, dates, logins) ‹number›; punctuation and initials go; "
              "names of systems and databases stay. Identical normalised subjects are counted together; the "
              f"{MAX_CLUSTERED:,} most frequent are described by their words and character 3-5-grams (so "
              "*jsmith* is near *smith*) and clustered (agglomerative, average linkage on cosine distance, merging "
              f"below {DISTANCE_THRESHOLD}); the rarer ones join the nearest group when as close, or stay ungrouped. "
              "Nothing is random: the same subjects always give the same groups. The grouping is redone when "
              "subjects change.",
}


@dataclass(frozen=True)
class SubjectGroups:
    """How request subjects group: ``subjects`` maps each distinct normalised subject (``normalised``,
    ``requests``) to its ``candidate`` (-1: left ungrouped); ``candidates`` holds per candidate its ``label``,
    ``top_words``, ``subjects`` (distinct normalised ones) and ``requests`` (all time); ``typed`` (filled by
    :func:`subject_groups`) maps each subject as typed (``subject``) to its ``candidate``."""

    subjects: pd.DataFrame
    candidates: pd.DataFrame
    distinct: int  # distinct normalised subjects
    clustered: int  # of them, clustered (the most frequent, at most MAX_CLUSTERED)
    ungrouped_requests: int  # requests whose subject joined no group
    typed: pd.DataFrame | None = None


# Each distinct subject as typed, with its requests and one requester (the first), whose name, surname and login
# are replaced as plain text (replace, not a pattern, so any name is safe); then e-mail addresses, words with a
# digit, punctuation and single letters (initials). Run on distinct subjects, not on every request.
_DISTINCT_SQL = r"""
WITH typed AS (
    SELECT subject, count(*) AS requests, min(customer_id) AS customer_id FROM requests
    WHERE subject IS NOT NULL AND trim(subject) <> '' {only_new} GROUP BY subject
),
named AS (
    SELECT t.subject, t.requests,
           CASE WHEN length(surname) >= 2 THEN replace(with_login, ' ' || surname, ' xname ') ELSE with_login END
               AS named
    FROM (
        SELECT t.*, CASE WHEN coalesce(c.login, '') <> ''
                         THEN replace(replace(' ' || lower(t.subject) || ' ', lower(c.name), ' xname '),
                                      lower(c.login), ' xname ')
                         ELSE replace(' ' || lower(t.subject) || ' ', coalesce(lower(c.name), ' '), ' xname ')
                    END AS with_login,
               lower(trim(substr(c.name, length(split_part(c.name, ' ', 1)) + 1))) AS surname
        FROM typed t LEFT JOIN customers c USING (customer_id)
    ) t
)
SELECT subject, requests, trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(named,
    '[^\s@]+@[^\s@]+', ' xemail ', 'g'),
    '[^\s]*[0-9][^\s]*', ' xnumber ', 'g'),
    '[^\p{L}]+', ' ', 'g'),
    '(^| )\p{L}( \p{L})*( |$)', ' ', 'g'),
    '\s+', ' ', 'g')) AS normalised
FROM named
"""
# Changes whenever a subject is added, changed or removed: of all requests, and of those up to a request id (so
# that requests added since, and only those, can be told apart).
_FINGERPRINT_SQL = """
SELECT count(subject), coalesce(sum(hash(subject)), 0), coalesce(max(request_id), 0),
       count(subject) FILTER (request_id <= $seen), coalesce(sum(hash(subject)) FILTER (request_id <= $seen), 0)
FROM requests
"""


def typed_subjects(store: Store, after: int | None = None) -> pd.DataFrame:
    """Every distinct subject as typed (``subject``), its number of requests (all time) and its ``normalised``
    form; only those of the requests with an id above ``after`` when given."""
    with store.reading() as db:
        if after is None:
            return db.execute(_DISTINCT_SQL.replace("{only_new}", "")).df()
        return db.execute(_DISTINCT_SQL.replace("{only_new}", "AND request_id > $after"), {"after": after}).df()


def normalised_subjects(typed: pd.DataFrame) -> pd.DataFrame:
    """The distinct normalised subjects of :func:`typed_subjects` with their requests, most frequent first
    (ties in alphabetical order); empty normalised subjects (only numbers or punctuation) left out."""
    counted = typed[typed["normalised"] != ""].groupby("normalised", as_index=False)["requests"].sum()
    return counted.sort_values(["requests", "normalised"], ascending=[False, True], kind="stable").reset_index(
        drop=True)


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
    return _cluster(_vectorise(texts)[0], threshold)


def _cluster(matrix: sp.csr_matrix, threshold: float) -> np.ndarray:
    if matrix.shape[0] <= 1:
        return np.zeros(matrix.shape[0], dtype=int)
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
    candidate = np.full(len(texts), -1, dtype=int)
    counts = distinct["requests"].to_numpy(dtype=float)
    if len(clustered_texts) >= 1:
        matrix, words, chars = _vectorise(clustered_texts)
        labels = _cluster(matrix, threshold)
        candidate[:len(labels)] = labels
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


@dataclass(frozen=True)
class _Kept:
    version: tuple[int, int, int]  # Store.data_version when last checked
    fingerprint: tuple[int, int]  # subjects counted and their digest
    last_request: int  # the highest request id then
    groups: SubjectGroups


_MEMO: dict[str, _Kept] = {}
# One grouping at a time: a page that asks while the server's warm-up is grouping waits for it, not groups again.
_GROUPING_LOCK = threading.Lock()


def subject_groups(store: Store) -> SubjectGroups:
    """The candidates of all requests' subjects (see the module's description); no candidates without subjects.

    Grouping a million requests' subjects takes seconds, and every figure and filter shares it: it is kept per
    database file and looked at again only when a subject is added, changed or removed (a digest of all subjects
    says so, read only when the file has changed since), not when anything else is written. When requests were
    only added since, their subjects whose normalised form is already grouped join their group; anything else
    (a new wording, an edited or erased subject) has everything grouped again."""
    with _GROUPING_LOCK:
        return _kept_or_grouped(store)


def _kept_or_grouped(store: Store) -> SubjectGroups:
    key, version = str(store.path.resolve()), store.data_version()
    kept = _MEMO.get(key)
    if kept is not None and kept.version == version:
        return kept.groups
    with store.reading() as db:
        count, digest, last, count_before, digest_before = db.execute(
            _FINGERPRINT_SQL, {"seen": kept.last_request if kept else 0}).fetchone()
    fingerprint = (int(count), int(digest))
    groups = None
    if kept is not None and kept.fingerprint == fingerprint:
        groups = kept.groups
    elif kept is not None and kept.fingerprint == (int(count_before), int(digest_before)):
        groups = _extended(store, kept.groups, kept.last_request)  # only requests added since
    if groups is None:
        typed = typed_subjects(store)
        grouped = group_subjects(normalised_subjects(typed))
        candidate = typed[["subject", "normalised"]].merge(grouped.subjects[["normalised", "candidate"]],
                                                           on="normalised", how="left")
        candidate["candidate"] = candidate["candidate"].fillna(-1).astype(int)
        groups = replace(grouped, typed=candidate[["subject", "candidate"]])
    _MEMO[key] = _Kept(version, fingerprint, int(last), groups)
    return groups


def _extended(store: Store, groups: SubjectGroups, after: int) -> SubjectGroups | None:
    """``groups`` with the subjects of the requests added after request ``after``, when each of them is already
    grouped or normalises to a subject already grouped (the same template with another name or number): a new
    request then costs no clustering. None when a new normalised subject appears: the whole grouping places it."""
    assert groups.typed is not None
    new = typed_subjects(store, after)
    if new.empty:
        return groups
    seen = set(groups.typed["subject"].tolist())
    known = dict(zip(groups.subjects["normalised"].tolist(), groups.subjects["candidate"].tolist(), strict=True))
    added = [(subject, normalised) for subject, normalised in zip(new["subject"], new["normalised"], strict=True)
             if subject not in seen]
    if any(normalised not in known for _, normalised in added):
        return None
    rows = pd.DataFrame({"subject": [subject for subject, _ in added],
                         "candidate": [int(known[normalised]) for _, normalised in added]})
    return replace(groups, typed=pd.concat([groups.typed, rows], ignore_index=True) if added else groups.typed)


# The requests received in the period (filtered), each with its candidate (-1: none: no subject or ungrouped),
# its logged effort (minutes of the touchpoints linked to it, NULL when none is), business hours to resolve
# (NULL unless resolved and judged), and their service's usual effort and time to resolve. ``subject_map`` is
# the registered (subject, candidate) frame.
_TAGGED = """
WITH in_period AS (
    SELECT r.request_id, r.service_id, r.subject, c.group_id
    FROM requests r JOIN customers c USING (customer_id)
    WHERE r.received_at >= $start AND r.received_at < $end {conditions}
),
effort AS (
    SELECT request_id, sum(minutes) AS minutes FROM touchpoints
    WHERE request_id IN (SELECT request_id FROM in_period) GROUP BY request_id
),
tagged AS (
    SELECT p.request_id, p.service_id, p.group_id, coalesce(m.candidate, -1) AS candidate, e.minutes,
           CASE WHEN x.outcome IN ('met', 'breached') THEN x.business_seconds / 3600.0 END AS hours
    FROM in_period p
    LEFT JOIN subject_map m ON m.subject = p.subject
    LEFT JOIN effort e USING (request_id)
    LEFT JOIN sla_results x USING (request_id)
),
usual AS (  -- what a request of each service usually takes
    SELECT service_id, median(minutes) AS usual_minutes FROM tagged GROUP BY service_id
),
measured AS (
    SELECT candidate, count(minutes) AS measured, median(minutes) AS median_minutes FROM tagged GROUP BY candidate
),
estimated AS (
    SELECT t.*, t.minutes / nullif(u.usual_minutes, 0) AS effort_ratio,
           coalesce(t.minutes, CASE WHEN m.measured >= $min_measured THEN m.median_minutes END, u.usual_minutes)
               AS effort_minutes
    FROM tagged t JOIN usual u USING (service_id) JOIN measured m USING (candidate)
)
"""

# One pass: per candidate its figures, and how its requests spread over services and customer groups (maps of
# id -> requests).
_CANDIDATE_SQL = _TAGGED + """
SELECT candidate, count(*) AS requests, median(minutes) AS median_effort_minutes,
       count(minutes) / count(*) AS measured_share, median(hours) AS median_hours,
       sum(effort_minutes) / 60.0 AS hours, median(effort_ratio) AS effort_ratio,
       count(*) FILTER (effort_ratio < 1) AS below_usual, count(*) FILTER (effort_ratio > 1) AS above_usual,
       histogram(service_id) AS by_service, histogram(group_id) AS by_group
FROM estimated GROUP BY candidate
"""
_NAMES_SQL = {"service": "SELECT service_id AS id, name FROM services",
              "customer group": "SELECT group_id AS id, name FROM customer_groups"}


FIGURE_COLUMNS = ("rank", "candidate", "label", "top_words", "requests", "share", "requests_per_month",
                  "median_effort_minutes", "measured_share", "median_hours", "hours_per_month", "repeats",
                  "short_effort", "quick", "routine")


@dataclass(frozen=True)
class Opportunities:
    """Self-service candidates for a period: ``candidates`` (columns :data:`FIGURE_COLUMNS`, routine ones first,
    ranked by hours per month, then the others by hours per month); ``mix``: requests per ``dimension``
    (service, customer group), ``value`` and ``candidate`` (-1: none); and the totals they are shares of."""

    candidates: pd.DataFrame
    mix: pd.DataFrame
    requests: int  # all requests received in the period, for the filters
    months: float
    routine_requests: int
    routine_hours_per_month: float
    all_hours_per_month: float  # staff hours per month on all the period's requests, estimated the same way
    ungrouped_requests: int  # requests of the period with no subject or a subject that joined no candidate


def _with_subject_map(db: duckdb.DuckDBPyConnection, groups: SubjectGroups, queries: list[str],
                      params: dict[str, object]) -> list[pd.DataFrame]:
    typed = groups.typed if groups.typed is not None else pd.DataFrame({"subject": [], "candidate": []})
    db.register("subject_map", typed)
    try:
        return [db.execute(sql, params).df() for sql in queries]
    finally:
        db.unregister("subject_map")


def _period_params(period: Period, time_zone: ZoneInfo, filters: Filters) -> dict[str, object]:
    start, end = period.bounds(time_zone)
    return {"start": start, "end": end, "min_measured": MIN_MEASURED, **filters.params()}


def opportunities(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                  groups: SubjectGroups | None = None) -> Opportunities:
    """The candidates of ``groups`` (default: :func:`subject_groups`) with their figures over the requests
    received in ``period`` (see :data:`DEFINITIONS`); a candidate without requests in the period is left out."""
    groups = groups or subject_groups(store)
    conditions = filters.conditions("r.customer_id", "r.service_id")
    with store.reading() as db:
        [frame] = _with_subject_map(db, groups, [_CANDIDATE_SQL.format(conditions=conditions)],
                                    _period_params(period, time_zone, filters))
        names = {dimension: dict(db.execute(sql).fetchall()) for dimension, sql in _NAMES_SQL.items()}
    mix = pd.DataFrame(
        [(dimension, names[dimension].get(key, str(key)), int(candidate), int(count))
         for column, dimension in (("by_service", "service"), ("by_group", "customer group"))
         for candidate, spread in zip(frame["candidate"], frame[column], strict=True)
         for key, count in _items(spread)],
        columns=["dimension", "value", "candidate", "requests"])
    return figures_from(frame.drop(columns=["by_service", "by_group"]), mix, groups, period.days / DAYS_PER_MONTH)


def _items(spread: object) -> list[tuple[int, int]]:
    """The (key, count) pairs of a DuckDB histogram as pandas receives it (a dict, or keys and values)."""
    if isinstance(spread, dict) and set(spread) == {"key", "value"}:
        return list(zip(spread["key"], spread["value"], strict=True))
    if isinstance(spread, dict):
        return list(spread.items())
    return []


def figures_from(frame: pd.DataFrame, mix: pd.DataFrame, groups: SubjectGroups, months: float) -> Opportunities:
    """:class:`Opportunities` from the per-candidate aggregates of a period of ``months`` months: shares, rates
    per month, the routine rule and the ranking."""
    total = int(frame["requests"].sum())
    all_hours = float(frame["hours"].sum()) / months if total else 0.0
    ungrouped = int(frame.loc[frame["candidate"] < 0, "requests"].sum())
    found = frame[frame["candidate"] >= 0].merge(groups.candidates[["candidate", "label", "top_words"]],
                                                 on="candidate", how="inner")
    found = found.assign(
        share=found["requests"] / total if total else 0.0,
        requests_per_month=found["requests"] / months,
        hours_per_month=found["hours"] / months,
        repeats=(found["requests"] >= MIN_REQUESTS) & (found["requests"] >= MIN_SHARE * total),
        short_effort=(found["effort_ratio"] <= SHORT_EFFORT_RATIO).astype("boolean").fillna(False).astype(bool)
        & np.array([_fewer_than_usual(int(below), int(above))
                    for below, above in zip(found["below_usual"], found["above_usual"], strict=True)], dtype=bool),
        quick=(found["median_hours"] <= QUICK_HOURS).astype("boolean").fillna(False).astype(bool),
    )
    found["routine"] = found["repeats"] & found["short_effort"] & found["quick"]
    found = found.sort_values(["routine", "hours_per_month", "requests", "candidate"],
                              ascending=[False, False, False, True], kind="stable").reset_index(drop=True)
    found["rank"] = pd.array([i + 1 if routine else pd.NA for i, routine in enumerate(found["routine"])],
                             dtype="Int64")
    routine = found[found["routine"]]
    return Opportunities(found[list(FIGURE_COLUMNS)].copy(), mix, total, months, int(routine["requests"].sum()),
                         float(routine["hours_per_month"].sum()), all_hours, ungrouped)


def _fewer_than_usual(below: int, above: int) -> bool:
    """Whether ``below`` of ``below + above`` requests taking less effort than usual is more than chance would
    give (one-sided sign test)."""
    return below + above > 0 and binomtest(below, below + above, 0.5, alternative="greater").pvalue < SIGN_TEST_LEVEL


def share_by(found: Opportunities, dimension: str, candidates: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Per service or customer group (``dimension``): its ``requests`` in the period, those in ``candidates``
    (default: the routine ones) and their ``share`` of its requests; largest share first."""
    chosen = set(found.candidates.loc[found.candidates["routine"], "candidate"] if candidates is None else candidates)
    mix = found.mix[found.mix["dimension"] == dimension]
    table = mix.assign(chosen=mix["requests"].where(mix["candidate"].isin(chosen), 0)).groupby(
        "value", as_index=False)[["requests", "chosen"]].sum().rename(columns={"chosen": "candidate_requests"})
    table["share"] = table["candidate_requests"] / table["requests"]
    return table.sort_values(["share", "requests", "value"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)


_EXAMPLES_SQL = """
SELECT r.subject, count(*) AS requests FROM requests r JOIN subject_map m ON m.subject = r.subject
WHERE m.candidate = $candidate AND r.received_at >= $start AND r.received_at < $end {conditions}
GROUP BY r.subject ORDER BY requests DESC, r.subject LIMIT $limit
"""


def example_subjects(store: Store, candidate: int, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                     limit: int = 10, groups: SubjectGroups | None = None) -> pd.DataFrame:
    """The most frequent subjects, as typed, of one candidate's requests received in the period: ``subject``,
    ``requests``."""
    groups = groups or subject_groups(store)
    start, end = period.bounds(time_zone)
    sql = _EXAMPLES_SQL.format(conditions=filters.conditions("r.customer_id", "r.service_id"))
    with store.reading() as db:
        [frame] = _with_subject_map(db, groups, [sql], {"start": start, "end": end, "candidate": candidate,
                                                        "limit": limit, **filters.params()})
    return frame


@dataclass(frozen=True)
class GroupingSummary:
    """How the subjects grouped, all time: distinct normalised subjects, how many were clustered, candidates,
    and the requests whose subject joined no candidate."""

    distinct: int
    clustered: int
    candidates: int
    ungrouped_requests: int


def grouping_summary(store: Store) -> GroupingSummary:
    """The counts of :func:`subject_groups`, small enough for a page to keep."""
    groups = subject_groups(store)
    return GroupingSummary(groups.distinct, groups.clustered, len(groups.candidates), groups.ungrouped_requests)
