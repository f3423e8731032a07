"""Time recomputing every application's scores: `python -m bench.recompute [--applications N] [--database URL]`.

Builds a synthetic company with bulk inserts in a scratch SQLite file (or the database given), then times
`recompute_all` (scoring/bulk.py) against the one-at-a-time path on a sample, and prints both.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from datetime import timedelta

import sqlalchemy as sa


def build(session, n_applications: int, seed: int = 7) -> None:
    """Jobs, values, interviewers, candidates and applications with three submitted scorecards each."""
    from hiring.models import (Application, Candidate, CoreValue, InterviewAssignment, InterviewKind, Job, Rating,
                               Requirement, Role, Scorecard, ScorecardStatus, Stage, User, utcnow)

    rng = random.Random(seed)
    now = utcnow()
    values = [{"name": f"Value {i}", "position": i, **{f"anchor_{k}": "a" for k in range(1, 6)}} for i in range(10)]
    session.execute(sa.insert(CoreValue), values)
    session.execute(sa.insert(Job), [{"title": f"Job {j}", "requirements_threshold": 60, "values_threshold": 60}
                                     for j in range(20)])
    job_ids = session.scalars(sa.select(Job.id)).all()
    session.execute(sa.insert(Requirement), [{"job_id": j, "name": f"Req {k}", "weight": k + 1, "position": k,
                                              "must_have": k == 0} for j in job_ids for k in range(4)])
    session.execute(sa.insert(User), [{"email": f"rater{i}@bench.example", "name": f"Rater {i}",
                                       "role": Role.INTERVIEWER} for i in range(50)])
    raters = session.scalars(sa.select(User.id)).all()
    value_ids = session.scalars(sa.select(CoreValue.id)).all()
    reqs: dict[int, list[int]] = {}
    for rid, jid in session.execute(sa.select(Requirement.id, Requirement.job_id)):
        reqs.setdefault(jid, []).append(rid)
    session.execute(sa.insert(Candidate), [{"name": f"C {i}", "email": f"c{i}@bench.example", "created_at": now}
                                           for i in range(n_applications)])
    candidates = session.scalars(sa.select(Candidate.id).order_by(Candidate.id)).all()
    session.execute(sa.insert(Application), [{"candidate_id": c, "job_id": rng.choice(job_ids),
                                              "stage": Stage.INTERVIEWING, "applied_at": now,
                                              "stage_changed_at": now} for c in candidates])
    apps = session.execute(sa.select(Application.id, Application.job_id)).all()
    kinds = list(InterviewKind)
    session.execute(sa.insert(InterviewAssignment), [
        {"application_id": a, "interviewer_id": r, "kind": k, "assigned_at": now}
        for a, _j in apps for r, k in zip(rng.sample(raters, 3), kinds)])
    assignments = session.execute(sa.select(InterviewAssignment.id, InterviewAssignment.application_id,
                                            InterviewAssignment.kind)).all()
    session.execute(sa.insert(Scorecard), [{"assignment_id": a, "status": ScorecardStatus.SUBMITTED,
                                            "recommendation": "yes", "submitted_at": now + timedelta(seconds=a),
                                            "created_at": now, "updated_at": now, "version": 1}
                                           for a, _app, _k in assignments])
    card_of = dict(session.execute(sa.select(Scorecard.assignment_id, Scorecard.id)).all())
    job_of = dict(apps)
    rows = []
    for a, app, kind in assignments:
        items = []
        if kind is not InterviewKind.VALUES:
            items += [{"requirement_id": r} for r in reqs[job_of[app]]]
        if kind is not InterviewKind.SKILLS:
            items += [{"core_value_id": v} for v in value_ids]
        for item in items:
            score = None if rng.random() < 0.05 else rng.randint(1, 5)
            rows.append({"scorecard_id": card_of[a], **item, "score": score, "no_evidence": score is None,
                         "evidence": "e"})
    for start in range(0, len(rows), 20_000):
        session.execute(sa.insert(Rating), rows[start:start + 20_000])
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--database", help="a database URL; default: a scratch SQLite file")
    args = parser.parse_args()
    from flask_migrate import upgrade

    from hiring import create_app
    from hiring.extensions import db
    from hiring.scoring.service import recompute_all, score_application

    folder = tempfile.mkdtemp(prefix="bench-")
    os.environ.setdefault("HIRING_INSTANCE_PATH", folder)
    url = args.database or f"sqlite:///{folder}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build(db.session, args.applications)
        print(f"built {args.applications} applications in {time.perf_counter() - started:.1f} s")
        ratings = db.session.scalar(sa.text("select count(*) from ratings"))
        started = time.perf_counter()
        n = recompute_all(db.session).applications
        db.session.commit()
        vectorised = time.perf_counter() - started
        sample = db.session.scalars(sa.text("select id from applications limit 200")).all()
        started = time.perf_counter()
        for application_id in sample:
            score_application(db.session, application_id)
        one_each = (time.perf_counter() - started) / len(sample)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{db.engine.dialect.name}")
        print(f"recompute_all: {n} applications, {ratings} ratings in {vectorised:.2f} s "
              f"({1000 * vectorised / n:.3f} ms per application)")
        print(f"one at a time (sample of {len(sample)}): {1000 * one_each:.2f} ms per application, "
              f"{one_each * n:.1f} s for all")


if __name__ == "__main__":
    main()
