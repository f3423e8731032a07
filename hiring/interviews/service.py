"""Scorecards: drafts, submission, amendment with history, and who may see whose.

Only the assigned interviewer fills in a scorecard. Interviewers see each other's scorecards for an
application only once their own are submitted, so that every rating is independent.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session, joinedload, selectinload

from hiring.audit import record
from hiring.auth.roles import RECRUITING
from hiring.errors import Conflict, DomainError, Forbidden, NotFound
from hiring.interviews.items import Answer, Item, ScorecardInput
from hiring.models import (
    Application,
    CoreValue,
    InterviewAssignment,
    InterviewKind,
    Job,
    PackedRatings,
    Rating,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
    User,
    utcnow,
)
from hiring.models.packed_ratings import pack
from hiring.scoring.service import score_application
from hiring.values.similarity_service import set_flags
from hiring.webhooks import events as webhook_events

__all__ = ["Answer", "Incomplete", "ScorecardInput", "amend", "check_complete", "items_for", "load_assignment",
           "may_see_all", "save", "snapshot", "stale", "submitted_scorecards", "visible_scorecards"]


class Incomplete(DomainError):
    """A scorecard that misses something; `errors` maps each field to what is missing."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(ngettext("The scorecard is not complete: %(num)d thing to fix, marked below.",
                                  "The scorecard is not complete: %(num)d things to fix, marked below.", len(errors)))
        self.errors = errors


def stale() -> Conflict:
    """The refusal of a save from a page opened before the latest save (another tab, another window)."""
    return Conflict(_("This scorecard was saved elsewhere (another tab?) since you opened it. Nothing was saved "
                      "from this page: open the scorecard again to see the latest version; what you typed here "
                      "is still below to copy from."))


def load_assignment(session: Session, assignment_id: int) -> InterviewAssignment:
    """The assignment with its application, job, requirements, interviewer and scorecard with ratings."""
    assignment = session.scalar(
        sa.select(InterviewAssignment)
        .options(joinedload(InterviewAssignment.application).joinedload(Application.candidate),
                 joinedload(InterviewAssignment.application).joinedload(Application.job)
                 .selectinload(Job.requirements),
                 joinedload(InterviewAssignment.interviewer),
                 joinedload(InterviewAssignment.scorecard).selectinload(Scorecard.ratings),
                 joinedload(InterviewAssignment.scorecard).selectinload(Scorecard.revisions))
        .where(InterviewAssignment.id == assignment_id))
    if assignment is None:
        raise NotFound(_("There is no such interview."))
    return assignment


def items_for(session: Session, assignment: InterviewAssignment) -> list[Item]:
    """What this interview rates, in order. A value retired after it was rated here still shows."""
    items: list[Item] = []
    if assignment.kind in (InterviewKind.SKILLS, InterviewKind.HIRING_MANAGER):
        items += [Item("r", r.id, r) for r in assignment.application.job.requirements]
    if assignment.kind in (InterviewKind.VALUES, InterviewKind.HIRING_MANAGER):
        # Rating rows exist only for items something was typed for (see _write).
        rated = [r.core_value_id for r in (assignment.scorecard.ratings if assignment.scorecard else [])
                 if r.core_value_id is not None]
        values = session.scalars(sa.select(CoreValue)
                                 .where(sa.or_(CoreValue.retired_at.is_(None), CoreValue.id.in_(rated)))
                                 .order_by(CoreValue.position, CoreValue.id)).all()
        items += [Item("v", v.id, v) for v in values]
    return items


def check_complete(data: ScorecardInput, items: list[Item], with_veto: bool) -> dict[str, str]:
    """What a submission still misses, by field: every item rated or 'no evidence', evidence for every
    rating, a recommendation, and a reason for any veto."""
    errors = {}
    for item in items:
        answer = data.answers.get(item.key, Answer())
        if answer.score is None and not answer.no_evidence:
            errors[f"rating_{item.key}"] = _("Choose a rating, or No evidence.")
        elif answer.score is not None and not answer.evidence.strip():
            errors[f"evidence_{item.key}"] = _("Write the evidence for this rating: what was said or done.")
    if data.recommendation is None:
        errors["recommendation"] = _("Choose an overall recommendation.")
    errors.update(_veto_errors(data, with_veto))
    return errors


def _veto_errors(data: ScorecardInput, with_veto: bool) -> dict[str, str]:
    # The database refuses a veto without its reason, so even a draft cannot keep one.
    if with_veto and data.culture_veto and not data.veto_reason.strip():
        return {"veto_reason": _("Give the reason for the veto.")}
    return {}


def _write(scorecard: Scorecard, data: ScorecardInput, items: list[Item], with_veto: bool) -> None:
    by_item = {("r", r.requirement_id) if r.requirement_id else ("v", r.core_value_id): r for r in scorecard.ratings}
    for item in items:
        answer = data.answers.get(item.key, Answer())
        rating = by_item.get((item.kind, item.id))
        if answer.is_empty:
            # No row for an untouched item, so that "rated here" (which keeps a retired value) means it.
            if rating is not None:
                scorecard.ratings.remove(rating)
            continue
        if rating is None:
            rating = Rating(**({"requirement_id": item.id} if item.kind == "r" else {"core_value_id": item.id}))
            scorecard.ratings.append(rating)
        rating.score = None if answer.no_evidence else answer.score
        rating.no_evidence, rating.evidence = answer.no_evidence, answer.evidence.strip()
    scorecard.key_takeaways = data.key_takeaways.strip()
    scorecard.recommendation = data.recommendation
    scorecard.culture_veto = with_veto and data.culture_veto
    scorecard.veto_reason = (data.veto_reason.strip() or None) if scorecard.culture_veto else None
    # Always a change to the row itself, so that its version moves even when only ratings changed.
    scorecard.updated_at = utcnow()


def _check_version(scorecard: Scorecard | None, version: str | None) -> None:
    """Refuse a save from a page that did not see the latest save (a missing version counts as stale)."""
    if scorecard is None:
        return
    if not (version and version.isdigit() and int(version) == scorecard.version):
        raise stale()


def _own(session: Session, assignment: InterviewAssignment, user: User) -> Scorecard | None:
    """The user's scorecard for this interview, read again under a lock on its application.

    Saves to one application take turns: the score recompute of each then sees every scorecard submitted
    before it, and a second submit of the same scorecard (another tab) sees the first and is refused.
    """
    if assignment.interviewer_id != user.id:
        raise Forbidden(_("Only the assigned interviewer may fill in this scorecard."))
    session.execute(sa.select(Application.id).where(Application.id == assignment.application_id)
                    .with_for_update())
    session.refresh(assignment, attribute_names=["scorecard"])
    scorecard = assignment.scorecard
    if scorecard is not None:
        session.refresh(scorecard)
    return scorecard


def save(session: Session, assignment: InterviewAssignment, user: User, data: ScorecardInput, *, submit: bool,
         version: str | None) -> Scorecard:
    """Save a draft, or submit: a submitted scorecard is locked, and the application's scores are updated."""
    scorecard = _own(session, assignment, user)
    if scorecard is not None and scorecard.status is ScorecardStatus.SUBMITTED:
        raise Conflict(_("This scorecard is already submitted and locked; amend it with a reason instead."))
    _check_version(scorecard, version)
    items = items_for(session, assignment)
    with_veto = assignment.kind is InterviewKind.VALUES
    errors = check_complete(data, items, with_veto) if submit else _veto_errors(data, with_veto)
    if errors:
        raise Incomplete(errors)
    if scorecard is None:
        scorecard = Scorecard(assignment=assignment, status=ScorecardStatus.DRAFT)
        session.add(scorecard)
    _write(scorecard, data, items, with_veto)
    if submit:
        scorecard.status, scorecard.submitted_at = ScorecardStatus.SUBMITTED, utcnow()
        set_flags(session, scorecard)
    session.flush()
    if submit:
        # The ratings as first submitted, for the calibration; an amendment leaves them as they are.
        session.add(PackedRatings(scorecard_id=scorecard.id, line=pack(
            scorecard.id, assignment.interviewer_id, assignment.application_id,
            ((r.requirement_id, r.core_value_id, r.score, r.no_evidence) for r in scorecard.ratings))))
        record(session, actor_id=user.id, action="scorecard_submitted", entity_type="scorecard",
               entity_id=scorecard.id, application_id=assignment.application_id,
               recommendation=scorecard.recommendation.value)
        if scorecard.culture_veto:
            record(session, actor_id=user.id, action="culture_veto", entity_type="scorecard", entity_id=scorecard.id,
                   application_id=assignment.application_id, version=scorecard.version)
        webhook_events.emit(session, webhook_events.SCORECARD_SUBMITTED, {
            "scorecard_id": scorecard.id, "application_id": assignment.application_id,
            "assignment_id": assignment.id, "interview_kind": assignment.kind.value,
            "submitted_at": scorecard.submitted_at.isoformat().replace("+00:00", "Z")})
        score_application(session, assignment.application_id)
    return scorecard


def snapshot(scorecard: Scorecard) -> dict:
    """The content of a scorecard as it stands, for its revision history."""
    return {
        "recommendation": scorecard.recommendation.value if scorecard.recommendation else None,
        "key_takeaways": scorecard.key_takeaways, "culture_veto": scorecard.culture_veto,
        "veto_reason": scorecard.veto_reason,
        "submitted_at": scorecard.submitted_at.isoformat() if scorecard.submitted_at else None,
        "ratings": [{"requirement_id": r.requirement_id, "core_value_id": r.core_value_id, "score": r.score,
                     "no_evidence": r.no_evidence, "evidence": r.evidence} for r in scorecard.ratings],
    }


def amend(session: Session, assignment: InterviewAssignment, user: User, data: ScorecardInput, *, reason: str,
          version: str | None) -> Scorecard:
    """Change a submitted scorecard, with a reason; the earlier version is kept and the change audited."""
    scorecard = _own(session, assignment, user)
    if scorecard is None or scorecard.status is not ScorecardStatus.SUBMITTED:
        raise Conflict(_("Only a submitted scorecard can be amended."))
    _check_version(scorecard, version)
    items = items_for(session, assignment)
    with_veto = assignment.kind is InterviewKind.VALUES
    errors = check_complete(data, items, with_veto)
    if not reason.strip():
        errors["amend_reason"] = _("Give the reason for the amendment.")
    if errors:
        raise Incomplete(errors)
    vetoed_before = scorecard.culture_veto
    revision = ScorecardRevision(scorecard=scorecard, version=scorecard.version, snapshot=snapshot(scorecard),
                                 reason=reason.strip(), amended_by_id=user.id)
    session.add(revision)
    _write(scorecard, data, items, with_veto)
    set_flags(session, scorecard)
    session.flush()
    record(session, actor_id=user.id, action="scorecard_amended", entity_type="scorecard", entity_id=scorecard.id,
           application_id=assignment.application_id, revision_id=revision.id, version=scorecard.version,
           recommendation=scorecard.recommendation.value, culture_veto=scorecard.culture_veto)
    if scorecard.culture_veto and not vetoed_before:
        record(session, actor_id=user.id, action="culture_veto", entity_type="scorecard", entity_id=scorecard.id,
               application_id=assignment.application_id, version=scorecard.version)
    score_application(session, assignment.application_id)
    return scorecard


def may_see_all(session: Session, application_id: int, user: User) -> bool:
    """Recruiters, HR and admins see every scorecard; an interviewer once every one of their own interviews
    of this application is submitted (never when not assigned to it)."""
    if user.role in RECRUITING:
        return True
    own = session.scalars(
        sa.select(Scorecard.status).select_from(InterviewAssignment)
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(InterviewAssignment.application_id == application_id,
               InterviewAssignment.interviewer_id == user.id)).all()
    return bool(own) and all(status is ScorecardStatus.SUBMITTED for status in own)


def submitted_scorecards(session: Session, application_id: int) -> list[Scorecard]:
    """The application's submitted scorecards with their interviewers and ratings; 2 queries."""
    return list(session.scalars(
        sa.select(Scorecard).join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
        .options(joinedload(Scorecard.assignment).joinedload(InterviewAssignment.interviewer),
                 selectinload(Scorecard.ratings))
        .where(InterviewAssignment.application_id == application_id, Scorecard.status == ScorecardStatus.SUBMITTED)
        .order_by(Scorecard.submitted_at, Scorecard.id)).unique())


def visible_scorecards(session: Session, application: Application, user: User) -> list[Scorecard]:
    """The application's submitted scorecards this user may read: all of them for recruiting roles and for an
    interviewer whose own are all submitted; otherwise only the user's own."""
    cards = submitted_scorecards(session, application.id)
    if may_see_all(session, application.id, user):
        return cards
    return [card for card in cards if card.assignment.interviewer_id == user.id]
