"""How figures are written wherever people read them (cards, slides, reports): counts with thousands
separators, hours with one decimal, shares as percentages, scores with two decimals; and the colours
every chart draws its series in, on the pages and in the management pack alike."""

from __future__ import annotations

import pandas as pd

KINDS = ("count", "hours", "share", "score")
PALETTE = ("#1f4e79", "#2e86ab", "#f18f01", "#c73e1d", "#3b8b5a", "#8e5572", "#6c757d", "#b8860b")


_DECIMALS = {"share": 1, "hours": 1, "score": 2, "count": 0}  # shares in percent (or points)


def rounds_to_zero(value: float | None, kind: str) -> bool:
    """Whether ``value`` reads as zero once written for its ``kind`` (a change that shows no direction)."""
    if value is None or pd.isna(value):
        return False
    return round(value * (100 if kind == "share" else 1), _DECIMALS[kind]) == 0


def format_figure(value: float | None, kind: str, signed: bool = False) -> str:
    """``value`` as text for its ``kind`` (one of :data:`KINDS`); "-" when missing. ``signed`` writes a
    change: a leading "+" when positive, and shares as percentage points. What rounds to zero is written
    "0" (never "-0.00" or "+0.0")."""
    if value is None or pd.isna(value):
        return "-"
    if rounds_to_zero(value, kind):
        value = 0.0
    sign = "+" if signed and value > 0 else ""
    if kind == "share":
        return f"{sign}{value * 100:.1f}%" if not signed else f"{sign}{value * 100:.1f} pts"
    if kind == "hours":
        return f"{sign}{value:.1f} h"
    if kind == "score":
        return f"{sign}{value:.2f}"
    return f"{sign}{value:,.0f}"


def format_p_value(p: float | None, named: bool = True) -> str:
    """A test's p-value as people read it: "p = 0.034", "p < 0.001" (never "p = 0.000"); without ``named``,
    "0.034" or "< 0.001" for a column headed p; "" when missing."""
    if p is None or pd.isna(p):
        return ""
    if p < 0.0005:
        return "p < 0.001" if named else "< 0.001"
    return f"p = {p:.3f}" if named else f"{p:.3f}"


# A share against its target: met, close (within this many points below it) or missed; and their colours.
CLOSE_TO_TARGET = 0.02
VERDICT_COLOURS = {"met": "#3b8b5a", "close": "#f18f01", "missed": "#c73e1d"}


def target_verdict(share: float | None, target: float | None) -> str | None:
    """"met" when ``share`` reaches ``target``, "close" within :data:`CLOSE_TO_TARGET` below (2 points), else "missed";
    None when either is missing."""
    if share is None or target is None or pd.isna(share) or pd.isna(target):
        return None
    if round(share, 4) >= round(target, 4):
        return "met"
    return "close" if share >= target - CLOSE_TO_TARGET else "missed"


def count_of(number: int, noun: str, plural: str | None = None) -> str:
    """E.g. "1 row", "1,500 rows"; ``plural`` where adding "s" is wrong ("breaches")."""
    return f"{number:,} " + (noun if number == 1 else plural or f"{noun}s")
