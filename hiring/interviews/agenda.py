"""An interviewer's agenda ("My interviews"): their scheduled interviews from today on, in time order and paged by
cursor, and the earlier ones whose scorecard is still not submitted. A page is two queries whatever its length."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from hiring.models import Application, Candidate, InterviewAssignment, Job, Scorecard, ScorecardStatus
from hiring.paging import ListQuery, SortKey
from hiring.pipeline.stages import OPEN_STAGES

OVERDUE_SHOWN = 20
# "Scorecard due" looks this far back, on applications still open: a scorecard for a closed application is
# moot, and without a bound the page walked an interviewer's whole history (436 ms p95 at a million
# candidates, bench/RESULTS.md).
OVERDUE_DAYS = 90
SORT = (SortKey(InterviewAssignment.scheduled_for, False, lambda a: a.scheduled_for),
        SortKey(InterviewAssignment.id, False, lambda a: a.id))


def _load() -> sa.Select:
    """Assignments with their application, candidate, job and scorecard, in one statement."""
    return (sa.select(InterviewAssignment)
            .join(Application, InterviewAssignment.application_id == Application.id)
            .join(Candidate, Application.candidate_id == Candidate.id)
            .join(Job, Application.job_id == Job.id)
            .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
            .options(contains_eager(InterviewAssignment.application).contains_eager(Application.candidate),
                     contains_eager(InterviewAssignment.application).contains_eager(Application.job),
                     contains_eager(InterviewAssignment.scorecard)))


def upcoming(user_id: int, since: datetime) -> ListQuery:
    """The user's interviews starting at `since` (the start of the company's today) or later, for keyset_page:
    the page's ids come in order from the index on (interviewer_id, scheduled_for)."""
    where = (InterviewAssignment.interviewer_id == user_id, InterviewAssignment.scheduled_for >= since)
    keys = sa.select(InterviewAssignment.id).where(*where).order_by(*(k.ordering for k in SORT))
    total = sa.select(sa.func.count()).select_from(InterviewAssignment).where(*where)
    return ListQuery(keys, _load(), InterviewAssignment.id, SORT, total)


def _overdue_where(user_id: int, before: datetime) -> tuple:
    return (InterviewAssignment.interviewer_id == user_id, InterviewAssignment.scheduled_for < before,
            InterviewAssignment.scheduled_for >= before - timedelta(days=OVERDUE_DAYS),
            Application.stage.in_(OPEN_STAGES),
            sa.or_(Scorecard.id.is_(None), Scorecard.status != ScorecardStatus.SUBMITTED))


def overdue(session: Session, user_id: int, before: datetime) -> tuple[list[InterviewAssignment], int]:
    """The user's interviews of the OVERDUE_DAYS before `before`, on open applications, whose scorecard is not
    submitted, latest first (at most OVERDUE_SHOWN), and how many there are."""
    where = _overdue_where(user_id, before)
    rows = list(session.scalars(_load().where(*where)
                                .order_by(InterviewAssignment.scheduled_for.desc(), InterviewAssignment.id.desc())
                                .limit(OVERDUE_SHOWN)).unique())
    if len(rows) < OVERDUE_SHOWN:
        return rows, len(rows)
    count = session.scalar(sa.select(sa.func.count()).select_from(InterviewAssignment)
                           .join(Application, InterviewAssignment.application_id == Application.id)
                           .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id).where(*where))
    return rows, count


def needs_scorecard(assignment: InterviewAssignment, now: datetime) -> bool:
    """True once the interview is over and its scorecard is not submitted."""
    over = assignment.scheduled_for is not None and \
        assignment.scheduled_for.timestamp() + assignment.duration_minutes * 60 <= now.timestamp()
    card = assignment.scorecard
    return over and (card is None or card.status is not ScorecardStatus.SUBMITTED)
