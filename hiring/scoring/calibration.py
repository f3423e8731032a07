"""Interviewer calibration and inter-rater reliability: pure functions on arrays.

Leniency is measured against the co-interviewers who rated the same items of the same candidate, in the
fixed-effects model of rater_effects.py (rating = what is rated + the interviewer's offset), with one
comparison per shared candidate: ratings of one candidate are not independent, so six items of one
candidate are one piece of evidence, not six. Each offset is then shrunk toward zero by empirical Bayes
(Morris 1983), so that an interviewer with little data is not called lenient on luck. Reliability and
calibration are computed on each scorecard's first submitted version (the caller's job): only ratings given
before seeing colleagues' scorecards measure agreement.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from hiring.scoring import rater_effects

LARGE_OFFSET = 0.5     # half a point on the 1-5 scale, consistently, is worth a calibration conversation
MIN_SUPPORT = 10       # ... when it rests on at least this many candidates shared with colleagues
DOMAIN = np.arange(1, 6)  # the levels of the 1-5 scale, in order (alpha is ordinal)


@dataclass
class InterviewerCalibration:
    """One interviewer's figures; `offset`, `low` and `high` are after shrinkage, `raw_offset` before."""

    interviewer_id: int
    scorecards: int = 0
    distribution: dict[int, int] = field(default_factory=dict)
    no_evidence_share: float | None = None
    candidates: int = 0            # candidates shared with colleagues on a commonly rated item
    colleagues: int = 0            # distinct colleagues met on those candidates
    identifiable: bool = True      # False when compared with only one colleague, ever (see `calibrate`)
    raw_offset: float | None = None
    shrinkage: float | None = None  # the factor the raw offset was multiplied by (1: none, 0: all the way)
    offset: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def flagged(self) -> bool:
        """Material and well supported: enough shared candidates, an offset of at least LARGE_OFFSET after
        shrinkage, an interval that excludes zero, and a comparison that can tell who is off."""
        return (self.identifiable and self.offset is not None and self.candidates >= MIN_SUPPORT
                and abs(self.offset) >= LARGE_OFFSET and (self.low > 0 or self.high < 0))


@dataclass(frozen=True)
class Calibration:
    """Every interviewer's figures, with the two variances the shrinkage rests on."""

    people: list[InterviewerCalibration]
    between: float | None = None   # tau^2: variance of true offsets between interviewers (method of moments)
    within: float | None = None    # sigma^2: pooled variance of one candidate's comparison around its mean


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


def offsets(raters: np.ndarray, applications: np.ndarray, items: np.ndarray,
            scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One comparison per rater and shared candidate: the rater's mean over the items they rated minus the
    other raters' mean on the same items, corrected for those raters' own offsets. Returns (rater,
    application, difference)."""
    fitted = rater_effects.fit(raters, applications, items, scores)
    return fitted.raters[fitted.who], fitted.application, fitted.difference


def shrink(raw: np.ndarray, n: np.ndarray, within: float) -> tuple[float, np.ndarray]:
    """Empirical-Bayes shrinkage toward zero (Morris 1983, JASA 78:47-55; Efron & Morris 1975): the true
    offsets are taken as N(0, tau^2), each raw offset as its truth plus noise of variance within / n;
    tau^2 by the method of moments, max(0, mean(raw^2) - mean(within / n)). Returns (tau^2, factor per
    rater: tau^2 / (tau^2 + within / n))."""
    raw, n = np.asarray(raw, dtype=float), np.asarray(n, dtype=float)
    if len(raw) == 0:
        return 0.0, np.zeros(0)
    noise = within / n
    tau2 = max(0.0, float(np.mean(raw ** 2) - np.mean(noise)))
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(noise > 0, tau2 / (tau2 + noise), 1.0)
    return tau2, np.nan_to_num(factor, nan=1.0)


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted array and where each run of them starts (plus the end)."""
    if len(sorted_keys) == 0:
        return sorted_keys[:0], np.zeros(1, dtype=np.intp)
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    return sorted_keys[starts], np.append(starts, len(sorted_keys))


def _model(raters: np.ndarray, applications: np.ndarray, items: np.ndarray, scores: np.ndarray):
    """Per rater id: (shared candidates, colleagues, identifiable, raw offset, shrinkage, offset, low, high),
    and the two variances."""
    fitted = rater_effects.fit(raters, applications, items, scores)
    k = len(fitted.raters)
    n = np.bincount(fitted.who, minlength=k)
    mean = np.bincount(fitted.who, weights=fitted.difference, minlength=k) / np.maximum(n, 1)
    squares = np.bincount(fitted.who, weights=(fitted.difference - mean[fitted.who]) ** 2, minlength=k)
    sd = np.sqrt(squares / np.maximum(n - 1, 1))
    # Two raters who only ever met each other: their offsets are mirror images and the data cannot tell
    # which of them is off, so neither enters the between-interviewer variance nor is flagged.
    identifiable = fitted.group_size >= 3
    many = identifiable & (n >= 2)
    within = float(squares[many].sum() / (n[many] - 1).sum()) if many.any() else None
    tau2 = shrink(mean[many], n[many], within)[0] if many.any() else None
    figures = {}
    for j in np.flatnonzero(n > 0):
        raw = float(mean[j])
        if identifiable[j] and tau2 is not None:
            b = float(tau2 / (tau2 + within / n[j])) if within > 0 else 1.0
        else:
            b = 1.0  # nothing to shrink toward with confidence: shown as measured, never flagged
        if n[j] > 1:
            # The candidate-clustered interval (t, n - 1 df, from the spread between candidates), narrowed
            # and moved as the posterior of the normal model is: mean b * raw, sd sqrt(b) * se.
            half = stats.t.ppf(0.975, n[j] - 1) * math.sqrt(b) * sd[j] / math.sqrt(n[j])
            low, high = b * raw - half, b * raw + half
        else:
            low, high = -math.inf, math.inf
        figures[int(fitted.raters[j])] = (int(n[j]), int(fitted.colleagues[j]), bool(identifiable[j]), raw, b,
                                          b * raw, low, high)
    return figures, tau2, within


def calibrate(card_counts: dict[int, int], raters: np.ndarray, applications: np.ndarray, items: np.ndarray,
              scores: np.ndarray, no_evidence: np.ndarray) -> Calibration:
    """Per interviewer: scorecards, rating distribution, share of 'no evidence', and the offset against
    co-interviewers from the fixed-effects model, shrunk, with its 95% interval."""
    rated = ~no_evidence
    figures, tau2, within = _model(raters[rated], applications[rated], items[rated], scores[rated])
    # One stable sort instead of a mask over every rating per interviewer: each interviewer's ratings are
    # then a slice.
    by_rater = np.argsort(raters, kind="stable")
    rater_ids, rater_bounds = _runs(raters[by_rater])
    rater_slice = {int(r): (rater_bounds[i], rater_bounds[i + 1]) for i, r in enumerate(rater_ids.tolist())}
    results = []
    for rater in sorted(set(card_counts) | set(rater_ids.tolist())):
        start, end = rater_slice.get(int(rater), (0, 0))
        mine = by_rater[start:end]
        values, counts = np.unique(scores[mine][rated[mine]].astype(int), return_counts=True)
        result = InterviewerCalibration(
            interviewer_id=int(rater), scorecards=card_counts.get(int(rater), 0),
            distribution={level: 0 for level in range(1, 6)} | dict(zip(values.tolist(), counts.tolist())),
            no_evidence_share=float(no_evidence[mine].mean()) if len(mine) else None)
        if int(rater) in figures:
            (result.candidates, result.colleagues, result.identifiable, result.raw_offset, result.shrinkage,
             result.offset, result.low, result.high) = figures[int(rater)]
        results.append(result)
    return Calibration(results, tau2, within)


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
