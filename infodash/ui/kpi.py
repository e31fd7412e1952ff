"""KPI cards: a value, its change against the previous period, a sparkline and its definition."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from infodash.formatting import format_figure, rounds_to_zero, target_verdict


@dataclass(frozen=True)
class Kpi:
    """One card. ``direction`` decides whether a rise shows green, red or grey; ``kind`` picks the number format."""

    label: str
    value: float | None
    change: float | None
    definition: str
    kind: str = "count"  # count, hours, share, score (two decimals)
    direction: str = "higher_is_better"  # or lower_is_better, neutral
    trend: Sequence[float] | None = None
    shown_instead: str | None = None  # text in place of the value, e.g. "fewer than 5 responses"
    note: str | None = None  # a few words beside the change, e.g. "4.5 h saved"
    target: float | None = None  # a share's promise: the card says met, close or missed, in colour


_DELTA_COLOURS = {"higher_is_better": "normal", "lower_is_better": "inverse", "neutral": "off"}
_VERDICT_COLOURS = {"met": "green", "close": "orange", "missed": "red"}


def _delta(kpi: Kpi) -> tuple[str | None, str, str, str | None]:
    """What the card shows under its value: (delta text, its colour, its arrow, the words beside it)."""
    change = None if kpi.change is None or pd.isna(kpi.change) else kpi.change
    verdict = None if kpi.target is None else target_verdict(kpi.value, kpi.target)
    promised = None if kpi.target is None else format_figure(kpi.target, "share")
    if change is None and verdict is not None:  # no change to show: the verdict is the news
        text = (f"meets the {promised} target" if verdict == "met" else
                f"{(kpi.target - kpi.value) * 100:.1f} pts below the {promised} target")
        return text, _VERDICT_COLOURS[verdict], "off", kpi.note
    # short enough to stay whole beside the change on a card: "met 95%", "missed 95%"
    note = ", ".join(part for part in (kpi.note, verdict and f"{verdict} {kpi.target:.0%}") if part) or None
    if change is None:
        return None, "off", "auto", note
    unchanged = rounds_to_zero(change, kpi.kind)  # "0.0 h" with no arrow, neither good nor bad
    return (format_figure(change, kpi.kind, signed=True), "off" if unchanged else _DELTA_COLOURS[kpi.direction],
            "off" if unchanged else "auto", note)


def kpi_row(kpis: Sequence[Kpi], slots: int | None = None) -> None:
    """Draw the cards side by side, in ``slots`` equal columns (default: one per card) so rows line up; on a
    narrow screen two per row (see infodash.ui.layout)."""
    row = st.container(key=f"kpis_{zlib.crc32('|'.join(kpi.label for kpi in kpis).encode())}")
    for column, kpi in zip(row.columns(slots or len(kpis)), kpis, strict=False):
        delta, colour, arrow, note = _delta(kpi)
        with column:
            st.metric(
                kpi.label,
                kpi.shown_instead or format_figure(kpi.value, kpi.kind),
                delta=delta,
                delta_color=colour,
                delta_arrow=arrow,
                delta_description=note,
                help=kpi.definition,
                border=True,
                chart_data=None if kpi.trend is None else [0 if pd.isna(value) else value for value in kpi.trend],
                chart_type="line",
            )
