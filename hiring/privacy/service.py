"""Requests about one candidate: changing consent, exporting everything held (access), erasing (erasure).

Functions take a session and plain values, flush but never commit, and raise hiring.errors.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.jobs.questions import answers_by_application
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CoreValue,
    Hire,
    InterviewAssignment,
    Job,
    Rating,
    Requirement,
    Scorecard,
    ScorecardRevision,
    SelfIdentification,
    Stage,
    StageChange,
)
from hiring.pipeline.service import move_application
from hiring.pipeline.stages import OPEN_STAGES
from hiring.privacy.anonymise import anonymise, erased_text
from hiring.privacy.consent import set_consent


def _candidate(session: Session, candidate_id: int, *, lock: bool = False) -> Candidate:
    # populate_existing with the lock: a copy loaded earlier in the request must not hide a concurrent change.
    candidate = session.get(Candidate, candidate_id, with_for_update=lock or None, populate_existing=lock)
    if candidate is None:
        raise NotFound(_("There is no such candidate."))
    return candidate


def change_consent(session: Session, candidate_id: int, *, consent: bool, actor_id: int,
                   now: datetime) -> bool:
    """Record that the candidate gave or withdrew consent to be kept for future openings; audited when it
    changed. Returns whether it changed."""
    candidate = _candidate(session, candidate_id, lock=True)
    if candidate.anonymised_at is not None:
        raise Conflict(_("This candidate has been anonymised; there is no consent left to change."))
    if not set_consent(candidate, consent, now):
        return False
    record(session, actor_id=actor_id, action="retention_consent_changed", entity_type="candidate",
           entity_id=candidate.id, consent=consent)
    session.flush()
    return True


def erase_refusal(session: Session, candidate: Candidate) -> str | None:
    """Why this candidate cannot be erased on request, or None when they can."""
    if candidate.anonymised_at is not None:
        return _("This candidate was already anonymised; nothing personal is left to erase.")
    hired = session.scalar(sa.select(Application.id).where(Application.candidate_id == candidate.id,
                                                            Application.stage == Stage.HIRED).limit(1))
    if hired is not None:
        return _("This candidate was hired: their record is now employment data, kept under the rules for "
                 "staff records, and cannot be erased as a candidate's.")
    return None


def open_applications(session: Session, candidate_id: int) -> list[tuple[int, str, Stage]]:
    """The candidate's open applications as (id, job title, stage): those an erasure withdraws."""
    return [tuple(row) for row in session.execute(
        sa.select(Application.id, Job.title, Application.stage).join(Job, Application.job_id == Job.id)
        .where(Application.candidate_id == candidate_id, Application.stage.in_(OPEN_STAGES))
        .order_by(Application.id))]


def erase(session: Session, candidate_id: int, *, reason: str, actor_id: int, now: datetime) -> list[int]:
    """Erase a candidate on their request: anonymise and withdraw every open application at once, audited;
    the reason confirms the request and is kept nowhere. Refused (409) for a hired candidate. Returns the
    ids of the applications withdrawn."""
    candidate = _candidate(session, candidate_id, lock=True)
    refusal = erase_refusal(session, candidate)
    if refusal:
        raise Conflict(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the erasure, for example how and when the candidate asked."),
                          field="reason")
    open_applications = session.execute(
        sa.select(Application.id, Application.stage).where(Application.candidate_id == candidate_id,
                                                            Application.stage.in_(OPEN_STAGES))
        .order_by(Application.id)).all()
    # The reason is asked as the admin's statement that the candidate asked, and then kept nowhere: free
    # text about a person may name them, and an erasure that kept it would not be complete. The withdrawals
    # say why in a fixed, impersonal text; the audit event says who erased whom and when, by id.
    anonymise(session, [candidate_id], now)
    for application_id, stage in open_applications:
        move_application(session, application_id, expected_stage=stage, to_stage=Stage.WITHDRAWN,
                         reason=erased_text(), actor_id=actor_id)
    withdrawn = [application_id for application_id, _stage in open_applications]
    record(session, actor_id=actor_id, action="candidate_erased", entity_type="candidate", entity_id=candidate_id,
           withdrawn_applications=withdrawn)
    session.flush()
    return withdrawn


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(session: Session, candidate_id: int, *, actor_id: int, now: datetime) -> dict:
    """Everything held about a candidate, as JSON-ready data, for an access request; audited; 10 queries.

    Colleagues stay out of it (who moved, who interviewed: their names and ids are their personal data);
    the interview's kind says which interview a scorecard belongs to.
    """
    candidate = _candidate(session, candidate_id)
    applications = session.execute(
        sa.select(Application, Job.title).join(Job, Application.job_id == Job.id)
        .where(Application.candidate_id == candidate_id).order_by(Application.applied_at, Application.id)).all()
    ids = [a.id for a, _title in applications]
    changes = session.scalars(sa.select(StageChange).where(StageChange.application_id.in_(ids))
                              .order_by(StageChange.changed_at, StageChange.id)).all()
    cards = session.execute(
        sa.select(InterviewAssignment.application_id, InterviewAssignment.kind, Scorecard)
        .join(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(InterviewAssignment.application_id.in_(ids)).order_by(InterviewAssignment.assigned_at, Scorecard.id)
    ).all()
    card_ids = [card.id for _a, _k, card in cards]
    ratings = session.execute(
        sa.select(Rating, Requirement.name, CoreValue.name)
        .outerjoin(Requirement, Rating.requirement_id == Requirement.id)
        .outerjoin(CoreValue, Rating.core_value_id == CoreValue.id)
        .where(Rating.scorecard_id.in_(card_ids)).order_by(Rating.id)).all()
    revisions = session.scalars(sa.select(ScorecardRevision).where(ScorecardRevision.scorecard_id.in_(card_ids))
                                .order_by(ScorecardRevision.version)).all()
    hires = {h.application_id: h for h in session.scalars(sa.select(Hire).where(Hire.application_id.in_(ids)))}
    answered = answers_by_application(session, ids)
    self_id = session.scalar(sa.select(SelfIdentification).where(SelfIdentification.candidate_id == candidate_id))
    events = session.scalars(sa.select(AuditEvent).where(sa.or_(
        sa.and_(AuditEvent.entity_type == "candidate", AuditEvent.entity_id == candidate_id),
        sa.and_(AuditEvent.entity_type == "application", AuditEvent.entity_id.in_(ids)),
        sa.and_(AuditEvent.entity_type == "scorecard", AuditEvent.entity_id.in_(card_ids)),
    )).order_by(AuditEvent.occurred_at, AuditEvent.id)).all()

    rated: dict[int, list] = {}
    for rating, requirement, value in ratings:
        rated.setdefault(rating.scorecard_id, []).append({
            "requirement": requirement, "core_value": value, "score": rating.score,
            "no_evidence": rating.no_evidence, "evidence": rating.evidence})
    earlier: dict[int, list] = {}
    for revision in revisions:
        earlier.setdefault(revision.scorecard_id, []).append({
            "version": revision.version, "amended_at": _at(revision.amended_at), "reason": revision.reason,
            "before": revision.snapshot})
    scorecards: dict[int, list] = {}
    for application_id, kind, card in cards:
        scorecards.setdefault(application_id, []).append({
            "interview": kind.value, "status": card.status.value,
            "recommendation": card.recommendation.value if card.recommendation else None,
            "key_takeaways": card.key_takeaways, "culture_veto": card.culture_veto, "veto_reason": card.veto_reason,
            "submitted_at": _at(card.submitted_at), "ratings": rated.get(card.id, []),
            "amendments": earlier.get(card.id, [])})
    history: dict[int, list] = {}
    for change in changes:
        history.setdefault(change.application_id, []).append({
            "from": change.from_stage.value if change.from_stage else None, "to": change.to_stage.value,
            "at": _at(change.changed_at), "reason": change.reason})

    def hire_data(hire: Hire | None) -> dict | None:
        if hire is None:
            return None
        return {"start_date": hire.start_date.isoformat(),
                "end_date": hire.end_date.isoformat() if hire.end_date else None,
                "end_reason": hire.end_reason.value if hire.end_reason else None}

    data = {
        "exported_at": _at(now),
        "candidate": {
            "id": candidate.id, "name": candidate.name, "email": candidate.email, "phone": candidate.phone,
            "source": candidate.source, "added_at": _at(candidate.created_at),
            "anonymised_at": _at(candidate.anonymised_at),
        },
        "privacy": {
            "notice_given_at": _at(candidate.privacy_notice_at),
            "retention_consent": candidate.retention_consent,
            "retention_consent_at": _at(candidate.retention_consent_at),
        },
        "applications": [{
            "id": a.id, "job": title, "stage": a.stage.value, "applied_at": _at(a.applied_at),
            "stage_changed_at": _at(a.stage_changed_at), "requirements_fit": a.requirements_fit,
            "values_fit": a.values_fit, "gate_result": a.gate_result.value if a.gate_result else None,
            "gate_reasons": a.gate_reasons, "scored_at": _at(a.scored_at), "stage_history": history.get(a.id, []),
            "scorecards": scorecards.get(a.id, []), "hire": hire_data(hires.get(a.id)),
            "answers": [{"question": answer.question, "answer": answer.text} for answer in answered.get(a.id, [])],
        } for a, title in applications],
        "self_identification": None if self_id is None else {
            "declined": self_id.declined, "gender": self_id.gender, "ethnicity": self_id.ethnicity,
            "age_band": self_id.age_band, "disability": self_id.disability, "recorded_at": _at(self_id.recorded_at),
        },
        # What was recorded about the record, without who did it or the details (those name colleagues).
        "audit_events": [{"action": e.action, "at": _at(e.occurred_at), "entity": e.entity_type,
                          "entity_id": e.entity_id} for e in events],
    }
    record(session, actor_id=actor_id, action="candidate_exported", entity_type="candidate", entity_id=candidate_id)
    session.flush()
    return data
