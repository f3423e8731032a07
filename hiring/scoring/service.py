"""The thin service of scoring: loads an application's submitted ratings, applies the pure functions of
fit.py and gate.py, and stores the results on the application (flushed, in the caller's transaction)."""
from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, has_app_context
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
    utcnow,
)
from hiring.scoring.fit import counted_values, item_means, requirements_fit, values_fit
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
    every_value = session.execute(sa.select(CoreValue.id, CoreValue.name, CoreValue.retired_at)
                                  .order_by(CoreValue.id)).all()
    rated = (r.core_value_id for r in ratings if r.core_value_id is not None and r.score is not None)
    counted = set(counted_values(((v.id, v.retired_at is not None) for v in every_value), rated))
    values = [v for v in every_value if v.id in counted]
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


RECOMPUTE_BLOCK = 5000  # applications per block of recompute_all's matrices


class Recomputed(NamedTuple):
    """What recompute_all did: `applications` with an interview looked at, of which `scored` had a submitted
    scorecard (the rest have no score, and any stale one was cleared)."""

    applications: int
    scored: int


def recompute_all(session: Session) -> Recomputed:
    """Rebuild every interviewed application's stored scores from the ratings, as array operations
    (scoring/bulk.py) in a fixed number of queries, then one bulk update."""
    import numpy as np

    from hiring.scoring import bulk

    apps = int_rows(session, sa.select(Application.id, Application.job_id, Job.requirements_threshold,
                                       Job.values_threshold)
                    .join(Job, Application.job_id == Job.id)
                    .where(Application.id.in_(sa.select(InterviewAssignment.application_id)))
                    .order_by(Application.id))
    if not len(apps):
        return Recomputed(0, 0)
    app_ids, app_jobs = apps[:, 0], apps[:, 1]
    jobs = np.unique(app_jobs)
    requirements = session.execute(sa.select(Requirement.id, Requirement.job_id, Requirement.weight,
                                             Requirement.must_have, Requirement.name)
                                   .where(Requirement.job_id.in_(jobs.tolist()))).all()
    values = session.execute(sa.select(CoreValue.id, CoreValue.name, CoreValue.retired_at)).all()
    job_index = {job_id: i for i, job_id in enumerate(jobs.tolist())}
    items = bulk.Items(
        names=[r.name for r in requirements] + [v.name for v in values],
        job=np.array([job_index[r.job_id] for r in requirements] + [-1] * len(values), dtype=np.int64),
        weight=np.array([r.weight for r in requirements] + [0] * len(values), dtype=float),
        must_have=np.array([r.must_have for r in requirements] + [False] * len(values), dtype=bool),
        active_value=np.array([False] * len(requirements) + [v.retired_at is None for v in values], dtype=bool))
    # An item as one integer (requirement id * 2, core value id * 2 + 1) and each rating as one integer,
    # (application * span + item) * 8 + score: one Python int per rating to read rather than a tuple.
    span = 2 * (max([r.id for r in requirements] + [v.id for v in values], default=0) + 1)
    column = np.full(span, -1, dtype=np.int64)  # an item code's column; -1: a requirement of no job here
    column[[2 * r.id for r in requirements]] = np.arange(len(requirements))
    column[[2 * v.id + 1 for v in values]] = len(requirements) + np.arange(len(values))
    item = sa.func.coalesce(Rating.requirement_id * 2, Rating.core_value_id * 2 + 1)
    packed = int_rows(session, sa.select((sa.cast(InterviewAssignment.application_id, sa.BigInteger) * span + item)
                                         * 8 + Rating.score)
                      .join(Scorecard, Rating.scorecard_id == Scorecard.id)
                      .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
                      .where(Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None)))[:, 0]
    scores = (packed % 8).astype(float)
    packed //= 8
    columns = column[packed % span]
    rating_app = np.searchsorted(app_ids, packed // span)
    del packed
    known = columns >= 0  # a requirement since moved to another job is ignored
    rating_app, columns, scores = rating_app[known], columns[known], scores[known]
    # Applications in blocks: the matrices are applications x every item of every job, mostly empty, and
    # whole they came to hundreds of MB; each row is computed on its own, so blocks give the same figures.
    by_app = np.argsort(rating_app, kind="stable")
    rating_app, columns, scores = rating_app[by_app], columns[by_app], scores[by_app]
    del by_app, known
    app_job = np.searchsorted(jobs, app_jobs)
    # Scorecards counted per application in SQL; only the vetoes' reasons come back as rows.
    cards = int_rows(session, sa.select(
        InterviewAssignment.application_id,
        sa.func.count(InterviewAssignment.id),
        sa.func.sum(sa.case((Scorecard.status == ScorecardStatus.SUBMITTED, 1), else_=0)))
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .group_by(InterviewAssignment.application_id))
    at = np.searchsorted(app_ids, cards[:, 0])
    pending = np.zeros(len(app_ids), dtype=np.int64)
    pending[at] = cards[:, 1] - cards[:, 2]
    has_submitted = np.zeros(len(app_ids), dtype=bool)
    has_submitted[at] = cards[:, 2] > 0
    vetoes: list[list[str]] = [[] for _ in range(len(app_ids))]
    for application_id, reason in session.execute(
            sa.select(InterviewAssignment.application_id, Scorecard.veto_reason)
            .join(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
            .where(Scorecard.status == ScorecardStatus.SUBMITTED, Scorecard.culture_veto)
            .order_by(Scorecard.submitted_at, Scorecard.id)):
        vetoes[int(np.searchsorted(app_ids, application_id))].append(reason)
    req_fit, val_fit = np.empty(len(app_ids)), np.empty(len(app_ids))
    outcomes = []
    for lo in range(0, len(app_ids), RECOMPUTE_BLOCK):
        hi = min(lo + RECOMPUTE_BLOCK, len(app_ids))
        first, last = np.searchsorted(rating_app, [lo, hi])
        means = bulk.item_means(rating_app[first:last] - lo, columns[first:last], scores[first:last], hi - lo,
                                len(items.names))
        req_fit[lo:hi], val_fit[lo:hi], counted = bulk.fits(means, app_job[lo:hi], items)
        outcomes += bulk.gate(means, req_fit[lo:hi], val_fit[lo:hi], counted, app_job[lo:hi], items,
                              apps[lo:hi, 2], apps[lo:hi, 3], pending[lo:hi], vetoes[lo:hi], floor=_floor())
    now = utcnow()
    updates = []
    for i, (application_id, scored, req, val) in enumerate(zip(app_ids.tolist(), has_submitted.tolist(),
                                                               req_fit.tolist(), val_fit.tolist())):
        if not scored:
            updates.append({"b_id": application_id, "requirements_fit": None, "values_fit": None,
                            "gate_result": None, "gate_reasons": None, "scored_at": None})
            continue
        result, reasons = outcomes[i]
        updates.append({"b_id": application_id, "gate_result": GateResult(result), "gate_reasons": reasons,
                        "scored_at": now, "requirements_fit": None if np.isnan(req) else req,
                        "values_fit": None if np.isnan(val) else val})
    # A Core UPDATE run as one executemany by the driver: the ORM's bulk update by primary key spent most of
    # its time on per-row bookkeeping. Objects already loaded in the session are expired instead, so that
    # they read the new figures.
    table = Application.__table__
    session.execute(table.update().where(table.c.id == sa.bindparam("b_id")).values(
        {name: sa.bindparam(name) for name in ("requirements_fit", "values_fit", "gate_result", "gate_reasons",
                                               "scored_at")}), updates)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Application):
            session.expire(obj, ["requirements_fit", "values_fit", "gate_result", "gate_reasons", "scored_at"])
    return Recomputed(len(app_ids), int(has_submitted.sum()))


def int_rows(session: Session, stmt, chunk: int = 65536):
    """The rows of a select of integer columns (no NULLs) as one int64 array, rows x columns.

    Read in chunks straight from the driver's cursor into NumPy: at millions of rows, making SQLAlchemy Row
    objects (or a Python tuple per row held in a list) costs several times the query itself, and the memory
    of a list of tuples is many times that of the array. SQLAlchemy still compiles the statement and binds its
    parameters, so the SQL is the same on SQLite and PostgreSQL.
    """
    import itertools

    import numpy as np

    if session.autoflush:
        session.flush()  # what session.execute would have done before reading
    result = session.connection().execute(stmt)
    width = len(result.keys())
    parts = []
    try:
        while rows := result.cursor.fetchmany(chunk):
            parts.append(np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width))
    finally:
        result.close()
    return (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)).reshape(-1, width)


def gate_uncertainty(session: Session, applications: list[Application], assignments: dict) -> dict:
    """P(pass) under rater disagreement (scoring/uncertainty.py) for each application whose gate decided on
    scores alone: every scorecard in, no veto. For one page's applications, never a list; `assignments` is the
    page's {application id: [(assignment, interviewer name, scorecard or None)]}; 2 queries."""
    from hiring.scoring.uncertainty import Card, Panel, pass_probability

    decided = {a.id: a for a in applications if a.gate_result in (GateResult.PASSES, GateResult.FAILS)}
    # A veto decides whatever the scores, and a missing scorecard leaves the gate incomplete: nothing to weigh.
    cards = {i: [(assignment.kind, card) for assignment, _, card in assignments.get(i, [])] for i in decided}
    cards = {i: rows for i, rows in cards.items() if rows and all(
        card is not None and card.status is ScorecardStatus.SUBMITTED and not card.culture_veto
        for _, card in rows)}
    if not cards:
        return {}
    ratings: dict[int, list] = {}
    for card_id, req_id, value_id, score in session.execute(
            sa.select(Rating.scorecard_id, Rating.requirement_id, Rating.core_value_id, Rating.score)
            .where(Rating.scorecard_id.in_([card.id for rows in cards.values() for _, card in rows]))
            .order_by(Rating.id)):
        ratings.setdefault(card_id, []).append((("r", req_id) if req_id is not None else ("v", value_id), score))
    # The jobs' requirements and every core value in one statement: (kind, id, job, weight, must have, name,
    # retired).
    jobs = {decided[i].job_id for i in cards}
    items = session.execute(sa.union_all(
        sa.select(sa.literal("r"), Requirement.id, Requirement.job_id, Requirement.weight, Requirement.must_have,
                  Requirement.name, sa.false()).where(Requirement.job_id.in_(jobs)),
        sa.select(sa.literal("v"), CoreValue.id, sa.null(), sa.null(), sa.null(), CoreValue.name,
                  CoreValue.retired_at.is_not(None)))).all()
    result = {}
    for application_id, rows in sorted(cards.items()):
        application = decided[application_id]
        mine = [Card(kind.value, ratings.get(card.id, [])) for kind, card in rows]
        rated = [key[1] for card in mine for key, score in card.ratings if key[0] == "v" and score is not None]
        reqs = [i for i in items if i[0] == "r" and i[2] == application.job_id]
        counted = set(counted_values(((i[1], bool(i[6])) for i in items if i[0] == "v"), rated))
        panel = Panel(requirement_weights={i[1]: i[3] for i in reqs},
                      must_haves={i[1]: i[5] for i in reqs if i[4]},
                      values={i[1]: i[5] for i in items if i[0] == "v" and i[1] in counted},
                      requirements_threshold=application.job.requirements_threshold,
                      values_threshold=application.job.values_threshold, floor=_floor())
        result[application_id] = pass_probability(mine, panel)
    return result
