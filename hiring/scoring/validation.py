"""How well the retention model does out of sample, and which features it leans on, with intervals.

Pure maths on arrays: DeLong's interval for a ROC-AUC, computed the fast way, and permutation importance
measured only on held-out folds of a repeated cross-validation (in-sample importance rewards overfitting: a
noise feature the model has memorised looks important on the rows it memorised).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile


@dataclass(frozen=True)
class AucInterval:
    """A ROC-AUC with its DeLong standard error and 95% interval."""

    auc: float
    se: float
    low: float
    high: float


@dataclass(frozen=True)
class Importance:
    """A feature's held-out drop in AUC when shuffled: mean over folds x repeats and a 95% interval."""

    feature: str
    mean: float
    low: float
    high: float
    folds: int


def _midranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks of x with ties given the mean of the ranks they share (Sun & Xu 2014, algorithm 1)."""
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    sorted_x = x[order]
    # Tied runs: the first and last position of each distinct value; their midrank is the mean of the two.
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    ends = np.r_[starts[1:], len(x)]
    run_rank = (starts + 1 + ends) / 2.0
    ranks[order] = np.repeat(run_rank, ends - starts)
    return ranks


def delong(y: np.ndarray, scores: np.ndarray) -> AucInterval:
    """ROC-AUC and its variance by DeLong, DeLong & Clarke-Pearson (1988), computed with the midrank
    algorithm of Sun & Xu (2014, IEEE Signal Processing Letters 21:1389); 95% interval AUC +/- 1.96 SE,
    clipped to [0, 1], as pROC's ci.auc(method="delong") does. y = 1 marks the positive class."""
    y = np.asarray(y).astype(bool)
    scores = np.asarray(scores, dtype=float)
    positives, negatives = scores[y], scores[~y]
    m, n = len(positives), len(negatives)
    if m < 2 or n < 2:
        raise ValueError("DeLong's variance needs at least two cases of each class.")
    tx, ty, tz = _midranks(positives), _midranks(negatives), _midranks(np.r_[positives, negatives])
    auc = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
    # Structural components: V10[i] = share of negatives that positive i outranks (ties count half), V01[j]
    # = share of positives that outrank negative j.
    v10 = (tz[:m] - tx) / n
    v01 = 1.0 - (tz[m:] - ty) / m
    variance = v10.var(ddof=1) / m + v01.var(ddof=1) / n
    se = float(np.sqrt(variance))
    auc = float(auc)
    return AucInterval(auc, se, max(0.0, auc - Z95 * se), min(1.0, auc + Z95 * se))


def corrected_interval(values: np.ndarray, test_share: float) -> tuple[float, float, float]:
    """Mean and 95% interval of a statistic measured on the folds of a repeated K-fold cross-validation,
    with the corrected resampled t variance of Nadeau & Bengio (2003, Machine Learning 52:239): folds share
    training rows, so their spread understates the uncertainty; (1/J + n_test/n_train) s^2 corrects it."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    j = len(values)
    mean = float(values.mean())
    if j < 2:
        return mean, mean, mean
    se = float(np.sqrt((1 / j + test_share / (1 - test_share)) * values.var(ddof=1)))
    half = float(stats.t.ppf(0.975, j - 1)) * se
    return mean, mean - half, mean + half


def rank_auc(y: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC-AUC by the Mann-Whitney rank sum (ties count half), for each row of a 2-D array of scores."""
    from scipy.stats import rankdata

    y = np.asarray(y).astype(bool)
    m, n = int(y.sum()), int((~y).sum())
    ranks = rankdata(np.atleast_2d(scores), axis=1)
    return (ranks[:, y].sum(axis=1) - m * (m + 1) / 2) / (m * n)


def permutation_drops(model, X: np.ndarray, y: np.ndarray, shuffles: int, rng: np.random.Generator) -> np.ndarray:
    """Per feature, the mean drop in ROC-AUC when that feature is shuffled (Breiman 2001, as scikit-learn's
    permutation_importance computes it); all shuffles of a feature go through the model in one call."""
    baseline = rank_auc(y, model.predict_proba(X)[:, 1])[0]
    drops = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        stacked = np.tile(X, (shuffles, 1))
        stacked[:, j] = np.concatenate([rng.permutation(X[:, j]) for _ in range(shuffles)])
        permuted = model.predict_proba(stacked)[:, 1].reshape(shuffles, len(y))
        drops[j] = baseline - rank_auc(y, permuted).mean()
    return drops


def held_out_importance(make_model, X: np.ndarray, y: np.ndarray, features: list[str], splits: int,
                        cv_repeats: int = 4, shuffles: int = 10, seed: int = 0) -> list[Importance]:
    """Permutation importance measured on each held-out fold of a repeated stratified K-fold: the model is
    fitted on the training folds and its features shuffled on the test fold only (never on rows it was fitted
    on). Mean and Nadeau-Bengio 95% interval over folds x repeats; best first."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    folds = RepeatedStratifiedKFold(n_splits=splits, n_repeats=cv_repeats, random_state=seed)
    rng = np.random.default_rng(seed)
    drops = np.array([permutation_drops(make_model().fit(X[train], y[train]), X[test], y[test], shuffles, rng)
                      for train, test in folds.split(X, y)])  # folds x features
    out = []
    for i, name in enumerate(features):
        mean, low, high = corrected_interval(drops[:, i], 1 / splits)
        out.append(Importance(name, mean, low, high, len(drops)))
    return sorted(out, key=lambda item: -item.mean)
