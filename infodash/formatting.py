"""How figures are written wherever people read them (cards, slides, reports): counts with thousands
separators, hours with one decimal, shares as percentages, scores with two decimals; and the colours
every chart draws its series in, on the pages and in the management pack alike."""

from __future__ import annotations

import pandas as pd

KINDS = ("count", "hours", "share", "score")
PALETTE = ("#1f4e79", "#2e86ab", "#f18f01", "#c73e1d", "#3b8b5a", "#8e5572", "#6c757d", "#b8860b")


def format_figure(value: float | None, kind: str, signed: bool = False) -> str:
    """``value`` as text for its ``kind`` (one of :data:`KINDS`); "-" when missing. ``signed`` writes a
    change: a leading "+" when positive, and shares as percentage points."""
    if value is None or pd.isna(value):
        return "-"
    sign = "+" if signed and value > 0 else ""
    if kind == "share":
        return f"{sign}{value * 100:.1f}%" if not signed else f"{sign}{value * 100:.1f} pts"
    if kind == "hours":
        return f"{sign}{value:.1f} h"
    if kind == "score":
        return f"{sign}{value:.2f}"
    return f"{sign}{value:,.0f}"


def count_of(number: int, noun: str) -> str:
    """E.g. "1 row", "1,500 rows"."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
