"""Loading the candidate list and the candidate page in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from hiring.models import (
    Application,
    Candidate,
    CoreValue,
    Hire,
    InterviewAssignment,
    Job,
    Scorecard,
    Stage,
    StageChange,
    User,
)

SORTS = {
    "newest": (Application.applied_at.desc(), Application.id.desc()),
    "oldest": (Application.applied_at.asc(), Application.id.asc()),
    "values_fit": (sa.nulls_last(Application.values_fit.desc()), Application.id.desc()),
    "requirements_fit": (sa.nulls_last(Application.requirements_fit.desc()), Application.id.desc()),
    "name": (Candidate.name.asc(), Application.id.asc()),
}


SORT_LABELS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "values_fit": _l("Values fit, highest first"),
    "requirements_fit": _l("Requirements fit, highest first"),
    "name": _l("Name"),
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def application_list(q: str = "", job_id: int | None = None, stage: Stage | None = None,
                     sort: str = "newest") -> sa.Select:
    """Applications with their candidate and job (loaded by the same query), searched, filtered and sorted
    in SQL."""
    stmt = (
        sa.select(Application)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Job, Application.job_id == Job.id)
        .options(contains_eager(Application.candidate), contains_eager(Application.job))
    )
    q = q.strip()
    if q:
        pattern = f"%{_escape_like(q.lower())}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Candidate.name).like(pattern, escape="\\"),
                                 Candidate.email.like(pattern, escape="\\")))
    if job_id:
        stmt = stmt.where(Application.job_id == job_id)
    if stage:
        stmt = stmt.where(Application.stage == stage)
    return stmt.order_by(*SORTS.get(sort, SORTS["newest"]))


@dataclass
class TimelineEvent:
    """One thing that happened to a candidate, for the timeline."""

    at: datetime
    kind: str
    application_id: int
    job_title: str
    text: object = None  # the stage, interview kind or recommendation, labelled by the template
    who: str | None = None
    detail: str | None = None


def candidate_page(session: Session, candidate_id: int) -> dict | None:
    """A candidate with their applications, stage history, interviews, scorecards and hires; 5 queries."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    applications = session.scalars(
        sa.select(Application).options(joinedload(Application.job))
        .where(Application.candidate_id == candidate_id).order_by(Application.applied_at.desc())
    ).all()
    ids = [a.id for a in applications]
    changer = aliased(User)
    changes = session.execute(
        sa.select(StageChange, changer.name).outerjoin(changer, StageChange.changed_by_id == changer.id)
        .where(StageChange.application_id.in_(ids)).order_by(StageChange.changed_at, StageChange.id)
    ).all()
    interviewer = aliased(User)
    assignments = session.execute(
        sa.select(InterviewAssignment, interviewer.name, Scorecard)
        .join(interviewer, InterviewAssignment.interviewer_id == interviewer.id)
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(InterviewAssignment.application_id.in_(ids))
        .order_by(InterviewAssignment.assigned_at, InterviewAssignment.id)
    ).all()
    hires = session.scalars(
        sa.select(Hire).options(joinedload(Hire.user), joinedload(Hire.mentor)).where(Hire.application_id.in_(ids))
    ).all()
    titles = {a.id: a.job.title for a in applications}
    timeline = [
        TimelineEvent(at=c.changed_at, kind="stage", application_id=c.application_id,
                      job_title=titles[c.application_id], text=c.to_stage, who=name, detail=c.reason,
                      ) for c, name in changes
    ]
    for assignment, name, scorecard in assignments:
        timeline.append(TimelineEvent(at=assignment.assigned_at, kind="assigned",
                                      application_id=assignment.application_id,
                                      job_title=titles[assignment.application_id], text=assignment.kind,
                                      who=name))
        if scorecard is not None and scorecard.submitted_at is not None:
            timeline.append(TimelineEvent(at=scorecard.submitted_at, kind="scorecard",
                                          application_id=assignment.application_id,
                                          job_title=titles[assignment.application_id],
                                          text=scorecard.recommendation, who=name,
                                          detail="veto" if scorecard.culture_veto else None))
    timeline.sort(key=lambda e: e.at, reverse=True)
    by_application = {a.id: [] for a in applications}
    for row in assignments:
        by_application[row[0].application_id].append(row)
    return {
        "candidate": candidate,
        "applications": applications,
        "assignments": by_application,
        "hires": {h.application_id: h for h in hires},
        "timeline": timeline,
    }


def application_page(session: Session, application_id: int) -> dict | None:
    """An application with its candidate, job, requirements, assignments and the active core values."""
    application = session.scalar(
        sa.select(Application)
        .options(joinedload(Application.candidate), joinedload(Application.job).selectinload(Job.requirements))
        .where(Application.id == application_id)
    )
    if application is None:
        return None
    assignments = session.scalars(
        sa.select(InterviewAssignment).options(joinedload(InterviewAssignment.interviewer),
                                               joinedload(InterviewAssignment.scorecard))
        .where(InterviewAssignment.application_id == application_id)
        .order_by(InterviewAssignment.assigned_at, InterviewAssignment.id)
    ).all()
    values = session.scalars(
        sa.select(CoreValue).where(CoreValue.retired_at.is_(None)).order_by(CoreValue.position, CoreValue.id)
    ).all()
    return {"application": application, "assignments": assignments, "values": values}
