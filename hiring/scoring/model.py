"""The retention model: does a hire's interview evidence predict that they are still here after a year?

A scikit-learn Pipeline (impute, standardise, logistic regression) on per-value means, requirements fit and
values fit. Advice only: it is never part of the gate. Self-identification data is never a feature: it is
not even loaded.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

MIN_HIRES = 40
MIN_CLASS = 8       # leavers, and stayers: fewer and the cross-validated figures mean nothing
MODEL_FILE = "retention-model.joblib"
META_FILE = "retention-model.json"


class TooFewHires(ValueError):
    """Refusal to train on too little data to mean anything."""


@dataclass
class ModelReport:
    """What a trained model is, on what it rests, and how well it did out of sample."""

    trained_at: str
    hires: int
    leavers: int
    features: list[str]
    auc: float
    auc_sd: float
    brier: float
    importance: list[dict] = field(default_factory=list)  # feature, mean drop in AUC, sd; best first


def _pipeline():
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(SimpleImputer(strategy="mean"), StandardScaler(), LogisticRegression(max_iter=1000))


def train(X: np.ndarray, y: np.ndarray, features: list[str], seed: int = 0):
    """Cross-validate (stratified), fit on everything, and measure which features matter; y = 1 if stayed."""
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    leavers, stayers = int((y == 0).sum()), int((y == 1).sum())
    if len(y) < MIN_HIRES or min(leavers, stayers) < MIN_CLASS:
        raise TooFewHires(
            f"Too few hires to train a model that means anything: {len(y)} hires with a full first year, "
            f"{leavers} of whom left within it. At least {MIN_HIRES} hires, {MIN_CLASS} leavers and "
            f"{MIN_CLASS} stayers are needed.")
    folds = StratifiedKFold(n_splits=min(5, leavers, stayers), shuffle=True, random_state=seed)
    probabilities = cross_val_predict(_pipeline(), X, y, cv=folds, method="predict_proba")[:, 1]
    fold_aucs = [roc_auc_score(y[test], probabilities[test]) for _train, test in folds.split(X, y)]
    model = _pipeline().fit(X, y)
    result = permutation_importance(model, X, y, scoring="roc_auc", n_repeats=20, random_state=seed)
    order = np.argsort(-result.importances_mean)
    report = ModelReport(
        trained_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), hires=len(y), leavers=leavers,
        features=list(features), auc=float(roc_auc_score(y, probabilities)), auc_sd=float(np.std(fold_aucs)),
        brier=float(brier_score_loss(y, probabilities)),
        importance=[{"feature": features[i], "mean": float(result.importances_mean[i]),
                     "sd": float(result.importances_std[i])} for i in order])
    return model, report


def save(folder: Path, model, report: ModelReport) -> None:
    """Keep the model and its report in the instance folder."""
    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, folder / MODEL_FILE)
    (folder / META_FILE).write_text(json.dumps(asdict(report), indent=2))


def load_report(folder: Path) -> ModelReport | None:
    """The saved model's report, or None."""
    path = folder / META_FILE
    if not path.exists():
        return None
    return ModelReport(**json.loads(path.read_text()))


_cache: dict[str, tuple[float, object]] = {}


def load_model(folder: Path):
    """The saved model, reloaded only when its file changes."""
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
    """Probability of still being employed after a year."""
    return model.predict_proba(X)[:, 1]
