"""Loading checklists and the cohort list in a fixed number of queries, whatever the number of new hires."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload

from hiring.models import WEEKS, Enrollment, EnrollmentTask, Hire, SignOff, User
from hiring.onboarding.progress import PROGRAMME_DAYS, TaskState, current_week, due_on, task_state
from hiring.onboarding.service import facts


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

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def cohorts(session: Session, today: date, mentor_id: int | None = None) -> list[tuple[date, list[Row]]]:
    """Everyone in the programme now, grouped by start date, with progress, overdue tasks and sign-offs
    waiting for the viewer (a mentor: their own sign-offs of their own new hires; HR: all); 2 queries."""
    person, mentor = aliased(User), aliased(User)
    stmt = (
        sa.select(Enrollment.id, person.name, mentor.name, Enrollment.started_on)
        .join(Hire, Enrollment.hire_id == Hire.id)
        .join(person, Hire.user_id == person.id)
        .outerjoin(mentor, Hire.mentor_id == mentor.id)
        .where(Enrollment.completed_on.is_(None), Hire.end_date.is_(None))
        .order_by(Enrollment.started_on.desc(), person.name)
    )
    if mentor_id is not None:
        stmt = stmt.where(Hire.mentor_id == mentor_id)
    rows = {eid: Row(eid, name, mentor_name, started, current_week(started, today))
            for eid, name, mentor_name, started in session.execute(stmt)}
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
        .where(EnrollmentTask.enrollment_id.in_(list(rows)))
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


def recent_graduates(session: Session, today: date, days: int = 120) -> list[dict]:
    """Who graduated lately, how late, and which tasks were finished after their due date; 2 queries."""
    person = aliased(User)
    rows = session.execute(
        sa.select(Enrollment.id, person.name, Enrollment.started_on, Enrollment.completed_on)
        .join(Hire, Enrollment.hire_id == Hire.id).join(person, Hire.user_id == person.id)
        .where(Enrollment.completed_on >= today - timedelta(days=days))
        .order_by(Enrollment.completed_on.desc(), person.name)
    ).all()
    late = {eid for eid, _n, started, completed in rows if (completed - started).days >= PROGRAMME_DAYS}
    late_tasks: dict[int, list[str]] = defaultdict(list)
    if late:
        tasks = session.execute(
            sa.select(EnrollmentTask.enrollment_id, EnrollmentTask.title, EnrollmentTask.week,
                      EnrollmentTask.done_at, EnrollmentTask.signed_off_at, Enrollment.started_on)
            .join(Enrollment, EnrollmentTask.enrollment_id == Enrollment.id)
            .where(EnrollmentTask.enrollment_id.in_(late), EnrollmentTask.required)
            .order_by(EnrollmentTask.week, EnrollmentTask.position)
        )
        for eid, title, week, done_at, signed_at, started in tasks:
            finished = signed_at or done_at
            if finished is not None and finished.date() > due_on(started, week):
                late_tasks[eid].append(title)
    return [{"enrollment_id": eid, "name": name, "started_on": started, "completed_on": completed,
             "days_late": max(0, (completed - started).days - PROGRAMME_DAYS + 1),
             "late_tasks": late_tasks.get(eid, [])} for eid, name, started, completed in rows]
