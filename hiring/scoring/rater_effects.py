"""The rater-offset model behind interviewer calibration: pure NumPy, no Flask, no database.

A rating is explained by what is rated (the candidate's application and the item: one fixed effect per pair)
plus the interviewer's offset plus noise, the two-way fixed-effects model of rater severity (Linacre's
many-facet model in its linear form; Wooldridge, "Econometric Analysis of Cross Section and Panel Data",
2nd ed., ch. 10, for two-way fixed effects). It is fitted by weighted least squares, each (interviewer,
candidate) pair weighing one in total however many items it rated, so that the candidate is the unit of
evidence: the unit effects are absorbed (Frisch-Waugh-Lovell) and the interviewers' equations, a sparse
graph Laplacian, are solved directly. A mixed model with crossed random effects (statsmodels MixedLM) is far
too slow at two million ratings; this takes a few sorts and one sparse solve of interviewers x interviewers.

Offsets are identified only up to a constant within each connected group of interviewers (a group that never
rates an item of a candidate with another cannot be compared with it), so each group is centred on its
median interviewer, weighted by shared candidates: one lenient colleague does not make the others look harsh,
as centring on the mean would. A group of two has mirror-image offsets and cannot tell who is off.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

@dataclass(frozen=True)
class PanelFit:
    """The fitted offsets per rater and the per-candidate comparisons they rest on."""

    raters: np.ndarray           # the distinct rater ids, sorted
    offset: np.ndarray           # per rater: least-squares offset, centred per group (nan without shared candidates)
    group_size: np.ndarray       # per rater: raters in its connected group (0 without shared candidates)
    colleagues: np.ndarray       # per rater: distinct other raters met on shared items
    who: np.ndarray              # per comparison: index of the rater in `raters`
    application: np.ndarray      # per comparison: the application (candidate), as given
    difference: np.ndarray       # per comparison: own mean rating minus the others' offset-corrected mean


def _codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the number of each key's group in sorted order, the distinct keys): np.unique's inverse, one sort."""
    keys = np.asarray(keys)
    if keys.dtype.kind in "iu" and len(keys) and int(keys.max()) - int(keys.min()) <= 4 * len(keys) + 1024:
        # Integers in a modest range (ids): a table instead of a sort, the same numbering.
        low = int(keys.min())
        present = np.bincount(keys - low) > 0
        number = np.cumsum(present) - 1
        return number[keys - low].astype(np.int64), (np.flatnonzero(present) + low).astype(keys.dtype)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    index = np.empty(len(keys), dtype=np.int64)
    index[order] = np.cumsum(first) - 1
    return index, ordered[first]


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value at half the total weight; midway between two values when the half falls exactly between."""
    order = np.argsort(values, kind="stable")
    v, cumulative = values[order], np.cumsum(weights[order])
    half = cumulative[-1] / 2
    k = int(np.searchsorted(cumulative, half))
    if np.isclose(cumulative[k], half) and k + 1 < len(v):
        return float((v[k] + v[k + 1]) / 2)
    return float(v[k])


def _groups(who: np.ndarray, unit: np.ndarray, n_raters: int, n_units: int) -> np.ndarray:
    """The connected group of each rater in the graph of raters and the units (candidate and item) they share."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = n_raters + n_units
    graph = coo_matrix((np.ones(len(who)), (who, n_raters + unit)), shape=(n, n))
    return connected_components(graph, directed=False)[1][:n_raters]


def fit(raters: np.ndarray, applications: np.ndarray, items: np.ndarray, scores: np.ndarray) -> PanelFit:
    """Fit rating = (application, item) effect + rater offset by weighted least squares, and return each
    rater's per-candidate comparisons with the other raters of the same items (their offsets taken out)."""
    scores = np.asarray(scores, dtype=float)
    r, rater_ids = _codes(raters)
    a, app_ids = _codes(applications)
    i, item_ids = _codes(items)
    n_r, n_i = len(rater_ids), max(len(item_ids), 1)
    # One cell per rater and unit (application x item): a rater who rated an item twice counts once, with
    # the mean of the two, so that nobody is their own colleague.
    unit = a * n_i + i
    cell, cell_keys = _codes(unit * n_r + r)
    y = np.bincount(cell, weights=scores) / np.bincount(cell)
    cell_unit, cell_rater = cell_keys // n_r, cell_keys % n_r
    del cell, unit
    # Only units rated by two or more raters carry information on offsets.
    u, _ = _codes(cell_unit)
    shared = np.bincount(u)[u] >= 2
    y, cell_rater = y[shared], cell_rater[shared]
    cell_app = cell_unit[shared] // n_i
    u, _ = _codes(u[shared])
    # Each (rater, candidate) pair weighs one, spread over the items it rated.
    pair, pair_keys = _codes(cell_app * n_r + cell_rater)
    per_pair = np.bincount(pair).astype(float)
    w = 1.0 / per_pair[pair]
    unit_weight = np.bincount(u, weights=w)
    rater_weight = np.bincount(cell_rater, weights=w, minlength=n_r)  # = shared candidates per rater
    has = rater_weight > 0
    pair_rater, pair_app = pair_keys % n_r, pair_keys // n_r
    # Groups through shared items, not only shared candidates: two who rated different items of one candidate
    # (a skills and a values interview) are compared with no one through it.
    group = _groups(cell_rater, u, n_r, int(u.max()) + 1) if len(u) else np.arange(n_r)
    b = _solve(u, cell_rater, w, y, unit_weight, rater_weight, group)
    group_size = np.zeros(n_r, dtype=np.int64)
    sizes = np.bincount(group[has])
    group_size[has] = sizes[group[has]]
    offset = np.full(n_r, np.nan)
    for g in np.unique(group[has]):
        members = np.flatnonzero(has & (group == g))
        offset[members] = b[members] - weighted_median(b[members], rater_weight[members])
    # Per cell: own rating minus the mean of the other raters' ratings of the same unit, each corrected by
    # its rater's offset; then one comparison per (rater, candidate): the mean over the items it rated.
    z = y - np.nan_to_num(offset)[cell_rater]
    others = np.bincount(u)[u] - 1
    reference = (np.bincount(u, weights=z)[u] - z) / others
    difference = np.bincount(pair, weights=y - reference) / per_pair
    colleagues = _colleagues(u, cell_rater, n_r)
    return PanelFit(raters=rater_ids, offset=offset, group_size=group_size, colleagues=colleagues,
                    who=pair_rater, application=app_ids[pair_app], difference=difference)


def _pairs_within(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j), i != j, of every ordered pair of entries in the same run of a sorted array: a panel
    is a handful of raters, so this is a few times the entries (a sparse matrix product took ten times as long)."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1])))
    sizes = np.diff(np.append(starts, len(groups)))
    left, right = [], []
    for size in np.unique(sizes):
        at = starts[sizes == size]
        ii, jj = np.nonzero(~np.eye(size, dtype=bool))
        left.append((at[:, None] + ii).ravel())
        right.append((at[:, None] + jj).ravel())
    return np.concatenate(left), np.concatenate(right)


def _solve(u, rater, w, y, unit_weight, rater_weight, group) -> np.ndarray:
    """The raters' least-squares offsets with the unit effects absorbed (Frisch-Waugh-Lovell): the normal
    equations L b = c, where L = diag(rater weight) - A' diag(1 / unit weight) A is a weighted graph Laplacian
    of the raters (A: units x raters, the weights), solved sparse with one rater per group held at zero."""
    from scipy.sparse import coo_matrix, diags
    from scipy.sparse.linalg import spsolve

    n_r = len(rater_weight)
    b = np.zeros(n_r)
    if len(unit_weight) == 0:
        return b
    # A'DA: its diagonal from each cell alone, the rest from each pair of cells of a unit (`u` is sorted).
    i, j = _pairs_within(u)
    cross = coo_matrix((w[i] * w[j] / unit_weight[u[i]], (rater[i], rater[j])), shape=(n_r, n_r))
    own = np.bincount(rater, weights=w * w / unit_weight[u], minlength=n_r)
    laplacian = (diags(rater_weight - own) - cross).tocsc()
    unit_mean = np.bincount(u, weights=w * y) / unit_weight
    rhs = np.bincount(rater, weights=w * (y - unit_mean[u]), minlength=n_r)
    # Offsets are fixed only up to a constant per group: hold its first rater at zero (the centring comes later).
    free = np.ones(n_r, dtype=bool)
    free[np.unique(group, return_index=True)[1]] = False
    free &= rater_weight > 0
    if free.any():
        b[free] = np.atleast_1d(spsolve(laplacian[free][:, free], rhs[free]))
    return b


def _colleagues(u: np.ndarray, rater: np.ndarray, n_r: int) -> np.ndarray:
    """For each rater, how many other raters rated a unit (`u`, sorted: a candidate's item) with them."""
    from scipy.sparse import coo_matrix

    i, j = _pairs_within(u)
    met = coo_matrix((np.ones(len(i), dtype=np.int32), (rater[i], rater[j])), shape=(n_r, n_r)).tocsr()
    return np.diff(met.indptr)  # converting to CSR merged the duplicates: one entry per colleague
