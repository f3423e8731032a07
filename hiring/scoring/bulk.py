"""Scores for many applications at once, as array operations: no Python loop per rating.

The same rules as fit.py and gate.py, in matrix form: rows are applications, columns are items (every
requirement of every job, then every core value). Pure: arrays in, arrays and reasons out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiring.scoring.gate import DEFAULT_FLOOR


@dataclass
class Items:
    """The columns: for requirements their job (row index into the jobs) and weight; -1 for values."""

    names: list[str]
    job: np.ndarray          # int, -1 for a core value
    weight: np.ndarray       # float, 0 for a core value
    must_have: np.ndarray    # bool
    active_value: np.ndarray  # bool: an active core value (retired ones count only where rated)


def item_means(app: np.ndarray, item: np.ndarray, score: np.ndarray, n_apps: int, n_items: int) -> np.ndarray:
    """Mean score per (application, item); NaN where there is no evidence."""
    key = app * n_items + item
    sums = np.bincount(key, weights=score, minlength=n_apps * n_items)
    counts = np.bincount(key, minlength=n_apps * n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    means[counts == 0] = np.nan
    return means.reshape(n_apps, n_items)


def fits(means: np.ndarray, app_job: np.ndarray, items: Items) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Requirements fit and values fit on 0-100 (NaN with no evidence), and which value columns count."""
    mine = items.job[None, :] == app_job[:, None]                 # the requirements of each application's job
    rated = ~np.isnan(means)
    weights = np.where(mine & rated, items.weight[None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        req = np.nansum(np.where(rated, means, 0) * weights, axis=1) / weights.sum(axis=1)
    is_value = items.job[None, :] == -1
    counted = is_value & (items.active_value[None, :] | rated)      # active values, and retired ones rated here
    value_sum = np.where(counted & rated, means, 0).sum(axis=1)
    value_n = (counted & rated).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = value_sum / value_n
    return np.round((req - 1) * 25, 2), np.round((val - 1) * 25, 2), counted


def gate(means: np.ndarray, req_fit: np.ndarray, val_fit: np.ndarray, counted_values: np.ndarray,
         app_job: np.ndarray, items: Items, req_threshold: np.ndarray, val_threshold: np.ndarray,
         pending: np.ndarray, vetoes: list[list[str]], floor: float = DEFAULT_FLOOR) -> list[tuple[str, list]]:
    """The gate for every application, with reasons in the same order and words as gate.decide."""
    must = (items.job[None, :] == app_job[:, None]) & items.must_have[None, :]
    rated = ~np.isnan(means)
    missing_must = must & ~rated
    missing_value = counted_values & ~rated
    below_must = must & rated & (np.nan_to_num(means, nan=99) < floor)
    below_value = counted_values & rated & (np.nan_to_num(means, nan=99) < floor)
    results = []
    names = items.names
    for a in range(len(app_job)):
        reasons = [{"code": "culture_veto", "reason": r} for r in vetoes[a]]
        missing = []
        if pending[a]:
            missing.append({"code": "scorecards_pending", "count": int(pending[a])})
        missing += [{"code": "no_evidence", "item": names[i]} for i in np.flatnonzero(missing_must[a])]
        missing += [{"code": "no_evidence", "item": names[i]} for i in np.flatnonzero(missing_value[a])]
        if np.isnan(req_fit[a]) and not (missing_must[a].any() or missing_value[a].any()):
            missing.append({"code": "no_requirement_ratings"})
        if np.isnan(val_fit[a]) and not counted_values[a].any():
            missing.append({"code": "no_value_ratings"})
        if missing:
            results.append(("fails", reasons) if reasons else ("incomplete", missing))
            continue
        if req_fit[a] < req_threshold[a]:
            reasons.append({"code": "requirements_below_threshold", "score": float(req_fit[a]),
                            "threshold": int(req_threshold[a])})
        if val_fit[a] < val_threshold[a]:
            reasons.append({"code": "values_below_threshold", "score": float(val_fit[a]),
                            "threshold": int(val_threshold[a])})
        reasons += [{"code": "must_have_below_floor", "item": names[i], "mean": round(float(means[a, i]), 2),
                     "floor": floor} for i in np.flatnonzero(below_must[a])]
        reasons += [{"code": "value_below_floor", "item": names[i], "mean": round(float(means[a, i]), 2),
                     "floor": floor} for i in np.flatnonzero(below_value[a])]
        results.append(("fails" if reasons else "passes", reasons))
    return results
