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
from hiring.scoring.alpha import alpha_by_group

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
    # The t quantiles of every rater in one call: a call per rater cost more than the model's sums.
    t975 = stats.t.ppf(0.975, np.maximum(n - 1, 1))
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
            half = t975[j] * math.sqrt(b) * sd[j] / math.sqrt(n[j])
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
    # Counts per interviewer and level in one bincount over all ratings, rather than a pass per interviewer.
    who, rater_ids = rater_effects.codes(raters)
    levels = np.where(rated, scores, 0).astype(np.int64)
    if rated.any() and (levels.min() < 0 or levels.max() > 5):
        raise ValueError("scores must be on the 1-5 scale")
    table = np.bincount(who * 6 + levels, minlength=len(rater_ids) * 6).reshape(-1, 6)
    given = np.bincount(who, minlength=len(rater_ids))
    missing = np.bincount(who, weights=no_evidence, minlength=len(rater_ids))
    position = {int(r): k for k, r in enumerate(rater_ids.tolist())}
    results = []
    for rater in sorted(set(card_counts) | set(position)):
        k = position.get(rater)
        result = InterviewerCalibration(
            interviewer_id=int(rater), scorecards=card_counts.get(int(rater), 0),
            distribution={level: int(table[k, level]) if k is not None else 0 for level in range(1, 6)},
            no_evidence_share=float(missing[k] / given[k]) if k is not None else None)
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


def reliability(items: np.ndarray, applications: np.ndarray, raters: np.ndarray,
                scores: np.ndarray) -> list[ItemReliability]:
    """Per item, alpha over the applications rated by two or more interviewers (the pairable units).

    One stable sort by (application, item, rater), then runs and bincounts, and every item's alpha in one pass
    (alpha.py): alpha only needs, per pairable application, how many raters gave each level, which is what
    the `krippendorff` library counts from a raters x applications matrix (tests/test_alpha.py holds the two
    equal), so the figures are the same as one library call per item, without the calls.
    """
    item_index, keys = rater_effects.codes(np.asarray(items))
    apps, n_apps = _dense(applications)
    who, n_who = _dense(raters)
    n_items = len(keys)
    # Sorted by application first: ratings arrive roughly in that order (scorecard by scorecard), which a
    # stable sort finds runs in; the order of units does not change alpha.
    unit_key = apps * n_items + item_index  # below N^2 for N ratings: no overflow
    if n_items * n_apps * n_who >= 2 ** 62:
        unit_key, _ = rater_effects.codes(unit_key)  # numbers that sort the same, small enough to multiply
    key = unit_key * n_who + who
    order = np.argsort(key, kind="stable")  # stable: equal keys stay in the order given
    key = key[order]
    same_rater = key[1:] == key[:-1]
    unit_key = key // n_who
    del key
    s = np.asarray(scores, dtype=float)[order]
    item_index = item_index[order]
    del order
    # A rater who rated the same item of the same application twice counts once, with the later rating (as
    # the matrix, written in order, kept it); a missing score is no rating.
    keep = np.ones(len(s), dtype=bool)
    keep[:-1] = ~same_rater
    keep &= ~np.isnan(s)
    s, item_index, unit_key = s[keep], item_index[keep], unit_key[keep]
    del keep, same_rater
    # Units: runs of (item, application); each rating in a run is another rater's.
    unit, _ = rater_effects.runs(unit_key)
    del unit_key
    raters_of_unit = np.bincount(unit)
    unit_item = np.zeros(len(raters_of_unit), dtype=np.int64)
    unit_item[unit] = item_index
    pairable_unit = raters_of_unit >= 2
    pairable_units = np.bincount(unit_item[pairable_unit], minlength=n_items)
    counted = pairable_unit[unit]
    s, item_index, unit = s[counted], item_index[counted], unit[counted]
    # With a single level used throughout, alpha is undefined (no variation to agree on): left empty.
    low, high = np.full(n_items, np.inf), np.full(n_items, -np.inf)
    np.minimum.at(low, item_index, s)
    np.maximum.at(high, item_index, s)
    varied = (pairable_units >= 2) & (high > low)
    mine = varied[item_index]
    if not np.isin(s[mine], DOMAIN).all():
        raise ValueError("The reliability data contains out-of-domain values.")
    # Per pairable application of those items, raters per level.
    unit_number, units = rater_effects.codes(unit[mine])
    level = s[mine].astype(np.intp) - DOMAIN[0]
    counts = np.bincount(unit_number * len(DOMAIN) + level,
                         minlength=len(units) * len(DOMAIN)).reshape(-1, len(DOMAIN))
    alphas = alpha_by_group(unit_item[units], counts, n_items, DOMAIN, "ordinal")
    return [ItemReliability(item.item() if hasattr(item, "item") else item,
                            float(alphas[k]) if varied[k] else None, int(pairable_units[k]))
            for k, item in enumerate(keys)]


def _dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Numbers 0 .. n - 1 that sort like the values, and n."""
    number, distinct = rater_effects.codes(np.asarray(values))
    return number, len(distinct)
