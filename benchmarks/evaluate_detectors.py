"""How well the anomaly detectors find known anomalies: labelled real series and the demo's planted ones.

    python benchmarks/evaluate_detectors.py                # NAB series + a fresh small demo
    python benchmarks/evaluate_detectors.py --db FILE      # ... an existing demo database (e.g. the large one)
    python benchmarks/evaluate_detectors.py --nab DIR      # labelled series elsewhere than ../shared/data/nab
    python benchmarks/evaluate_detectors.py --per-series   # also each series' windows and false alarms

1. The 42 labelled series of the Numenta Anomaly Benchmark (numenta/NAB, MIT licence: three tweet
   volumes in ``nab/`` and 39 more in ``nab/more/``, windows in each ``windows.json``), scored with
   NAB's standard profile: a window found counts up to 1 (less the later in the window), a window
   missed -1, each alarm outside every window -0.11, the first 15% of a series unscored,
   normalised so that detecting nothing scores 0 and detecting every window at its start 100.
   Each candidate judges every point only on the points before it. The chosen detector is
   ``infodash.anomalies.detect_events``; the others are in ``detector_candidates.py``.
2. The demo's planted anomalies (table planted_anomalies): precision over the findings a
   reviewer would see (after merging) and recall over the planted anomalies, at each sensitivity.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from benchmarks.detector_candidates import (residual_and_level_test, seasonal_median, stl_residual,  # noqa: E402
                                            weekly_median_mad)
from infodash.anomalies import SENSITIVITY, detect_events  # noqa: E402
from infodash.db import Store  # noqa: E402
from infodash.demo import build_demo  # noqa: E402
from infodash.detection import DETECTORS, merge_findings  # noqa: E402
from infodash.detector_scoring import WindowScore, normalised_score, score_planted, score_windows  # noqa: E402
from infodash.settings import organisation_time_zone  # noqa: E402

NAB = ROOT.parent / "shared" / "data" / "nab"
Windows = list[tuple[pd.Timestamp, pd.Timestamp]]


def labelled_series(folder: Path) -> dict[str, tuple[pd.DataFrame, Windows]]:
    """Every labelled series under ``folder`` (its own windows.json and that of ``more/``), by NAB name."""
    found = {}
    for place in (folder, folder / "more"):
        if not (place / "windows.json").exists():
            continue
        for name, windows in json.loads((place / "windows.json").read_text()).items():
            path = place / (name.split("/")[-1] if place == folder else name.replace("/", "__"))
            frame = pd.read_csv(path, parse_dates=["timestamp"])
            found[name] = (frame, [(pd.Timestamp(start), pd.Timestamp(end)) for start, end in windows])
    return found


def chosen(frame: pd.DataFrame) -> pd.Series:
    """InfoDash's detector: the start of each event."""
    return pd.Series(pd.to_datetime(detect_events(frame)["start"]), dtype="datetime64[ns]")


CANDIDATES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "weekly median/MAD (baseline)": weekly_median_mad,
    "seasonal median per point (before)": seasonal_median,
    "STL residual (statsmodels)": stl_residual,
    "residual + level-shift test": residual_and_level_test,
    "detect_events (chosen)": chosen,
}


def score_candidate(detector: Callable[[pd.DataFrame], pd.Series], series: dict[str, tuple[pd.DataFrame, Windows]]
                    ) -> tuple[dict[str, WindowScore], float]:
    """Each series' NAB score for one detector, and the seconds it took."""
    started = time.perf_counter()
    scores = {name: score_windows(frame["timestamp"], detector(frame), windows)
              for name, (frame, windows) in series.items()}
    return scores, time.perf_counter() - started


def evaluate_nab(folder: Path, per_series: bool) -> None:
    series = labelled_series(folder)
    windows = sum(len(labelled) for _, labelled in series.values())
    print(f"NAB standard profile over {len(series)} labelled series ({windows} windows) in {folder}")
    print(f"{'detector':<38}{'score':>7}{'windows found':>15}{'false alarms/series':>21}{'seconds':>9}")
    results = {}
    for label, detector in CANDIDATES.items():
        scores, seconds = score_candidate(detector, series)
        results[label] = scores
        found = sum(score.windows_found for score in scores.values())
        alarms = sum(score.false_alarms for score in scores.values()) / len(scores)
        print(f"{label:<38}{normalised_score(list(scores.values())):>7.1f}{f'{found}/{windows}':>15}"
              f"{alarms:>21.2f}{seconds:>9.1f}")
    if per_series:
        print(f"\n{'series':<58}" + "".join(f"{label.split(' (')[0][:18]:>20}" for label in CANDIDATES))
        for name in series:
            cells = (results[label][name] for label in CANDIDATES)
            print(f"{name:<58}" + "".join(f"{f'{cell.windows_found}/{cell.windows} fa {cell.false_alarms}':>20}"
                                          for cell in cells))


def evaluate_demo(store: Store) -> None:
    time_zone = organisation_time_zone(store)
    with store.reading() as db:
        planted = db.execute("SELECT kind, customer_id, system_id, resource, window_start, window_end "
                             "FROM planted_anomalies").df()
        until = db.execute("SELECT max(occurred_at) FROM usage_events").fetchall()[0][0] + dt.timedelta(minutes=1)
    print(f"\nDemo planted anomalies ({len(planted)}), all history up to {until:%Y-%m-%d %H:%M}:")
    print(f"{'sensitivity':<13}{'findings':>10}{'true':>7}{'precision':>11}{'recall':>8}{'seconds':>9}   false findings")
    for level, threshold in SENSITIVITY.items():
        started = time.perf_counter()
        findings = merge_findings([finding for detector in DETECTORS.values()
                                   for finding in detector(store, time_zone, until, None, threshold)])
        seconds = time.perf_counter() - started
        frame = pd.DataFrame([{"detector": f.detector, "customer_id": f.customer_id, "system_id": f.system_id,
                               "resource": f.resource, "window_start": f.window_start, "window_end": f.window_end,
                               "explanation": f.explanation} for f in findings])
        score = score_planted(frame, planted)
        false = [row.explanation for row in frame.itertuples()
                 if score_planted(frame.loc[[row.Index]], planted).true_findings == 0]
        recall = f"{score.planted_found}/{score.planted}"
        print(f"{level:<13}{score.findings:>10}{score.true_findings:>7}{score.precision:>11.2f}{recall:>8}"
              f"{seconds:>9.1f}   " + " | ".join(false)[:300])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a demo database (default: a fresh small demo)")
    parser.add_argument("--nab", type=Path, default=NAB, help="the folder of labelled NAB series")
    parser.add_argument("--per-series", action="store_true", help="each series' windows found and false alarms")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="The inplace keyword")  # raised inside duckdb's .df()
    evaluate_nab(args.nab, args.per_series)
    if args.db:
        evaluate_demo(Store(args.db))
        return
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "demo.duckdb")
        build_demo(store, "small")
        evaluate_demo(store)


if __name__ == "__main__":
    main()
