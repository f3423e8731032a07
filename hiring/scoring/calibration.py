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


def offsets(units: np.ndarray, raters: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each rating, its difference from the mean of the other raters of the same unit (application and
    item); ratings without a co-rater are dropped. Returns (rater of each offset, offset)."""
    if len(scores) == 0:
        return np.array([], dtype=raters.dtype), np.array([])
    _, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=scores)
    n = counts[inverse]
    shared = n > 1
    co_mean = (sums[inverse][shared] - scores[shared]) / (n[shared] - 1)
    return raters[shared], scores[shared] - co_mean


def calibrate(card_counts: dict[int, int], raters: np.ndarray, units: np.ndarray, scores: np.ndarray,
              no_evidence: np.ndarray) -> list[InterviewerCalibration]:
    """Per interviewer: scorecards, rating distribution, share of 'no evidence', and the mean offset against
    co-interviewers with its 95% interval (t distribution)."""
    rated = ~no_evidence
    who, diff = offsets(units[rated], raters[rated], scores[rated].astype(float))
    results = []
    for rater in sorted(set(card_counts) | set(raters.tolist())):
        mine = raters == rater
        mine_rated = mine & rated
        values, counts = np.unique(scores[mine_rated].astype(int), return_counts=True)
        result = InterviewerCalibration(
            interviewer_id=int(rater), scorecards=card_counts.get(int(rater), 0),
            distribution={level: 0 for level in range(1, 6)} | dict(zip(values.tolist(), counts.tolist())),
            no_evidence_share=float(no_evidence[mine].mean()) if mine.any() else None)
        d = diff[who == rater]
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


def reliability(items: np.ndarray, applications: np.ndarray, raters: np.ndarray,
                scores: np.ndarray) -> list[ItemReliability]:
    """Per item, alpha over the applications rated by two or more interviewers (the pairable units)."""
    import krippendorff

    results = []
    for item in np.unique(items):
        mask = items == item
        apps, who, s = applications[mask], raters[mask], scores[mask].astype(float)
        app_ids, app_index = np.unique(apps, return_inverse=True)
        rater_ids, rater_index = np.unique(who, return_inverse=True)
        matrix = np.full((len(rater_ids), len(app_ids)), np.nan)
        matrix[rater_index, app_index] = s
        pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
        alpha = None
        if pairable.sum() >= 2:
            data = matrix[:, pairable]
            # With a single level used throughout, alpha is undefined (no variation to agree on): left empty.
            if len(np.unique(data[~np.isnan(data)])) > 1:
                alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                                 value_domain=[1, 2, 3, 4, 5]))
        results.append(ItemReliability(item.item() if hasattr(item, "item") else item, alpha, int(pairable.sum())))
    return results
