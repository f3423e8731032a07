"""The stored scores: one application at a time on submit, and all at once (vectorised) on recompute, agree."""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import (
    Application,
    GateResult,
    InterviewKind,
    Rating,
    Recommendation,
    Role,
    Scorecard,
    ScorecardStatus,
    utcnow,
)
from hiring.scoring.service import recompute_all, score_application
from tests import factories


def _random_company(rng: random.Random):
    values = [factories.core_value(name=f"Value {i}") for i in range(4)]
    jobs = [factories.job(title=f"Job {j}", requirements=3, requirements_threshold=rng.choice([50, 60, 70]),
                          values_threshold=rng.choice([50, 60, 70])) for j in range(2)]
    interviewers = [factories.user(Role.INTERVIEWER) for _ in range(3)]
    for _ in range(25):
        application = factories.application(rng.choice(jobs))
        for person, kind in zip(rng.sample(interviewers, rng.randint(1, 3)), InterviewKind):
            assignment = factories.assignment(application, person, kind)
            if rng.random() < 0.2:
                continue  # not started: pending
            submitted = rng.random() < 0.85
            card = Scorecard(assignment=assignment, status=ScorecardStatus.SUBMITTED if submitted else
                             ScorecardStatus.DRAFT, submitted_at=utcnow() if submitted else None,
                             recommendation=Recommendation.YES if submitted else None)
            veto = submitted and kind is InterviewKind.VALUES and rng.random() < 0.2
            card.culture_veto, card.veto_reason = veto, "Rude" if veto else None
            items = [("requirement_id", r.id) for r in application.job.requirements] if kind is not \
                InterviewKind.VALUES else []
            items += [("core_value_id", v.id) for v in values] if kind is not InterviewKind.SKILLS else []
            for column, item_id in items:
                score = None if rng.random() < 0.1 else rng.randint(1, 5)
                card.ratings.append(Rating(**{column: item_id}, score=score, no_evidence=score is None,
                                           evidence="e" if score else ""))
            db.session.add(card)
    values[3].retired_at = utcnow()  # retired: counts only where it was rated
    db.session.commit()


def _stored():
    return {a.id: (a.requirements_fit, a.values_fit, a.gate_result, a.gate_reasons)
            for a in db.session.scalars(sa.select(Application).order_by(Application.id))}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_recompute_agrees_with_one_at_a_time(app, seed):
    _random_company(random.Random(seed))
    ids = db.session.scalars(sa.select(Application.id)).all()
    for application_id in ids:
        score_application(db.session, application_id)
    db.session.commit()
    one_by_one = _stored()
    db.session.execute(sa.update(Application).values(requirements_fit=None, values_fit=None, gate_result=None,
                                                     gate_reasons=None))
    db.session.commit()
    done = recompute_all(db.session)
    assert done.applications == len(ids)
    assert done.scored == sum(1 for v in one_by_one.values() if v[2] is not None)  # a gate result: scored
    db.session.commit()
    db.session.expire_all()
    vectorised = _stored()
    for application_id, (req, val, gate, reasons) in one_by_one.items():
        v_req, v_val, v_gate, v_reasons = vectorised[application_id]
        assert (v_req, v_val) == (pytest.approx(req, abs=0.01) if req is not None else None,
                                  pytest.approx(val, abs=0.01) if val is not None else None), application_id
        assert (v_gate, v_reasons) == (gate, reasons), application_id


def test_recompute_is_a_fixed_number_of_queries(app, count_queries):
    _random_company(random.Random(4))
    with count_queries() as counter:
        recompute_all(db.session)
    assert counter.count <= 8


def test_scores_are_stored_on_submit_and_updated_on_amend(app):
    from hiring.interviews import service
    from hiring.interviews.items import Answer, ScorecardInput

    values = [factories.core_value(name=f"Value {i}") for i in range(2)]
    job = factories.job(requirements=1, values_threshold=60)
    application = factories.application(job)
    me = factories.user(Role.INTERVIEWER)
    assignment = factories.assignment(application, me, InterviewKind.VALUES)
    factories.assignment(application, factories.user(Role.INTERVIEWER), InterviewKind.SKILLS)
    db.session.commit()

    def answers(score: int) -> ScorecardInput:
        return ScorecardInput(answers={f"v{v.id}": Answer(score=score, evidence="e") for v in values},
                              recommendation=Recommendation.YES)

    service.save(db.session, assignment, me, answers(4), submit=False, version=None)
    assert application.scored_at is None  # a draft does not count
    service.save(db.session, assignment, me, answers(4), submit=True, version=str(assignment.scorecard.version))
    assert (application.values_fit, application.requirements_fit) == (75.0, None)
    assert application.gate_result is GateResult.INCOMPLETE
    assert {"code": "scorecards_pending", "count": 1} in application.gate_reasons
    service.amend(db.session, assignment, me, answers(2), reason="Wrong candidate",
                  version=str(assignment.scorecard.version))
    assert application.values_fit == 25.0
    db.session.commit()


def test_recompute_scores_command_rebuilds_what_was_lost(app, runner):
    value = factories.core_value()
    job = factories.job(requirements=1, requirements_threshold=50, values_threshold=50)
    application = factories.application(job)
    factories.submitted_scorecard(factories.assignment(application, kind=InterviewKind.HIRING_MANAGER),
                                  {value: 5, job.requirements[0]: 4})
    untouched = factories.application(job)
    db.session.commit()
    result = runner.invoke(args=["recompute-scores"])
    assert result.exit_code == 0 and "Scores recomputed for 1 application with a submitted scorecard." in result.output
    assert "no submitted scorecard yet" not in result.output
    db.session.expire_all()
    stored = db.session.get(Application, application.id)
    assert (stored.requirements_fit, stored.values_fit, stored.gate_result) == (75.0, 100.0, GateResult.PASSES)
    assert stored.gate_reasons == [] and stored.scored_at is not None
    assert db.session.get(Application, untouched.id).gate_result is None
