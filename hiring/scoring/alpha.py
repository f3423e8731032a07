"""Krippendorff's alpha for many variables at once: pure NumPy, no Flask, no database.

The textbook computation through the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
alpha-reliability", section C), done for every group (an interview item) in one pass over the units instead
of one library call per group: at a large employer the calls, not the arithmetic, took the time.

For one group, with n_uc the raters who gave unit u the value c and m_u = sum_c n_uc (pairable units only,
m_u >= 2):

    o_ck = sum_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1)        the observed coincidences
    n_c  = sum_k o_ck = sum_u n_uc                             the pairable values of each level, n = sum_c n_c
    e_ck = (n_c n_k - [c = k] n_c) / (n - 1)                   the coincidences expected by chance
    alpha = 1 - sum_ck o_ck d_ck / sum_ck e_ck d_ck            with d the squared distance of the metric

Every metric here has d_cc = 0, so the diagonal terms drop out and only pairs c < k are summed (twice).
tests/test_alpha.py holds it to the `krippendorff` library, the reference, on worked examples and random data.
"""
from __future__ import annotations

import numpy as np

LEVELS = ("nominal", "ordinal", "interval")


def distances(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared distances d_ck between the values (ordered), per group: shape (groups, V, V).

    ordinal: (sum of n_g for g from c to k - (n_c + n_k) / 2)^2, which depends on each group's marginals;
    interval: (v_c - v_k)^2; nominal: 1 for different values."""
    v = len(values)
    if level == "nominal":
        return np.broadcast_to(1.0 - np.eye(v), (len(n_c), v, v))
    if level == "interval":
        values = np.asarray(values, dtype=float)
        return np.broadcast_to((values[:, None] - values[None, :]) ** 2, (len(n_c), v, v))
    if level != "ordinal":
        raise ValueError(f"level of measurement must be one of {LEVELS}")
    below = np.concatenate([np.zeros((len(n_c), 1)), np.cumsum(n_c, axis=1)], axis=1)  # sum of n_g, g < c
    low, high = np.minimum.outer(np.arange(v), np.arange(v)), np.maximum.outer(np.arange(v), np.arange(v))
    between = below[:, high + 1] - below[:, low]
    return (between - (n_c[:, low] + n_c[:, high]) / 2) ** 2


def alpha_by_group(group: np.ndarray, counts: np.ndarray, n_groups: int, values: np.ndarray,
                   level: str = "ordinal") -> np.ndarray:
    """Alpha per group from its pairable units: `group` gives each unit's group (0 .. n_groups - 1) and
    `counts` its raters per value (units x V, every row summing to 2 or more). NaN where alpha is undefined
    (no units, or no disagreement possible: a single value used throughout)."""
    counts = np.asarray(counts)
    group = np.asarray(group, dtype=np.intp)
    v = counts.shape[1]
    m = counts.sum(axis=1)
    if len(m) and m.min() < 2:
        raise ValueError("every unit must be pairable (rated by two or more)")
    per_unit = 1.0 / (m - 1)
    n_c = np.stack([np.bincount(group, weights=counts[:, c], minlength=n_groups) for c in range(v)], axis=1)
    n = n_c.sum(axis=1)
    d = distances(level, values, n_c)
    observed = np.zeros(n_groups)
    expected = np.zeros(n_groups)
    for c in range(v):
        for k in range(c + 1, v):
            o_ck = np.bincount(group, weights=counts[:, c] * counts[:, k] * per_unit, minlength=n_groups)
            observed += 2 * o_ck * d[:, c, k]
            expected += 2 * n_c[:, c] * n_c[:, k] * d[:, c, k]
    with np.errstate(invalid="ignore", divide="ignore"):
        expected /= n - 1
        return 1 - observed / expected
