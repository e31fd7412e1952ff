"""How well the usage detectors find known anomalies, at each sensitivity.

    python benchmarks/evaluate_detectors.py              # a fresh small demo organisation
    python benchmarks/evaluate_detectors.py --db FILE    # an existing demo database (e.g. the large one)

1. The demo's planted anomalies (table planted_anomalies): precision over the findings a
   reviewer would see (after merging) and recall over the planted anomalies.
2. The labelled NAB tweet-volume series (tests/fixtures/nab, MIT licence): per series, the
   windows found (at least one flagged point inside) and the false alarms (runs of flagged points
   outside every window, points within an hour joined), after NAB's 15% warm-up, at the native
   5-minute spacing and aggregated hourly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from infodash.anomalies import SENSITIVITY, detect_series  # noqa: E402
from infodash.db import Store  # noqa: E402
from infodash.demo import build_demo  # noqa: E402
from infodash.detection import DETECTORS, merge_findings  # noqa: E402
from infodash.detector_scoring import WARM_UP_SHARE, score_planted, score_windows  # noqa: E402
from infodash.settings import organisation_time_zone  # noqa: E402

NAB = ROOT / "tests" / "fixtures" / "nab"


def nab_series() -> dict[str, tuple[pd.DataFrame, list[tuple[pd.Timestamp, pd.Timestamp]]]]:
    """Each NAB series with its labelled windows."""
    windows = json.loads((NAB / "windows.json").read_text())
    found = {}
    for path in sorted(NAB.glob("Twitter_volume_*.csv")):
        frame = pd.read_csv(path, parse_dates=["timestamp"])
        labelled = [(pd.Timestamp(start), pd.Timestamp(end)) for start, end in windows[f"realTweets/{path.name}"]]
        found[path.stem.removeprefix("Twitter_volume_")] = (frame, labelled)
    return found


def hourly(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts per hour: the spacing of the team's own usage series."""
    return frame.set_index("timestamp").resample("1h")["value"].sum().reset_index()


def evaluate_nab() -> None:
    print("NAB tweet volumes: windows found / windows, false alarms (runs outside windows)")
    series = nab_series()
    print(f"{'spacing':<10}{'sensitivity':<13}" + "".join(f"{name:>16}" for name in series) + f"{'total':>16}")
    for spacing, prepare, period in (("5 minutes", lambda f: f, None), ("1 hour", hourly, 24)):
        for level, threshold in SENSITIVITY.items():
            cells, found, windows, alarms = [], 0, 0, 0
            for frame, labelled in series.values():
                data = prepare(frame)
                flagged = detect_series(data, period=period, threshold=threshold)
                score = score_windows(flagged["timestamp"], labelled, data["timestamp"].iloc[int(len(data) * WARM_UP_SHARE)])
                cells.append(f"{score.windows_found}/{score.windows}, {score.false_alarms}")
                found, windows, alarms = found + score.windows_found, windows + score.windows, alarms + score.false_alarms
            print(f"{spacing:<10}{level:<13}" + "".join(f"{cell:>16}" for cell in cells) + f"{f'{found}/{windows}, {alarms}':>16}")


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
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="The inplace keyword")  # raised inside duckdb's .df()
    evaluate_nab()
    if args.db:
        evaluate_demo(Store(args.db))
        return
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "demo.duckdb")
        build_demo(store, "small")
        evaluate_demo(store)


if __name__ == "__main__":
    main()
