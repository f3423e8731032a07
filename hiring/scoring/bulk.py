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
    counted = is_value & (items.active_value[None, :] | rated)      # fit.counted_values, on arrays
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
    names = items.names
    # The flagged columns of every row at once (np.nonzero walks row by row, columns in order), then sliced
    # per application: one call per matrix instead of four per application.
    def per_row(flags: np.ndarray) -> tuple[list[int], list[int]]:
        rows, cols = np.nonzero(flags)
        return np.searchsorted(rows, np.arange(len(flags) + 1)).tolist(), cols.tolist()

    (mm_at, mm), (mv_at, mv) = per_row(missing_must), per_row(missing_value)
    (bm_at, bm), (bv_at, bv) = per_row(below_must), per_row(below_value)
    any_counted = counted_values.any(axis=1).tolist()
    req_nan, val_nan = np.isnan(req_fit).tolist(), np.isnan(val_fit).tolist()
    results = []
    for a in range(len(app_job)):
        reasons = [{"code": "culture_veto", "reason": r} for r in vetoes[a]]
        missing = []
        if pending[a]:
            missing.append({"code": "scorecards_pending", "count": int(pending[a])})
        missing += [{"code": "no_evidence", "item": names[i]} for i in mm[mm_at[a]:mm_at[a + 1]]]
        missing += [{"code": "no_evidence", "item": names[i]} for i in mv[mv_at[a]:mv_at[a + 1]]]
        if req_nan[a] and mm_at[a] == mm_at[a + 1] and mv_at[a] == mv_at[a + 1]:
            missing.append({"code": "no_requirement_ratings"})
        if val_nan[a] and not any_counted[a]:
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
                     "floor": floor} for i in bm[bm_at[a]:bm_at[a + 1]]]
        reasons += [{"code": "value_below_floor", "item": names[i], "mean": round(float(means[a, i]), 2),
                     "floor": floor} for i in bv[bv_at[a]:bv_at[a + 1]]]
        results.append(("fails" if reasons else "passes", reasons))
    return results
