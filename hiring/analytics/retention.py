"""Retention as Kaplan-Meier curves, from start and end dates. Pure: arrays in, results out.

The product-limit estimator with the exponential Greenwood ("log-log") 95% band, computed as lifelines'
KaplanMeierFitter computes it (lifelines 0.30: the same event table, the same sums of logs, the same band
formula), for many groups after one sort: a lifelines fit costs about 10 ms of pandas per curve, and the offer
page draws a dozen. tests/test_retention.py holds every curve to lifelines, the reference, and
tests/test_analytics.py to R's survfit on the published 6-MP data.
"""
from __future__ import annotations

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
    return kaplan_meier_by_group(days, observed, np.zeros(len(days), dtype=np.int64), [label], checkpoints)[0]


def kaplan_meier_by_group(days: np.ndarray, observed: np.ndarray, group: np.ndarray, labels: Sequence[str],
                          checkpoints: Sequence[int] = CHECKPOINTS) -> list[Curve | None]:
    """One curve per label, for the people whose `group` is its index (others, such as -1, in none); None for
    a label with no one. One sort for every group; then each group's event table is a slice."""
    days = np.asarray(days, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    group = np.asarray(group, dtype=np.int64)
    order = np.lexsort((days, group))
    g, t, e = group[order], days[order], observed[order]
    # The event table of every group at once: one row per (group, distinct time).
    first = np.ones(len(t), dtype=bool)
    first[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    row = np.cumsum(first) - 1
    row_group, row_time = g[first], t[first]
    removed = np.bincount(row, minlength=len(row_time))
    deaths = np.bincount(row, weights=e, minlength=len(row_time)).astype(np.int64)
    rows = np.searchsorted(row_group, np.arange(len(labels) + 1))
    people = np.searchsorted(g, np.arange(len(labels) + 1))
    curves = []
    for k, label in enumerate(labels):
        if people[k] == people[k + 1]:
            curves.append(None)
            continue
        mine = slice(rows[k], rows[k + 1])
        curves.append(_curve(label, row_time[mine], removed[mine], deaths[mine], t[people[k]:people[k + 1]],
                             checkpoints))
    return curves


def _curve(label: str, times: np.ndarray, removed: np.ndarray, deaths: np.ndarray, days: np.ndarray,
           checkpoints: Sequence[int]) -> Curve:
    """One group's curve from its event table (distinct times, sorted, with people removed and deaths at each)
    and its durations (sorted), in lifelines' arithmetic step by step, so that the figures are its figures."""
    n = int(removed.sum())
    # Everyone enters at time min(0, first duration): lifelines' table has a row there even without events.
    birth = min(0.0, float(times[0]))
    if times[0] != birth:
        times = np.concatenate([[birth], times])
        removed = np.concatenate([[0], removed])
        deaths = np.concatenate([[0], deaths])
    removed_before = np.concatenate([[0], np.cumsum(removed)[:-1]])
    at_risk = n - removed_before
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.exp(np.cumsum(np.log(at_risk - deaths) - np.log(at_risk)))
        term = deaths / (at_risk.astype(np.uint64) * (at_risk.astype(np.uint64) - deaths))
        variance = np.cumsum(np.where(np.isinf(term), 0.0, term))
        v = np.log(survival)
        spread = _z95() * np.sqrt(variance) / v
        lower = np.exp(-np.exp(np.log(-v) - spread))
        upper = np.exp(-np.exp(np.log(-v) + spread))
    lower[np.isnan(lower)] = 1.0
    upper[np.isnan(upper)] = 1.0
    at = {}
    followed = days[-1]
    for day in checkpoints:
        if day > followed:
            at[day] = None  # nobody followed that long: no estimate, rather than a flat line's guess
            continue
        i = int(np.searchsorted(times, day, side="right") - 1)
        at[day] = (float(survival[i]), float(lower[i]), float(upper[i]))
    # The median: the first time the curve is at or below one half; none if it never gets there.
    median = None if survival[-1] > 0.5 else float(times[np.searchsorted(-survival, -0.5)])
    return Curve(label=label, n=n, events=int(deaths.sum()), timeline=times, survival=survival, lower=lower,
                 upper=upper, median=median, at=at)


def _z95() -> float:
    """The normal quantile of a two-sided 95% interval, as lifelines takes it (scipy's norm.ppf)."""
    from scipy.stats import norm

    return float(norm.ppf(0.975))
