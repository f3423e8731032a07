"""Candidates and applications (scopes candidates:read / candidates:write; recruiters, HR and admins, as the
pipeline pages), moves between stages through the same service as the candidate page, and an application's
submitted scorecards (scope interviews:read) under the pages' rule: an interviewer sees the others' only once
their own are all in."""
from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from hiring.api import API_PREFIX
from hiring.api.auth import requires
from hiring.api.paging import PageArgs, page, page_schema
from hiring.api.schemas import (
    ApplicationFilter,
    AssignmentFilter,
    AssignmentSchema,
    ApplicationSchema,
    CandidateSchema,
    MoveSchema,
    NewApplicationSchema,
    ScorecardSchema,
)
from hiring.auth.roles import RECRUITING
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.models import Application, Candidate, InterviewAssignment, Job, JobStatus, Role, Scorecard, Stage
from hiring.pipeline import service

blp = Blueprint("api_applications", __name__, url_prefix=API_PREFIX,
                description="Candidates, applications, stage moves and scorecards")
ApplicationPage = page_schema(ApplicationSchema, "ApplicationPage")
AssignmentPage = page_schema(AssignmentSchema, "AssignmentPage")
INTERVIEWS = (*RECRUITING, Role.INTERVIEWER)


def _refuse(error: DomainError):
    """A domain error as the API's problem: its status, and the field it is about."""
    db.session.rollback()
    errors = {error.field: [error.message]} if error.field else None
    abort(error.status, message=error.message, errors=errors)


@blp.route("/applications")
@blp.arguments(ApplicationFilter, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ApplicationPage)
@requires("candidates:read", *RECRUITING)
def list_applications(filters, args, user):
    """Applications in id order, optionally of one job or in one stage."""
    stmt = sa.select(Application)
    if filters.get("job_id"):
        stmt = stmt.where(Application.job_id == filters["job_id"])
    if filters.get("stage"):
        stmt = stmt.where(Application.stage == Stage(filters["stage"]))
    items, following = page(db.session, stmt, Application.id, args)
    return {"items": items, "next": following}


@blp.route("/applications/<int:application_id>")
@blp.response(200, ApplicationSchema)
@requires("candidates:read", *RECRUITING)
def get_application(application_id, user):
    """One application."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404, message="There is no such application.")
    return application


@blp.route("/applications", methods=["POST"])
@blp.arguments(NewApplicationSchema)
@blp.response(201, ApplicationSchema)
@requires("candidates:write", *RECRUITING)
def create_application(data, user):
    """Add a candidate (recognised by e-mail when known) and their application to an open job, checked as the
    "Add a candidate" form checks it (the same form's rules, then the same service)."""
    from hiring.forms.pipeline import CandidateForm

    open_jobs = db.session.execute(sa.select(Job.id, Job.title).where(Job.status == JobStatus.OPEN)).all()
    form = CandidateForm(formdata=MultiDict({k: "" if v is None else str(v) for k, v in data.items()
                                             if k != "retention_consent"} |
                                            ({"retention_consent": "y"} if data["retention_consent"] else {})),
                         meta={"csrf": False})
    form.job_id.choices = [(job_id, title) for job_id, title in open_jobs]
    if not form.validate():
        abort(422, message="The application is not valid.", errors=form.errors)
    try:
        application = service.add_candidate(
            db.session, name=form.name.data, email=form.email.data, phone=form.phone.data, source=form.source.data,
            job_id=form.job_id.data, actor_id=user.id, retention_consent=form.retention_consent.data,
            reason="Added through the API")
    except DomainError as error:
        _refuse(error)
    db.session.commit()
    return application


@blp.route("/applications/<int:application_id>/moves", methods=["POST"])
@blp.arguments(MoveSchema)
@blp.response(200, ApplicationSchema)
@requires("candidates:write", *RECRUITING)
def move(data, application_id, user):
    """Move an application to another stage, with the same rules as the candidate page (a coded reason to
    reject, the gate to hire, a start date and mentor when hiring)."""
    try:
        application = service.move_application(
            db.session, application_id, to_stage=Stage(data["to_stage"]),
            expected_stage=Stage(data["expected_stage"]) if data.get("expected_stage") else None,
            reason=data["reason"], actor_id=user.id, start_date=data.get("start_date"),
            mentor_id=data.get("mentor_id"), rejection_reason_id=data.get("rejection_reason_id"))
    except DomainError as error:
        _refuse(error)
    db.session.commit()
    return application


@blp.route("/candidates/<int:candidate_id>")
@blp.response(200, CandidateSchema)
@requires("candidates:read", *RECRUITING)
def get_candidate(candidate_id, user):
    """One candidate (an anonymised one no longer has a name or an address)."""
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404, message="There is no such candidate.")
    return candidate


@blp.route("/applications/<int:application_id>/scorecards")
@blp.response(200, ScorecardSchema(many=True))
@requires("interviews:read", *INTERVIEWS)
def scorecards(application_id, user):
    """The application's submitted scorecards this user may read: all for recruiters, HR and admins, and for an
    interviewer whose own interviews of it are all submitted; otherwise only their own. An interviewer not
    assigned to the application gets 404, as for an application that does not exist."""
    from hiring.interviews.service import visible_scorecards

    application = db.session.get(Application, application_id)
    if application is None:
        abort(404, message="There is no such application.")
    if user.role not in RECRUITING and db.session.scalar(
            sa.select(InterviewAssignment.id).where(InterviewAssignment.application_id == application_id,
                                                    InterviewAssignment.interviewer_id == user.id).limit(1)) is None:
        abort(404, message="There is no such application.")
    return [_scorecard(card) for card in visible_scorecards(db.session, application, user)]


def _scorecard(card) -> dict:
    return {"id": card.id, "assignment_id": card.assignment_id, "interviewer_id": card.assignment.interviewer_id,
            "kind": card.assignment.kind, "recommendation": card.recommendation,
            "key_takeaways": card.key_takeaways, "culture_veto": card.culture_veto,
            "submitted_at": card.submitted_at,
            "ratings": [{"item": "value" if r.core_value_id else "requirement",
                         "item_id": r.core_value_id or r.requirement_id, "score": r.score,
                         "no_evidence": r.no_evidence, "evidence": r.evidence} for r in card.ratings]}


@blp.route("/assignments")
@blp.arguments(AssignmentFilter, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AssignmentPage)
@requires("interviews:read", *INTERVIEWS)
def assignments(filters, args, user):
    """Interview assignments in id order, optionally of one application: every one for recruiters, HR and
    admins; an interviewer's own for an interviewer (as "My interviews")."""
    stmt = sa.select(InterviewAssignment).options(selectinload(InterviewAssignment.scorecard))
    if user.role not in RECRUITING:
        stmt = stmt.where(InterviewAssignment.interviewer_id == user.id)
    if filters.get("application_id"):
        stmt = stmt.where(InterviewAssignment.application_id == filters["application_id"])
    items, following = page(db.session, stmt, InterviewAssignment.id, args)
    return {"items": [{"id": a.id, "application_id": a.application_id, "interviewer_id": a.interviewer_id,
                       "kind": a.kind, "scheduled_for": a.scheduled_for, "duration_minutes": a.duration_minutes,
                       "scorecard_status": a.scorecard.status.value if a.scorecard else None} for a in items],
            "next": following}
