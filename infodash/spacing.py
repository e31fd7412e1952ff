"""The spacing of a series' points and the seasonal cycle it implies."""

from __future__ import annotations

import numpy as np
import pandas as pd


def seasonal_period(spacing: pd.Timedelta) -> int:
    """Points per seasonal cycle for a spacing: a day below an hour, a week up to a day, else none."""
    if spacing <= pd.Timedelta(0):
        raise ValueError("the spacing must be positive")
    if spacing < pd.Timedelta(hours=1):
        return max(1, round(pd.Timedelta(days=1) / spacing))
    if spacing < pd.Timedelta(days=1):
        return max(1, round(pd.Timedelta(weeks=1) / spacing))
    if spacing < pd.Timedelta(weeks=1):
        return max(1, round(pd.Timedelta(weeks=1) / spacing))
    return 1


def infer_spacing(timestamps: pd.Series) -> pd.Timedelta:
    """The most common gap between consecutive distinct timestamps."""
    gaps = pd.Series(np.sort(pd.unique(timestamps))).diff().dropna()
    if gaps.empty:
        raise ValueError("at least two distinct timestamps are needed to infer the spacing")
    return pd.Timedelta(gaps.mode().iloc[0])
