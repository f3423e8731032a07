"""Interviewer calibration, inter-rater reliability and the retention model."""
from __future__ import annotations

import numpy as np
import pytest

from hiring.scoring.calibration import calibrate, offsets, reliability
from hiring.scoring.model import TooFewHires, load_report, save, train

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with missing values:
# 4 observers x 12 units; published alpha: nominal 0.743, ordinal 0.815, interval 0.849.
NAN = np.nan
KRIPPENDORFF = [[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
                [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
                [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
                [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]]


def _long(matrix):
    raters, units, scores = [], [], []
    for r, row in enumerate(matrix):
        for u, score in enumerate(row):
            if not np.isnan(score):
                raters.append(r)
                units.append(u)
                scores.append(int(score))
    return np.array(raters), np.array(units), np.array(scores)


def test_krippendorff_ordinal_alpha_matches_the_published_example():
    raters, units, scores = _long(KRIPPENDORFF)
    items = np.array(["item"] * len(scores), dtype=object)
    (result,) = reliability(items, units, raters, scores)
    assert result.alpha == pytest.approx(0.815, abs=0.001)
    assert result.applications == 11  # the last unit has a single rating: not pairable


def test_offsets_are_one_comparison_per_shared_candidate():
    # Candidate a: two items, raters 1-3; b: one item, raters 1 and 2; c: rater 1 alone (no comparison).
    # Rater 1 rates a point above the others throughout, so the model's offsets are (+1, 0, 0) and each
    # comparison is exact: 1 for rater 1, 0 for the others, once per candidate however many items.
    raters = np.array([1, 2, 3, 1, 2, 3, 1, 2, 1])
    apps = np.array(["a", "a", "a", "a", "a", "a", "b", "b", "c"])
    items = np.array([0, 0, 0, 1, 1, 1, 0, 0, 0])
    scores = np.array([4.0, 3.0, 3.0, 5.0, 4.0, 4.0, 3.0, 2.0, 1.0])
    who, app, diff = offsets(raters, apps, items, scores)
    assert who.tolist() == [1, 2, 3, 1, 2] and app.tolist() == ["a", "a", "a", "b", "b"]
    assert diff.tolist() == pytest.approx([1.0, 0.0, 0.0, 1.0, 0.0], abs=1e-9)  # the fit stops within 1e-10


def test_a_lenient_interviewer_is_flagged_and_a_fair_one_is_not():
    rng = np.random.default_rng(1)
    units, raters, scores = [], [], []
    for unit in range(60):
        truth = rng.normal(3, 0.7)
        for rater, bias in ((1, 1.2), (2, 0), (3, 0), (4, 0)):
            units.append(unit)
            raters.append(rater)
            scores.append(int(np.clip(round(truth + bias + rng.normal(0, 0.5)), 1, 5)))
    units, raters, scores = np.array(units), np.array(raters), np.array(scores)
    result = {r.interviewer_id: r for r in calibrate({1: 60, 2: 60, 3: 60, 4: 60}, raters, units,
                                                     np.zeros(len(units), int), scores,
                                                     np.zeros(len(scores), bool)).people}
    assert result[1].flagged and result[1].offset > 0.5 and result[1].low > 0
    assert not any(result[r].flagged for r in (2, 3, 4))
    assert sum(result[1].distribution.values()) == 60


def test_too_few_comparisons_are_never_flagged():
    units, raters, scores = np.array([1, 1]), np.array([1, 2]), np.array([5, 1])
    result = {r.interviewer_id: r for r in calibrate({}, raters, units, np.zeros(2, int), scores,
                                                     np.zeros(2, bool)).people}
    # One candidate, two raters: mirror images about their midpoint, and neither is flagged.
    assert result[1].raw_offset == 2 and result[1].candidates == 1 and not result[1].flagged


def _synthetic(n=400, seed=0, noise=False):
    """Hires whose staying depends on one value's score only."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 5, size=(n, 4))
    X[:, 3] = rng.uniform(0, 100, n)
    logit = 2.5 * (X[:, 1] - 3)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    if noise:
        y = rng.permutation(y)
    return X, y, ["v1", "v2", "v3", "values_fit"]


def test_the_model_finds_the_value_that_predicts_retention():
    X, y, features = _synthetic()
    _model, report = train(X, y, features)
    outcome = report.outcomes[0]
    assert outcome.auc > 0.7 and outcome.predicts
    assert outcome.importance[0]["feature"] == "v2" and outcome.importance[0]["low"] > 0


def test_on_noise_the_model_is_no_better_than_chance():
    X, y, features = _synthetic(noise=True)
    _model, report = train(X, y, features)
    assert all(0.35 < o.auc < 0.65 and not o.predicts for o in report.outcomes)


def test_the_model_refuses_too_few_hires():
    X, y, features = _synthetic(n=30)
    with pytest.raises(TooFewHires, match="Too few hires"):
        train(X, y, features)
    X, y, features = _synthetic(n=200)
    y[:] = 1
    y[:3] = 0
    with pytest.raises(TooFewHires):
        train(X, y, features)


def test_model_is_kept_with_its_report(tmp_path):
    X, y, features = _synthetic()
    fitted, report = train(X, y, features)
    save(tmp_path, fitted, report)
    assert load_report(tmp_path) == report
