"""Interviewer calibration and inter-rater reliability: pure functions on arrays.

Leniency is measured the only fair way: against the co-interviewers who rated the same item of the same
application, so that an interviewer who happens to see strong candidates is not called lenient.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

LARGE_OFFSET = 0.5     # half a point on the 1-5 scale, consistently, is worth a calibration conversation
MIN_SUPPORT = 10       # ... when it rests on at least this many comparisons
DOMAIN = np.arange(1, 6)  # the levels of the 1-5 scale, in order (alpha is ordinal)


@dataclass
class InterviewerCalibration:
    """One interviewer's figures."""

    interviewer_id: int
    scorecards: int = 0
    distribution: dict[int, int] = field(default_factory=dict)
    no_evidence_share: float | None = None
    comparisons: int = 0
    offset: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def flagged(self) -> bool:
        """Large and well supported: the interval excludes zero and the mean is far from it."""
        return (self.offset is not None and self.comparisons >= MIN_SUPPORT and abs(self.offset) >= LARGE_OFFSET
                and (self.low > 0 or self.high < 0))


def _group_index(keys: np.ndarray) -> np.ndarray:
    """For each key, the number of its group (groups of equal keys, numbered in sorted order): np.unique's
    inverse, with a third of its temporary memory, which at millions of ratings is the page's peak."""
    order = np.argsort(keys)
    ordered = keys[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    del ordered
    index = np.empty(len(keys), dtype=np.intp)
    index[order] = np.cumsum(first) - 1
    return index


def offsets(units: np.ndarray, raters: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each rating, its difference from the mean of the other raters of the same unit (application and
    item); ratings without a co-rater are dropped. Returns (rater of each offset, offset)."""
    if len(scores) == 0:
        return np.array([], dtype=raters.dtype), np.array([])
    inverse = _group_index(units)
    counts = np.bincount(inverse)
    sums = np.bincount(inverse, weights=scores)  # per unit, in the order given, whatever the grouping's order
    n = counts[inverse]
    shared = n > 1
    # mine - (sums - mine) / (n - 1), narrowed to the shared ratings first and worked out in place: the same
    # figures, without a row of full-length temporaries.
    inverse = inverse[shared]
    n = n[shared]
    mine = scores[shared]
    diff = sums[inverse]
    del inverse
    diff -= mine
    n -= 1
    diff /= n
    np.subtract(mine, diff, out=diff)
    return raters[shared], diff


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted array and where each run of them starts (plus the end)."""
    if len(sorted_keys) == 0:
        return sorted_keys[:0], np.zeros(1, dtype=np.intp)
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    return sorted_keys[starts], np.append(starts, len(sorted_keys))


def calibrate(card_counts: dict[int, int], raters: np.ndarray, units: np.ndarray, scores: np.ndarray,
              no_evidence: np.ndarray) -> list[InterviewerCalibration]:
    """Per interviewer: scorecards, rating distribution, share of 'no evidence', and the mean offset against
    co-interviewers with its 95% interval (t distribution)."""
    rated = ~no_evidence
    who, diff = offsets(units[rated], raters[rated], scores[rated].astype(float))
    # One stable sort per array instead of a mask over every rating per interviewer: each interviewer's
    # ratings are then a slice, still in their original order, so means and sums come out bit for bit the
    # same as over a mask (summation order is part of a float's value).
    by_rater = np.argsort(raters, kind="stable")
    rater_ids, rater_bounds = _runs(raters[by_rater])
    rater_slice = {int(r): (rater_bounds[i], rater_bounds[i + 1]) for i, r in enumerate(rater_ids.tolist())}
    by_who = np.argsort(who, kind="stable")
    who_ids, who_bounds = _runs(who[by_who])
    who_slice = {int(r): (who_bounds[i], who_bounds[i + 1]) for i, r in enumerate(who_ids.tolist())}
    results = []
    for rater in sorted(set(card_counts) | set(rater_ids.tolist())):
        start, end = rater_slice.get(int(rater), (0, 0))
        mine = by_rater[start:end]
        values, counts = np.unique(scores[mine][rated[mine]].astype(int), return_counts=True)
        result = InterviewerCalibration(
            interviewer_id=int(rater), scorecards=card_counts.get(int(rater), 0),
            distribution={level: 0 for level in range(1, 6)} | dict(zip(values.tolist(), counts.tolist())),
            no_evidence_share=float(no_evidence[mine].mean()) if len(mine) else None)
        start, end = who_slice.get(int(rater), (0, 0))
        d = diff[by_who[start:end]]
        result.comparisons = len(d)
        if len(d):
            result.offset = float(d.mean())
            if len(d) > 1:
                half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
                result.low, result.high = result.offset - half, result.offset + half
            else:
                result.low, result.high = -math.inf, math.inf
        results.append(result)
    return results


@dataclass(frozen=True)
class ItemReliability:
    """Krippendorff's alpha (ordinal) of one item across applications, and what it rests on."""

    item: object
    alpha: float | None
    applications: int


def _codes(values: np.ndarray) -> np.ndarray:
    """Integers that sort like the values (the values themselves when they are integers already)."""
    values = np.asarray(values)
    return values if values.dtype.kind in "biu" else np.unique(values, return_inverse=True)[1].reshape(-1)


def reliability(items: np.ndarray, applications: np.ndarray, raters: np.ndarray,
                scores: np.ndarray) -> list[ItemReliability]:
    """Per item, alpha over the applications rated by two or more interviewers (the pairable units).

    One sort by (item, application, rater) and then slices, rather than a mask and a raters x applications
    matrix per item: at a large employer that matrix is mostly empty and the masks alone took seconds. Alpha
    only needs, per pairable application, how many raters gave each level (krippendorff's value_counts), which
    is what it would have counted from the matrix itself, so the figures are the same.
    """
    import krippendorff

    keys, item_index = np.unique(np.asarray(items), return_inverse=True)
    item_index = item_index.reshape(-1).astype(np.int32 if len(keys) < 2**31 else np.int64)
    apps, who = _codes(applications), _codes(raters)
    order = np.lexsort((who, apps, item_index))  # stable: equal keys stay in the order given
    item_index, apps, who = item_index[order], apps[order], who[order]
    s = np.asarray(scores, dtype=float)[order]
    del order
    # A rater who rated the same item of the same application twice counts once, with the later rating (as
    # the matrix, written in order, kept it); a missing score is no rating.
    keep = np.ones(len(s), dtype=bool)
    keep[:-1] = (item_index[1:] != item_index[:-1]) | (apps[1:] != apps[:-1]) | (who[1:] != who[:-1])
    del who
    keep &= ~np.isnan(s)
    item_index, apps, s = item_index[keep], apps[keep], s[keep]
    del keep
    # Units: runs of (item, application); each rating in a run is another rater's.
    new_unit = np.ones(len(s), dtype=bool)
    new_unit[1:] = (item_index[1:] != item_index[:-1]) | (apps[1:] != apps[:-1])
    del apps
    unit_of = np.cumsum(new_unit) - 1
    unit_item = item_index[new_unit]
    del new_unit
    pairable_unit = np.bincount(unit_of, minlength=len(unit_item)) >= 2
    unit_bounds = np.searchsorted(unit_item, np.arange(len(keys) + 1))
    rating_bounds = np.searchsorted(item_index, np.arange(len(keys) + 1))
    del item_index, unit_item
    results = []
    for k, item in enumerate(keys):
        pairable = pairable_unit[unit_bounds[k]:unit_bounds[k + 1]]
        alpha = None
        if pairable.sum() >= 2:
            mine = slice(rating_bounds[k], rating_bounds[k + 1])
            counted = pairable_unit[unit_of[mine]]
            used = np.unique(s[mine][counted])
            # With a single level used throughout, alpha is undefined (no variation to agree on): left empty.
            if len(used) > 1:
                if not np.isin(used, DOMAIN).all():
                    raise ValueError("The reliability data contains out-of-domain values.")
                # Per pairable application (in the order of the applications), raters per level.
                unit = np.searchsorted(np.flatnonzero(pairable) + unit_bounds[k], unit_of[mine][counted])
                level = s[mine][counted].astype(np.intp) - DOMAIN[0]
                counts = np.bincount(unit * len(DOMAIN) + level,
                                     minlength=int(pairable.sum()) * len(DOMAIN)).reshape(-1, len(DOMAIN))
                alpha = float(krippendorff.alpha(value_counts=counts, value_domain=DOMAIN,
                                                 level_of_measurement="ordinal"))
        results.append(ItemReliability(item.item() if hasattr(item, "item") else item, alpha, int(pairable.sum())))
    return results
