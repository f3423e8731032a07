"""Anonymising candidates: who is due, and what is removed and what is kept.

Removed: what identifies the person (name, e-mail, phone, source), their files (CVs, cover letters: the
rows and the content), their answers to the jobs' own questions, and every text people wrote about them
(stage-change reasons, scorecard takeaways and evidence, veto reasons, amendment reasons and the earlier
versions kept with them, the veto reasons copied into the stored gate reasons). Kept: ratings, stored
scores, gate results, stages, dates and the self-identification row, so that the funnel, the fairness and
calibration reports and The Offer's statistics add up exactly as before. Audit events hold ids and codes
and point at the rows above for their reasons (the log page joins to them), so blanking those rows blanks
the log too; events written before that rule still carry a `reason` key, removed here in the same statement
batch, so that erasure stays one transaction and complete.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.models import (
    Application,
    ApplicationAnswer,
    AuditEvent,
    Candidate,
    CandidateFile,
    InterviewAssignment,
    OutboxMessage,
    Rating,
    Scorecard,
    ScorecardRevision,
    Stage,
    StageChange,
    StoredFile,
)
from hiring.models.search import drop_deleted_terms
from hiring.pipeline.merging import confirm_merges_of

CLOSED = (Stage.REJECTED, Stage.WITHDRAWN)
CHUNK = 500  # stays under every database's limit on bound parameters


@dataclass(frozen=True)
class Due:
    """A candidate whose retention period is over: when their procedure ended and which period applied."""

    candidate_id: int
    ended_at: datetime
    consent: bool
    days: int


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def due_candidates(session: Session, now: datetime, *, days: int, consent_days: int) -> list[Due]:
    """Candidates not yet anonymised whose applications are all rejected or withdrawn and whose last ending
    is at least the period ago (`consent_days` with consent, else `days`); one query, oldest ending first.

    A candidate is due once the whole period has passed: ended exactly `days` ago is due, a second less is not.
    """
    endings = (
        sa.select(StageChange.application_id, sa.func.max(StageChange.changed_at).label("ended_at"))
        .where(StageChange.to_stage.in_(CLOSED)).group_by(StageChange.application_id).subquery()
    )
    # The stage change into rejected/withdrawn; the application's own stage time for rows without history.
    ended = sa.func.max(sa.func.coalesce(endings.c.ended_at, Application.stage_changed_at))
    still_open = sa.func.sum(sa.case((Application.stage.in_(CLOSED), 0), else_=1))
    rows = session.execute(
        sa.select(Candidate.id, Candidate.retention_consent, ended.label("ended_at"))
        .join(Application, Application.candidate_id == Candidate.id)
        .outerjoin(endings, endings.c.application_id == Application.id)
        .where(Candidate.anonymised_at.is_(None))
        .group_by(Candidate.id, Candidate.retention_consent)
        .having(still_open == 0)
        .having(sa.or_(
            sa.and_(Candidate.retention_consent, ended <= now - timedelta(days=consent_days)),
            sa.and_(sa.not_(Candidate.retention_consent), ended <= now - timedelta(days=days)),
        ))
        .order_by(ended, Candidate.id)
    ).all()
    return [Due(cid, ended_at, bool(consent), consent_days if consent else days) for cid, consent, ended_at in rows]


def removed_text() -> str:
    """What stands where a required text (a veto or amendment reason) was removed."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        return _("Removed when the candidate was anonymised.")


def erased_text() -> str:
    """The reason an erasure's withdrawals carry: fixed and impersonal, in the company's language."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        return _("Withdrawn: the candidate asked to be erased.")


# Keys under which events written before audit events referred to rows copied free text about a person.
LEGACY_TEXT_KEYS = ("reason", "comment")


def _scrub_legacy_events(session: Session, chunk: list[int], application_ids, scorecard_ids) -> None:
    """Remove copied free text from older audit events about these candidates, their applications and
    scorecards; ids, codes and times stay."""
    about = sa.or_(
        sa.and_(AuditEvent.entity_type == "candidate", AuditEvent.entity_id.in_(chunk)),
        sa.and_(AuditEvent.entity_type == "application", AuditEvent.entity_id.in_(application_ids)),
        sa.and_(AuditEvent.entity_type == "scorecard", AuditEvent.entity_id.in_(scorecard_ids)),
    )
    rows = session.execute(sa.select(AuditEvent.id, AuditEvent.details).where(about)).all()
    rewritten = [{"id": eid, "details": {k: v for k, v in details.items() if k not in LEGACY_TEXT_KEYS}}
                 for eid, details in rows if details and any(k in details for k in LEGACY_TEXT_KEYS)]
    if rewritten:
        session.execute(sa.update(AuditEvent), rewritten)


def _placeholder_name() -> str:
    # Stored, so in the company's language rather than that of whoever pressed the button.
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        return _("Anonymised candidate") + " "


def _blank_revision(snapshot: dict, removed: str) -> dict:
    """An earlier version of a scorecard with its ratings and recommendation kept and its texts removed."""
    snapshot = dict(snapshot or {})
    snapshot["key_takeaways"] = ""
    if snapshot.get("veto_reason"):
        snapshot["veto_reason"] = removed
    snapshot["ratings"] = [{**r, "evidence": ""} for r in snapshot.get("ratings") or []]
    return snapshot


def anonymise(session: Session, candidate_ids: list[int], now: datetime) -> None:
    """Remove the personal data of these candidates, keeping everything the statistics are made of.

    A few bulk statements per chunk of candidates, never one per row. Flushes; the caller commits.
    """
    removed = removed_text()
    prefix = _placeholder_name()
    session.flush()
    confirm_merges_of(session, candidate_ids)  # a merged-away record of the person goes too, for good
    for chunk in _chunks(sorted(set(candidate_ids))):
        application_ids = sa.select(Application.id).where(Application.candidate_id.in_(chunk))
        scorecard_ids = (sa.select(Scorecard.id)
                         .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
                         .where(InterviewAssignment.application_id.in_(application_ids)))
        # The placeholder e-mail is unique (the id), lower-case, and on a domain that can never exist.
        session.execute(
            sa.update(Candidate).where(Candidate.id.in_(chunk)).values(
                name=sa.literal(prefix) + sa.cast(Candidate.id, sa.String),
                email=sa.literal("anonymised-") + sa.cast(Candidate.id, sa.String) + sa.literal("@invalid"),
                phone=None, source=None, anonymised_at=now, phone_digits=None, email_key=None, name_block=None)
            .execution_options(synchronize_session=False))
        session.execute(sa.update(StageChange).where(StageChange.application_id.in_(application_ids))
                        .values(reason="").execution_options(synchronize_session=False))
        session.execute(sa.update(Rating).where(Rating.scorecard_id.in_(scorecard_ids))
                        .values(evidence="").execution_options(synchronize_session=False))
        # The veto itself stays (it is part of the gate); only its reason goes, and the check constraint
        # wants a reason beside a veto. The version moves on so that a form still open cannot write back.
        session.execute(
            sa.update(Scorecard).where(Scorecard.id.in_(scorecard_ids)).values(
                key_takeaways="", veto_reason=sa.case((Scorecard.culture_veto, removed), else_=None),
                version=Scorecard.version + 1)
            .execution_options(synchronize_session=False))
        revisions = session.execute(sa.select(ScorecardRevision.id, ScorecardRevision.snapshot)
                                    .where(ScorecardRevision.scorecard_id.in_(scorecard_ids))).all()
        if revisions:
            session.execute(sa.update(ScorecardRevision), [
                {"id": rid, "snapshot": _blank_revision(snapshot, removed), "reason": removed}
                for rid, snapshot in revisions])
        # The stored gate reasons copy each veto's reason; the rest of them (codes and numbers) stays.
        gates = session.execute(sa.select(Application.id, Application.gate_reasons).where(
            Application.candidate_id.in_(chunk), Application.gate_reasons.is_not(None))).all()
        rewritten = [{"id": aid, "gate_reasons": [{**r, "reason": removed} if r.get("code") == "culture_veto"
                                                   else r for r in reasons]}
                     for aid, reasons in gates if reasons and any(r.get("code") == "culture_veto" for r in reasons)]
        if rewritten:
            session.execute(sa.update(Application), rewritten)
        # What they answered to the jobs' own questions on the application form: their words, nothing to keep.
        session.execute(sa.delete(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(application_ids))
                        .execution_options(synchronize_session=False))
        _scrub_legacy_events(session, chunk, application_ids, scorecard_ids)
        # The e-mail sent to them (their address, their name in the words): gone, with its attachments.
        session.execute(sa.delete(OutboxMessage).where(OutboxMessage.candidate_id.in_(chunk))
                        .execution_options(synchronize_session=False))
        # Their documents: deleting the stored files takes their chunks and the candidate_files rows with them
        # (ON DELETE CASCADE); nothing of them is kept for the statistics.
        session.execute(sa.delete(StoredFile).where(StoredFile.id.in_(
            sa.select(CandidateFile.file_id).where(CandidateFile.candidate_id.in_(chunk))))
            .execution_options(synchronize_session=False))
    if candidate_ids:
        drop_deleted_terms(session)  # the name search's index still holds the old names until merged
    # The bulk statements went around the session: reload whatever it held of these rows.
    session.expire_all()


def purge(session: Session, now: datetime, *, days: int, consent_days: int) -> list[Due]:
    """Anonymise every candidate whose retention period is over, one audit event each (the system's)."""
    due = due_candidates(session, now, days=days, consent_days=consent_days)
    anonymise(session, [d.candidate_id for d in due], now)
    for d in due:
        record(session, actor_id=None, action="candidate_anonymised", entity_type="candidate",
               entity_id=d.candidate_id, ended_at=d.ended_at.isoformat(),
               period="consent" if d.consent else "standard", days=d.days)
    session.flush()
    return due
