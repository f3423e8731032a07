"""Krippendorff's alpha for many items in one pass (hiring/scoring/alpha.py) against the `krippendorff`
library, the reference, and against the published worked example."""
from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from hiring.scoring.alpha import alpha_by_group, distances

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four observers, twelve units,
# values 1-5, NaN where an observer gave none. Published: nominal .743, interval .849; the library's doctest
# gives ordinal .815 and ratio .797 on the same data.
RELIABILITY_DATA = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
])
VALUES = np.arange(1, 6)


def value_counts(data: np.ndarray) -> np.ndarray:
    """Per unit (column), observers per value; pairable units only (two or more values)."""
    counts = (data.T[..., None] == VALUES[None, None, :]).sum(axis=1)
    return counts[counts.sum(axis=1) >= 2]


@pytest.mark.parametrize("level, published", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_the_worked_example(level, published):
    counts = value_counts(RELIABILITY_DATA)
    (alpha,) = alpha_by_group(np.zeros(len(counts), dtype=int), counts, 1, VALUES, level)
    assert round(alpha, 3) == published
    assert alpha == pytest.approx(krippendorff.alpha(reliability_data=RELIABILITY_DATA, value_domain=VALUES,
                                                     level_of_measurement=level), abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_many_groups_in_one_pass_equal_the_library_group_by_group(seed):
    rng = np.random.default_rng(seed)
    n_groups = 7
    units = int(rng.integers(20, 400))
    counts = rng.integers(0, 4, (units, len(VALUES))) * (rng.random((units, len(VALUES))) < 0.5)
    counts[counts.sum(axis=1) < 2, int(rng.integers(0, 5))] += 2  # every unit pairable
    group = rng.integers(0, n_groups, units)
    group[group == 5] = 4  # group 5: no units
    counts[group == 6] = 0
    counts[group == 6, 2] = 3  # group 6: one value throughout, alpha undefined
    for level in ("nominal", "ordinal", "interval"):
        got = alpha_by_group(group, counts, n_groups, VALUES, level)
        assert np.isnan(got[5]) and np.isnan(got[6])
        for g in range(5):
            mine = counts[group == g]
            want = krippendorff.alpha(value_counts=mine, value_domain=VALUES, level_of_measurement=level)
            assert got[g] == pytest.approx(want, abs=1e-12), (level, g)


def test_ordinal_distances_are_the_textbooks():
    # Krippendorff (2011), ordinal metric: (sum of n_g for g from c to k - (n_c + n_k) / 2)^2.
    n_c = np.array([[3.0, 5.0, 2.0, 0.0, 4.0]])
    d = distances("ordinal", VALUES, n_c)[0]
    assert d[0, 1] == (3 + 5 - (3 + 5) / 2) ** 2 and d[1, 4] == (5 + 2 + 0 + 4 - (5 + 4) / 2) ** 2
    assert np.array_equal(d, d.T) and not d.diagonal().any()
    with pytest.raises(ValueError):
        distances("ratio", VALUES, n_c)


def test_a_unit_rated_once_is_refused():
    with pytest.raises(ValueError):
        alpha_by_group(np.zeros(2, dtype=int), np.array([[1, 1, 0, 0, 0], [0, 1, 0, 0, 0]]), 1, VALUES)
