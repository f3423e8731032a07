"""Adding candidates, moving applications between stages and assigning interviewers."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.labels import GATE_LABELS, KIND_LABELS, ROLE_LABELS, STAGE_LABELS, gate_reason
from hiring.models import (
    Application,
    Candidate,
    GateResult,
    InterviewAssignment,
    InterviewKind,
    Job,
    JobStatus,
    Role,
    Stage,
    StageChange,
    User,
    utcnow,
)
from hiring.i18n import SUPPORTED_LOCALES
from hiring.interviews.schedule import cancel_upcoming
from hiring.mail import outbox
from hiring.pipeline import rejection
from hiring.pipeline.duplicates import look_for_duplicates
from hiring.pipeline.hire import make_hire
from hiring.pipeline.stages import OPEN_STAGES, check_move
from hiring.postgres import once_more_after_race
from hiring.privacy.consent import notice_given, set_consent
from hiring.textinput import without_bidi_controls
from hiring.webhooks import events as webhook_events

INTERVIEWER_ROLES = (Role.INTERVIEWER, Role.RECRUITER, Role.HR, Role.ADMIN)


def normalise_email(email: str) -> str:
    """E-mail addresses are compared and stored lower-case."""
    return email.strip().lower()


def open_job(session: Session, job_id: int | None) -> Job:
    """The open job with this id, or a domain error for the job field."""
    job = session.get(Job, job_id) if job_id else None
    if job is None:
        raise DomainError(_("Choose a job from the list."), field="job_id")
    if job.status is not JobStatus.OPEN:
        raise Conflict(_("The job %(title)s is closed to new applications.", title=job.title), field="job_id")
    return job


def start_application(session: Session, candidate: Candidate, job: Job, *, actor_id: int | None,
                      reason: str) -> Application:
    """A new application in 'applied', with the first entry of its stage history."""
    now = utcnow()
    application = Application(candidate=candidate, job=job, stage=Stage.APPLIED, applied_at=now,
                              stage_changed_at=now)
    session.add(application)
    session.add(StageChange(application=application, from_stage=None, to_stage=Stage.APPLIED,
                            changed_by_id=actor_id, changed_at=now, reason=reason))
    return application


def _single_line(value: str | None) -> str | None:
    """Typed text as stored: trimmed, without direction controls (hiring/textinput.py), None when empty."""
    return without_bidi_controls(value or "").strip() or None


def add_candidate(session: Session, *, name: str, email: str, phone: str | None, source: str | None,
                  job_id: int, actor_id: int | None, retention_consent: bool = False,
                  reason: str | None = None, language: str | None = None) -> Application:
    """Add a candidate (or recognise them by e-mail) and their application to a job, recording that the
    privacy notice was given and, when ticked, their consent to be kept for future openings.

    Staff pass their id; the careers site (hiring/careers/applying.py) passes no actor and the reason its
    stage history shows. A second application to the same job is refused with Conflict either way.

    Two requests adding the same e-mail at once end as they would one after the other: one adds, the other
    recognises the candidate (and is refused when it is for the same job), never a 500.
    """
    return once_more_after_race(session, lambda: _add_candidate(
        session, name=name, email=email, phone=phone, source=source, job_id=job_id, actor_id=actor_id,
        retention_consent=retention_consent, reason=reason, language=language))


def _add_candidate(session: Session, *, name: str, email: str, phone: str | None, source: str | None,
                   job_id: int, actor_id: int | None, retention_consent: bool,
                   reason: str | None, language: str | None = None) -> Application:
    job = open_job(session, job_id)
    email = normalise_email(email)
    phone, source = _single_line(phone), _single_line(source)
    candidate = session.scalar(sa.select(Candidate).where(Candidate.email == email))
    if candidate is not None and candidate.merged_into_id is not None:
        # A merged-away address: the person's applications are with the candidate it was merged into.
        candidate = session.get(Candidate, candidate.merged_into_id)
    new, known_phone = candidate is None, candidate.phone if candidate is not None else None
    if candidate is None:
        name = _single_line(name)
        if name is None:
            raise DomainError(_("Enter the candidate's name."), field="name")
        candidate = Candidate(name=name, email=email, phone=phone, source=source,
                              language=language if language in SUPPORTED_LOCALES else None)
        session.add(candidate)
    else:
        already = session.scalar(sa.select(Application.id).where(
            Application.candidate_id == candidate.id, Application.job_id == job.id))
        if already is not None:
            raise Conflict(_("%(name)s (%(email)s) has already applied to %(title)s.", name=candidate.name,
                             email=email, title=job.title), field="job_id")
        # Recognised by e-mail: fill in what we did not know, never overwrite what we did.
        candidate.phone = candidate.phone or phone
        candidate.source = candidate.source or source
        if candidate.language is None and language in SUPPORTED_LOCALES:
            candidate.language = language
    now = utcnow()
    notice_given(candidate, now)
    if retention_consent:
        # Unticked never withdraws earlier consent: that is done on the candidate page, audited.
        set_consent(candidate, True, now)
    application = start_application(session, candidate, job, actor_id=actor_id,
                                    reason=reason or _("Added by form"))
    session.flush()
    if new or candidate.phone != known_phone:  # a new candidate, or a phone number we did not know
        look_for_duplicates(session, [candidate], actor_id=actor_id)
    webhook_events.emit(session, webhook_events.APPLICATION_CREATED, {
        "application_id": application.id, "candidate_id": candidate.id, "job_id": job.id,
        "stage": Stage.APPLIED.value, "channel": "careers_site" if actor_id is None else "staff"})
    return application


def move_application(session: Session, application_id: int, *, expected_stage: Stage | None, to_stage: Stage,
                     reason: str, actor_id: int | None, start_date: date | None = None,
                     mentor_id: int | None = None, rejection_reason_id: int | None = None,
                     notify_candidate: bool = False) -> Application:
    """Move an application to another stage, recording who, when and why; 'hired' also makes the hire.

    'rejected' needs one of the company's active coded reasons (`rejection_reason_id`; the typed `reason` is
    then an optional note) and, with `notify_candidate`, queues the rejection message in the candidate's
    language (hiring/pipeline/rejection.py). Closing an application (rejected, withdrawn, hired) cancels its
    interviews still to come, with their calendar cancellations (hiring/interviews/schedule.cancel_upcoming).
    """
    # populate_existing: the view may have loaded it before the lock; its checks must see the locked row.
    application = session.get(Application, application_id, with_for_update=True, populate_existing=True)
    if application is None:
        raise NotFound(_("There is no such application."))
    if expected_stage is not None and application.stage is not expected_stage:
        # Someone else moved it since the page was opened: say so rather than move it twice. Above the page,
        # not next to the field: the move form is gone when the other move closed the application.
        raise Conflict(_("This application was moved to %(stage)s by someone else in the meantime. "
                         "Look at its history before you move it again.", stage=STAGE_LABELS[application.stage]))
    coded = None
    if to_stage is Stage.REJECTED and application.stage in OPEN_STAGES:
        coded = rejection.chosen_reason(session, rejection_reason_id)
    check_move(application.stage, to_stage, reason, coded=coded is not None)
    if to_stage is Stage.HIRED and application.gate_result is not GateResult.PASSES:
        # No concessions: both axes must pass before anyone is hired.
        raise Conflict(_("%(name)s cannot be hired: the gate has not passed (%(result)s). %(reasons)s",
                         name=application.candidate.name,
                         result=GATE_LABELS[application.gate_result] if application.gate_result
                         else _("no scorecards submitted yet"),
                         reasons=" ".join(gate_reason(r) for r in application.gate_reasons or [])).strip(),
                       field="to_stage")
    now = utcnow()
    change = StageChange(application=application, from_stage=application.stage, to_stage=to_stage,
                         changed_by_id=actor_id, changed_at=now, reason=reason.strip())
    session.add(change)
    previous = application.stage
    application.stage = to_stage
    application.stage_changed_at = now
    application.rejection_reason = coded
    session.flush()
    coded_details = {"rejection_reason_id": coded.id, "rejection_reason": coded.code} if coded else {}
    record(session, actor_id=actor_id, action="stage_changed", entity_type="application",
           entity_id=application.id, from_stage=previous.value, to_stage=to_stage.value,
           stage_change_id=change.id, **coded_details)  # the reason stays in its row, so that erasure is one place
    webhook_events.emit(session, webhook_events.APPLICATION_STAGE_CHANGED, {
        "application_id": application.id, "candidate_id": application.candidate_id,
        "job_id": application.job_id, "from": previous.value, "to": to_stage.value,
        "stage_change_id": change.id, "rejection_reason": coded.code if coded else None,
        "changed_at": now.isoformat().replace("+00:00", "Z")})
    if to_stage is Stage.HIRED:
        make_hire(session, application, start_date=start_date, mentor_id=mentor_id, actor_id=actor_id)
    if to_stage not in OPEN_STAGES:
        cancel_upcoming(session, application.id, actor_id=actor_id)
    if coded is not None and notify_candidate:
        try:
            message = rejection.send(session, application, coded)
        except outbox.AddressRefused:  # an address the outbox refuses: the recruiter decides, nothing is saved
            raise DomainError(_("The candidate's e-mail address cannot receive messages; untick this box to "
                                "reject without an e-mail."), field="notify") from None
        if message is not None:
            record(session, actor_id=actor_id, action="rejection_emailed", entity_type="application",
                   entity_id=application.id, message_id=message.id, rejection_reason=coded.code,
                   language=message.language)
    return application


def interviewer_choices(session: Session) -> list[tuple[int, str]]:
    """Active users who can interview, as (id, label) pairs for a select."""
    rows = session.execute(
        sa.select(User.id, User.name, User.role).where(User.active, User.role.in_(INTERVIEWER_ROLES))
        .order_by(User.name)
    ).all()
    return [(uid, f"{name} ({ROLE_LABELS[role]})") for uid, name, role in rows]


def assign_interviewer(session: Session, application_id: int, *, interviewer_id: int, kind: InterviewKind,
                       actor_id: int) -> InterviewAssignment:
    """Ask an interviewer to interview an open application, for one kind of interview. Of two identical
    assignments sent at once, the second is refused as "already assigned", as it would be a moment later."""
    return once_more_after_race(session, lambda: _assign_interviewer(
        session, application_id, interviewer_id=interviewer_id, kind=kind, actor_id=actor_id))


def _assign_interviewer(session: Session, application_id: int, *, interviewer_id: int, kind: InterviewKind,
                        actor_id: int) -> InterviewAssignment:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(_("There is no such application."))
    if application.stage not in OPEN_STAGES:
        raise Conflict(_("Interviews can only be assigned while the application is open."), field="interviewer_id")
    interviewer = session.get(User, interviewer_id)
    if interviewer is None or not interviewer.active or interviewer.role not in INTERVIEWER_ROLES:
        raise DomainError(_("Choose an interviewer from the list."), field="interviewer_id")
    duplicate = session.scalar(sa.select(InterviewAssignment.id).where(
        InterviewAssignment.application_id == application_id,
        InterviewAssignment.interviewer_id == interviewer_id, InterviewAssignment.kind == kind))
    if duplicate is not None:
        raise Conflict(_("%(name)s is already assigned to this %(kind)s interview.", name=interviewer.name,
                         kind=KIND_LABELS[kind]), field="interviewer_id")
    assignment = InterviewAssignment(application_id=application_id, interviewer_id=interviewer_id, kind=kind,
                                     assigned_by_id=actor_id)
    session.add(assignment)
    session.flush()
    record(session, actor_id=actor_id, action="interviewer_assigned", entity_type="application",
           entity_id=application_id, interviewer_id=interviewer_id, kind=kind.value, assignment_id=assignment.id)
    return assignment
