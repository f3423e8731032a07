"""Loading checklists and the cohort list in a fixed number of queries, whatever the number of new hires."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.sql.visitors import InternalTraversal

from hiring.models import WEEKS, Enrollment, EnrollmentTask, Hire, SignOff, User
from hiring.onboarding.progress import PROGRAMME_DAYS, TaskState, current_week, due_on, task_state
from hiring.onboarding.service import facts


class _DaysBetween(sa.sql.expression.ColumnElement):
    """Days from the date `earlier` to the date `later`: date subtraction on PostgreSQL, julian days on SQLite."""

    type = sa.Integer()
    inherit_cache = True
    _traverse_internals = [("later", InternalTraversal.dp_clauseelement),
                           ("earlier", InternalTraversal.dp_clauseelement)]

    def __init__(self, later, earlier):
        self.later, self.earlier = later, earlier


@compiles(_DaysBetween)
def _days_between(element, compiler, **kw):
    return f"({compiler.process(element.later, **kw)} - {compiler.process(element.earlier, **kw)})"


@compiles(_DaysBetween, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    return (f"CAST(julianday({compiler.process(element.later, **kw)})"
            f" - julianday({compiler.process(element.earlier, **kw)}) AS INTEGER)")


@dataclass
class Week:
    """A week of one checklist: its tasks with their state, and its progress."""

    number: int
    due: date
    tasks: list = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for _t, state in self.tasks if state is TaskState.DONE)

    @property
    def percent(self) -> int:
        return round(100 * self.done / len(self.tasks)) if self.tasks else 100


def checklist(session: Session, enrollment_id: int, today: date) -> dict | None:
    """One enrolment's checklist by week, with states, progress, overdue and waiting tasks; 2 queries."""
    enrollment = session.scalar(
        sa.select(Enrollment)
        .options(joinedload(Enrollment.hire).joinedload(Hire.user), joinedload(Enrollment.hire).joinedload(Hire.mentor))
        .where(Enrollment.id == enrollment_id)
    )
    if enrollment is None:
        return None
    tasks = session.scalars(
        sa.select(EnrollmentTask).where(EnrollmentTask.enrollment_id == enrollment_id)
        .order_by(EnrollmentTask.week, EnrollmentTask.position, EnrollmentTask.id)
    ).all()
    weeks = {n: Week(n, due_on(enrollment.started_on, n)) for n in range(1, WEEKS + 1)}
    for task in tasks:
        weeks[task.week].tasks.append((task, task_state(facts(task), enrollment.started_on, today)))
    states = [state for w in weeks.values() for _t, state in w.tasks]
    done = states.count(TaskState.DONE)
    return {
        "enrollment": enrollment,
        "hire": enrollment.hire,
        "weeks": list(weeks.values()),
        "current_week": current_week(enrollment.started_on, today),
        "started": today >= enrollment.started_on,
        "done": done,
        "total": len(states),
        "percent": round(100 * done / len(states)) if states else 100,
        "overdue": [(t, s) for w in weeks.values() for t, s in w.tasks if s is TaskState.OVERDUE],
        "waiting": [(t, s) for w in weeks.values() for t, s in w.tasks if s is TaskState.WAITING],
    }


@dataclass
class Row:
    """One new hire in the cohort list."""

    enrollment_id: int
    name: str
    mentor: str | None
    started_on: date
    current_week: int
    done: int = 0
    total: int = 0
    overdue: int = 0
    waiting_for_me: int = 0
    weeks: dict = field(default_factory=dict)  # week -> (done, total)
    stuck: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


# Someone still in the five-week programme this long after their start is stuck: their checklist needs HR.
STUCK_AFTER_DAYS = 2 * PROGRAMME_DAYS


def is_stuck(started_on: date, today: date) -> bool:
    """Whether someone who started on this day and has not graduated is stuck in the programme."""
    return (today - started_on).days > STUCK_AFTER_DAYS


@dataclass
class Cohort:
    """New hires who started on the same day and are still in the programme, counted."""

    started_on: date
    people: int
    current_week: int
    stuck: bool


def _in_programme(mentor_id: int | None):
    """Enrolments in the programme now (the hire's leaving is the enrolment's own mark, migration 0034); a
    mentor's: the statement must join Hire."""
    where = [Enrollment.completed_on.is_(None), sa.text("NOT enrollments.hire_left")]
    if mentor_id is not None:
        where.append(Hire.mentor_id == mentor_id)
    return where


def cohort_list(session: Session, today: date, mentor_id: int | None = None) -> list[Cohort]:
    """The cohorts in the programme now, newest first, with how many people each; 1 query (HR's: of the
    enrolments alone)."""
    stmt = sa.select(Enrollment.started_on, sa.func.count())
    if mentor_id is not None:
        stmt = stmt.join(Hire, Enrollment.hire_id == Hire.id)
    rows = session.execute(
        stmt.where(*_in_programme(mentor_id))
        .group_by(Enrollment.started_on).order_by(Enrollment.started_on.desc())
    )
    return [Cohort(started, n, current_week(started, today), is_stuck(started, today)) for started, n in rows]


def cohorts(session: Session, today: date, mentor_id: int | None = None,
            started: list[date] | None = None, limit: int | None = None,
            offset: int = 0) -> list[tuple[date, list[Row]]]:
    """Everyone in the programme now (or in the cohorts that started on the days `started` lists), grouped by
    start date, newest first, with progress, overdue tasks and sign-offs waiting for the viewer (a mentor: their
    own sign-offs of their own new hires; HR: all); 2 queries. `limit` and `offset`: a page of the people, in
    that order (a week's cohort is hundreds of people in a large company)."""
    person, mentor = aliased(User), aliased(User)
    stmt = (
        sa.select(Enrollment.id, person.name, mentor.name, Enrollment.started_on)
        .join(Hire, Enrollment.hire_id == Hire.id)
        .join(person, Hire.user_id == person.id)
        .outerjoin(mentor, Hire.mentor_id == mentor.id)
        .where(*_in_programme(mentor_id))
        .order_by(Enrollment.started_on.desc(), person.name, Enrollment.id)
    )
    if started is not None:
        stmt = stmt.where(Enrollment.started_on.in_(started))
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    # The same enrolments for the task counts, chosen again in SQL: their ids as parameters would pass
    # PostgreSQL's 65,535 when many people are stuck in the programme.
    chosen = sa.select(Enrollment.id).join(Hire, Enrollment.hire_id == Hire.id).where(*_in_programme(mentor_id))
    if started is not None:
        chosen = chosen.where(Enrollment.started_on.in_(started))
    if limit is not None:  # a page: its own enrolments, chosen by the same order and cut
        chosen = stmt.with_only_columns(Enrollment.id)
    rows = {eid: Row(eid, name, mentor_name, day, current_week(day, today), stuck=is_stuck(day, today))
            for eid, name, mentor_name, day in session.execute(stmt)}
    if not rows:
        return []
    done = EnrollmentTask.done_at.is_not(None)
    signed = sa.or_(EnrollmentTask.sign_off == SignOff.NONE, EnrollmentTask.signed_off_at.is_not(None))
    waiting_sign_off = [SignOff.MENTOR] if mentor_id is not None else [SignOff.MENTOR, SignOff.HR]
    counts = session.execute(
        sa.select(
            EnrollmentTask.enrollment_id, EnrollmentTask.week, sa.func.count(),
            sa.func.count().filter(done & signed),
            sa.func.count().filter(~done & EnrollmentTask.required),
            sa.func.count().filter(done & EnrollmentTask.signed_off_at.is_(None)
                                   & EnrollmentTask.sign_off.in_(waiting_sign_off)),
        )
        .where(EnrollmentTask.enrollment_id.in_(chosen))
        .group_by(EnrollmentTask.enrollment_id, EnrollmentTask.week)
    )
    for eid, week, total, complete, open_required, waiting in counts:
        row = rows[eid]
        row.total += total
        row.done += complete
        row.weeks[week] = (complete, total)
        row.waiting_for_me += waiting
        if today > due_on(row.started_on, week):
            row.overdue += open_required
    grouped: dict[date, list[Row]] = defaultdict(list)
    for row in rows.values():
        grouped[row.started_on].append(row)
    return list(grouped.items())


def recent_graduates(session: Session, today: date, days: int = 120, limit: int | None = None) -> list[dict]:
    """Who graduated lately (the latest `limit` of them), how late, and which tasks were finished after their
    due date; 2 queries."""
    person = aliased(User)
    stmt = (
        sa.select(Enrollment.id, person.name, Enrollment.started_on, Enrollment.completed_on)
        .join(Hire, Enrollment.hire_id == Hire.id).join(person, Hire.user_id == person.id)
        .where(Enrollment.completed_on >= today - timedelta(days=days))
        .order_by(Enrollment.completed_on.desc(), person.name)
    )
    rows = session.execute(stmt if limit is None else stmt.limit(limit)).all()
    late = {eid for eid, _n, started, completed in rows if (completed - started).days >= PROGRAMME_DAYS}
    late_tasks: dict[int, list[str]] = defaultdict(list)
    if late:
        # Only the tasks finished (signed off, or done when they need no sign-off) after their due date, chosen
        # by the database: a year's late graduates have tens of thousands of tasks, and loading them all to
        # compare dates in Python was most of the onboarding report's time.
        finished_on = sa.func.date(sa.func.coalesce(EnrollmentTask.signed_off_at, EnrollmentTask.done_at),
                                   type_=sa.Date)
        tasks = session.execute(
            sa.select(EnrollmentTask.enrollment_id, EnrollmentTask.title)
            .join(Enrollment, EnrollmentTask.enrollment_id == Enrollment.id)
            .where(EnrollmentTask.enrollment_id.in_(late), EnrollmentTask.required,
                   EnrollmentTask.done_at.is_not(None),
                   _DaysBetween(finished_on, Enrollment.started_on) > 7 * EnrollmentTask.week - 1)  # see due_on
            .order_by(EnrollmentTask.enrollment_id, EnrollmentTask.week, EnrollmentTask.position)
        )
        for eid, title in tasks:
            late_tasks[eid].append(title)
    return [{"enrollment_id": eid, "name": name, "started_on": started, "completed_on": completed,
             "days_late": max(0, (completed - started).days - PROGRAMME_DAYS + 1),
             "late_tasks": late_tasks.get(eid, [])} for eid, name, started, completed in rows]
