"""Scoring anomaly detectors against known anomalies: labelled windows of a series (NAB style) and
the anomalies the demo generator planted. Used by benchmarks/evaluate_detectors.py and the tests
that keep the defaults honest."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# NAB: the first 15% of a series is a warm-up that is not scored.
WARM_UP_SHARE = 0.15


@dataclass(frozen=True)
class WindowScore:
    """How flagged points of one series meet its labelled windows."""

    windows: int
    windows_found: int  # windows with at least one flagged point
    false_alarms: int  # runs of flagged points outside every window (points within ``gap`` join a run)
    flagged_points: int

    @property
    def recall(self) -> float:
        """Share of windows found."""
        return self.windows_found / self.windows if self.windows else 1.0


def score_windows(flagged: pd.Series, windows: list[tuple[pd.Timestamp, pd.Timestamp]], scored_from: pd.Timestamp,
                  gap: pd.Timedelta = pd.Timedelta(hours=1)) -> WindowScore:
    """Window-level recall and false-alarm runs of the flagged timestamps from ``scored_from`` on."""
    stamps = pd.Series(sorted(flagged[flagged >= scored_from]))
    inside = stamps.map(lambda stamp: any(start <= stamp <= end for start, end in windows))
    found = sum(bool(((stamps >= start) & (stamps <= end)).any()) for start, end in windows)
    outside = stamps[~inside]
    runs = int((outside.diff() > gap).sum()) + (1 if len(outside) else 0)
    return WindowScore(len(windows), found, runs, len(stamps))


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
