"""Loading the candidate list and the candidate page in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload
from sqlalchemy.sql.visitors import InternalTraversal

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
from hiring.paging import keys_then_rows

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


class _Contains(sa.sql.expression.ColumnElement):
    """`column` contains the LIKE `pattern`, ignoring case: ILIKE on PostgreSQL; on SQLite a plain LIKE, which
    ignores the case of ASCII letters by itself (as SQLite's lower() does: neither knows other letters without
    ICU), so that a search that reads every row does not also run lower() on each."""

    type = sa.types.NullType()  # not Boolean: SQLite would get "... = 1" after the LIKE
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("pattern", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, pattern: str):
        self.column, self.pattern = column, sa.bindparam(None, pattern, unique=True)


@compiles(_Contains)
def _contains_ignoring_case(element, compiler, **kw):
    return compiler.process(element.column.ilike(element.pattern, escape="\\"), **kw)


@compiles(_Contains, "sqlite")
def _contains_sqlite(element, compiler, **kw):
    return compiler.process(element.column.like(element.pattern, escape="\\"), **kw)


FEW_MATCHES = 200  # up to this many matching candidates, the list looks their applications up by id


def _matches(q: str) -> sa.ColumnElement:
    pattern = f"%{_escape_like(q.strip())}%"
    return sa.or_(_Contains(Candidate.name, pattern), _Contains(Candidate.email, pattern))


def matching_candidates(q: str) -> sa.Select:
    """Ids of the candidates whose name or e-mail contains `q`, ignoring case.

    A substring can start anywhere in a name ("jansen" finds "Pim Jansen"), so no B-tree index can answer it:
    finding them all reads every candidate's name and e-mail (about 12 ms at 100,000 on SQLite)."""
    return sa.select(Candidate.id).where(_matches(q))


def application_list(session: Session, q: str = "", job_id: int | None = None, stage: Stage | None = None,
                     sort: str = "newest") -> tuple:
    """Applications with their candidate and job, searched, filtered and sorted in SQL, as `(rows, count)` for
    `hiring.paging.list_page`: a page's application ids come from an index on the filter and sort (OFFSET
    skips index entries, so a deep page costs about what the first does), then one query loads those rows with
    their candidate and job; the count reads the applications' own filters, without joins.

    A search first looks for a few matching candidates. When there are few (someone looked for a person), the
    page and the count look their applications up by id. When there are many (a common name), the page walks
    the applications in the list's order and stops once it has a page of matches, and only the count, needed
    then for the pages, reads every candidate."""
    where = []
    if job_id:
        where.append(Application.job_id == job_id)
    if stage:
        where.append(Application.stage == stage)
    order = SORTS.get(sort, SORTS["newest"])
    keys = sa.select(Application.id).order_by(*order)
    if sort == "name":
        keys = keys.join(Candidate, Application.candidate_id == Candidate.id)
    count = sa.select(sa.func.count()).select_from(Application)
    q = q.strip()
    if q:
        found = session.scalars(matching_candidates(q).limit(FEW_MATCHES + 1)).all()
        if len(found) <= FEW_MATCHES:
            where.append(Application.candidate_id.in_(found))
        else:
            if sort != "name":
                keys = keys.join(Candidate, Application.candidate_id == Candidate.id)
            keys = keys.where(_matches(q))
            count = count.where(Application.candidate_id.in_(matching_candidates(q)))
    load = (
        sa.select(Application)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Job, Application.job_id == Job.id)
        .options(contains_eager(Application.candidate), contains_eager(Application.job))
    )
    return keys_then_rows(keys.where(*where), load, Application.id, order), count.where(*where)


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
