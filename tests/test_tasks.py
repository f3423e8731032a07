"""The task runner: tasks written in the caller's transaction, dispatched once it commits, run once, their
outcome recorded as a code; retries with backoff; files kept in the database in chunks."""
from __future__ import annotations

import hashlib
import logging
import signal
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Session

from hiring import files, tasks
from hiring.extensions import db
from hiring.files import CHUNK, FileTooLarge
from hiring.models import FileChunk, Role, StoredFile, Task, utcnow
from hiring.tasks import registry, runner
from tests import factories
from tests.conftest import TEST_REDIS_URL

calls: list[dict] = []
gate = threading.Event()


def _echo(task, progress):
    progress("halfway")
    with Session(db.engine) as session:  # what another process sees while it runs
        step = session.scalar(sa.select(Task.step).where(Task.id == task.id))
    calls.append({"id": task.id, "params": task.params, "locale": str(get_locale()), "attempts": task.attempts,
                  "url": url_for("auth.login"), "step": step, "run_after": task.run_after,
                  "started_at": task.started_at})


def _fail(task, progress):
    calls.append({"id": task.id, "attempts": task.attempts})
    raise RuntimeError("Jan Jansen's report fell over")


def _missing(task, progress):
    raise tasks.Failed("missing")


def _flaky(task, progress):
    _echo(task, progress)
    if task.attempts < 3:
        raise RuntimeError("not yet")


def _block(task, progress):
    gate.wait(30)


def _given_up_meanwhile(task, progress):
    with Session(db.engine) as session:
        task.file_id = files.store(session, "orphan.pdf", "application/pdf", b"%PDF-1.4 half", expires_at=None).id
        session.commit()
    with db.engine.begin() as connection:  # another process gave up on it while it ran
        connection.execute(sa.update(Task).where(Task.id == task.id).values(state="failed", error="interrupted"))


registry.register("test.echo", _echo, timeout=5, give_up_after=60)
registry.register("test.patient", _echo, timeout=5, give_up_after=600)
registry.register("test.fail", _fail, timeout=5, give_up_after=60)
registry.register("test.missing", _missing, timeout=5, give_up_after=60)
registry.register("test.flaky", _flaky, retries=2, backoff=0.05, timeout=5, give_up_after=60)
registry.register("test.block", _block, timeout=40, give_up_after=60)
registry.register("test.given-up", _given_up_meanwhile, timeout=5, give_up_after=60)


@pytest.fixture(autouse=True)
def clean():
    calls.clear()
    gate.clear()
    yield
    gate.set()
    assert runner.wait_idle(60), "a task outlived its test"


@pytest.fixture
def dispatched(monkeypatch):
    """Records what is handed to the runner instead of running it."""
    handed = []
    monkeypatch.setattr(runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append(task_id))
    return handed


def _row(task_id: str) -> Task:
    with Session(db.engine) as session:
        task = session.get(Task, task_id)
        session.expunge_all()
        return task


def _run(kind: str, params=None, **kw) -> Task:
    task = tasks.enqueue(db.session, kind, params or {}, **kw)
    db.session.commit()
    assert runner.wait_idle(30)
    return _row(task.id)


def test_a_task_is_written_in_the_callers_transaction_and_dispatched_after_it_commits(app, dispatched):
    task = tasks.enqueue(db.session, "test.echo", {"job_id": 3})
    assert task.state == "queued" and tasks.records.ID.fullmatch(task.id)
    assert _row(task.id) is None and dispatched == []  # not committed: nobody else can see it yet
    db.session.commit()
    assert dispatched == [task.id] and _row(task.id).params == {"job_id": 3}


def test_a_rolled_back_enqueue_runs_nothing(app, dispatched):
    task_id = tasks.enqueue(db.session, "test.echo", {}).id
    db.session.rollback()
    db.session.commit()  # a later commit of the same session hands on nothing of the rolled-back work
    assert dispatched == [] and _row(task_id) is None


def test_savepoints_neither_dispatch_early_nor_forget_the_transactions_tasks(app, dispatched):
    before = tasks.enqueue(db.session, "test.echo", {"n": 1}).id
    with db.session.begin_nested():  # released: still nothing committed
        inside = tasks.enqueue(db.session, "test.echo", {"n": 2}).id
    assert dispatched == []
    try:
        with db.session.begin_nested():  # rolled back (hiring/postgres.py's retry after a race does this)
            tasks.enqueue(db.session, "test.echo", {"n": 3})
            raise RuntimeError
    except RuntimeError:
        pass
    db.session.commit()
    assert dispatched[:2] == [before, inside] and _row(before) is not None and _row(inside) is not None
    # The task of the rolled-back savepoint is handed on too; it has no row, so it runs nothing.
    assert len(dispatched) == 3 and _row(dispatched[2]) is None


def test_it_runs_in_the_tasks_language_with_a_request_context_and_records_progress(app):
    with app.test_request_context(), force_locale("nl"):
        task = tasks.enqueue(db.session, "test.echo", {"x": 1})
    db.session.commit()
    assert runner.wait_idle(30)
    row = _row(task.id)
    assert row.state == "done" and row.error is None and row.attempts == 1 and row.step is None
    assert row.started_at and row.finished_at and row.finished_at >= row.started_at
    assert calls == [{"id": task.id, "params": {"x": 1}, "locale": "nl", "attempts": 1, "url": "/login",
                      "step": "halfway", "run_after": None, "started_at": row.started_at}]


def test_the_same_work_still_pending_is_asked_for_once(app, dispatched):
    hr, other = factories.user(Role.HR), factories.user(Role.HR)
    first = tasks.enqueue(db.session, "test.echo", {"report": "fairness", "job": 3}, user_id=hr.id)
    again = tasks.enqueue(db.session, "test.echo", {"job": 3, "report": "fairness"}, user_id=hr.id)
    theirs = tasks.enqueue(db.session, "test.echo", {"report": "fairness", "job": 3}, user_id=other.id)
    forced = tasks.enqueue(db.session, "test.echo", {"report": "fairness", "job": 3}, user_id=hr.id, dedupe=False)
    db.session.commit()
    assert again.id == first.id and len({first.id, theirs.id, forced.id}) == 3
    assert dispatched == [first.id, theirs.id, forced.id]  # the same task is not dispatched twice
    # Once it has finished, asking again is new work.
    db.session.execute(sa.update(Task).where(Task.id == first.id).values(state="done"))
    assert tasks.enqueue(db.session, "test.echo", {"report": "fairness", "job": 3}, user_id=hr.id).id != first.id


def test_two_requests_asking_at_once_get_one_task(app, dispatched):
    """The database decides: PostgreSQL's partial unique index makes the second insert wait for the first
    and then yield to it; SQLite's BEGIN IMMEDIATE queues the second request before it reads."""
    first = Session(db.engine)
    with app.test_request_context(method="POST"):
        first_id = tasks.enqueue(first, "test.echo", {"same": 1}).id
    other: dict = {}

    def ask_again() -> None:
        with app.app_context(), app.test_request_context(method="POST"), Session(db.engine) as second:
            other["id"] = tasks.enqueue(second, "test.echo", {"same": 1}).id
            second.commit()

    thread = threading.Thread(target=ask_again)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waiting for the first transaction
    first.commit()
    first.close()
    thread.join(30)
    assert other["id"] == first_id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 1


def test_a_pending_task_past_its_time_gives_way_to_a_new_one(app, dispatched):
    old = tasks.enqueue(db.session, "test.echo", {})
    db.session.execute(sa.update(Task).where(Task.id == old.id).values(created_at=utcnow() - timedelta(hours=2)))
    new = tasks.enqueue(db.session, "test.echo", {})
    db.session.commit()
    assert new.id != old.id
    assert (_row(old.id).state, _row(old.id).error) == ("failed", "interrupted")


def test_a_task_asked_for_again_after_waiting_unclaimed_is_handed_on_again(app, dispatched):
    """Its first hand-over may have been lost (a restarted web process held it in a thread, Redis restarted):
    asked for again after DISPATCH_AGAIN_AFTER, it is handed on once more, at most once per wait, and still
    runs once."""
    task = tasks.enqueue(db.session, "test.patient", {"n": 1})
    db.session.commit()
    assert dispatched == [task.id]
    tasks.enqueue(db.session, "test.patient", {"n": 1})  # just asked: waiting is normal
    db.session.commit()
    assert dispatched == [task.id]
    waited = utcnow() - runner.DISPATCH_AGAIN_AFTER - timedelta(seconds=1)
    db.session.execute(sa.update(Task).where(Task.id == task.id).values(created_at=waited))
    db.session.commit()
    for _ in range(2):
        assert tasks.enqueue(db.session, "test.patient", {"n": 1}).id == task.id
        db.session.commit()
    assert dispatched == [task.id, task.id]  # handed on again once, not on every ask
    assert _row(task.id).run_after > waited
    runner.perform(task.id, app)
    runner.perform(task.id, app)  # the second hand-over finds it claimed: nothing runs twice
    assert _row(task.id).state == "done" and [c["id"] for c in calls] == [task.id]


def test_two_concurrent_performs_run_it_once(app, dispatched):
    task_id = tasks.enqueue(db.session, "test.echo", {}).id
    db.session.commit()
    start = threading.Barrier(2)

    def perform():
        start.wait()
        runner.perform(task_id, app)

    threads = [threading.Thread(target=perform) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1 and _row(task_id).attempts == 1 and _row(task_id).state == "done"
    runner.perform(task_id, app)  # and a late duplicate from the queue leaves it alone
    assert len(calls) == 1


def test_a_failure_is_recorded_as_a_code_and_logged_never_stored(app, caplog):
    row = _run("test.fail")
    assert (row.state, row.error, row.attempts) == ("failed", "error", 1)  # no retries declared: none made
    assert "Jan Jansen" in caplog.text and "Traceback" in caplog.text
    with db.engine.connect() as connection:  # nothing of the message anywhere in the row
        assert "Jansen" not in repr(connection.execute(sa.select(Task.__table__)).all())


def test_a_known_outcome_is_its_code_without_an_error_in_the_log(app, caplog):
    caplog.set_level(logging.WARNING)
    row = _run("test.missing")
    assert (row.state, row.error) == ("failed", "missing") and "Traceback" not in caplog.text


def test_a_kind_that_declares_retries_is_tried_again_after_a_growing_backoff(app):
    row = _run("test.flaky", {"n": 1})
    assert (row.state, row.attempts, row.error) == ("done", 3, None)
    assert [c["attempts"] for c in calls] == [1, 2, 3]
    # Each retry waited out its backoff, twice as long the second time.
    first, second, third = calls
    assert first["run_after"] is None
    assert second["run_after"] >= first["started_at"] + timedelta(seconds=0.05)
    assert second["started_at"] >= second["run_after"]
    assert third["run_after"] >= second["started_at"] + timedelta(seconds=0.1)


def test_a_task_nobody_ran_within_its_time_is_shown_failed_and_never_run(app, dispatched):
    user = factories.user(Role.HR)
    task = tasks.enqueue(db.session, "test.echo", {}, user_id=user.id)
    db.session.commit()
    db.session.execute(sa.update(Task).where(Task.id == task.id).values(created_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    shown = tasks.status(db.session, task.id, user_id=user.id)
    assert (shown.state, shown.error, shown.pending) == ("failed", "interrupted", False)
    runner.perform(task.id, app)  # a worker that comes too late
    assert calls == [] and (_row(task.id).state, _row(task.id).error) == ("failed", "interrupted")


def test_status_is_for_the_tasks_user_only(app, dispatched):
    owner, other = factories.user(Role.HR), factories.user(Role.HR)
    task = tasks.enqueue(db.session, "test.echo", {}, user_id=owner.id)
    db.session.commit()
    assert tasks.status(db.session, task.id, user_id=owner.id).state == "queued"
    for user_id, task_id in ((other.id, task.id), (None, task.id), (owner.id, "x" * 32), (owner.id, "../etc")):
        assert tasks.status(db.session, task_id, user_id=user_id) is None


def test_what_a_task_produced_goes_when_it_was_given_up_meanwhile(app):
    row = _run("test.given-up")
    assert (row.state, row.error) == ("failed", "interrupted")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0


def test_one_thread_by_default_the_others_wait_their_turn(app):
    blocked = tasks.enqueue(db.session, "test.block", {})
    waiting = tasks.enqueue(db.session, "test.echo", {})
    db.session.commit()
    assert not runner.wait_idle(0.5)
    assert _row(blocked.id).state == "running" and _row(waiting.id).state == "queued"
    gate.set()
    assert runner.wait_idle(30) and _row(waiting.id).state == "done"


def test_kinds_declare_limits_that_cover_their_attempts():
    with pytest.raises(ValueError, match="shorter than its attempts"):
        registry.register("test.bad", _echo, retries=3, backoff=60, timeout=600, give_up_after=600)
    with pytest.raises(ValueError, match="longer than tasks are kept"):
        registry.register("test.bad", _echo, give_up_after=2 * 24 * 3600)
    with pytest.raises(ValueError, match="no task kind"):
        tasks.record(db.session, "test.unregistered", {})
    assert "test.bad" not in registry.KINDS


def test_old_tasks_are_purged(app, dispatched):
    old, recent = (tasks.enqueue(db.session, "test.echo", {"n": n}) for n in (1, 2))
    db.session.execute(sa.update(Task).where(Task.id == old.id).values(created_at=utcnow() - timedelta(days=2)))
    assert tasks.purge(db.session) == 1
    db.session.commit()
    assert _row(old.id) is None and _row(recent.id) is not None


# With Redis: dispatched to RQ, run by a worker.

def _work(connection) -> None:
    """A burst SimpleWorker in this process (on the test's database); it takes over the signal handlers
    while it runs, and they are given back."""
    from rq import Queue, SimpleWorker

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([Queue(runner.QUEUE, connection=connection)], connection=connection).work(
            burst=True, logging_level="WARNING")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_with_redis_it_is_queued_for_a_worker_and_retried_through_its_scheduler(make_app, redis_db):
    from rq import Queue
    from rq.registry import ScheduledJobRegistry

    app = make_app(REDIS_URL=TEST_REDIS_URL)
    with app.app_context():
        task = tasks.enqueue(db.session, "test.flaky", {"n": 2})
        db.session.commit()
        queue = Queue(runner.QUEUE, connection=redis_db)
        assert queue.count == 1 and queue.jobs[0].description == f"test.flaky {task.id[:6]}"
        assert _row(task.id).state == "queued" and calls == []  # nothing ran in this process

        _work(redis_db)
        row = _row(task.id)
        assert (row.state, row.attempts, row.error) == ("queued", 1, "error") and row.run_after > row.started_at
        # The retry waits in RQ's schedule for a worker's scheduler, not in this process.
        assert ScheduledJobRegistry(queue=queue).count == 1 and queue.count == 0


def test_an_unreachable_redis_falls_back_to_a_thread(make_app, caplog):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        task = tasks.enqueue(db.session, "test.echo", {})
        db.session.commit()
        assert runner.wait_idle(30)
        assert _row(task.id).state == "done" and "Redis unreachable" in caplog.text


def test_the_worker_command_needs_redis(make_app):
    result = make_app(REDIS_URL=None).test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


# Files in the database.

def test_a_file_is_stored_and_streamed_chunk_by_chunk(app):
    content = bytes(range(256)) * (CHUNK * 5 // 2 // 256)  # 2.5 MiB, given in pieces of odd sizes
    pieces = [content[i:i + 300_001] for i in range(0, len(content), 300_001)]
    stored = files.store(db.session, "report.pdf", "application/pdf", iter(pieces), expires_at=None)
    file_id = stored.id
    db.session.commit()
    assert stored.size == len(content) and stored.sha256 == hashlib.sha256(content).hexdigest()
    sizes = db.session.scalars(sa.select(sa.func.length(FileChunk.data)).where(FileChunk.file_id == file_id)
                               .order_by(FileChunk.seq)).all()
    assert sizes == [CHUNK, CHUNK, CHUNK // 2]
    body = files.stream(file_id)
    chunks = list(body)
    assert [len(c) for c in chunks] == sizes and b"".join(chunks) == content
    body.close()
    db.session.commit()
    assert db.session.get(StoredFile, file_id) is not None  # kept unless asked to go
    gone = files.stream(file_id, delete_when_closed=True)
    gone.close()
    db.session.commit()  # the test's read transaction ends, and the next one sees the deletion
    assert db.session.scalar(sa.select(StoredFile.id).where(StoredFile.id == file_id)) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FileChunk)) == 0


def test_bytes_are_stored_in_the_same_chunks(app):
    content = b"%PDF" + b"x" * (CHUNK * 2)
    file_id = files.store(db.session, "report.pdf", "application/pdf", content, expires_at=None).id
    db.session.commit()
    sizes = db.session.scalars(sa.select(sa.func.length(FileChunk.data)).where(FileChunk.file_id == file_id)
                               .order_by(FileChunk.seq)).all()
    assert sizes == [CHUNK, CHUNK, 4] and b"".join(files.stream(file_id)) == content


def test_a_file_over_the_limit_is_refused_whole(app, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_MAX_BYTES", 2 * 1024 * 1024)
    with pytest.raises(FileTooLarge, match="larger than the 2 MB allowed") as refused:
        files.store(db.session, "big.pdf", "application/pdf", (b"x" * CHUNK for _ in range(3)), expires_at=None)
    assert refused.value.status == 413
    db.session.commit()  # even a caller that commits keeps nothing of it
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FileChunk)) == 0
    # Exactly at the limit is allowed.
    assert files.store(db.session, "big.pdf", "application/pdf", b"x" * (2 * CHUNK), expires_at=None).size == 2 * CHUNK


def test_file_names_are_safe_ascii(app):
    for name in ("../secret", "Jan Jansen.pdf", "rapport-é.pdf", "", ".hidden"):
        with pytest.raises(ValueError, match="not a safe file name"):
            files.store(db.session, name, "application/pdf", b"x", expires_at=None)


def test_expired_files_are_purged_with_their_chunks(app):
    now = utcnow()
    expired = files.store(db.session, "old.pdf", "application/pdf", b"old", expires_at=now - timedelta(minutes=1))
    later = files.store(db.session, "new.pdf", "application/pdf", b"new", expires_at=now + timedelta(hours=1))
    kept = files.store(db.session, "kept.pdf", "application/pdf", b"kept", expires_at=None)
    ids = expired.id, later.id, kept.id
    db.session.commit()
    assert files.purge_expired(db.session, now) == 1
    db.session.commit()
    left = set(db.session.scalars(sa.select(StoredFile.id)))
    assert left == set(ids[1:])
    assert set(db.session.scalars(sa.select(FileChunk.file_id))) == left


def test_the_purge_command_deletes_expired_files_and_old_tasks(app, dispatched):
    now = utcnow()
    files.store(db.session, "old.pdf", "application/pdf", b"old", expires_at=now - timedelta(minutes=1))
    kept = files.store(db.session, "kept.pdf", "application/pdf", b"kept", expires_at=now + timedelta(hours=1)).id
    old = tasks.enqueue(db.session, "test.echo", {"n": 1}).id
    db.session.execute(sa.update(Task).where(Task.id == old).values(created_at=now - timedelta(days=2)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert result.output == "1 expired file deleted.\n1 old task deleted.\n"
    db.session.commit()
    assert list(db.session.scalars(sa.select(StoredFile.id))) == [kept] and _row(old) is None


def test_the_runners_settings_come_from_the_environment_and_are_checked(tmp_path, monkeypatch):
    from hiring.config import from_environment

    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = from_environment(tmp_path, {})
    assert (settings["REDIS_URL"], settings["TASK_THREADS"], settings["FILE_MAX_BYTES"]) == (None, 1, 200 * CHUNK)
    monkeypatch.setenv("REDIS_URL", "redis://queue.internal:6379/2")
    monkeypatch.setenv("TASK_THREADS", "3")
    monkeypatch.setenv("FILE_MAX_MB", "50")
    settings = from_environment(tmp_path, {})
    assert (settings["REDIS_URL"], settings["TASK_THREADS"], settings["FILE_MAX_BYTES"]) == (
        "redis://queue.internal:6379/2", 3, 50 * CHUNK)
    for name, value in (("TASK_THREADS", "0"), ("TASK_THREADS", "two"), ("FILE_MAX_MB", "-1")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError, match=name):
            from_environment(tmp_path, {})
        monkeypatch.delenv(name)


def test_a_worker_holds_the_modules_features_preload_before_it_forks():
    """A work horse is forked from its worker: Matplotlib, imported by the worker once, costs a chart nothing
    (it took 0.8 s in every horse). Checked in a fresh interpreter, where nothing has imported it yet."""
    import subprocess
    import sys

    code = ("import sys, hiring.analytics.figures; from hiring.tasks import worker; "
            "before = 'matplotlib.figure' in sys.modules; names = worker.preload(); "
            "print(before, 'matplotlib.figure' in names, 'matplotlib.backends.backend_svg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True"]
