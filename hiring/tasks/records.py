"""Task rows: writing a task down (once, for the same work asked twice), reading its state, purging old ones."""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context
from flask_babel import get_locale
from sqlalchemy.orm import Session

from hiring.models import Task, utcnow
from hiring.models.tasks import FAILED, PENDING, PENDING_SQL, QUEUED
from hiring.tasks.registry import Kind, kind_of

# secrets.token_urlsafe(24): 32 characters. Checked before an id from a URL reaches a query.
ID = re.compile(r"[A-Za-z0-9_-]{32}")
INTERRUPTED = "interrupted"
# Task rows (and what their pages show) are kept this long after they were asked for; every kind's
# give_up_after is shorter, so nothing still pending is purged.
KEEP_FOR = timedelta(days=1)


@dataclass(frozen=True)
class TaskView:
    """What a task's page shows: its state as it stands, a pending one past its time shown as failed."""

    id: str
    kind: str
    params: dict
    user_id: int | None
    state: str
    step: str | None
    error: str | None
    attempts: int
    created_at: datetime
    finished_at: datetime | None
    file_id: int | None

    @property
    def pending(self) -> bool:
        return self.state in PENDING


def _known(kind: str) -> Kind:
    found = kind_of(kind)
    if found is None:
        raise ValueError(f"no task kind {kind!r} is registered")
    return found


def dedupe_key(kind: str, params: Mapping, user_id: int | None) -> str:
    """The same work for the same person: the kind, the parameters (in a canonical JSON) and the user."""
    text = json.dumps([kind, params, user_id], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _locale() -> str:
    """The language of the request that asks for the task (its results come out in it), else the default."""
    if has_request_context() and get_locale() is not None:
        return str(get_locale())
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en") if has_app_context() else "en"


def _pending(session: Session, key: str, since: datetime | None) -> Task | None:
    query = sa.select(Task).where(Task.dedupe_key == key, Task.state.in_(PENDING))
    if since is not None:
        query = query.where(Task.created_at >= since)
    return session.scalars(query.limit(1)).first()


def record(session: Session, kind: str, params: Mapping, *, user_id: int | None = None,
           dedupe: bool = True) -> tuple[Task, bool]:
    """Write a task down as queued in the caller's transaction, without running it: (task, is_new).

    With `dedupe`, the same kind with the same parameters for the same user, still pending, is returned
    instead of a second task; the database's partial unique index makes that hold between concurrent
    transactions too (INSERT ... ON CONFLICT DO NOTHING, then the winner's row is read).
    """
    spec = _known(kind)
    params = json.loads(json.dumps(dict(params)))  # JSON-able, and as it reads back (tuples become lists)
    now = utcnow()
    since = now - timedelta(seconds=spec.give_up_after)
    key = dedupe_key(kind, params, user_id) if dedupe else None
    if key is not None:
        # One past its time still holds the key: it is given up for good, so that a new one may take its
        # place. A write before any read: a transaction of its own (a snapshot refresh asked for during a
        # GET) then holds SQLite's write lock from its first statement, instead of reading first and failing
        # to write once another process has written meanwhile (SQLITE_BUSY_SNAPSHOT).
        session.execute(sa.update(Task).where(Task.dedupe_key == key, Task.state.in_(PENDING),
                                              Task.created_at < since)
                        .values(state=FAILED, error=INTERRUPTED, finished_at=now))
        if (same := _pending(session, key, since)) is not None:
            return same, False
    task_id = secrets.token_urlsafe(24)
    row = {"id": task_id, "kind": kind, "params": params, "dedupe_key": key, "user_id": user_id,
           "locale": _locale(), "state": QUEUED, "attempts": 0, "created_at": now}
    dialect = session.get_bind().dialect.name
    if key is not None and dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = (insert(Task.__table__).values(row)
                     .on_conflict_do_nothing(index_elements=["dedupe_key"], index_where=sa.text(PENDING_SQL))
                     .returning(Task.__table__.c.id))  # a row back only when it was inserted
        if session.execute(statement).first() is None:  # another transaction asked for it first
            return _pending(session, key, None), False
        return session.get(Task, task_id), True
    task = Task(**row)
    session.add(task)
    session.flush()
    return task, True


def view(task: Task, now: datetime | None = None) -> TaskView:
    """The task as its page shows it: pending past its kind's time (or of a kind this process does not
    know) is failed, "interrupted"."""
    state, error = task.state, task.error
    spec = kind_of(task.kind)
    limit = timedelta(seconds=spec.give_up_after) if spec else timedelta(0)
    if state in PENDING and (now or utcnow()) - task.created_at > limit:
        state, error = FAILED, INTERRUPTED
    return TaskView(id=task.id, kind=task.kind, params=dict(task.params), user_id=task.user_id, state=state,
                    step=task.step, error=error, attempts=task.attempts, created_at=task.created_at,
                    finished_at=task.finished_at, file_id=task.file_id)


def status(session: Session, task_id: str, *, user_id: int | None) -> TaskView | None:
    """A task as it stands, for the user it is for; None for anyone else's, for unknown and malformed ids."""
    if not ID.fullmatch(task_id or ""):
        return None
    task = session.get(Task, task_id)
    if task is None or task.user_id != user_id:
        return None
    return view(task)


def purge(session: Session, now: datetime | None = None) -> int:
    """Delete the tasks asked for more than KEEP_FOR ago, in the caller's transaction; returns how many."""
    cutoff = (now or utcnow()) - KEEP_FOR
    return session.execute(sa.delete(Task).where(Task.created_at < cutoff)).rowcount
