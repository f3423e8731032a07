"""The programme's calendar and a task's state: pure functions on dates, no Flask, no database.

A task is due at the end of its week, counted from the start date: week 1 of a programme that starts on a
Monday is due on Sunday. "Today" is the company's date (its time zone), not the server's or UTC's, so that a
task does not turn overdue at 01:00 in Amsterdam because it is still yesterday in UTC.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from hiring.models.onboarding import WEEKS

PROGRAMME_DAYS = WEEKS * 7


class TaskState(enum.StrEnum):
    """Where a task stands for the people who look at it."""

    DONE = "done"                  # done, and signed off when it needs that
    WAITING = "waiting"            # done, waiting for a sign-off
    SENT_BACK = "sent_back"        # was done, sent back with a comment
    OVERDUE = "overdue"            # required, not done and past its due date
    OPEN = "open"                  # not done, not due yet


def due_on(started_on: date, week: int) -> date:
    """The last day of a week of the programme: the day a task of that week is due."""
    return started_on + timedelta(days=7 * week - 1)


def current_week(started_on: date, today: date) -> int:
    """The week of the programme today falls in: 0 before the start, WEEKS after the end."""
    elapsed = (today - started_on).days
    if elapsed < 0:
        return 0
    return min(elapsed // 7 + 1, WEEKS)


@dataclass(frozen=True)
class TaskFacts:
    """What the state of a task depends on."""

    week: int
    required: bool
    needs_sign_off: bool
    done: bool
    signed_off: bool
    sent_back: bool = False


def task_state(task: TaskFacts, started_on: date, today: date) -> TaskState:
    """A task's state today."""
    if task.done:
        if task.needs_sign_off and not task.signed_off:
            return TaskState.WAITING
        return TaskState.DONE
    if task.sent_back:
        return TaskState.SENT_BACK
    if task.required and today > due_on(started_on, task.week):
        return TaskState.OVERDUE
    return TaskState.OPEN


def is_complete(tasks: list[TaskFacts]) -> bool:
    """Graduation: every required task done, and signed off where it needs a sign-off."""
    return all(t.done and (t.signed_off or not t.needs_sign_off) for t in tasks if t.required)
