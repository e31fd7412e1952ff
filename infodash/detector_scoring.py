"""Scoring anomaly detectors against known anomalies: labelled windows of a series (NAB style) and
the anomalies the demo generator planted. Used by benchmarks/evaluate_detectors.py and the tests
that keep the defaults honest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# NAB's standard profile: a window found counts up to +1 (less the later in the window), a window
# missed -1, each detection outside every window -0.11 (less just after a window).
TRUE_POSITIVE_WEIGHT = 1.0
FALSE_POSITIVE_WEIGHT = 0.11
FALSE_NEGATIVE_WEIGHT = 1.0
WARM_UP_SHARE = 0.15  # the first 15% of a series (at most 750 points) is a warm-up that is not scored
_WARM_UP_MOST = 0.15 * 5000


def _scaled_sigmoid(position: np.ndarray) -> np.ndarray:
    """NAB's weight of a detection at a relative position: -1 at the window's start gives ~1, its end 0,
    a window's width after it about -1."""
    return np.where(position > 3.0, -1.0, 2.0 / (1.0 + np.exp(5.0 * position)) - 1.0)


@dataclass(frozen=True)
class WindowScore:
    """How the detections of one series meet its labelled windows, scored the NAB way."""

    windows: int
    windows_found: int  # windows with at least one detection
    false_alarms: int  # detections outside every window
    detections: int
    raw: float  # NAB's raw score: found windows' weights, minus missed windows and weighted false alarms

    @property
    def recall(self) -> float:
        """Share of windows found."""
        return self.windows_found / self.windows if self.windows else 1.0

    @property
    def null(self) -> float:
        """The raw score of a detector that never detects anything."""
        return -FALSE_NEGATIVE_WEIGHT * self.windows

    @property
    def perfect(self) -> float:
        """The raw score of a detector that detects each window at its first point and nothing else."""
        return TRUE_POSITIVE_WEIGHT * self.windows


def warm_up_points(points: int) -> int:
    """How many points at the start of a series NAB leaves unscored."""
    return int(min(np.floor(WARM_UP_SHARE * points), _WARM_UP_MOST))


def score_windows(timestamps: pd.Series, detections: pd.Series,
                  windows: list[tuple[pd.Timestamp, pd.Timestamp]]) -> WindowScore:
    """NAB-score the ``detections`` (timestamps at which a detector raised an alarm) of the series whose
    points are ``timestamps`` (sorted), against its labelled ``windows`` (first and last timestamp).

    As NAB does, positions are counted in points, not time: a detection inside a window scores by
    how early it comes (the first detection of a window counts, later ones are free), one outside
    costs the false-positive weight (less within about a window's width after a window), and one
    in the warm-up is ignored.
    """
    stamps = pd.DatetimeIndex(timestamps)
    hits = np.zeros(len(stamps), dtype=bool)
    wanted = pd.DatetimeIndex(detections).unique()
    positions = np.minimum(stamps.searchsorted(wanted, "left"), max(len(stamps) - 1, 0))
    hits[positions[stamps[positions] == wanted] if len(stamps) else []] = True  # off the points: not scored
    bounds = [(int(stamps.searchsorted(start, "left")), int(stamps.searchsorted(end, "right")) - 1)
              for start, end in windows]
    first_scored = warm_up_points(len(stamps))
    index = np.arange(len(stamps))
    weight = np.full(len(stamps), -1.0 * FALSE_POSITIVE_WEIGHT)
    window_of = np.full(len(stamps), -1)
    for number, (left, right) in enumerate(bounds):
        width = right - left + 1
        inside = index[left:right + 1]
        weight[left:right + 1] = _scaled_sigmoid(-(right - inside + 1) / width) * TRUE_POSITIVE_WEIGHT \
            / _scaled_sigmoid(np.array(-1.0))
        window_of[left:right + 1] = number
        following = bounds[number + 1][0] if number + 1 < len(bounds) else len(stamps)
        after = index[right + 1:following]
        weight[right + 1:following] = _scaled_sigmoid(np.abs(right - after) / max(width - 1, 1)) \
            * FALSE_POSITIVE_WEIGHT
    scored = hits & (index >= first_scored)
    found = {int(w) for w in window_of[scored] if w >= 0}
    raw = sum(weight[scored & (window_of == number)].max() for number in found)
    outside = scored & (window_of < 0)
    raw += weight[outside].sum() - FALSE_NEGATIVE_WEIGHT * (len(bounds) - len(found))
    return WindowScore(len(bounds), len(found), int(outside.sum()), int(scored.sum()), float(raw))


def normalised_score(scores: list[WindowScore]) -> float:
    """NAB's normalised score over many series: 0 detects nothing, 100 detects every window at its start."""
    raw = sum(score.raw for score in scores)
    null = sum(score.null for score in scores)
    perfect = sum(score.perfect for score in scores)
    return 100.0 * (raw - null) / (perfect - null) if perfect > null else 100.0


_FAMILY = {"volume_spike": "volume_spike", "volume_drop": "volume_drop", "repeated_query": "repeated_query",
           "quiet_customer": "quiet_customer", "unused_resource": "unused_resource",
           "new_heavy_user": "new_heavy_user"}


@dataclass(frozen=True)
class PlantedScore:
    """Findings against the anomalies a demo planted: precision over findings, recall over planted ones."""

    findings: int
    true_findings: int
    planted: int
    planted_found: int

    @property
    def precision(self) -> float:
        """Share of findings that point at a planted anomaly."""
        return self.true_findings / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        """Share of planted anomalies found."""
        return self.planted_found / self.planted if self.planted else 1.0


def _matches(finding: pd.Series, planted: pd.Series) -> bool:
    if _FAMILY.get(finding["detector"]) != planted["kind"]:
        return False
    if not (finding["window_start"] < planted["window_end"] and planted["window_start"] < finding["window_end"]):
        return False
    if pd.notna(planted["customer_id"]) and finding["customer_id"] != planted["customer_id"]:
        return False
    if pd.notna(planted["resource"]) and pd.notna(finding["resource"]) and finding["resource"] != planted["resource"]:
        return False
    return not (pd.notna(planted["system_id"]) and pd.notna(finding["system_id"])
                and finding["system_id"] != planted["system_id"])


def score_planted(findings: pd.DataFrame, planted: pd.DataFrame) -> PlantedScore:
    """Match findings (detector, customer_id, system_id, resource, window_start, window_end) to planted ones."""
    hits = [[_matches(finding, plant) for _, plant in planted.iterrows()] for _, finding in findings.iterrows()]
    true_findings = sum(any(row) for row in hits)
    found = sum(any(row[i] for row in hits) for i in range(len(planted)))
    return PlantedScore(len(findings), true_findings, len(planted), found)
