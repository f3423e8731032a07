"""Stage moves: forward one step at a time or out, each with a reason, recorded and audited; hiring makes
the hire, the login and the enrolment in one transaction."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hiring.errors import Conflict, DomainError
from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    Enrollment,
    GateResult,
    Hire,
    ProgrammeTask,
    Role,
    Stage,
    StageChange,
    TaskOwner,
    User,
)
from hiring.pipeline.service import move_application
from hiring.pipeline.stages import allowed_moves, check_move
from tests import factories

# A start date a week ahead: hiring refuses dates outside a window around today (tests/test_bounds.py).
START = date.today() + timedelta(days=7)

ALLOWED = [
    (Stage.APPLIED, Stage.SCREENING), (Stage.SCREENING, Stage.INTERVIEWING),
    (Stage.INTERVIEWING, Stage.DECISION), (Stage.DECISION, Stage.HIRED),
    *[(s, out) for s in (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION)
      for out in (Stage.REJECTED, Stage.WITHDRAWN)],
]
REFUSED = [
    (Stage.APPLIED, Stage.INTERVIEWING), (Stage.APPLIED, Stage.HIRED), (Stage.SCREENING, Stage.APPLIED),
    (Stage.DECISION, Stage.INTERVIEWING), (Stage.INTERVIEWING, Stage.INTERVIEWING),
    (Stage.HIRED, Stage.REJECTED), (Stage.REJECTED, Stage.SCREENING), (Stage.WITHDRAWN, Stage.APPLIED),
]


@pytest.mark.parametrize("current,target", ALLOWED)
def test_allowed_moves(current, target):
    assert target in allowed_moves(current)
    check_move(current, target, "a reason")


@pytest.mark.parametrize("current,target", REFUSED)
def test_refused_moves_say_why(app, current, target):
    with pytest.raises(Conflict) as refused:
        check_move(current, target, "a reason")
    assert refused.value.field == "to_stage"
    assert refused.value.status == 409
    assert "cannot" in refused.value.message


def test_a_withdrawal_needs_a_typed_reason_and_the_usual_forward_move_does_not(app):
    with pytest.raises(DomainError) as refused:
        check_move(Stage.SCREENING, Stage.WITHDRAWN, "   ")
    assert refused.value.field == "reason"
    for current, target in ((Stage.APPLIED, Stage.SCREENING), (Stage.SCREENING, Stage.INTERVIEWING),
                            (Stage.INTERVIEWING, Stage.DECISION), (Stage.DECISION, Stage.HIRED)):
        check_move(current, target, "")
    check_move(Stage.APPLIED, Stage.REJECTED, "", coded=True)  # a rejection's coded reason says why
    with pytest.raises(DomainError):
        check_move(Stage.APPLIED, Stage.WITHDRAWN, "", coded=False)


def test_a_move_is_recorded_and_audited(app):
    recruiter = factories.user(Role.RECRUITER)
    application = factories.application()
    move_application(db.session, application.id, expected_stage=Stage.APPLIED, to_stage=Stage.SCREENING,
                     reason=" Good CV ", actor_id=recruiter.id)
    db.session.commit()
    change = db.session.scalar(sa.select(StageChange).where(StageChange.application_id == application.id))
    assert (change.from_stage, change.to_stage, change.changed_by_id, change.reason) == (
        Stage.APPLIED, Stage.SCREENING, recruiter.id, "Good CV")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "stage_changed"))
    assert event.actor_id == recruiter.id and event.entity_id == application.id
    # The event names the row that holds the reason, never a copy of it (erasure blanks the row).
    assert event.details == {"from_stage": "applied", "to_stage": "screening", "stage_change_id": change.id}


def test_a_stale_move_is_refused(app):
    """Two recruiters on the same page: the second move is refused rather than applied twice."""
    recruiter = factories.user(Role.RECRUITER)
    application = factories.application(stage=Stage.SCREENING)
    with pytest.raises(Conflict) as refused:
        move_application(db.session, application.id, expected_stage=Stage.APPLIED, to_stage=Stage.SCREENING,
                         reason="x", actor_id=recruiter.id)
    assert "someone else" in refused.value.message


def _programme():
    db.session.add_all([
        ProgrammeTask(week=1, position=0, title="Values day", owner=TaskOwner.NEW_HIRE),
        ProgrammeTask(week=2, position=0, title="Systems", owner=TaskOwner.NEW_HIRE),
    ])
    db.session.flush()


def test_hiring_makes_the_hire_the_login_and_the_enrolment(app):
    _programme()
    hr = factories.user(Role.HR)
    mentor = factories.user(Role.INTERVIEWER)
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    move_application(db.session, application.id, expected_stage=Stage.DECISION, to_stage=Stage.HIRED,
                     reason="Passed both axes", actor_id=hr.id, start_date=START,
                     mentor_id=mentor.id)
    db.session.commit()
    hire = db.session.scalar(sa.select(Hire).where(Hire.application_id == application.id))
    assert hire.start_date == START and hire.mentor_id == mentor.id
    user = db.session.get(User, hire.user_id)
    assert user.role is Role.NEW_HIRE and user.email == application.candidate.email
    assert user.password_hash is None  # set through the one-time link
    enrollment = db.session.scalar(sa.select(Enrollment).where(Enrollment.hire_id == hire.id))
    assert [t.title for t in enrollment.tasks] == ["Values day", "Systems"]
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["stage_changed", "hired"]


def test_hiring_without_a_start_date_changes_nothing(app):
    hr = factories.user(Role.HR)
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        move_application(db.session, application.id, expected_stage=Stage.DECISION, to_stage=Stage.HIRED,
                         reason="ok", actor_id=hr.id, start_date=None)
    assert refused.value.field == "start_date"
    db.session.rollback()
    assert db.session.get(type(application), application.id).stage is Stage.DECISION
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageChange)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Hire)) == 0


def test_hiring_someone_who_already_has_a_login_is_refused(app):
    hr = factories.user(Role.HR)
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    factories.user(Role.INTERVIEWER, email=application.candidate.email)
    with pytest.raises(Conflict):
        move_application(db.session, application.id, expected_stage=None, to_stage=Stage.HIRED,
                         reason="ok", actor_id=hr.id, start_date=START)


@pytest.mark.parametrize("gate", [None, GateResult.FAILS, GateResult.INCOMPLETE])
def test_no_one_is_hired_unless_the_gate_passes(app, gate):
    hr = factories.user(Role.HR)
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = gate
    application.gate_reasons = [{"code": "values_below_threshold", "score": 55.0, "threshold": 60}] if gate else None
    with pytest.raises(Conflict) as refused:
        move_application(db.session, application.id, expected_stage=None, to_stage=Stage.HIRED, reason="ok",
                         actor_id=hr.id, start_date=START)
    assert "cannot be hired: the gate has not passed" in refused.value.message
    if gate is GateResult.FAILS:
        assert "Values fit 55 is below the job's threshold of 60." in refused.value.message
