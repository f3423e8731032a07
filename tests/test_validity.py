"""The statistics of "does our interview predict?" (issue 23), each against a worked example whose source is named,
an independent calculation written out, and constructed data where the truth is known."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.stats import beta, pearsonr, pointbiserialr

from hiring.analytics.validity import (
    MIN_N,
    Correlation,
    correct_for_range_restriction,
    correct_result,
    correlation,
    exact_binomial,
    fisher_interval,
    point_biserial,
    predicts,
)

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def _with_exact_r(r: float, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n pairs whose sample correlation is r to rounding: y = r x + sqrt(1 - r^2) e, with x and e standardised
    and e made orthogonal to x."""
    rng = np.random.default_rng(seed)
    x, e = rng.standard_normal(n), rng.standard_normal(n)
    x = (x - x.mean()) / x.std()
    e = e - e.mean() - (e @ x) / (x @ x) * x
    e /= e.std()
    return x, r * x + math.sqrt(1 - r * r) * e


def _fisher_by_hand(r: float, n: int) -> tuple[float, float]:
    """Fisher (1921), written out: z = 1/2 ln((1 + r) / (1 - r)), SE = 1/sqrt(n - 3), back by tanh."""
    z = 0.5 * math.log((1 + r) / (1 - r))
    half = Z95 / math.sqrt(n - 3)
    return tuple((math.exp(2 * v) - 1) / (math.exp(2 * v) + 1) for v in (z - half, z + half))


# Fisher's z -------------------------------------------------------------------------------------------------------

def test_fisher_interval_for_r_050_n_50():
    # Worked example (small-s.science, "A confidence interval for the correlation coefficient", R's
    # tanh(atanh(r) + qnorm(c(.025, .975)) * sqrt(1/(N - 3)))): r = .50, N = 50 gives 0.2574879 to 0.6832563.
    low, high = fisher_interval(0.5, 50)
    assert (low, high) == pytest.approx((0.2574879, 0.6832563), abs=5e-8)
    assert (low, high) == pytest.approx(_fisher_by_hand(0.5, 50), abs=1e-12)


def test_fisher_interval_for_r_056_n_60():
    # Worked example (Statology, "Fisher Z transformation"): r = 0.56, n = 60 gives the 95% interval .3568 to .7126.
    assert fisher_interval(0.56, 60) == pytest.approx((0.3568, 0.7126), abs=5e-5)
    assert fisher_interval(0.56, 60) == pytest.approx(_fisher_by_hand(0.56, 60), abs=1e-12)


def test_correlation_on_data_with_r_exactly_050_gives_the_worked_interval_and_agrees_with_scipy():
    x, y = _with_exact_r(0.5, 50)
    result = correlation(x, y)
    assert result.n == 50 and result.r == pytest.approx(0.5, abs=1e-12)
    assert (result.low, result.high) == pytest.approx((0.2574879, 0.6832563), abs=5e-8)
    # scipy's own Fisher-z interval, an independent implementation, and its exact t-test p.
    scipy = pearsonr(x, y)
    assert (result.low, result.high) == pytest.approx(tuple(scipy.confidence_interval(0.95)), abs=1e-12)
    assert result.p == pytest.approx(scipy.pvalue) and result.p < 0.001
    assert fisher_interval(1.0, 10) == (1.0, 1.0) and fisher_interval(-1.0, 10) == (-1.0, -1.0)


def test_a_binary_outcome_gives_the_point_biserial_r():
    # The point-biserial r is Pearson's r on a 0/1 variable; scipy's pointbiserialr is the reference.
    ratings = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 2, 4]
    stayed = [0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0]
    result = point_biserial(ratings, stayed)
    assert result.r == pytest.approx(pointbiserialr(stayed, ratings).statistic)
    assert result == correlation(ratings, stayed)
    assert point_biserial(ratings + [3], stayed + [None]).n == 12  # missing outcome dropped, not refused
    with pytest.raises(ValueError, match="0 or 1"):
        point_biserial(ratings, [r + 1 for r in stayed])


def test_pairs_with_a_missing_value_are_dropped():
    x = [1, 2, None, 4, 5, float("nan"), 7, 8]
    y = [2, None, 3, 5, 4, 9, 8, 7]
    result = correlation(x, y)
    assert result.n == 5
    assert result == correlation([1, 4, 5, 7, 8], [2, 5, 4, 8, 7])
    with pytest.raises(ValueError, match="paired"):
        correlation([1, 2, 3], [1, 2])


def test_too_few_pairs_or_no_variance_is_not_computable_rather_than_an_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and without scipy's warning about constant input
        constant = correlation([3, 3, 3, 3, 3], [1, 2, 3, 4, 5])
        assert constant == Correlation(None, 5, None, None, None) and not constant.computable
        assert correlation([1, 2, 3, 4, 5], [2, 2, 2, 2, 2]).r is None
        assert correlation([1, 2, 3], [1, 3, 2]) == Correlation(None, 3, None, None, None)
        assert correlation([], []).n == 0
    assert predicts(constant) is None


# Thorndike's Case II ----------------------------------------------------------------------------------------------

def test_case_ii_worked_examples():
    # r = 0.30, u = 1.5: r_c = 0.45 / sqrt(1 + 0.09 * 1.25) = 0.45 / sqrt(1.1125) = 0.426641 (Thorndike 1949).
    assert correct_for_range_restriction(0.30, 1.0, 1.5) == pytest.approx(0.45 / math.sqrt(1.1125), abs=1e-15)
    assert correct_for_range_restriction(0.30, 1.0, 1.5) == pytest.approx(0.426641, abs=5e-7)
    # The personnelSelectionUtility R package's documented example, correct_r_direct_range_restriction(.25,
    # range_restriction_ratio = 1.40), prints 0.3399501; the SDs 10 and 14 are the same u.
    assert correct_for_range_restriction(0.25, 10.0, 14.0) == pytest.approx(0.3399501, abs=5e-8)


def test_case_ii_properties():
    rs = np.linspace(-1, 1, 41)
    for r in rs:
        assert correct_for_range_restriction(r, 2.0, 2.0) == pytest.approx(r, abs=1e-15)  # u = 1: unchanged
        for u in (0.5, 1.3, 2.0, 5.0, 50.0):
            corrected = correct_for_range_restriction(r, 1.0, u)
            assert abs(corrected) <= 1 and np.sign(corrected) == np.sign(r)
            assert correct_for_range_restriction(corrected, u, 1.0) == pytest.approx(r, abs=1e-12)  # 1/u undoes it
            if 0 < abs(r) < 1 and u > 1:
                assert abs(corrected) > abs(r)
    assert correct_for_range_restriction(1.0, 1.0, 3.0) == 1.0 and correct_for_range_restriction(-1.0, 1.0, 3.0) == -1.0


@pytest.mark.parametrize("r, sd_restricted, sd_unrestricted, message", [
    (0.3, 0.0, 1.0, "positive"), (0.3, 1.0, -1.0, "positive"), (0.3, float("nan"), 1.0, "positive"),
    (0.3, 1.0, float("inf"), "positive"), (1.2, 1.0, 1.5, "between -1 and 1"), (float("nan"), 1.0, 1.5, "between"),
])
def test_case_ii_refuses_what_is_no_sd_or_no_correlation(r, sd_restricted, sd_unrestricted, message):
    with pytest.raises(ValueError, match=message):
        correct_for_range_restriction(r, sd_restricted, sd_unrestricted)


def test_a_whole_result_is_corrected_bounds_and_all_beside_the_observed_figures():
    x, y = _with_exact_r(0.30, 50)
    observed = correlation(x, y)
    corrected = correct_result(observed, 1.0, 1.5)
    assert corrected.observed is observed and corrected.u == 1.5 and corrected.n == 50
    assert corrected.r == pytest.approx(0.426641, abs=5e-7)
    assert corrected.low == correct_for_range_restriction(observed.low, 1.0, 1.5)
    assert corrected.high == correct_for_range_restriction(observed.high, 1.0, 1.5)
    assert corrected.low < corrected.r < corrected.high and corrected.high > observed.high
    assert predicts(corrected) == predicts(observed)  # a change of scale, never a change of verdict
    empty = correct_result(correlation([1, 2], [2, 1]), 1.0, 1.5)
    assert (empty.r, empty.low, empty.high, empty.u) == (None, None, None, 1.5)
    with pytest.raises(ValueError, match="positive"):
        correct_result(observed, 0.0, 1.5)


def test_case_ii_recovers_the_applicant_pool_correlation_after_selection():
    # 20,000 applicants with a true correlation of 0.5 (bivariate normal, where Case II is exact: Pearson 1903,
    # Lawley 1943); the top 30% on the interview are hired. Among the 6,000 hires r shrinks to about 0.29;
    # corrected with the pool's SD it comes back. Tolerance: the corrected r's standard error is about
    # 1.43 (the slope of the correction here) x (1 - 0.29^2) / sqrt(6000) = 0.017, so 0.05 is three of them;
    # and the truth must lie inside the corrected 95% interval.
    rng = np.random.default_rng(1949)
    x = rng.standard_normal(20_000)
    y = 0.5 * x + math.sqrt(0.75) * rng.standard_normal(20_000)
    hired = x >= np.quantile(x, 0.7)
    restricted = correlation(x[hired], y[hired])
    assert restricted.n == 6000 and restricted.high < 0.35  # attenuated, clearly
    corrected = correct_result(restricted, x[hired].std(ddof=1), x.std(ddof=1))
    assert corrected.u == pytest.approx(1.93, abs=0.02)
    assert corrected.r == pytest.approx(0.5, abs=0.05)
    assert corrected.low < 0.5 < corrected.high


# Clopper-Pearson ----------------------------------------------------------------------------------------------------

def _clopper_pearson_by_beta(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Clopper & Pearson (1934) in its beta-quantile form (Brown, Cai & DasGupta 2001, section 4.2.1)."""
    low = 0.0 if k == 0 else beta.ppf(alpha / 2, k, n - k + 1)
    high = 1.0 if k == n else beta.ppf(1 - alpha / 2, k + 1, n - k)
    return low, high


@pytest.mark.parametrize("k, n, low, high", [
    (0, 10, 0.0, 0.3085),      # 0 of 10: the upper bound is 1 - 0.025^(1/10) = 0.30850
    (5, 10, 0.1871, 0.8129),   # 5 of 10: symmetric around one half
    (3, 20, 0.0321, 0.3789),   # 3 of 20: the example table of codingace.net's Clopper-Pearson calculator
    (10, 10, 0.6915, 1.0),     # 10 of 10: the lower bound is 0.025^(1/10) = 0.69150
])
def test_clopper_pearson_worked_examples(k, n, low, high):
    result = exact_binomial(k, n)
    assert (result.k, result.n, result.rate) == (k, n, k / n)
    assert (result.low, result.high) == pytest.approx((low, high), abs=5e-5)
    assert (result.low, result.high) == pytest.approx(_clopper_pearson_by_beta(k, n), abs=1e-12)
    if k == 0:
        assert result.low == 0.0 and result.high == pytest.approx(1 - 0.025 ** (1 / n), abs=1e-12)
    if k == n:
        assert result.high == 1.0 and result.low == pytest.approx(0.025 ** (1 / n), abs=1e-12)


def test_exact_binomial_with_no_cases_has_no_rate_and_refuses_impossible_counts():
    none = exact_binomial(0, 0)
    assert (none.rate, none.low, none.high) == (None, None, None)
    for k, n in [(3, 2), (-1, 5), (0, -1)]:
        with pytest.raises(ValueError):
            exact_binomial(k, n)
    assert exact_binomial(1, 10, confidence=0.99).high > exact_binomial(1, 10).high


# Constructed data: a predictive item is found, a noise item is not ---------------------------------------------------

def test_a_predictive_item_is_found_and_a_noise_item_is_not():
    rng = np.random.default_rng(23)
    rating = rng.integers(1, 6, 300).astype(float)  # interview ratings 1-5
    week5 = 0.5 * rating + rng.normal(0, 1, 300)     # true r = 1 / sqrt(2 x 1.5) = 0.577
    noise = rng.normal(0, 1, 300)                    # true r = 0
    found = correlation(rating, week5)
    assert predicts(found) is True and found.low < 0.577 < found.high
    assert predicts(correlation(rating, noise)) is False
    # Below MIN_N no verdict, however strong the sample looks.
    assert MIN_N == 20
    few = correlation(rating[:MIN_N - 1], week5[:MIN_N - 1])
    assert few.computable and predicts(few) is None
    assert predicts(correlation(rating[:MIN_N], week5[:MIN_N])) is not None


def test_noise_items_are_called_predictive_only_as_often_as_the_interval_allows():
    # With no relationship, the 95% interval lies wholly above 0 in about 2.5% of samples (one tail).
    rng = np.random.default_rng(1921)
    calls = sum(predicts(correlation(rng.normal(size=100), rng.normal(size=100))) for _ in range(400))
    share = exact_binomial(calls, 400)
    assert share.low < 0.025 < share.high
    # A reliably negative item does not predict in the intended direction either.
    x, y = _with_exact_r(-0.5, 100)
    assert predicts(correlation(x, y)) is False
