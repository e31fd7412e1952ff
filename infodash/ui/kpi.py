"""KPI cards: a value, its change against the previous period, a sparkline and its definition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Kpi:
    """One card. ``lower_is_better`` turns a rise red; ``kind`` picks the number format."""

    label: str
    value: float | None
    change: float | None
    definition: str
    kind: str = "count"  # count, hours, share
    lower_is_better: bool = False
    trend: Sequence[float] | None = None


def _format(value: float | None, kind: str, signed: bool = False) -> str:
    if value is None:
        return "-"
    sign = "+" if signed and value > 0 else ""
    if kind == "share":
        return f"{sign}{value * 100:.1f}%" if not signed else f"{sign}{value * 100:.1f} pts"
    if kind == "hours":
        return f"{sign}{value:.1f} h"
    return f"{sign}{value:,.0f}"


def kpi_row(kpis: Sequence[Kpi], comparison: str = "vs previous week") -> None:
    """Draw the cards side by side."""
    for column, kpi in zip(st.columns(len(kpis)), kpis, strict=True):
        with column:
            st.metric(
                kpi.label,
                _format(kpi.value, kpi.kind),
                delta=None if kpi.change is None else _format(kpi.change, kpi.kind, signed=True),
                delta_color="inverse" if kpi.lower_is_better else "normal",
                delta_description=comparison if kpi.change is not None else None,
                help=kpi.definition,
                border=True,
                chart_data=[0 if value is None else value for value in kpi.trend] if kpi.trend is not None else None,
                chart_type="line",
            )
