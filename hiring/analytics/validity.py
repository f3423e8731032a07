"""Does the interview predict? Correlations with confidence intervals, the correction for range restriction,
and exact intervals for small counts: the statistics behind the predictive-validity page (issue 23).

Pure: numbers and arrays in, frozen dataclasses out. Nothing here raises for thin data; a figure that cannot be
computed comes back as None, so that a page can say "too few" instead of failing.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, norm, pearsonr

from hiring.analytics.rates import Proportion

# Fisher's z needs n > 3 for its standard error 1/sqrt(n - 3) to exist at all.
MIN_COMPUTABLE = 4
# Below this no verdict is given: at n = 20 an r of 0.30 has a 95% interval of -0.16 to 0.66, which says nothing
# an HR reader could act on, and Fisher's normal approximation is itself rough for tiny n.
MIN_N = 20


@dataclass(frozen=True)
class Correlation:
    """Pearson's r over n complete pairs, its interval and two-sided p; r is None when not computable."""

    r: float | None
    n: int
    low: float | None
    high: float | None
    p: float | None
    confidence: float = 0.95

    @property
    def computable(self) -> bool:
        return self.r is not None


def fisher_interval(r: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The confidence interval of a correlation by Fisher's z transformation (Fisher 1921; Cohen, Cohen, West
    & Aiken 2003, Applied Multiple Regression/Correlation, section 2.8): z = atanh r is near normal with
    standard error 1/sqrt(n - 3); the bounds are taken in z and turned back with tanh, so they stay in -1..1
    and are asymmetric around r, as they should be."""
    if n < MIN_COMPUTABLE or not 0 < confidence < 1 or not -1 <= r <= 1:
        raise ValueError("need n >= 4, 0 < confidence < 1 and -1 <= r <= 1")
    if abs(r) == 1:  # a perfect line: atanh is infinite and the interval is the point itself
        return r, r
    half = norm.ppf((1 + confidence) / 2) / math.sqrt(n - 3)
    z = math.atanh(r)
    return math.tanh(z - half), math.tanh(z + half)


def correlation(x: Sequence[float | None], y: Sequence[float | None], *, confidence: float = 0.95) -> Correlation:
    """Pearson's r between paired values, with its Fisher-z interval and scipy's two-sided p (the exact t test).

    Pairs with a missing value (None or NaN) on either side are dropped first. Below four pairs, or when
    either side does not vary, the result is "not computable" (r None) rather than an error. With a 0/1
    outcome this is the point-biserial r, which is Pearson's r computed on a 0/1 variable (see
    `point_biserial`). The p (exact t) and the interval (Fisher's approximation) can disagree at the margin
    about zero; `predicts` reads the interval, which is what the page shows."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)  # None becomes NaN
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError("x and y must be paired: two flat sequences of the same length")
    complete = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[complete], ys[complete]
    n = int(xs.size)
    if n < MIN_COMPUTABLE or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return Correlation(None, n, None, None, None, confidence)
    result = pearsonr(xs, ys)
    r = float(np.clip(result.statistic, -1, 1))
    low, high = fisher_interval(r, n, confidence)
    return Correlation(r, n, low, high, float(result.pvalue), confidence)


def point_biserial(x: Sequence[float | None], outcome: Sequence[float | None], *,
                   confidence: float = 0.95) -> Correlation:
    """The point-biserial r between a rating and a yes/no outcome (stayed one year: 1, left: 0): `correlation`
    itself, after checking the outcome really is 0/1. Two caveats the page should carry: when nearly everyone
    stays, r cannot come near 1 however good the rating, so compare items with one another; and Fisher's z
    is an approximation made for two continuous variables, used here as is usual practice."""
    values = np.asarray(outcome, dtype=float)
    if not np.isin(values[~np.isnan(values)], (0, 1)).all():
        raise ValueError("the outcome must be 0 or 1 (or missing)")
    return correlation(x, outcome, confidence=confidence)


def _ratio(sd_restricted: float, sd_unrestricted: float) -> float:
    """u, refusing what is no standard deviation."""
    if not (0 < sd_restricted < math.inf and 0 < sd_unrestricted < math.inf):
        raise ValueError("both standard deviations must be positive and finite")
    return float(sd_unrestricted / sd_restricted)  # a plain float even from NumPy scalars


def correct_for_range_restriction(r: float, sd_restricted: float, sd_unrestricted: float) -> float:
    """Thorndike's Case II, direct range restriction on the predictor (Thorndike 1949, Personnel Selection;
    Hunter & Schmidt 2004, Methods of Meta-Analysis, ch. 3; Sackett & Yang 2000): only hires have outcomes,
    and hires were chosen on the interview, so their ratings spread less than the applicants' and r shrinks.
    With u = sd_unrestricted / sd_restricted, r_c = r u / sqrt(1 + r^2 (u^2 - 1))."""
    if not -1 <= r <= 1:
        raise ValueError("a correlation must lie between -1 and 1")
    u = _ratio(sd_restricted, sd_unrestricted)
    corrected = r * u / math.sqrt(1 + r * r * (u * u - 1))
    return max(-1.0, min(1.0, float(corrected)))  # at |r| = 1 rounding could leave 1.0000000000000002


@dataclass(frozen=True)
class RangeCorrected:
    """A correlation corrected for range restriction, beside the observed one it came from."""

    observed: Correlation
    u: float                 # the applicants' SD over the hires' SD of the predictor
    r: float | None
    low: float | None
    high: float | None

    @property
    def n(self) -> int:
        return self.observed.n


def correct_result(result: Correlation, sd_restricted: float, sd_unrestricted: float) -> RangeCorrected:
    """The whole result corrected by Case II: r and both bounds by the same formula, which is the usual
    practice (Hunter & Schmidt 2004): the correction is monotonic, so the bounds of r map to the bounds of
    r_c with the same confidence. It is a correction of the scale, not new evidence: it keeps the sign, sends
    0 to 0, and so never changes whether the interval excludes zero."""
    def fix(value: float | None) -> float | None:
        return None if value is None else correct_for_range_restriction(value, sd_restricted, sd_unrestricted)

    return RangeCorrected(result, _ratio(sd_restricted, sd_unrestricted), fix(result.r), fix(result.low),
                          fix(result.high))


def exact_binomial(k: int, n: int, confidence: float = 0.95) -> Proportion:
    """k of n with the Clopper-Pearson exact interval (Clopper & Pearson 1934), for counts too small for any
    normal approximation, such as values false positives per interviewer. Its coverage is never below the
    stated confidence (it is conservative). n = 0 gives no rate rather than an error. The same shape as `rates.wilson`."""
    if n < 0 or not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    if n == 0:
        return Proportion(k, n, None, None, None)
    interval = binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    return Proportion(k, n, k / n, float(interval.low), float(interval.high))


def predicts(result: Correlation | RangeCorrected) -> bool | None:
    """The verdict for listing items "that do not predict": None below MIN_N (too few to say), True when the
    whole interval lies above 0, False otherwise. A reliably negative item is False too: it does not predict
    in the direction the anchors intend, which makes it a candidate for rewording or retiring as well."""
    if result.n < MIN_N or result.low is None:
        return None
    return result.low > 0
