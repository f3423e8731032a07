"""The retention model: does a hire's interview evidence predict that they are still here after a year?

A scikit-learn Pipeline (impute, standardise, logistic regression) on per-value means, requirements fit and
values fit, trained for two outcomes: leaving within a year for any reason (The Offer counts as leaving), and
leaving within a year not counting The Offer (those who took it are left out of that dataset, since taking
the money is a different decision from quitting). Advice only: it is never part of the gate. Self-identification
data is never a feature: it is not even loaded. Figures are out of sample: ROC-AUC of the out-of-fold
predictions with DeLong's 95% interval, and permutation importance on held-out folds (scoring/validation.py).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from hiring.scoring.validation import delong, held_out_importance

MIN_HIRES = 40
MIN_CLASS = 8       # leavers, and stayers: fewer and the cross-validated figures mean nothing
FORMAT = 2          # of the saved report; a report of another format means "retrain"
MODEL_FILE = "retention-models.joblib"  # a new name: the old file held one pipeline, this one a dict of them
META_FILE = "retention-model.json"
CV_REPEATS = 4      # repeats of the K-fold for the importance: 5 x 4 = 20 held-out folds
SHUFFLES = 10       # shuffles of each feature on each held-out fold

ANY_LEAVING = "any_leaving"      # left within a year for any reason; The Offer counts as leaving
NOT_OFFER = "not_offer"          # left within a year; those who took The Offer are left out
OUTCOMES = (ANY_LEAVING, NOT_OFFER)


class TooFewHires(ValueError):
    """Refusal to train on too little data to mean anything."""


@dataclass
class OutcomeReport:
    """One outcome's model: on what it rests and how well it did out of sample."""

    outcome: str
    hires: int
    leavers: int
    excluded: int       # hires left out of this outcome's data (those who took The Offer)
    auc: float
    auc_se: float
    auc_low: float
    auc_high: float
    brier: float
    folds: int          # K of the cross-validation
    importance: list[dict] = field(default_factory=list)  # feature, mean, low, high (drop in AUC); best first

    @property
    def predicts(self) -> bool:
        """Whether the AUC's 95% interval lies wholly above chance (0.5), the condition for showing it."""
        return self.auc_low > 0.5


@dataclass
class ModelReport:
    """The retention models of both outcomes, trained together on the same hires and features."""

    trained_at: str
    features: list[str]
    outcomes: list[OutcomeReport]
    format: int = FORMAT

    def outcome(self, name: str) -> OutcomeReport:
        """The report of one outcome."""
        return next(o for o in self.outcomes if o.outcome == name)

    @property
    def predicting(self) -> list[OutcomeReport]:
        """The outcomes whose model predicts better than chance; the only ones shown on candidate pages."""
        return [o for o in self.outcomes if o.predicts]


def _pipeline():
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(SimpleImputer(strategy="mean"), StandardScaler(), LogisticRegression(max_iter=1000))


def _check_size(y: np.ndarray, outcome: str) -> None:
    leavers, stayers = int((y == 0).sum()), int((y == 1).sum())
    if len(y) < MIN_HIRES or min(leavers, stayers) < MIN_CLASS:
        raise TooFewHires(
            f"Too few hires to train a model that means anything ({outcome}): {len(y)} hires with a full first "
            f"year, {leavers} of whom left within it. At least {MIN_HIRES} hires, {MIN_CLASS} leavers and "
            f"{MIN_CLASS} stayers are needed.")


def _train_outcome(X, y, features, outcome: str, excluded: int, seed: int):
    from sklearn.metrics import brier_score_loss
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    leavers, stayers = int((y == 0).sum()), int((y == 1).sum())
    splits = min(5, leavers, stayers)
    folds = StratifiedKFold(n_splits=splits, shuffle=True, random_state=seed)
    probabilities = cross_val_predict(_pipeline(), X, y, cv=folds, method="predict_proba")[:, 1]
    auc = delong(y, probabilities)
    importance = held_out_importance(_pipeline, X, y, features, splits, CV_REPEATS, SHUFFLES, seed)
    report = OutcomeReport(
        outcome=outcome, hires=len(y), leavers=leavers, excluded=excluded, auc=auc.auc, auc_se=auc.se,
        auc_low=auc.low, auc_high=auc.high, brier=float(brier_score_loss(y, probabilities)), folds=splits,
        importance=[{"feature": i.feature, "mean": i.mean, "low": i.low, "high": i.high} for i in importance])
    return _pipeline().fit(X, y), report


def train(X: np.ndarray, y: np.ndarray, features: list[str], took_offer: np.ndarray | None = None, seed: int = 0):
    """Cross-validate and fit both outcomes' models; y = 1 if still employed a year after starting, took_offer
    marks those who left by taking The Offer. Returns ({outcome: fitted pipeline}, ModelReport)."""
    took_offer = np.zeros(len(y), dtype=bool) if took_offer is None else np.asarray(took_offer, dtype=bool)
    kept = ~took_offer
    datasets = {ANY_LEAVING: (X, y, 0), NOT_OFFER: (X[kept], y[kept], int(took_offer.sum()))}
    for outcome, (_X, outcome_y, _excluded) in datasets.items():
        _check_size(outcome_y, outcome)
    models, reports = {}, []
    for outcome, (outcome_X, outcome_y, excluded) in datasets.items():
        models[outcome], report = _train_outcome(outcome_X, outcome_y, features, outcome, excluded, seed)
        reports.append(report)
    return models, ModelReport(trained_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               features=list(features), outcomes=reports)


def save(folder: Path, models: dict, report: ModelReport) -> None:
    """Keep the models and their report in the instance folder."""
    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(models, folder / MODEL_FILE)
    (folder / META_FILE).write_text(json.dumps(asdict(report), indent=2))


def _read(folder: Path) -> dict | None:
    path = folder / META_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def load_report(folder: Path) -> ModelReport | None:
    """The saved models' report, or None when there is none or it is of an older format (retrain needed)."""
    data = _read(folder)
    if not data or data.get("format") != FORMAT:
        return None
    try:
        outcomes = [OutcomeReport(**o) for o in data["outcomes"]]
        return ModelReport(trained_at=data["trained_at"], features=data["features"], outcomes=outcomes)
    except (KeyError, TypeError):
        return None


def needs_retraining(folder: Path) -> bool:
    """Whether a report is saved but cannot be read as the current format (an older version wrote it)."""
    data = _read(folder)
    return data is not None and load_report(folder) is None


_cache: dict[str, tuple[float, object]] = {}


def load_model(folder: Path) -> dict | None:
    """The saved models by outcome, reloaded only when their file changes."""
    import joblib

    path = folder / MODEL_FILE
    if not path.exists():
        return None
    mtime = path.stat().st_mtime
    cached = _cache.get(str(path))
    if cached is None or cached[0] != mtime:
        _cache[str(path)] = (mtime, joblib.load(path))
    return _cache[str(path)][1]


def predict(model, X: np.ndarray) -> np.ndarray:
    """Probability of still being employed after a year, from one outcome's fitted pipeline."""
    return model.predict_proba(X)[:, 1]
