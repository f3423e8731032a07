"""Running tasks: dispatched after the asking transaction commits, to RQ (REDIS_URL) or to threads here.

`enqueue` writes the task into the caller's transaction and hands its id on only once that transaction has
committed (a session `after_commit` hook), so that a worker never looks for a row it cannot see yet, and a
rolled-back request runs nothing. `perform(task_id)`, the function RQ workers import, claims the row with
one UPDATE that only one process can win, runs the kind's handler and records the outcome.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from sqlalchemy.orm import Session

from hiring import files
from hiring.extensions import db
from hiring.models import Task, utcnow
from hiring.models.tasks import DONE, FAILED, QUEUED, RUNNING
from hiring.tasks import records
from hiring.tasks.pool import ThreadPool, every_pool
from hiring.tasks.registry import Failed, Kind, kind_of

log = logging.getLogger(__name__)

QUEUE = "hiring"
# A task asked for again while it has waited this long unclaimed is handed on again: its first hand-over may
# have been lost (a web process restarted with it in its threads, Redis restarted). Handing on twice is
# harmless: only one claim wins (_claim).
DISPATCH_AGAIN_AFTER = timedelta(minutes=2)
DISPATCH = "hiring.tasks.dispatch"  # session.info: the tasks to hand on when this transaction commits
EXTENSION = "hiring.tasks"
_worker_app: Flask | None = None
_running: ContextVar[str | None] = ContextVar("hiring_task", default=None)


def in_task() -> bool:
    """Whether this code runs as a task's handler (in a worker, or a runner thread), not for a web request,
    although a handler has a request context of its own (for url_for)."""
    return _running.get() is not None


def init_app(app: Flask) -> None:
    """Give the app its runner state, and listen on every session for commits (idempotent)."""
    app.extensions[EXTENSION] = {}
    for name, handler in (("after_commit", _after_commit), ("after_transaction_end", _after_transaction_end)):
        if not sa.event.contains(Session, name, handler):
            sa.event.listen(Session, name, handler)


def enqueue(session: Session, kind: str, params: Mapping, *, user_id: int | None = None,
            dedupe: bool = True) -> Task:
    """Ask for a task in the caller's transaction; it is dispatched when that transaction commits.

    The same work still pending (see records.record) is returned instead, and not dispatched again.
    """
    task, new = records.record(session, kind, params, user_id=user_id, dedupe=dedupe)
    if new or _waited_unclaimed(session, task):
        session.info.setdefault(DISPATCH, []).append((current_app._get_current_object(), task.id, task.kind))
    return task


def _waited_unclaimed(session: Session, task: Task) -> bool:
    """Whether a pending task has waited unclaimed past DISPATCH_AGAIN_AFTER since it was asked for (or last
    handed on, or due to retry: `run_after`); if so, it is marked handed on now, by one UPDATE that only one
    of several concurrent askers wins."""
    if task.state != QUEUED:
        return False
    since = task.run_after or task.created_at
    now = utcnow()
    if since > now - DISPATCH_AGAIN_AFTER:
        return False
    marked = session.execute(sa.update(Task).where(
        Task.id == task.id, Task.state == QUEUED,
        Task.run_after.is_(None) if task.run_after is None else Task.run_after == task.run_after)
        .values(run_after=now).execution_options(synchronize_session=False)).rowcount
    if marked == 1:
        log.info("task %s waited unclaimed since %s: handed on again", task.id, since.isoformat())
    return marked == 1


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: nothing is committed until the transaction around it is
    for app, task_id, kind in session.info.pop(DISPATCH, ()):
        try:
            dispatch(app, task_id, kind)
        except Exception:  # the commit stands; the task waits, and is shown interrupted once its time is up
            log.exception("task %s could not be dispatched", task_id)


def _after_transaction_end(session: Session, transaction) -> None:
    """The whole transaction rolled back: its tasks are gone, hand on none. (After a savepoint rolled back,
    the ids are kept: one whose row went with it is dispatched after all, and `perform` finds nothing.)"""
    if transaction.parent is None:
        session.info.pop(DISPATCH, None)


def redis_url(app: Flask) -> str | None:
    """Where the task queue is (REDIS_URL); None: tasks run in this process's threads."""
    return app.config.get("REDIS_URL") or None


def dispatch(app: Flask, task_id: str, kind: str, delay: float = 0.0) -> None:
    """Hand a committed task to RQ when REDIS_URL is set and answers, else to this process's threads."""
    url = redis_url(app)
    if url:
        from redis.exceptions import RedisError

        try:
            _to_rq(app, url, task_id, kind_of(kind), delay)
            return
        except RedisError as error:
            # Better done here than waiting for ever in a queue nobody can reach.
            log.warning("task %s: Redis unreachable (%s), running it in this process", task_id, error)
    _pool(app).submit(task_id, delay)


def redis_connection(app: Flask, url: str):
    """A Redis client for the app, made once and shared by its threads."""
    state = app.extensions.setdefault(EXTENSION, {})
    if state.get("redis_url") != url:
        from redis import Redis

        # Short timeouts: a request that asked for a task must not hang on an unreachable Redis.
        state["redis"] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        state["redis_url"] = url
    return state["redis"]


def _to_rq(app: Flask, url: str, task_id: str, kind: Kind | None, delay: float) -> None:
    from rq import Queue

    queue = Queue(QUEUE, connection=redis_connection(app, url))
    timeout = kind.timeout if kind else 60
    ttl = kind.give_up_after if kind else 60
    # Our row is the record; RQ keeps nothing once the job has run (perform never raises).
    options = {"job_timeout": timeout, "ttl": ttl, "result_ttl": 0,
               "failure_ttl": int(records.KEEP_FOR.total_seconds()),
               "description": f"{kind.name if kind else 'unknown'} {task_id[:6]}"}
    if delay > 0:
        queue.enqueue_in(timedelta(seconds=delay), perform, task_id, **options)  # a worker's scheduler moves it
    else:
        queue.enqueue(perform, task_id, **options)


def _pool(app: Flask) -> ThreadPool:
    state = app.extensions.setdefault(EXTENSION, {})
    if "pool" not in state:
        state["pool"] = ThreadPool(app, int(app.config.get("TASK_THREADS", 1)), perform)
    return state["pool"]


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait until this process's threads have no task waiting, running or due to retry (tests, a clean
    shutdown); False when `timeout` seconds were not enough."""
    deadline = time.monotonic() + timeout
    return all(pool.wait_idle(max(0.0, deadline - time.monotonic())) for pool in every_pool())


def perform(task_id: str, app: Flask | None = None) -> None:
    """Run one task, once: RQ's entry point (`hiring.tasks.runner.perform`) and the threads'.

    In a worker process the app is the one `flask worker` built (or, under a bare `rq worker`, one built here
    from the environment, once per process).
    """
    app = app or (current_app._get_current_object() if has_app_context() else _app_for_worker())
    with app.app_context():
        engine = db.engine
        task = _claim(engine, task_id)
        if task is None:
            return  # gone, taken by another worker, or not queued any more
        kind = kind_of(task.kind)
        if kind is None:
            log.error("task %s: no handler for kind %s in this process", task.id, task.kind)
            _finish(engine, task, FAILED, "unknown")
            return
        if utcnow() - task.created_at > timedelta(seconds=kind.give_up_after):
            _finish(engine, task, FAILED, records.INTERRUPTED)  # nobody waits for it any more
            return
        state, error, retry_in = _run(app, engine, kind, task)
        if retry_in is not None:
            if _finish(engine, task, QUEUED, error, run_after=utcnow() + timedelta(seconds=retry_in)):
                dispatch(app, task.id, task.kind, delay=retry_in)
            return
        if not _finish(engine, task, state, error) and task.file_id is not None:
            files.delete_now(task.file_id)  # given up on while it ran: what it produced is nobody's


def _run(app: Flask, engine: sa.Engine, kind: Kind, task: Task) -> tuple[str, str | None, float | None]:
    """Run the handler: (state, error code, seconds before a retry or None)."""

    def progress(step: str) -> None:
        try:
            with engine.begin() as connection:
                connection.execute(sa.update(Task).where(Task.id == task.id, Task.state == RUNNING)
                                   .values(step=step[:40]))
        except sa.exc.OperationalError as error:  # progress is for the page; the work goes on without it
            log.warning("task %s: progress not recorded (%s)", task.id, error)

    token = _running.set(task.id)
    try:
        # A request context for url_for, and in it the task runs with the timeouts of background work.
        with app.test_request_context(), force_locale(task.locale):
            kind.handler(task, progress)
    except Failed as outcome:
        return FAILED, outcome.code, None
    except Exception:  # noqa: BLE001 - any failure is the task's outcome, logged here, coded in the row
        log.exception("task %s (%s) failed, attempt %d of %d", task.id, task.kind, task.attempts,
                      kind.retries + 1)
        if task.attempts <= kind.retries:
            return QUEUED, "error", kind.delay_before(task.attempts)
        return FAILED, "error", None
    finally:
        _running.reset(token)
        db.session.remove()  # the handler's session ends here, whatever it left open
    return DONE, None, None


def _claim(engine: sa.Engine, task_id: str) -> Task | None:
    """Mark the task running if it is still queued, and return it (detached); None when another process
    claimed it first, or it is not queued. One UPDATE: of two concurrent claims, exactly one matches."""
    if not records.ID.fullmatch(task_id or ""):
        return None
    with engine.begin() as connection:
        row = connection.execute(
            sa.update(Task).where(Task.id == task_id, Task.state == QUEUED)
            .values(state=RUNNING, started_at=utcnow(), attempts=Task.attempts + 1, step=None)
            .returning(*Task.__table__.c)).one_or_none()
    if row is None:
        return None
    return Task(**row._asdict())


def _finish(engine: sa.Engine, task: Task, state: str, error: str | None, **values) -> bool:
    """Record the outcome, if the task is still running; False when it was given up on meanwhile."""
    finished_at = None if state == QUEUED else utcnow()
    with engine.begin() as connection:
        return connection.execute(
            sa.update(Task).where(Task.id == task.id, Task.state == RUNNING)
            .values(state=state, error=error, step=None, finished_at=finished_at, file_id=task.file_id, **values)
        ).rowcount == 1


def _app_for_worker() -> Flask:
    """One app per worker process, built from the environment like the web processes' own."""
    global _worker_app
    if _worker_app is None:
        from hiring import create_app

        _worker_app = create_app()
    return _worker_app
