"""The thin service of scoring: loads an application's submitted ratings, applies the pure functions of
fit.py and gate.py, and stores the results on the application (flushed, in the caller's transaction)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.models import (
    Application,
    CoreValue,
    GateResult,
    InterviewAssignment,
    Job,
    Rating,
    Requirement,
    Scorecard,
    ScorecardStatus,
    User,
    utcnow,
)
from hiring.scoring.fit import item_means, requirements_fit, values_fit
from hiring.scoring.gate import DEFAULT_FLOOR, GateInput, decide


def _floor() -> float:
    return float(current_app.config.get("SCORE_FLOOR", DEFAULT_FLOOR)) if has_app_context() else DEFAULT_FLOOR


def score_application(session: Session, application_id: int) -> Application:
    """Recompute and store the application's requirements fit, values fit and gate result; 5 queries."""
    application = session.get(Application, application_id)
    requirements = session.scalars(sa.select(Requirement).where(Requirement.job_id == application.job_id)).all()
    cards = session.execute(
        sa.select(Scorecard.id, Scorecard.status, Scorecard.culture_veto, Scorecard.veto_reason)
        .select_from(InterviewAssignment)
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(InterviewAssignment.application_id == application_id)
        .order_by(Scorecard.submitted_at, Scorecard.id)
    ).all()
    submitted = [c for c in cards if c.status is ScorecardStatus.SUBMITTED]
    ratings = session.execute(
        sa.select(Rating.requirement_id, Rating.core_value_id, Rating.score)
        .where(Rating.scorecard_id.in_([c.id for c in submitted]))
    ).all() if submitted else []
    # Active values count always; a value retired since counts where it was given a score here.
    rated_values = {r.core_value_id for r in ratings if r.core_value_id is not None and r.score is not None}
    values = session.scalars(sa.select(CoreValue).where(
        sa.or_(CoreValue.retired_at.is_(None), CoreValue.id.in_(rated_values)))).all()
    if not submitted:
        application.requirements_fit = application.values_fit = None
        application.gate_result, application.gate_reasons, application.scored_at = None, None, None
        return application
    req_means = item_means((r.requirement_id, r.score) for r in ratings if r.requirement_id is not None)
    val_means = item_means((r.core_value_id, r.score) for r in ratings if r.core_value_id is not None)
    req = requirements_fit(req_means, {r.id: r.weight for r in requirements})
    val = values_fit(val_means, [v.id for v in values])
    outcome = decide(GateInput(
        requirements=req, values=val,
        requirements_threshold=application.job.requirements_threshold,
        values_threshold=application.job.values_threshold,
        must_have_means={r.name: req_means.get(r.id) for r in requirements if r.must_have},
        value_means={v.name: val_means.get(v.id) for v in values},
        vetoes=[c.veto_reason for c in submitted if c.culture_veto],
        scorecards_pending=len(cards) - len(submitted),
        floor=_floor(),
    ))
    application.requirements_fit, application.values_fit = req.score, val.score
    application.gate_result = GateResult(outcome.result)
    application.gate_reasons = outcome.reasons
    application.scored_at = utcnow()
    return application


def recompute_all(session: Session) -> int:
    """Rebuild every interviewed application's stored scores from the ratings, as array operations
    (scoring/bulk.py) in a fixed number of queries, then one bulk update; returns how many were scored."""
    import numpy as np

    from hiring.scoring import bulk

    apps = session.execute(
        sa.select(Application.id, Application.job_id, Job.requirements_threshold, Job.values_threshold)
        .join(Job, Application.job_id == Job.id)
        .where(Application.id.in_(sa.select(InterviewAssignment.application_id)))
        .order_by(Application.id)).all()
    if not apps:
        return 0
    app_index = {row.id: i for i, row in enumerate(apps)}
    jobs = sorted({row.job_id for row in apps})
    job_index = {job_id: i for i, job_id in enumerate(jobs)}
    requirements = session.execute(sa.select(Requirement.id, Requirement.job_id, Requirement.weight,
                                             Requirement.must_have, Requirement.name)
                                   .where(Requirement.job_id.in_(jobs))).all()
    values = session.execute(sa.select(CoreValue.id, CoreValue.name, CoreValue.retired_at)).all()
    columns = {("r", r.id): i for i, r in enumerate(requirements)}
    columns.update({("v", v.id): len(requirements) + i for i, v in enumerate(values)})
    items = bulk.Items(
        names=[r.name for r in requirements] + [v.name for v in values],
        job=np.array([job_index[r.job_id] for r in requirements] + [-1] * len(values), dtype=np.int64),
        weight=np.array([r.weight for r in requirements] + [0] * len(values), dtype=float),
        must_have=np.array([r.must_have for r in requirements] + [False] * len(values), dtype=bool),
        active_value=np.array([False] * len(requirements) + [v.retired_at is None for v in values], dtype=bool))
    submitted = ((InterviewAssignment.application_id, Rating.requirement_id, Rating.core_value_id, Rating.score))
    ratings = session.execute(
        sa.select(*submitted).join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None))).all()
    keyed = [(app_index[a], columns.get(("r", r) if r is not None else ("v", v)), s) for a, r, v, s in ratings]
    keyed = [k for k in keyed if k[1] is not None]  # a requirement since moved to another job is ignored
    arr = np.array(keyed, dtype=float).reshape(-1, 3)
    means = bulk.item_means(arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2], len(apps),
                            len(items.names))
    app_job = np.array([job_index[row.job_id] for row in apps], dtype=np.int64)
    req_fit, val_fit, counted = bulk.fits(means, app_job, items)
    cards = session.execute(
        sa.select(InterviewAssignment.application_id, Scorecard.status, Scorecard.culture_veto, Scorecard.veto_reason)
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .order_by(Scorecard.submitted_at, Scorecard.id)).all()
    pending = np.zeros(len(apps), dtype=np.int64)
    has_submitted = np.zeros(len(apps), dtype=bool)
    vetoes: list[list[str]] = [[] for _ in apps]
    for application_id, status, veto, reason in cards:
        i = app_index[application_id]
        if status is ScorecardStatus.SUBMITTED:
            has_submitted[i] = True
            if veto:
                vetoes[i].append(reason)
        else:
            pending[i] += 1
    outcomes = bulk.gate(means, req_fit, val_fit, counted, app_job, items,
                         np.array([row.requirements_threshold for row in apps]),
                         np.array([row.values_threshold for row in apps]), pending, vetoes, floor=_floor())
    now = utcnow()
    updates = []
    for i, row in enumerate(apps):
        if not has_submitted[i]:
            updates.append({"id": row.id, "requirements_fit": None, "values_fit": None, "gate_result": None,
                            "gate_reasons": None, "scored_at": None})
            continue
        result, reasons = outcomes[i]
        updates.append({"id": row.id, "gate_result": GateResult(result), "gate_reasons": reasons, "scored_at": now,
                        "requirements_fit": None if np.isnan(req_fit[i]) else float(req_fit[i]),
                        "values_fit": None if np.isnan(val_fit[i]) else float(val_fit[i])})
    session.execute(sa.update(Application), updates)
    return len(apps)


def calibration_data(session: Session) -> dict:
    """Submitted ratings as arrays, with interviewer names and item names, for the calibration page; 4 queries."""
    import numpy as np

    from hiring.scoring.calibration import calibrate, reliability

    rows = session.execute(
        sa.select(InterviewAssignment.interviewer_id, InterviewAssignment.application_id, Rating.requirement_id,
                  Rating.core_value_id, Rating.score, Rating.no_evidence)
        .join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED)
    ).all()
    cards = dict(session.execute(
        sa.select(InterviewAssignment.interviewer_id, sa.func.count(Scorecard.id))
        .join(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED).group_by(InterviewAssignment.interviewer_id)).all())
    raters = np.array([r[0] for r in rows], dtype=np.int64)
    applications = np.array([r[1] for r in rows], dtype=np.int64)
    items = np.array([f"r{r[2]}" if r[2] is not None else f"v{r[3]}" for r in rows], dtype=object)
    scores = np.array([r[4] if r[4] is not None else 0 for r in rows], dtype=np.int64)
    no_evidence = np.array([bool(r[5]) or r[4] is None for r in rows], dtype=bool)
    units = np.array([f"{a}:{i}" for a, i in zip(applications, items)], dtype=object)
    people = calibrate(cards, raters, units, scores, no_evidence)
    rated = ~no_evidence
    items_alpha = reliability(items[rated], applications[rated], raters[rated], scores[rated])
    names = dict(session.execute(
        sa.select(User.id, User.name).where(User.id.in_([p.interviewer_id for p in people]))).all())
    item_names = {f"r{i}": f"{t}: {n}" for i, n, t in session.execute(
        sa.select(Requirement.id, Requirement.name, Job.title).join(Job, Requirement.job_id == Job.id)).all()}
    item_names.update({f"v{i}": n for i, n in session.execute(sa.select(CoreValue.id, CoreValue.name)).all()})
    return {"people": people, "names": names, "items": items_alpha, "item_names": item_names}


def _value_means(session: Session, application_ids: list[int]) -> dict[int, dict[str, float]]:
    """Per application, the mean submitted rating of each core value (no evidence left out); one query."""
    means: dict[int, dict[str, float]] = {}
    if not application_ids:
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
    """Hires whose first year is over: features from their interviews, and 1 if they were still employed a
    year after starting. Self-identification is not loaded, so it can never be a feature."""
    from datetime import timedelta

    import numpy as np

    from hiring.models import Hire

    cutoff = today - timedelta(days=365)
    hires = session.execute(
        sa.select(Hire.application_id, Hire.start_date, Hire.end_date, Application.requirements_fit,
                  Application.values_fit)
        .join(Application, Hire.application_id == Application.id).where(Hire.start_date <= cutoff)).all()
    means = _value_means(session, [h.application_id for h in hires])
    value_keys = sorted({k for m in means.values() for k in m}, key=lambda k: int(k[1:]))
    features = value_keys + ["requirements_fit", "values_fit"]
    X = _rows_to_matrix([(h.application_id, h.requirements_fit, h.values_fit) for h in hires], means, features)
    y = np.array([h.end_date is None or (h.end_date - h.start_date).days > 365 for h in hires], dtype=int)
    return X, y, features


def train_retention_model(session: Session, folder, today):
    """Train, evaluate and keep the retention model; raises TooFewHires when the data cannot support it."""
    from hiring.scoring import model

    X, y, features = retention_dataset(session, today)
    fitted, report = model.train(X, y, features)
    model.save(folder, fitted, report)
    return report


def predicted_retention(session: Session, folder, application_ids: list[int]) -> dict[int, float]:
    """The saved model's probability of a one-year stay for each scored application (advice only)."""
    from hiring.scoring import model

    fitted, report = model.load_model(folder), model.load_report(folder)
    if fitted is None or report is None or not application_ids:
        return {}
    rows = session.execute(sa.select(Application.id, Application.requirements_fit, Application.values_fit)
                           .where(Application.id.in_(application_ids), Application.values_fit.is_not(None))).all()
    if not rows:
        return {}
    X = _rows_to_matrix(rows, _value_means(session, [r.id for r in rows]), report.features)
    return dict(zip([r.id for r in rows], model.predict(fitted, X).tolist()))


def feature_names(session: Session, features: list[str]) -> dict[str, str]:
    """Words for the model's features."""
    ids = {f: int(f[1:]) for f in features if f[:1] == "v" and f[1:].isdigit()}
    names = dict(session.execute(sa.select(CoreValue.id, CoreValue.name)
                                 .where(CoreValue.id.in_(ids.values()))).all()) if ids else {}
    labels = {"requirements_fit": _("Requirements fit"), "values_fit": _("Values fit")}
    return {f: names.get(ids[f], f) if f in ids else str(labels.get(f, f)) for f in features}
