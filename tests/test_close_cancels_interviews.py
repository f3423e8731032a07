"""Closing an application (rejected, withdrawn, hired, or withdrawn by the candidate on their status page)
cancels its interviews still to come: METHOD:CANCEL with the next SEQUENCE, and the interview unscheduled, in
the same transaction as the move."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from hiring.careers import status
from hiring.extensions import db
from hiring.interviews import schedule
from hiring.models import (GateResult, InterviewAssignment, InterviewKind, OutboxMessage, RejectionReason, Role,
                           Stage, utcnow)
from hiring.pipeline.service import move_application
from hiring.tasks import runner as task_runner
from tests import factories


@pytest.fixture(autouse=True)
def dispatched(monkeypatch):
    monkeypatch.setattr(task_runner, "dispatch", lambda app, task_id, kind, delay=0.0: None)


@pytest.fixture
def world(app):
    recruiter = factories.user(Role.RECRUITER)
    interviewer = factories.user(Role.INTERVIEWER, name="Iris Interviewer")
    candidate = factories.candidate("Zoë Candidate", "zoe.candidate@example.test")
    candidate.language = "nl"
    application = factories.application(factories.job("Support"), candidate, stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    coming = factories.assignment(application, interviewer, InterviewKind.VALUES)
    past = factories.assignment(application, interviewer, InterviewKind.SKILLS)
    db.session.flush()
    slot = schedule.Slot(utcnow() + timedelta(days=5), 60, "Europe/Amsterdam", "Room 4", None)
    schedule.schedule(db.session, coming.id, slot, actor_id=recruiter.id, invite=True)
    past.scheduled_for, past.duration_minutes, past.time_zone, past.location = (
        utcnow() - timedelta(days=1), 60, "Europe/Amsterdam", "Room 4")
    factories.rejection_reason("requirements")
    db.session.commit()
    db.session.execute(sa.delete(OutboxMessage))  # the invitations: only what closing sends is looked at
    db.session.commit()
    return {"recruiter": recruiter, "application": application, "coming": coming.id, "past": past.id,
            "candidate": candidate}


def _cancellations():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.mark.parametrize("to_stage", [Stage.REJECTED, Stage.WITHDRAWN, Stage.HIRED])
def test_closing_cancels_the_interviews_to_come_and_leaves_the_past_ones(world, to_stage):
    extra = {}
    if to_stage is Stage.REJECTED:
        extra["rejection_reason_id"] = db.session.scalar(sa.select(RejectionReason.id).where(
            RejectionReason.code == "requirements"))
    if to_stage is Stage.HIRED:
        extra["start_date"] = (utcnow() + timedelta(days=30)).date()
    move_application(db.session, world["application"].id, expected_stage=Stage.DECISION, to_stage=to_stage,
                     reason="Closed", actor_id=world["recruiter"].id, **extra)
    db.session.commit()
    messages = _cancellations()
    cancels = [m for m in messages if m.kind.startswith("interview_cancellation")]
    assert sorted(m.kind for m in cancels) == ["interview_cancellation_candidate",
                                               "interview_cancellation_interviewer"]
    candidate_message = [m for m in cancels if m.kind.endswith("candidate")][0]
    assert candidate_message.language == "nl"  # the candidate's stored language
    for message in cancels:
        (attachment,) = message.attachments
        calendar = Calendar.from_ical(attachment.content)
        assert str(calendar["METHOD"]) == "CANCEL"
        (event,) = calendar.walk("VEVENT")
        assert int(event["SEQUENCE"]) == 1  # scheduled at 0, cancelled at the next
    coming = db.session.get(InterviewAssignment, world["coming"])
    past = db.session.get(InterviewAssignment, world["past"])
    assert coming.scheduled_for is None and coming.calendar_sequence == 1
    assert past.scheduled_for is not None and past.calendar_sequence == 0


def test_the_candidates_own_withdrawal_cancels_too(world):
    status.withdraw(db.session, world["candidate"].id, world["application"].id)
    db.session.commit()
    assert len([m for m in _cancellations() if m.kind.startswith("interview_cancellation")]) == 2
    assert db.session.get(InterviewAssignment, world["coming"]).scheduled_for is None


def test_a_refused_move_cancels_nothing(world):
    with pytest.raises(Exception):
        move_application(db.session, world["application"].id, expected_stage=Stage.DECISION,
                         to_stage=Stage.REJECTED, reason="No coded reason", actor_id=world["recruiter"].id)
    db.session.rollback()
    assert _cancellations() == []
    assert db.session.get(InterviewAssignment, world["coming"]).scheduled_for is not None
