"""The demo's audit log: the events the app would have written for everything the demo says happened.

The demo writes its rows directly (three years of a company in seconds), so no service wrote an event. Without
them the audit log was empty beside three years of decisions. This reads back what was made and writes each
event with the action code, the actor, the moment and the details the service itself records (the same codes
the audit log turns into sentences, hiring/admin/audit_sentences.py), in the order they happened. As in the
app, an event holds ids, codes and dates, never a name or a reason (hiring/audit.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CoreValue,
    DepartureReview,
    DepartureReviewValue,
    Enrollment,
    EnrollmentTask,
    Hire,
    InterviewAssignment,
    Job,
    OfferDecision,
    OfferPolicy,
    ProgrammeTask,
    QuitOffer,
    RejectionReason,
    Requirement,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
    Stage,
    StageChange,
    ValuesReview,
    Verdict,
)


def _event(at: datetime, actor_id: int | None, action: str, entity_type: str, entity_id: int, **details) -> dict:
    return {"occurred_at": at, "actor_id": actor_id, "action": action, "entity_type": entity_type,
            "entity_id": entity_id, "details": details}


def _setup(session: Session, admin_id: int, hr_id: int, since: datetime) -> list[dict]:
    """The company set up before its first hire: the values, the jobs, the programme and The Offer's terms."""
    events = [_event(since, admin_id, "core_value_created", "core_value", value_id, name=name)
              for value_id, name in session.execute(sa.select(CoreValue.id, CoreValue.name).order_by(CoreValue.id))]
    for job_id, title, published, count in session.execute(
            sa.select(Job.id, Job.title, Job.published, sa.func.count(Requirement.id))
            .outerjoin(Requirement, Requirement.job_id == Job.id)
            .group_by(Job.id, Job.title, Job.published).order_by(Job.id)):
        events.append(_event(since + timedelta(hours=1), admin_id, "job_created", "job", job_id, title=title,
                             requirements=count, published=published))
    tasks = session.scalars(sa.select(ProgrammeTask.id).order_by(ProgrammeTask.id)).all()
    if tasks:
        events.append(_event(since + timedelta(hours=2), hr_id, "programme_default_loaded", "programme_task",
                             tasks[0], tasks=len(tasks)))
    for policy in session.scalars(sa.select(OfferPolicy).order_by(OfferPolicy.id)):
        events.append(_event(since + timedelta(hours=3), hr_id, "offer_policy_changed", "offer_policy", policy.id,
                             amount_minor=policy.amount_minor, currency=policy.currency,
                             timing=policy.timing.value, after_week=policy.after_week,
                             decision_days=policy.decision_days))
    return events


def _pipeline(session: Session) -> list[dict]:
    """Stage moves, interviewers assigned, scorecards submitted and amended, hires."""
    events = []
    codes = dict(session.execute(sa.select(RejectionReason.id, RejectionReason.code)).all())
    for change_id, application_id, actor_id, at, from_stage, to_stage, reason_id, stage in session.execute(
            sa.select(StageChange.id, StageChange.application_id, StageChange.changed_by_id, StageChange.changed_at,
                      StageChange.from_stage, StageChange.to_stage, Application.rejection_reason_id,
                      Application.stage)
            .join(Application, StageChange.application_id == Application.id)
            .where(StageChange.from_stage.is_not(None))):
        coded = ({"rejection_reason_id": reason_id, "rejection_reason": codes[reason_id]}
                 if to_stage is Stage.REJECTED and stage is Stage.REJECTED and reason_id in codes else {})
        events.append(_event(at, actor_id, "stage_changed", "application", application_id,
                             from_stage=from_stage.value, to_stage=to_stage.value, stage_change_id=change_id,
                             **coded))
    for assignment_id, application_id, actor_id, at, interviewer_id, kind in session.execute(
            sa.select(InterviewAssignment.id, InterviewAssignment.application_id, InterviewAssignment.assigned_by_id,
                      InterviewAssignment.assigned_at, InterviewAssignment.interviewer_id, InterviewAssignment.kind)):
        events.append(_event(at, actor_id, "interviewer_assigned", "application", application_id,
                             interviewer_id=interviewer_id, kind=kind.value, assignment_id=assignment_id))
    first_submitted = {}
    for card_id, application_id, interviewer_id, at, recommendation, veto in session.execute(
            sa.select(Scorecard.id, InterviewAssignment.application_id, InterviewAssignment.interviewer_id,
                      Scorecard.submitted_at, Scorecard.recommendation, Scorecard.culture_veto)
            .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
            .where(Scorecard.status == ScorecardStatus.SUBMITTED)):
        first_submitted[card_id] = (application_id, interviewer_id)
        events.append(_event(at, interviewer_id, "scorecard_submitted", "scorecard", card_id,
                             application_id=application_id, recommendation=recommendation.value))
        if veto:
            events.append(_event(at, interviewer_id, "culture_veto", "scorecard", card_id,
                                 application_id=application_id, version=1))
    # The demo amends a scorecard once at most, so the scorecard's version now is the one the amendment made.
    for revision_id, card_id, version, at, actor_id, recommendation, veto in session.execute(
            sa.select(ScorecardRevision.id, ScorecardRevision.scorecard_id, Scorecard.version,
                      ScorecardRevision.amended_at, ScorecardRevision.amended_by_id, Scorecard.recommendation,
                      Scorecard.culture_veto)
            .join(Scorecard, ScorecardRevision.scorecard_id == Scorecard.id)):
        events.append(_event(at, actor_id, "scorecard_amended", "scorecard", card_id,
                             application_id=first_submitted[card_id][0], revision_id=revision_id,
                             version=version, recommendation=recommendation.value, culture_veto=veto))
    hired_by = dict(session.execute(sa.select(StageChange.application_id, StageChange.changed_by_id)
                                    .where(StageChange.to_stage == Stage.HIRED)).all())
    for hire_id, application_id, user_id, start, mentor_id, at, enrollment_id in session.execute(
            sa.select(Hire.id, Hire.application_id, Hire.user_id, Hire.start_date, Hire.mentor_id, Hire.created_at,
                      Enrollment.id).outerjoin(Enrollment, Enrollment.hire_id == Hire.id)):
        events.append(_event(at, hired_by.get(application_id), "hired", "application", application_id,
                             hire_id=hire_id, user_id=user_id, start_date=start.isoformat(), mentor_id=mentor_id,
                             enrollment_id=enrollment_id))
    return events


def _onboarding_and_offers(session: Session, at_day) -> list[dict]:
    """Sign-offs, graduations, offers made and decided or expired."""
    events = []
    for task_id, enrollment_id, actor_id, at in session.execute(
            sa.select(EnrollmentTask.id, EnrollmentTask.enrollment_id, EnrollmentTask.signed_off_by_id,
                      EnrollmentTask.signed_off_at).where(EnrollmentTask.signed_off_at.is_not(None))):
        events.append(_event(at, actor_id, "task_signed_off", "enrollment_task", task_id,
                             enrollment_id=enrollment_id))
    # Graduation follows the last sign-off, by whoever gave it.
    last_sign_off = {}
    for enrollment_id, actor_id, at in session.execute(
            sa.select(EnrollmentTask.enrollment_id, EnrollmentTask.signed_off_by_id, EnrollmentTask.signed_off_at)
            .where(EnrollmentTask.signed_off_at.is_not(None)).order_by(EnrollmentTask.signed_off_at)):
        last_sign_off[enrollment_id] = (actor_id, at)
    for enrollment_id, hire_id, completed_on in session.execute(
            sa.select(Enrollment.id, Enrollment.hire_id, Enrollment.completed_on)
            .where(Enrollment.completed_on.is_not(None))):
        actor_id, at = last_sign_off.get(enrollment_id, (None, at_day(completed_on)))
        events.append(_event(at, actor_id, "graduated", "enrollment", enrollment_id, hire_id=hire_id,
                             completed_on=completed_on.isoformat()))
    for review_id, enrollment_id, hire_id, actor_id, kind, at in session.execute(
            sa.select(ValuesReview.id, ValuesReview.enrollment_id, Enrollment.hire_id, ValuesReview.reviewer_id,
                      ValuesReview.kind, ValuesReview.submitted_at)
            .join(Enrollment, ValuesReview.enrollment_id == Enrollment.id)
            .where(ValuesReview.submitted_at.is_not(None))):
        events.append(_event(at, actor_id, "values_review_submitted", "values_review", review_id,
                             enrollment_id=enrollment_id, hire_id=hire_id, kind=kind.value))
    for review_id, hire_id, actor_id, at, not_shown in session.execute(
            sa.select(DepartureReview.id, DepartureReview.hire_id, DepartureReview.submitted_by_id,
                      DepartureReview.submitted_at,
                      sa.select(sa.func.count()).where(DepartureReviewValue.review_id == DepartureReview.id,
                                                       DepartureReviewValue.verdict == Verdict.NOT_SHOWN)
                      .scalar_subquery())
            .where(DepartureReview.submitted_at.is_not(None))):
        events.append(_event(at, actor_id, "departure_review_submitted", "departure_review", review_id,
                             hire_id=hire_id, not_shown=not_shown))
    for offer in session.scalars(sa.select(QuitOffer)):
        events.append(_event(offer.offered_at, offer.offered_by_id, "offer_made", "quit_offer", offer.id,
                             hire_id=offer.hire_id, amount_minor=offer.amount_minor, currency=offer.currency,
                             deadline=offer.deadline.isoformat()))
        if offer.decision is OfferDecision.EXPIRED:
            events.append(_event(offer.decided_at, None, "offer_expired", "quit_offer", offer.id,
                                 hire_id=offer.hire_id))
        elif offer.decision is not None:
            events.append(_event(offer.decided_at, offer.recorded_by_id, "offer_decided", "quit_offer", offer.id,
                                 hire_id=offer.hire_id, decision=offer.decision.value, on_behalf=False))
    return events


def _anonymised(session: Session, days: int) -> list[dict]:
    """Past applicants anonymised by the nightly purge once their retention period was over."""
    return [_event(at, None, "candidate_anonymised", "candidate", candidate_id, ended_at=ended.isoformat(),
                   period="standard", days=days)
            for candidate_id, at, ended in session.execute(
                sa.select(Candidate.id, Candidate.anonymised_at, sa.func.max(Application.stage_changed_at))
                .join(Application, Application.candidate_id == Candidate.id)
                .where(Candidate.anonymised_at.is_not(None)).group_by(Candidate.id, Candidate.anonymised_at))]


def add_audit_log(demo, retention_days: int) -> int:
    """Write the demo's audit events, oldest first; returns how many."""
    from hiring.demo.seed import at

    session = demo.session
    session.flush()
    first = session.scalar(sa.select(sa.func.min(Application.applied_at)))
    since = (first or demo.now) - timedelta(days=30)
    events = (_setup(session, demo.staff["admin@demo.example"].id, demo.hr.id, since) + _pipeline(session)
              + _onboarding_and_offers(session, lambda day: at(day, 16)) + _anonymised(session, retention_days))
    events.sort(key=lambda e: (e["occurred_at"], e["entity_type"], e["entity_id"], e["action"]))
    if events:
        session.execute(sa.insert(AuditEvent), events)
    return len(events)
