"""The benchmark harness cannot rot: the generator at a tiny size into its own SQLite file, and the benchmark's
measuring function on a few pages and on submitting a scorecard. No timing is asserted here."""
from __future__ import annotations

import sqlalchemy as sa

from bench.generate import Size, bench_app, generate, prepare
from bench.measure import Bench, add_floor_page, sign_in
from bench.report import table
from bench.run import LOGINS, PASSWORD, submit_scorecards
from hiring.extensions import db
from hiring.models import (Application, GateResult, Hire, InterviewAssignment, QuitOffer, Rating, Scorecard,
                           ScorecardStatus, Stage, User)
from hiring.scoring.service import recompute_all


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_generator_fills_a_consistent_company_and_the_benchmark_measures_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    app = prepare(url)
    try:
        counts = generate(app, Size(candidates=60, seed=7), quiet=True)
        assert counts["candidates"] == 60
        assert 60 <= counts["applications"] <= 90
        assert counts["hires"] == counts["enrollments"] == counts["hires passing the gate"] > 0
        assert counts["scorecards"] > counts["applications"]
        assert counts["ratings"] > 5 * counts["scorecards"]
        assert counts["enrollment_tasks"] == 18 * counts["enrollments"]
        assert counts["audit_events"] > counts["scorecards"]
        with app.app_context():
            session = db.session
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            emails = set(session.scalars(sa.select(User.email)))
            assert set(LOGINS.values()) - {LOGINS["new_hire"]} <= emails
            # Every hire was hired on their interviews: stage hired, every scorecard in, the gate passed.
            hired = session.execute(sa.select(Application.stage, Application.gate_result)
                                    .join(Hire, Hire.application_id == Application.id)).all()
            assert hired and all(s is Stage.HIRED and g is GateResult.PASSES for s, g in hired)
            # Submitted scorecards are complete; drafts carry no recommendation.
            cards = session.execute(sa.select(Scorecard.status, Scorecard.recommendation, Scorecard.submitted_at)).all()
            assert all((r is not None and t is not None) == (s is ScorecardStatus.SUBMITTED) for s, r, t in cards)
            assert session.scalar(sa.select(sa.func.count()).select_from(Rating)
                                  .where(Rating.score.is_(None), ~Rating.no_evidence)) == 0
            # An offer is decided at most once and only by the deadline.
            offers = session.execute(sa.select(QuitOffer.offered_at, QuitOffer.deadline, QuitOffer.decided_at)).all()
            assert all(d is None or o <= d <= dl for o, dl, d in offers)
            # The stored scores are what the ratings give: recomputing changes nothing.
            stored = session.execute(sa.select(Application.id, Application.requirements_fit, Application.values_fit,
                                               Application.gate_result).order_by(Application.id)).all()
            recompute_all(session)
            session.flush()
            again = session.execute(sa.select(Application.id, Application.requirements_fit, Application.values_fit,
                                              Application.gate_result).order_by(Application.id)).all()
            session.rollback()
            assert stored == again
    finally:
        _dispose(app)

    app = bench_app(url)
    add_floor_page(app)
    try:
        bench = Bench(app, repeat=3, max_seconds=5)
        recruiter = sign_in(app, LOGINS["recruiter"], PASSWORD)
        floor = bench.page("floor (layout + SELECT 1)", recruiter, "recruiter", "/bench/floor")
        listing = bench.page("candidate list, first page", recruiter, "recruiter", "/pipeline/")
        for result in (floor, listing):
            assert result.status == 200 and len(result.times) == 3 and result.peak_bytes > 0
            assert min(result.queries) >= 1 and result.size_bytes > 0
        assert floor.query_range == str(floor.queries[0])  # a fixed number of statements
        with app.app_context():
            before = db.session.scalar(sa.select(sa.func.count()).select_from(InterviewAssignment))
        submit_scorecards(bench, sign_in(app, LOGINS["interviewer"], PASSWORD), 5)
        assert bench.results[-1].status == 302 and len(bench.results[-1].times) == 3
        with app.app_context():  # the benchmark's own assignments and scorecards are gone again
            assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewAssignment)) == before
        text = table(bench.results, {}, {})
        assert "| floor (layout + SELECT 1) | recruiter |" in text and "submit a scorecard" in text
    finally:
        _dispose(app)
