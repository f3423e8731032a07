"""Enrolling a hire in the five-week programme, with their own copy of today's tasks."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.models import Enrollment, EnrollmentTask, Hire, ProgrammeTask


def current_programme(session: Session) -> Sequence[ProgrammeTask]:
    """The programme's active tasks, in order."""
    return session.scalars(
        sa.select(ProgrammeTask)
        .where(ProgrammeTask.retired_at.is_(None))
        .order_by(ProgrammeTask.week, ProgrammeTask.position, ProgrammeTask.id)
    ).all()


def enrol(session: Session, hire: Hire, started_on: date,
          programme: Sequence[ProgrammeTask] | None = None) -> Enrollment:
    """Enrol a hire (added, not flushed); the tasks are copied so that later edits of the programme never
    change them. A caller enrolling many hires passes the programme, loaded once."""
    tasks = current_programme(session) if programme is None else programme
    enrollment = Enrollment(hire=hire, started_on=started_on)
    enrollment.tasks = [
        EnrollmentTask(
            programme_task_id=t.id, week=t.week, position=t.position, title=t.title,
            description=t.description, owner=t.owner, required=t.required, sign_off=t.sign_off,
        )
        for t in tasks
    ]
    session.add(enrollment)
    return enrollment
