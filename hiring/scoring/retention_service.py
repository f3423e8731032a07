"""The thin service of the retention model: the dataset of hires whose first year is over, training, and the
advice shown beside an application (scoring/model.py holds the model, validation.py its evaluation)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.models import Application, CoreValue, InterviewAssignment, Rating, Scorecard, ScorecardStatus


def _value_means(session: Session, application_ids: list[int] | sa.Select) -> dict[int, dict[str, float]]:
    """Per application, the mean submitted rating of each core value (no evidence left out); one query.

    `application_ids` is a page's ids or, for every hire, a statement selecting them: a list of ids becomes
    one bind parameter each, and PostgreSQL refuses a statement with more than 65,535 (training at a company
    of a million candidates sent 148,273)."""
    means: dict[int, dict[str, float]] = {}
    if isinstance(application_ids, list) and not application_ids:
        return means
    rows = session.execute(
        sa.select(InterviewAssignment.application_id, Rating.core_value_id, sa.func.avg(Rating.score))
        .join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED, Rating.core_value_id.is_not(None),
               Rating.score.is_not(None), InterviewAssignment.application_id.in_(application_ids))
        .group_by(InterviewAssignment.application_id, Rating.core_value_id))
    for application_id, value_id, mean in rows:
        means.setdefault(application_id, {})[f"v{value_id}"] = float(mean)
    return means


def _rows_to_matrix(rows: list[tuple[int, float | None, float | None]], means: dict, features: list[str]):
    import numpy as np

    X = np.full((len(rows), len(features)), np.nan)
    for i, (application_id, req_fit, val_fit) in enumerate(rows):
        known = means.get(application_id, {}) | {"requirements_fit": req_fit, "values_fit": val_fit}
        for j, name in enumerate(features):
            value = known.get(name)
            X[i, j] = np.nan if value is None else value
    return X


def retention_dataset(session: Session, today):
    """Hires whose first year is over: features from their interviews, 1 if they were still employed a year
    after starting, and whether they left within it by taking The Offer. Self-identification is not loaded,
    so it can never be a feature."""
    from datetime import timedelta

    import numpy as np

    from hiring.models import EndReason, Hire

    cutoff = today - timedelta(days=365)
    over = Hire.start_date <= cutoff
    hires = session.execute(
        sa.select(Hire.application_id, Hire.start_date, Hire.end_date, Hire.end_reason,
                  Application.requirements_fit, Application.values_fit)
        .join(Application, Hire.application_id == Application.id).where(over)).all()
    means = _value_means(session, sa.select(Hire.application_id).where(over))
    value_keys = sorted({k for m in means.values() for k in m}, key=lambda k: int(k[1:]))
    features = value_keys + ["requirements_fit", "values_fit"]
    X = _rows_to_matrix([(h.application_id, h.requirements_fit, h.values_fit) for h in hires], means, features)
    y = np.array([h.end_date is None or (h.end_date - h.start_date).days > 365 for h in hires], dtype=int)
    took_offer = np.array([h.end_reason == EndReason.OFFER_ACCEPTED and not stayed
                           for h, stayed in zip(hires, y)], dtype=bool)
    return X, y, features, took_offer


def train_retention_model(session: Session, folder, today):
    """Train, evaluate and keep the retention model; raises TooFewHires when the data cannot support it."""
    from hiring.scoring import model

    X, y, features, took_offer = retention_dataset(session, today)
    fitted, report = model.train(X, y, features, took_offer)
    model.save(folder, fitted, report)
    return report


def predicted_retention(session: Session, folder, application_ids: list[int]) -> dict[int, dict[str, float]]:
    """Per scored application, each outcome's probability of a one-year stay (advice only); only outcomes
    whose model's AUC interval lies above 0.5 are predicted at all."""
    from hiring.scoring import model

    fitted, report = model.load_model(folder), model.load_report(folder)
    if fitted is None or report is None or not report.predicting or not application_ids:
        return {}
    rows = session.execute(sa.select(Application.id, Application.requirements_fit, Application.values_fit)
                           .where(Application.id.in_(application_ids), Application.values_fit.is_not(None))).all()
    if not rows:
        return {}
    X = _rows_to_matrix(rows, _value_means(session, [r.id for r in rows]), report.features)
    by_outcome = {o.outcome: model.predict(fitted[o.outcome], X).tolist() for o in report.predicting}
    return {r.id: {outcome: p[i] for outcome, p in by_outcome.items()} for i, r in enumerate(rows)}


def feature_names(session: Session, features: list[str]) -> dict[str, str]:
    """Words for the model's features."""
    ids = {f: int(f[1:]) for f in features if f[:1] == "v" and f[1:].isdigit()}
    names = dict(session.execute(sa.select(CoreValue.id, CoreValue.name)
                                 .where(CoreValue.id.in_(ids.values()))).all()) if ids else {}
    labels = {"requirements_fit": _("Requirements fit"), "values_fit": _("Values fit")}
    return {f: names.get(ids[f], f) if f in ids else str(labels.get(f, f)) for f in features}
