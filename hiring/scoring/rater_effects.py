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


def codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the number of each key's group in sorted order, the distinct keys): np.unique's inverse, one sort."""
    keys = np.asarray(keys)
    if keys.dtype.kind in "iu" and len(keys) and int(keys.max()) - int(keys.min()) <= 4 * len(keys) + 1024:
        # Integers in a modest range (ids): a table instead of a sort, the same numbering.
        low = int(keys.min())
        present = np.bincount(keys - low) > 0
        number = np.cumsum(present) - 1
        return number[keys - low].astype(np.int64), (np.flatnonzero(present) + low).astype(keys.dtype)
    order = np.argsort(keys, kind="stable")
    number, distinct = runs(keys[order])
    index = np.empty(len(keys), dtype=np.int64)
    index[order] = number
    return index, distinct


def runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a sorted array: the number of each element's run of equal values, and the values of the runs."""
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return np.cumsum(first) - 1, ordered[first]


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value at half the total weight; midway between two values when the half falls exactly between."""
    order = np.argsort(values, kind="stable")
    v, cumulative = values[order], np.cumsum(weights[order])
    half = cumulative[-1] / 2
    k = int(np.searchsorted(cumulative, half))
    if np.isclose(cumulative[k], half) and k + 1 < len(v):
        return float((v[k] + v[k + 1]) / 2)
    return float(v[k])


DENSE_RATERS = 2048  # up to this many interviewers their pairwise sums are a dense table: a bincount, no sparse sort


def fit(raters: np.ndarray, applications: np.ndarray, items: np.ndarray, scores: np.ndarray) -> PanelFit:
    """Fit rating = (application, item) effect + rater offset by weighted least squares, and return each
    rater's per-candidate comparisons with the other raters of the same items (their offsets taken out)."""
    scores = np.asarray(scores, dtype=float)
    r, rater_ids = codes(raters)
    a, app_ids = codes(applications)
    i, item_ids = codes(items)
    n_r, n_i = len(rater_ids), max(len(item_ids), 1)
    # One cell per rater and unit (application x item): a rater who rated an item twice counts once, with
    # the mean of the two, so that nobody is their own colleague. One stable sort by (unit, rater) puts each
    # cell's ratings together, in the order given, and the cells in the order of their keys: what follows is
    # runs and bincounts on sorted arrays, with no further sort of the ratings.
    unit = a * n_i + i
    if len(unit) and int(unit.max()) * n_r >= 2 ** 62:
        unit, _ = codes(unit)  # an id space too sparse to multiply out: dense numbers, the same order
    order = np.argsort(unit * n_r + r, kind="stable")
    cell, cell_keys = runs((unit * n_r + r)[order])
    y = np.bincount(cell, weights=scores[order]) / np.bincount(cell)
    del order, cell, unit
    cell_unit, cell_rater = cell_keys // n_r, cell_keys % n_r
    # Only units rated by two or more raters carry information on offsets.
    u, _ = runs(cell_unit)
    shared = np.bincount(u)[u] >= 2
    y, cell_rater, cell_unit = y[shared], cell_rater[shared], cell_unit[shared]
    u, _ = runs(cell_unit)
    cell_app = cell_unit // n_i
    # Each (rater, candidate) pair weighs one, spread over the items it rated.
    pair, pair_keys = codes(cell_app * n_r + cell_rater)
    per_pair = np.bincount(pair).astype(float)
    w = 1.0 / per_pair[pair]
    unit_weight = np.bincount(u, weights=w)
    rater_weight = np.bincount(cell_rater, weights=w, minlength=n_r)  # = shared candidates per rater
    has = rater_weight > 0
    pair_rater, pair_app = pair_keys % n_r, pair_keys // n_r
    cross, met = _cross(u, cell_rater, w, unit_weight, n_r)
    # Groups through shared items, not only shared candidates: two who rated different items of one candidate
    # (a skills and a values interview) are compared with no one through it.
    group = _groups(met)
    b = _solve(u, cell_rater, w, y, unit_weight, rater_weight, group, cross)
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
    colleagues = np.diff(met.indptr)  # one entry per colleague met
    return PanelFit(raters=rater_ids, offset=offset, group_size=group_size, colleagues=colleagues,
                    who=pair_rater, application=app_ids[pair_app], difference=difference)


def _cross(u: np.ndarray, rater: np.ndarray, w: np.ndarray, unit_weight: np.ndarray, n_r: int):
    """The off-diagonal part of A'DA below (raters x raters, CSC) and who met whom (CSR, one stored entry per
    pair of raters that rated a unit together), from each pair of cells of a unit (`u` is sorted, and a unit's
    cells are in the order of their raters)."""
    from scipy.sparse import coo_matrix, csc_matrix, csr_matrix

    # The pairs (k, k + d) of cells of one unit, for each distance d up to the largest panel: a few passes
    # over the cells with shifted views, instead of index arrays of every pair.
    rows, columns, weights = [], [], []
    d = 1
    while d < len(u):
        together = np.flatnonzero(u[d:] == u[:-d])
        if len(together) == 0:
            break  # no unit has more than d cells
        rows.append(rater[together])
        columns.append(rater[together + d])
        weights.append(w[together] * w[together + d] / unit_weight[u[together]])
        d += 1
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    columns = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    weights = np.concatenate(weights) if weights else np.zeros(0)
    if n_r <= DENSE_RATERS:
        # A few hundred interviewers: a dense table summed by bincount, instead of sorting millions of entries.
        # Each pair is once above the diagonal (rows < columns).
        upper = np.bincount(rows * n_r + columns, weights=weights, minlength=n_r * n_r).reshape(n_r, n_r)
        table = upper + upper.T
        return csc_matrix(table), csr_matrix(table > 0, dtype=np.int32)  # every weight is positive
    rows, columns = np.concatenate([rows, columns]), np.concatenate([columns, rows])
    cross = coo_matrix((np.concatenate([weights, weights]), (rows, columns)), shape=(n_r, n_r)).tocsc()
    met = coo_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(n_r, n_r)).tocsr()
    return cross, met  # converting merged the duplicates


def _groups(met) -> np.ndarray:
    """The connected group of each rater in the graph of raters who rated a unit (candidate and item) together."""
    from scipy.sparse.csgraph import connected_components

    return connected_components(met, directed=False)[1]


def _solve(u, rater, w, y, unit_weight, rater_weight, group, cross) -> np.ndarray:
    """The raters' least-squares offsets with the unit effects absorbed (Frisch-Waugh-Lovell): the normal
    equations L b = c, where L = diag(rater weight) - A' diag(1 / unit weight) A is a weighted graph Laplacian
    of the raters (A: units x raters, the weights), solved sparse with one rater per group held at zero.
    `cross` is A'DA without its diagonal (see _cross)."""
    from scipy.sparse import diags
    from scipy.sparse.linalg import spsolve

    n_r = len(rater_weight)
    b = np.zeros(n_r)
    if len(unit_weight) == 0:
        return b
    # A'DA: its diagonal from each cell alone, the rest from each pair of cells of a unit.
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
