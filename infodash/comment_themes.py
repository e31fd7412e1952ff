"""Comment themes: free-text comments grouped into themes by the words they share, each theme with its
top words, its size, the average score of the responses it holds, the customer groups it comes from and a
few representative comments.

The grouping is generic over a frame of comments (``id``, ``text``, ``score``, ``group``), so any source of
free text can use it; :func:`survey_comment_themes` feeds it a survey's comments. How themes are found, so a
lead can explain them:

- Each comment becomes a TF-IDF vector of its words and two-word phrases (scikit-learn's English stop words
  left out; a term counts when it appears in at least 2 comments, and in at least 0.5% of them in larger
  sets, and in at most 90% of them). Nothing is downloaded: the words come from the comments themselves.
- Non-negative matrix factorisation (NMF, initialised by NNDSVDa with a fixed random state: the same
  comments always give the same themes) splits those vectors into themes, each a weighted list of terms.
- The number of themes is chosen from the data: every number from 2 to 8 (at most one theme per 6
  comments) is tried; a number qualifies when each of its themes is the strongest theme of at least
  :data:`MIN_THEME_SHARE` of the comments (and never fewer than 5); among those, the one whose themes are
  best separated wins -- the highest mean silhouette (cosine distance between the comments' vectors, each
  comment in its strongest theme) -- and on a tie the fewer themes. When none qualifies, the comments do not
  fall into distinct themes and none are shown.
- A comment belongs to its strongest theme when that theme's weight is at least :data:`MIN_WEIGHT` (the
  themes' term vectors are scaled to length 1, so the weight is about how much of the comment the theme
  explains); a comment below it, e.g. "Thanks!", belongs to no theme.
- Only the latest :data:`MAX_FITTED` (1,000) comments are fitted (the source lists them newest first): about
  half a second on a 2-core server, in one thread (several threads on a busy server made it six times slower).
  The result says how many comments there were in all.

Small groups are treated as survey scores are: a theme of fewer than 5 comments shows no average score, no
customer groups and no comments quoted; within a theme, a customer group with fewer than 5 of its comments is
not named but counted with the other small groups; fewer than :data:`MIN_COMMENTS` comments in all give no
themes, with the reason in words.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from infodash.db import Store
from infodash.filters import Filters
from infodash.formatting import format_figure
from infodash.instruments import load_instrument
from infodash.periods import Period
from infodash.surveys import MIN_RESPONSES, SUPPRESSED, _params, _responses_cte

# What fitting imports (about a second on 2 cores): loaded on the first fit, so that the command line, which
# imports the pack, does not wait for it; the themes' page section loads them with the page's code.
FITTING_MODULES = ("sklearn.feature_extraction.text", "sklearn.decomposition", "sklearn.metrics", "threadpoolctl")
MIN_COMMENTS = 20  # fewer comments than this: no themes
MAX_FITTED = 1_000  # the latest comments fitted
THEME_RANGE = (2, 8)  # the numbers of themes tried
COMMENTS_PER_THEME = 6  # at most one theme per this many comments
MIN_THEME_SHARE = 0.03  # each theme must be the strongest of at least this share of the comments (and 5)
MIN_WEIGHT = 0.1  # a comment's strongest theme weight below this: no theme
TOP_TERMS = 6  # top words shown per theme
TERM_SHARE = 0.1  # a top word weighs at least this share of the theme's strongest
PHRASE_SHARE = 0.7  # a phrase replaces its words when this share of the comments using them use it
EXAMPLES = 3  # representative comments per theme
RANDOM_STATE = 0

METHOD = (f"Comments are grouped by the words and two-word phrases they share (TF-IDF with NMF, the same comments "
          f"always giving the same themes). The number of themes, from {THEME_RANGE[0]} to {THEME_RANGE[1]}, is "
          f"the one whose themes are best separated, each theme holding at least {MIN_THEME_SHARE:.0%} of the "
          f"comments; a comment belongs to the theme it shares most words with, or to none when it shares too few. "
          f"Only the latest {MAX_FITTED:,} comments are grouped.")
SMALL_THEME = (f"A theme with fewer than {MIN_RESPONSES} comments shows no average score, customer groups or "
               f"comments ({SUPPRESSED}); a customer group with fewer than {MIN_RESPONSES} comments in a theme is "
               "not named.")


@dataclass(frozen=True)
class ScoreMeaning:
    """What a comment's score is: its label (e.g. "Average CSAT (1-5)"), definition and scale."""

    label: str
    definition: str
    low: float
    high: float
    higher_is_better: bool = True
    kind: str = "score"  # how it is written (formatting.format_figure): "score" with two decimals, or "share"


NO_SCORE = ScoreMeaning("Average score", "The comments carry no score.", 0.0, 1.0)


@dataclass(frozen=True)
class CommentThemes:
    """Themes found in a set of comments, or the reason there are none (``message``)."""

    themes: pd.DataFrame  # theme, label, top_words, comments, share, n, scored, mean_score, groups, suppressed
    examples: pd.DataFrame  # theme, label, comment, weight: up to 3 per theme shown, strongest first
    assignments: pd.DataFrame  # id, theme (<NA>: no theme), weight
    comments: int  # comments in scope
    fitted: int  # the latest of them, grouped
    unthemed: int  # fitted comments in no theme
    score: ScoreMeaning = NO_SCORE
    message: str | None = None  # why there are no themes, in words

    @property
    def found(self) -> bool:
        """Whether any theme was found."""
        return not self.themes.empty


THEME_COLUMNS = ["theme", "label", "top_words", "comments", "share", "n", "scored", "mean_score", "groups",
                 "suppressed"]


def _none(comments: int, fitted: int, score: ScoreMeaning, message: str) -> CommentThemes:
    return CommentThemes(pd.DataFrame(columns=THEME_COLUMNS), pd.DataFrame(columns=["theme", "label", "comment",
                                                                                    "weight"]),
                         pd.DataFrame(columns=["id", "theme", "weight"]), comments, fitted, fitted, score, message)


def _readable_terms(terms: list[tuple[str, int]], limit: int) -> list[str]:
    """Terms (with how many of the theme's comments use each), most used first, with repeats folded: a phrase
    takes the place of the single words it contains when at least :data:`PHRASE_SHARE` of the comments using
    them use the phrase ("opening" 10, "opening hours" 9 -> "opening hours"), or half when all its words are
    shown singly ("database" 5, "access" 5, "database access" 3 -> "database access"); it is left out
    otherwise, as is a term whose words are all shown already."""
    chosen: list[str] = []
    counts = dict(terms)
    for term, used in terms:
        words = term.split()
        shown_words = {word for shown in chosen for word in shown.split()}
        singles = [position for position, shown in enumerate(chosen) if shown in words]
        # a phrase made of words shown singly reads better than they do; one adding a word must be about as common
        share = 0.5 if len(singles) == len(words) else PHRASE_SHARE
        if singles and all(used >= share * counts[chosen[position]] for position in singles):
            chosen[singles[0]] = term
            chosen = [shown for position, shown in enumerate(chosen) if position not in singles[1:]]
        elif not set(words) & shown_words:
            chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def _label(terms: list[str]) -> str:
    """A theme's name from its first two readable terms, e.g. "Opening hours / shift"."""
    label = " / ".join(terms[:2])
    return label[:1].upper() + label[1:]


def _vectorise(texts: list[str]):  # noqa: ANN202 (scikit-learn's sparse matrix and vectoriser)
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df = max(2, math.ceil(0.005 * len(texts)))
    vectoriser = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=min_df, max_df=0.9,
                                 sublinear_tf=True, dtype=np.float64)
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # no term in two comments (or only stop words)
        return None, []
    return matrix, list(vectoriser.get_feature_names_out())


def _factorise(matrix, k: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """NMF into ``k`` themes: (comment x theme weights, theme x term weights), theme vectors of length 1."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    model = NMF(n_components=k, init="nndsvda", random_state=RANDOM_STATE, max_iter=600, tol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    terms = model.components_
    norms = np.linalg.norm(terms, axis=1)
    norms[norms == 0] = 1.0
    return weights * norms, terms / norms[:, None]


def _choose(matrix, fitted: int) -> tuple[int, np.ndarray, np.ndarray] | None:  # noqa: ANN001
    """The number of themes (see the module's rule) with its factorisation; None when no number qualifies."""
    from sklearn.metrics import silhouette_score
    from sklearn.metrics.pairwise import cosine_distances

    has_terms = np.asarray(matrix.getnnz(axis=1)).ravel() > 0
    distances = cosine_distances(matrix[has_terms])
    smallest = max(MIN_RESPONSES, math.ceil(MIN_THEME_SHARE * fitted))
    best: tuple[float, int, np.ndarray, np.ndarray] | None = None
    for k in range(THEME_RANGE[0], min(THEME_RANGE[1], fitted // COMMENTS_PER_THEME) + 1):
        weights, terms = _factorise(matrix, k)
        strongest = weights[has_terms].argmax(axis=1)
        sizes = np.bincount(strongest, minlength=k)
        if sizes.min() < smallest:
            continue
        separation = float(silhouette_score(distances, strongest, metric="precomputed"))
        if best is None or separation > best[0] + 1e-9:
            best = (separation, k, weights, terms)
    return None if best is None else best[1:]


def _groups_text(groups: pd.Series) -> str:
    """E.g. "Research & development 12, Legal & compliance 6; 4 from groups with fewer than 5 each"."""
    counts = groups.fillna("Group not known").value_counts()
    counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    named = counts[counts >= MIN_RESPONSES]
    small = int(counts[counts < MIN_RESPONSES].sum())
    text = ", ".join(f"{group} {count:,}" for group, count in named.items())
    if small:
        text += ("; " if text else "") + f"{small:,} from groups with fewer than {MIN_RESPONSES} each"
    return text


Fit = tuple[object, list[str], int, np.ndarray, np.ndarray]  # matrix, vocabulary, themes, weights, terms


@lru_cache(maxsize=16)
def _fit(texts: tuple[str, ...], n_themes: int | None) -> Fit | str:
    """The factorisation of ``texts`` (see :func:`find_themes`), or why there is none. Remembered for the same
    texts: any write to the database makes the pages read again, and a fit costs a few hundred milliseconds
    while the latest comments rarely change. The arrays are shared: read them, do not change them."""
    from threadpoolctl import threadpool_limits

    matrix, vocabulary = _vectorise(list(texts))
    if matrix is None:
        return "The comments share too few words to be grouped into themes."
    # One thread: these matrices are small, and on a busy server several threads per fit made it 6x slower.
    with threadpool_limits(1):
        if n_themes is None:
            chosen = _choose(matrix, len(texts))
            if chosen is None:
                return (f"The {len(texts):,} comments do not fall into distinct themes: no grouping gives each "
                        f"theme {MIN_THEME_SHARE:.0%} of them.")
            return matrix, vocabulary, *chosen
        return matrix, vocabulary, n_themes, *_factorise(matrix, n_themes)


def find_themes(comments: pd.DataFrame, score: ScoreMeaning = NO_SCORE, total: int | None = None,
                n_themes: int | None = None) -> CommentThemes:
    """Themes in ``comments`` (columns ``id``, ``text``, ``score`` (may be missing), ``group``; newest first).

    Only the first :data:`MAX_FITTED` rows are fitted; ``total`` is how many comments the source holds in all
    (default: the rows given). ``n_themes`` fixes the number of themes instead of choosing it from the data.
    Blank texts are left out. Returns the themes largest first, numbered from 1, or none with ``message``
    saying why: fewer than :data:`MIN_COMMENTS` comments, no words shared, or no distinct themes. Raises
    ValueError for an ``n_themes`` below 1.
    """
    if n_themes is not None and n_themes < 1:
        raise ValueError(f"n_themes must be at least 1, not {n_themes}")
    frame = comments[comments["text"].notna()].copy()
    frame["text"] = frame["text"].astype(str).str.strip()
    frame = frame[frame["text"] != ""].head(MAX_FITTED).reset_index(drop=True)
    fitted = len(frame)
    total = fitted if total is None else max(total, fitted)
    if fitted < MIN_COMMENTS:
        return _none(total, fitted, score, f"{fitted:,} comment{'' if fitted == 1 else 's'} for this choice: at "
                                           f"least {MIN_COMMENTS} are needed to find themes.")
    fit = _fit(tuple(frame["text"]), n_themes)
    if isinstance(fit, str):
        return _none(total, fitted, score, fit)
    matrix, vocabulary, k, weights, terms = fit
    strongest, strength = weights.argmax(axis=1), weights.max(axis=1)
    assigned = strength >= MIN_WEIGHT
    frame["raw_theme"] = np.where(assigned, strongest, -1)
    frame["weight"] = strength
    rows = []
    for raw in range(k):
        members = frame[frame["raw_theme"] == raw]
        if members.empty:
            continue
        # the theme's strongest terms, those most of its comments use first
        ranked_terms = np.argsort(-terms[raw], kind="stable")[:2 * TOP_TERMS]
        strong = [i for i in ranked_terms if terms[raw, i] >= TERM_SHARE * terms[raw, ranked_terms[0]]]
        used = np.asarray((matrix[members.index][:, strong] > 0).sum(axis=0)).ravel()
        order = sorted(range(len(strong)), key=lambda position: -used[position])
        readable = _readable_terms([(vocabulary[strong[position]], int(used[position])) for position in order],
                                   TOP_TERMS)
        scores = pd.to_numeric(members["score"], errors="coerce") if "score" in members else pd.Series(dtype=float)
        rows.append({"raw": raw, "label": _label(readable), "top_words": ", ".join(readable),
                     "comments": len(members), "share": len(members) / fitted, "n": len(members),
                     "scored": int(scores.notna().sum()),
                     "mean_score": float(scores.mean()) if scores.notna().sum() >= MIN_RESPONSES else np.nan,
                     "groups": _groups_text(members["group"]), "suppressed": len(members) < MIN_RESPONSES})
    themes = pd.DataFrame(rows, columns=["raw", *THEME_COLUMNS[1:]]).sort_values(
        ["comments", "label"], ascending=[False, True], kind="stable", ignore_index=True)
    themes.insert(0, "theme", range(1, len(themes) + 1))
    themes.loc[themes["suppressed"], ["mean_score", "groups"]] = [np.nan, ""]
    numbers = dict(zip(themes["raw"], themes["theme"]))
    raws, labels = dict(zip(themes["theme"], themes["raw"])), dict(zip(themes["theme"], themes["label"]))
    frame["theme"] = pd.array([numbers.get(raw) for raw in frame["raw_theme"]], dtype="Int64")
    examples = []
    for theme in themes[~themes["suppressed"]]["theme"]:
        members = frame[frame["theme"] == theme]
        ranked = pd.Series(weights[members.index, raws[theme]], index=members.index)
        ranked = members.assign(strength=ranked).sort_values(["strength", "id"], ascending=[False, True],
                                                            kind="stable").drop_duplicates("text")
        examples += [{"theme": theme, "label": labels[theme], "comment": text, "weight": float(strength)}
                     for text, strength in zip(ranked["text"][:EXAMPLES], ranked["strength"][:EXAMPLES])]
    return CommentThemes(themes.drop(columns="raw")[THEME_COLUMNS],
                         pd.DataFrame(examples, columns=["theme", "label", "comment", "weight"]),
                         frame[["id", "theme", "weight"]], total, fitted, int((~assigned).sum()), score)


def theme_table(themes: CommentThemes) -> pd.DataFrame:
    """The themes for reading and export: theme, label, top_words, comments, average_score (two decimals;
    "fewer than 5 responses" for a small theme or one with fewer than 5 scores; "not asked" where the comments
    carry no score) and groups ("fewer than 5 responses" for a small theme)."""
    shown = themes.themes.copy()
    asked = themes.score != NO_SCORE
    shown["average_score"] = [format_figure(value, themes.score.kind) if not hidden and not pd.isna(value)
                              else SUPPRESSED if asked or hidden else "not asked"
                              for value, hidden in zip(shown["mean_score"], shown["suppressed"])]
    shown["groups"] = [SUPPRESSED if hidden else groups for groups, hidden in zip(shown["groups"], shown["suppressed"])]
    return shown[["theme", "label", "top_words", "comments", "average_score", "groups"]]


# ---------------------------------------------------------------------------------------------------------------
# Sources


def survey_score_meaning(asks_csat: bool, asks_nps: bool) -> tuple[str | None, ScoreMeaning]:
    """The score a survey's themes are averaged on: CSAT when it is asked, else the recommendation (NPS) answer."""
    if asks_csat:
        return "csat", ScoreMeaning("Average CSAT (1-5)", "The mean answer (1-5) to the satisfaction question of "
                                    "the responses whose comments are in the theme.", 1.0, 5.0)
    if asks_nps:
        return "nps", ScoreMeaning("Average recommendation (0-10)", "The mean answer (0-10) to 'how likely are you "
                                   "to recommend us' of the responses whose comments are in the theme.", 0.0, 10.0)
    return None, NO_SCORE


def survey_comments(store: Store, survey_id: int, filters: Filters = Filters(), wave_ids: list[int] | None = None,
                    score: str | None = None, limit: int = MAX_FITTED) -> tuple[pd.DataFrame, int]:
    """The latest ``limit`` comments of a survey's responses in the filters and waves, newest first, as
    (frame of id, text, score, group, submitted_at; how many comments there are in all). ``score`` is
    "csat", "nps" or None (no score)."""
    sql = _responses_cte("all", filters, wave_ids) + """
        SELECT response_id AS id, comment AS text,
               CASE $score WHEN 'csat' THEN csat::DOUBLE WHEN 'nps' THEN nps::DOUBLE END AS score,
               customer_group AS "group", submitted_at, count(*) OVER () AS total
        FROM resp WHERE nullif(trim(comment), '') IS NOT NULL
        ORDER BY submitted_at DESC, response_id DESC
        LIMIT $limit
    """
    with store.reading() as db:
        frame = db.execute(sql, {**_params(survey_id, filters, wave_ids), "score": score, "limit": limit}).df()
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    return frame.drop(columns="total"), total


def survey_comment_themes(store: Store, survey_id: int, filters: Filters = Filters(),
                          wave_ids: list[int] | None = None) -> CommentThemes:
    """Themes in the comments of a survey's chosen waves (all when None) for the filters, averaged on CSAT
    when the survey asks it, else on the recommendation answer (see :func:`find_themes`)."""
    instrument = load_instrument(store, survey_id)
    column, meaning = survey_score_meaning(instrument.asks_csat, instrument.asks_nps)
    frame, total = survey_comments(store, survey_id, filters, wave_ids, column)
    return find_themes(frame, meaning, total)


COMPLAINT_SHARE = ScoreMeaning("Complaints", "The share of the theme's feedback items that are complaints (the rest "
                               "are compliments and suggestions).", 0.0, 1.0, higher_is_better=False, kind="share")


def feedback_themes(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters()) -> CommentThemes:
    """Themes in what customers wrote in the feedback items received in ``period`` (newest first, the latest
    :data:`MAX_FITTED`), each with its share of complaints and the customers' groups (items from no known customer,
    e.g. anonymous ones from the public form, count as "Group not known"); see :func:`find_themes`."""
    start, end = period.bounds(time_zone)
    # fixed column names with $groups/$services placeholders (Filters.conditions); every value is bound
    conditions = filters.conditions("f.customer_id", "f.service_id")
    with store.reading() as db:
        frame = db.execute(f"""
            SELECT f.feedback_id AS id, f.description AS text, (f.kind = 'complaint')::DOUBLE AS score,
                   g.name AS "group", count(*) OVER () AS total
            FROM feedback_items f LEFT JOIN customers c ON c.customer_id = f.customer_id
            LEFT JOIN customer_groups g ON g.group_id = c.group_id
            WHERE f.received_at >= $start AND f.received_at < $end AND nullif(trim(f.description), '') IS NOT NULL
              {conditions}
            ORDER BY f.received_at DESC, f.feedback_id DESC
            LIMIT $limit
        """, {"start": start, "end": end, "limit": MAX_FITTED, **filters.params()}).df()
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    return find_themes(frame.drop(columns="total"), COMPLAINT_SHARE, total)
