"""Editing the programme. Enrolments keep their own copy of the tasks, so nothing here touches them."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.models import WEEKS, ProgrammeTask, SignOff, TaskOwner, utcnow


def _task(session: Session, task_id: int) -> ProgrammeTask:
    task = session.get(ProgrammeTask, task_id)
    if task is None:
        raise NotFound(_("There is no such task in the programme."))
    return task


def _check(week: int, title: str) -> None:
    if not 1 <= week <= WEEKS:
        raise DomainError(_("Choose a week from 1 to %(weeks)d.", weeks=WEEKS), field="week")
    if not title.strip():
        raise DomainError(_("Give the task a title."), field="title")


def add_task(session: Session, *, week: int, title: str, description: str, owner: TaskOwner, required: bool,
             sign_off: SignOff, actor_id: int) -> ProgrammeTask:
    """Add a task at the end of its week."""
    _check(week, title)
    last = session.scalar(sa.select(sa.func.max(ProgrammeTask.position)).where(ProgrammeTask.week == week))
    task = ProgrammeTask(week=week, position=(last + 1) if last is not None else 0, title=title.strip(),
                         description=description.strip(), owner=owner, required=required, sign_off=sign_off)
    session.add(task)
    session.flush()
    record(session, actor_id=actor_id, action="programme_task_added", entity_type="programme_task",
           entity_id=task.id, week=week, title=task.title)
    return task


def update_task(session: Session, task_id: int, *, week: int, title: str, description: str, owner: TaskOwner,
                required: bool, sign_off: SignOff, actor_id: int) -> ProgrammeTask:
    """Change a task of the programme; new enrolments get the change, running ones keep what they have."""
    _check(week, title)
    task = _task(session, task_id)
    if task.week != week:
        last = session.scalar(sa.select(sa.func.max(ProgrammeTask.position)).where(ProgrammeTask.week == week))
        task.position = (last + 1) if last is not None else 0
    task.week, task.title, task.description = week, title.strip(), description.strip()
    task.owner, task.required, task.sign_off = owner, required, sign_off
    record(session, actor_id=actor_id, action="programme_task_updated", entity_type="programme_task",
           entity_id=task.id, week=week, title=task.title)
    return task


def retire_task(session: Session, task_id: int, *, actor_id: int) -> ProgrammeTask:
    """Take a task out of the programme for new enrolments."""
    task = _task(session, task_id)
    if task.retired_at is not None:
        raise Conflict(_("This task is already out of the programme."))
    task.retired_at = utcnow()
    record(session, actor_id=actor_id, action="programme_task_retired", entity_type="programme_task",
           entity_id=task.id)
    return task


def move_task(session: Session, task_id: int, direction: str, *, actor_id: int) -> ProgrammeTask:
    """Swap a task with its neighbour within its week; at the edge nothing moves."""
    task = _task(session, task_id)
    order = ProgrammeTask.position.desc() if direction == "up" else ProgrammeTask.position.asc()
    compare = ProgrammeTask.position < task.position if direction == "up" else ProgrammeTask.position > task.position
    neighbour = session.scalar(
        sa.select(ProgrammeTask).where(ProgrammeTask.week == task.week, ProgrammeTask.retired_at.is_(None), compare)
        .order_by(order).limit(1))
    if neighbour is not None:
        task.position, neighbour.position = neighbour.position, task.position
        record(session, actor_id=actor_id, action="programme_task_moved", entity_type="programme_task",
               entity_id=task.id, direction=direction)
    return task


def load_default(session: Session, *, actor_id: int) -> int:
    """Fill an empty programme with the default five weeks in the reader's language; returns the count added."""
    from flask_babel import get_locale

    from hiring.demo.programme import TASKS_BY_LOCALE, default_programme

    if session.scalar(sa.select(ProgrammeTask.id).where(ProgrammeTask.retired_at.is_(None)).limit(1)):
        raise Conflict(_("The programme already has tasks; the default is only for an empty programme."))
    language = get_locale().language if get_locale() else "en"
    tasks = default_programme(language if language in TASKS_BY_LOCALE else "en")
    session.add_all(tasks)
    session.flush()
    record(session, actor_id=actor_id, action="programme_default_loaded", entity_type="programme_task",
           entity_id=tasks[0].id, tasks=len(tasks))
    return len(tasks)


def programme(session: Session) -> dict[int, list[ProgrammeTask]]:
    """The active programme by week, in order; 1 query."""
    weeks: dict[int, list[ProgrammeTask]] = {w: [] for w in range(1, WEEKS + 1)}
    for task in session.scalars(sa.select(ProgrammeTask).where(ProgrammeTask.retired_at.is_(None))
                                .order_by(ProgrammeTask.week, ProgrammeTask.position, ProgrammeTask.id)):
        weeks[task.week].append(task)
    return weeks
