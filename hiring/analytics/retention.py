"""Retention as Kaplan-Meier curves (lifelines), from start and end dates. Pure: arrays in, results out."""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

CHECKPOINTS = (30, 90, 180, 365)


def durations(starts: Sequence[date], ends: Sequence[date | None], today: date) -> tuple[np.ndarray, np.ndarray]:
    """Days employed and whether the end was observed, for hires who have started.

    Someone still employed, or whose end date lies in the future, is censored at today; a hire who has not
    started yet is left out (they have no time at risk); a same-day start and end is a departure at day 0.
    """
    # As arrays of day numbers: the same whole-day differences as date subtraction, without a loop per hire.
    start, _ = _day_numbers(starts)
    end, has_end = _day_numbers(ends)
    now = today.toordinal() - EPOCH
    begun = start <= now
    ended = has_end & (end <= now)
    days = np.where(ended, end - start, now - start)
    return days[begun].astype(float), ended[begun]


EPOCH = date(1970, 1, 1).toordinal()


def _day_numbers(days) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970 of dates (a sequence of dates and Nones, or a datetime64 array with NaT), and which
    are known. Through toordinal for Python dates: NumPy's own conversion of date objects is ten times slower."""
    if isinstance(days, np.ndarray) and days.dtype.kind == "M":
        days = days.astype("datetime64[D]")
        return days.astype(np.int64), ~np.isnat(days)
    known = np.fromiter((d is not None for d in days), dtype=bool, count=len(days))
    return np.fromiter((d.toordinal() - EPOCH if d is not None else 0 for d in days), dtype=np.int64,
                       count=len(days)), known


@dataclass
class Curve:
    """A Kaplan-Meier estimate with its 95% band, retention at the checkpoints and the median tenure."""

    label: str
    n: int
    events: int
    timeline: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    median: float | None
    at: dict[int, tuple[float, float, float] | None] = field(default_factory=dict)


def kaplan_meier(days: np.ndarray, observed: np.ndarray, label: str = "",
                 checkpoints: Sequence[int] = CHECKPOINTS) -> Curve | None:
    """Fit the curve (log-log confidence band, as R's survfit with conf.type="log-log"); None with no one."""
    from lifelines import KaplanMeierFitter

    if len(days) == 0:
        return None
    with warnings.catch_warnings():
        # lifelines warns about ties and such in ways that are expected here; the numbers are what matter.
        warnings.simplefilter("ignore")
        fitter = KaplanMeierFitter(alpha=0.05).fit(days, event_observed=observed, label=label or "KM")
        survival = fitter.survival_function_.iloc[:, 0].to_numpy()
        band = fitter.confidence_interval_survival_function_
        lower, upper = band.iloc[:, 0].to_numpy(), band.iloc[:, 1].to_numpy()
    timeline = fitter.timeline
    at = {}
    followed = days.max()
    for day in checkpoints:
        if day > followed:
            at[day] = None  # nobody followed that long: no estimate, rather than a flat line's guess
            continue
        i = int(np.searchsorted(timeline, day, side="right") - 1)
        at[day] = (float(survival[i]), float(lower[i]), float(upper[i]))
    median = fitter.median_survival_time_
    return Curve(label=label, n=len(days), events=int(observed.sum()), timeline=np.asarray(timeline),
                 survival=survival, lower=lower, upper=upper,
                 median=None if not np.isfinite(median) else float(median), at=at)
