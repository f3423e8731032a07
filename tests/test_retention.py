"""The Kaplan-Meier curves of analytics/retention.py against lifelines' KaplanMeierFitter, the reference: the
same timeline, survival, exponential Greenwood band and median, on worked examples and random data, one
group at a time and many groups after one sort."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from hiring.analytics.retention import CHECKPOINTS, kaplan_meier, kaplan_meier_by_group


def lifelines_curve(days, observed, checkpoints=CHECKPOINTS):
    """The figures as the app took them from lifelines before it computed them itself."""
    from lifelines import KaplanMeierFitter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = KaplanMeierFitter(alpha=0.05).fit(days, event_observed=observed, label="KM")
        survival = fitter.survival_function_.iloc[:, 0].to_numpy()
        band = fitter.confidence_interval_survival_function_
        lower, upper = band.iloc[:, 0].to_numpy(), band.iloc[:, 1].to_numpy()
    timeline = np.asarray(fitter.timeline)
    at = {}
    for day in checkpoints:
        if day > days.max():
            at[day] = None
            continue
        i = int(np.searchsorted(timeline, day, side="right") - 1)
        at[day] = (float(survival[i]), float(lower[i]), float(upper[i]))
    median = fitter.median_survival_time_
    return {"timeline": timeline, "survival": survival, "lower": lower, "upper": upper,
            "median": None if not np.isfinite(median) else float(median), "at": at,
            "n": len(days), "events": int(np.sum(observed))}


def assert_same_as_lifelines(curve, days, observed, checkpoints=CHECKPOINTS):
    want = lifelines_curve(days, observed, checkpoints)
    assert curve.timeline.dtype == want["timeline"].dtype and np.array_equal(curve.timeline, want["timeline"])
    for name in ("survival", "lower", "upper"):
        got = getattr(curve, name)
        assert got.shape == want[name].shape, name
        assert got == pytest.approx(want[name], rel=1e-12, abs=1e-12), name
    assert (curve.median, curve.n, curve.events) == (want["median"], want["n"], want["events"])
    assert curve.at.keys() == want["at"].keys()
    for day, figures in want["at"].items():
        assert (curve.at[day] is None) == (figures is None), day
        if figures is not None:
            assert curve.at[day] == pytest.approx(figures, rel=1e-12, abs=1e-12), day


# Worked examples: Freireich's 6-MP arm (ties of deaths and censoring at 6), everyone dying (the survival reaches
# 0 and the band's variance has a division by zero), no deaths at all, a death at day 0, a single person.
EXAMPLES = [
    ([6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35],
     [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
    ([1, 2, 2, 5, 8], [1, 1, 1, 1, 1]),
    ([3, 10, 30], [0, 0, 0]),
    ([0, 0, 4, 9, 9, 12], [1, 0, 1, 1, 0, 1]),
    ([42], [1]),
    ([0], [0]),
]


@pytest.mark.parametrize("days, observed", EXAMPLES)
def test_worked_examples_equal_lifelines(days, observed):
    days, observed = np.array(days, dtype=float), np.array(observed, dtype=bool)
    checkpoints = sorted({1, 6, 7, 10, 23, 30, 100} | set(CHECKPOINTS))
    assert_same_as_lifelines(kaplan_meier(days, observed, "x", checkpoints), days, observed, checkpoints)


@pytest.mark.parametrize("seed", range(6))
def test_random_groups_in_one_go_equal_lifelines_one_by_one(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    days = rng.integers(0, 900 if seed % 2 else 40, n).astype(float)  # few distinct days: many ties
    observed = rng.random(n) < 0.3
    group = rng.integers(-1, 6, n)  # -1: in no curve
    group[group == 4] = 3  # label 4 has no one
    labels = [f"g{k}" for k in range(6)]
    curves = kaplan_meier_by_group(days, observed, group, labels)
    assert [c is None for c in curves] == [not (group == k).any() for k in range(6)]
    for k, curve in enumerate(curves):
        if curve is not None:
            assert curve.label == labels[k]
            assert_same_as_lifelines(curve, days[group == k], observed[group == k])


def test_nobody():
    assert kaplan_meier(np.array([]), np.array([], dtype=bool)) is None
    assert kaplan_meier_by_group(np.array([]), np.array([], dtype=bool), np.array([], dtype=int), ["a"]) == [None]
