"""Big PDF reports prepared in the background by the task runner (hiring/tasks/), downloaded once.

Named "background" rather than "jobs" because a job is a job opening everywhere else in this app; the URLs
and the page keep "job" for what the user sees, a report being prepared.

A report is a task of kind "report.pdf" (its state in the `tasks` table), and its PDF a stored file (in
the database, hiring/files.py), so that the worker that renders it and the web process that hands it over
may run on different machines. A report belongs to the user who asked for it; its id is random and
carries nothing personal. Its file is handed over once and deleted, and kept a day at most.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from hiring import files, tasks
from hiring.extensions import db
from hiring.models import StoredFile, Task, utcnow
from hiring.reports import documents
from hiring.snapshots import end_read_transaction

KIND = "report.pdf"
# A report not ready within the hour was interrupted (the process restarted) or never picked up (no worker
# running): its page says so rather than wait for ever. One attempt of half an hour, and no retry: the user
# is watching, and asks again.
GIVE_UP_AFTER = 60 * 60
TIMEOUT = 30 * 60
# Files of reports nobody downloaded hold personal data: they go after a day.
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class PreparedReport:
    """A report being prepared: its task as the task runner shows it, and which report, with what parameters."""

    task: tasks.TaskView
    report: str
    params: dict


def _prepare(task: Task, progress) -> None:
    """The task's handler: render the PDF and store it for its user."""
    params = dict(task.params)
    report = params.pop("report")
    try:
        pdf = documents.build(report, params, progress=progress)
    except NotFound:
        # What the report was about (a job opening, a cohort) is no longer there.
        raise tasks.Failed("missing") from None
    # In a transaction of its own, begun by the write: the render's reads leave no stale snapshot behind.
    with Session(db.engine) as session:
        try:
            stored = files.store(session, documents.filename(report, params), "application/pdf", pdf,
                                 expires_at=utcnow() + KEEP_FOR, owner_id=task.user_id)
        except files.FileTooLarge:
            raise tasks.Failed("too_large") from None  # FILE_MAX_MB: the page says so
        file_id = stored.id
        session.commit()
    task.file_id = file_id  # the runner records it with the outcome


tasks.register(KIND, _prepare, timeout=TIMEOUT, give_up_after=GIVE_UP_AFTER)


def start(report: str, params: Mapping, user_id: int) -> str:
    """Ask for a report's PDF for a user, in the current language; returns the id of its page. The caller
    commits, and the work starts then.

    The same report, still under way for the same user, is not started twice: its id is returned instead,
    so that impatient clicks do not pile up renders. Old reports and their files are cleared on the way.
    """
    files.purge_expired(db.session)
    tasks.purge(db.session)
    return tasks.enqueue(db.session, KIND, {"report": report, **params}, user_id=user_id).id


def record(report: str, params: Mapping, user_id: int) -> str:
    """Write a report down as waiting, without starting it (tests; the caller commits)."""
    task, _new = tasks.record(db.session, KIND, {"report": report, **params}, user_id=user_id)
    return task.id


def status(job_id: str, user_id: int) -> PreparedReport | None:
    """The report's state for the user who asked for it; None for anyone else, for unknown and malformed ids."""
    task = tasks.status(db.session, job_id, user_id=user_id)
    if task is None or task.kind != KIND:
        return None
    params = dict(task.params)
    return PreparedReport(task, params.pop("report"), params)


def take(job_id: str, user_id: int) -> tuple[str, int, int] | None:
    """Hand the finished PDF over once: (file name, file id, size), marked downloaded in the caller's
    transaction, which must commit before the file is streamed (and then deleted, files.stream). None when
    it is not the user's, not done, already taken, or its file has gone."""
    prepared = status(job_id, user_id)
    if prepared is None or prepared.task.state != tasks.DONE or prepared.task.file_id is None:
        return None
    job = prepared.task
    # On SQLite, this request's read transaction could not become a write once another process has written
    # since it began: end it, so that the claim below begins afresh (hiring/snapshots.py says more).
    end_read_transaction(db.session())
    claimed = db.session.execute(sa.update(Task).where(Task.id == job.id, Task.user_id == user_id,
                                                       Task.state == tasks.DONE, Task.file_id == job.file_id)
                                 .values(state=tasks.DOWNLOADED)).rowcount
    size = db.session.scalar(sa.select(StoredFile.size).where(StoredFile.id == job.file_id))
    if claimed != 1 or size is None:  # another request took it first, or the file expired meanwhile
        db.session.rollback()
        return None
    return documents.filename(prepared.report, prepared.params), job.file_id, size
