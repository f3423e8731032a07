"""PostgreSQL under contention: the same row saved by two requests at once, and requests stuck behind a lock.

On PostgreSQL two requests may both check "not there yet" before either inserts; the unique constraint then
refuses the second insert. The losers must get the answer SQLite gives (whose BEGIN IMMEDIATE queues the
requests): a clear 409, or for an import the list of rows already imported, never a 500. To make the race
happen every time rather than now and then, the test holds a SHARE lock on the table while both requests
run: both read (reads pass a SHARE lock), both then wait at their INSERT, and the test lets them go together.
The races also run on SQLite, unforced, to show that both databases answer alike.

A request waiting for a lock held elsewhere (a long migration, a stuck transaction) is cancelled by the lock
or statement timeout and answers 503 "try again" instead of hanging; the app carries on once the lock goes.
"""
from __future__ import annotations

import io
import logging
import threading
import time
from contextlib import contextmanager

import click
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hiring.config import engine_options, from_environment
from hiring.extensions import db
from hiring.models import Application, AuditEvent, Candidate, InterviewAssignment, Role, Stage
from hiring.postgres import is_timeout, is_unique_violation
from tests import factories

def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def only_on_postgresql() -> None:
    if not _postgresql():
        pytest.skip("PostgreSQL only (set TEST_DATABASE_URL): SQLite has no statement or lock timeouts; "
                    "a writer waits for another up to its busy timeout (hiring/sqlite.py)")


@contextmanager
def holding(table: str, mode: str):
    """Hold `LOCK TABLE table IN mode MODE` in a transaction of its own; yields a function that waits until
    `n` other transactions are queued for a lock on the table. A no-op on SQLite."""
    if not _postgresql():
        yield lambda n, give_up=None: None
        return
    with db.engine.connect() as holder:
        holder.execute(sa.text(f"LOCK TABLE {table} IN {mode} MODE"))

        def waiting_for(n: int, give_up=lambda: False) -> None:
            deadline = time.monotonic() + 30
            while holder.scalar(sa.text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE NOT l.granted AND c.relname = :table "
                    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                    {"table": table}) < n:
                if give_up():
                    return
                assert time.monotonic() < deadline, f"fewer than {n} requests came to wait for {table}"
                time.sleep(0.02)

        yield waiting_for
        holder.rollback()


def race(app, table: str, senders) -> list[tuple[int, str]]:
    """Each (user, send) signs in on a client of its own and calls send(client) at the same moment, while
    inserts into `table` are held until all of them wait there; returns (status, body) in order.

    Everything runs in worker threads, so that each request has its own app context and session (the
    test's own context would share its signed-in user and session with every request).
    """
    plan = [(user.email, send) for user, send in senders]
    db.session.commit()  # the test's session holds no transaction, hence no lock, while the race runs
    barrier = threading.Barrier(len(plan))
    results: list[tuple[int, str] | None] = [None] * len(plan)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            email, send = plan[i]
            client = app.test_client()
            signed_in = client.post("/login", data={"email": email, "password": factories.PASSWORD})
            assert signed_in.status_code == 302, "sign-in failed"
            barrier.wait(timeout=30)
            response = send(client)
            results[i] = (response.status_code, response.get_data(as_text=True))
        except BaseException as error:  # noqa: BLE001  (reported in the main thread below)
            errors.append(error)
            barrier.abort()

    with holding(table, "SHARE") as waiting_for:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(plan))]
        for thread in threads:
            thread.start()
        waiting_for(len(plan), give_up=lambda: bool(errors))
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(r is not None for r in results), "a request did not finish"
    db.session.expire_all()
    return results


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- the same row saved twice at once ----------------------------------------------------------------------

def test_two_adds_of_the_same_candidate_at_once_add_one_and_refuse_the_other(app):
    job = factories.job(title="Loyalty team")
    ann, bob = factories.user(Role.RECRUITER), factories.user(Role.RECRUITER)
    form = {"name": "Dana Duplicate", "email": "dana@example.org", "job_id": str(job.id)}

    results = race(app, "candidates", [(u, lambda c: c.post("/pipeline/candidates/new", data=form))
                                       for u in (ann, bob)])

    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 409], statuses
    loser = next(body for status, body in results if status == 409)
    assert "has already applied to Loyalty team" in loser
    assert _count(Candidate) == 1 and _count(Application) == 1


def test_the_same_candidate_added_to_two_jobs_at_once_gets_both_applications(app):
    """As on SQLite, the second request recognises the person the first one added."""
    first, second = factories.job(title="Loyalty team"), factories.job(title="Night shift")
    ann, bob = factories.user(Role.RECRUITER), factories.user(Role.RECRUITER)

    def add(job):
        form = {"name": "Dana Duplicate", "email": "dana@example.org", "job_id": str(job.id)}
        return lambda c: c.post("/pipeline/candidates/new", data=form)

    results = race(app, "candidates", [(ann, add(first)), (bob, add(second))])

    assert [status for status, _ in results] == [302, 302]
    assert _count(Candidate) == 1 and _count(Application) == 2


def test_two_identical_assignments_at_once_assign_once(app):
    application = factories.application(stage=Stage.SCREENING)
    interviewer = factories.user(Role.INTERVIEWER, name="Ivy Interviewer")
    ann, bob = factories.user(Role.RECRUITER), factories.user(Role.RECRUITER)
    prefix = f"i{application.id}-"
    form = {prefix + "interviewer_id": str(interviewer.id), prefix + "kind": "values"}
    url = f"/pipeline/applications/{application.id}/assign"

    results = race(app, "interview_assignments", [(u, lambda c: c.post(url, data=form)) for u in (ann, bob)])

    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 409], statuses
    loser = next(body for status, body in results if status == 409)
    assert "Ivy Interviewer is already assigned to this Values interview." in loser
    assert _count(InterviewAssignment) == 1
    assert _count(AuditEvent, AuditEvent.action == "interviewer_assigned") == 1


def test_two_imports_of_the_same_file_at_once_import_it_once(app):
    factories.job(title="Loyalty team")
    factories.candidate(email="known@example.org")  # recognised by both, applied to by one
    ann, bob = factories.user(Role.RECRUITER), factories.user(Role.RECRUITER)
    content = ("name,email,job\n" + "".join(f"Person {i},person{i}@example.org,Loyalty team\n" for i in range(30))
               + "Known,known@example.org,Loyalty team\n").encode()

    def send(client):
        return client.post("/pipeline/import", data={"file": (io.BytesIO(content), "c.csv")},
                           content_type="multipart/form-data")

    results = race(app, "candidates", [(ann, send), (bob, send)])

    statuses = sorted(status for status, _ in results)
    # The second import is refused as it is when sent a moment later: every row is already there.
    assert statuses == [302, 400], statuses
    loser = next(body for status, body in results if status == 400)
    assert "Nothing was imported: 31 problems in the file." in loser
    assert "person0@example.org has already applied to Loyalty team." in loser
    assert _count(Candidate) == 31 and _count(Application) == 31
    assert _count(AuditEvent, AuditEvent.action == "candidates_imported") == 1


def test_a_duplicate_that_escapes_a_view_answers_409_and_logs_no_personal_data(client, login_as, monkeypatch,
                                                                             caplog):
    """The fallback: a unique violation no service caught (a third request in a race) is a conflict."""
    from hiring.pipeline import service

    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    factories.candidate(email="taken@example.org")
    db.session.commit()

    def add_twice(session, **_kwargs):
        session.add(Candidate(name="Secret Name", email="taken@example.org"))
        session.flush()

    monkeypatch.setattr(service, "add_candidate", add_twice)
    with caplog.at_level(logging.WARNING):
        response = client.post("/pipeline/candidates/new", data={
            "name": "Secret Name", "email": "taken@example.org", "job_id": str(job.id)})
    assert response.status_code == 409
    assert "Someone else saved the same thing at the same moment" in response.get_data(as_text=True)
    assert "Concurrent duplicate refused" in caplog.text
    assert "taken@example.org" not in caplog.text and "Secret Name" not in caplog.text
    assert _count(Candidate) == 1


def test_another_refusal_by_the_database_stays_a_500_and_logs_no_personal_data(client, login_as, monkeypatch,
                                                                             caplog):
    from hiring.pipeline import service

    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    db.session.commit()

    def nameless(session, **_kwargs):
        session.add(Candidate(name=None, email="private@example.org"))  # NOT NULL: a bug, not a race
        session.flush()

    monkeypatch.setattr(service, "add_candidate", nameless)
    with caplog.at_level(logging.WARNING):
        response = client.post("/pipeline/candidates/new", data={
            "name": "x", "email": "private@example.org", "job_id": str(job.id)})
    assert response.status_code == 500
    assert "Unhandled error" in caplog.text and "private@example.org" not in caplog.text
    assert _count(Candidate) == 0


def test_unique_violations_are_told_from_other_refusals(app):
    factories.candidate(email="one@example.org")
    db.session.commit()
    for row in ({"name": "Two", "email": "one@example.org"}, {"name": None, "email": "two@example.org"}):
        db.session.add(Candidate(**row))
        with pytest.raises(IntegrityError) as caught:
            db.session.flush()
        db.session.rollback()
        assert is_unique_violation(caught.value) is (row["name"] is not None)
        assert not is_timeout(caught.value)


# --- held locks and timeouts --------------------------------------------------------------------------------

def _get_in_thread(client, url: str, wait: float = 30):
    """GET url from another thread; the response, or None when it did not come within `wait` seconds
    (without a timeout it would wait for as long as the lock is held)."""
    box = []
    thread = threading.Thread(target=lambda: box.append(client.get(url)), daemon=True)
    thread.start()
    thread.join(timeout=wait)
    return box[0] if box else None


def _busy_then_back(make_app, caplog, sqlstate: str, **timeouts) -> None:
    recruiter = factories.user(Role.RECRUITER)
    factories.application(factories.job(title="Loyalty team"), factories.candidate(name="Lena Locked"))
    db.session.commit()
    other = make_app(**timeouts)  # its own app, so that every request has its own context and session
    client = other.test_client()
    assert client.post("/login", data={"email": recruiter.email, "password": factories.PASSWORD}).status_code == 302

    with holding("candidates", "ACCESS EXCLUSIVE"), caplog.at_level(logging.WARNING):
        response = _get_in_thread(client, "/pipeline/")
        assert response is not None, "the candidate list waited for the lock instead of giving up"
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        page = response.get_data(as_text=True)
        assert "Temporarily unavailable" in page and "too busy to answer" in page
    assert "Database too slow to answer: " in caplog.text and f"SQLSTATE {sqlstate}" in caplog.text
    assert "SELECT" not in caplog.text and "Lena Locked" not in caplog.text

    # The lock is gone: the same client, still signed in, gets its page; nothing was restarted.
    page = client.get("/pipeline/")
    assert page.status_code == 200 and "Lena Locked" in page.get_data(as_text=True)


def test_a_held_table_lock_answers_503_after_the_lock_timeout_and_the_app_recovers(app, make_app, caplog):
    only_on_postgresql()
    _busy_then_back(make_app, caplog, "55P03", DATABASE_LOCK_TIMEOUT_MS=300, DATABASE_STATEMENT_TIMEOUT_MS=0)


def test_a_statement_running_too_long_answers_503_and_the_app_recovers(app, make_app, caplog):
    only_on_postgresql()
    _busy_then_back(make_app, caplog, "57014", DATABASE_LOCK_TIMEOUT_MS=0, DATABASE_STATEMENT_TIMEOUT_MS=500)


def test_every_connection_has_the_timeouts_and_flask_commands_only_the_lock_timeout(app, make_app):
    only_on_postgresql()
    assert db.session.execute(sa.text("SELECT current_setting('statement_timeout'), "
                                      "current_setting('lock_timeout')")).one() == ("15s", "5s")
    db.session.rollback()

    other = make_app(DATABASE_STATEMENT_TIMEOUT_MS=1500, DATABASE_LOCK_TIMEOUT_MS=250)

    @other.cli.command("show-timeouts")
    def show_timeouts():
        for _ in range(2):  # and again in a second transaction
            row = db.session.execute(sa.text("SELECT current_setting('statement_timeout'), "
                                             "current_setting('lock_timeout')")).one()
            click.echo(" ".join(row))
            db.session.commit()

    with other.app_context():  # as `flask` gives it; the test's own context is the session's app
        result = other.test_cli_runner().invoke(args=["show-timeouts"])
    assert result.exit_code == 0, result.output
    assert result.output.split("\n")[:2] == ["0 250ms", "0 250ms"]
    with other.test_request_context("/"):  # the pooled connection is bounded again for a request
        assert db.session.execute(sa.text("SELECT current_setting('statement_timeout')")).scalar() == "1500ms"
        db.session.rollback()


# --- settings ---------------------------------------------------------------------------------------------

def _settings(url: str, **extra) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "DATABASE_STATEMENT_TIMEOUT_MS": 15000,
            "DATABASE_LOCK_TIMEOUT_MS": 5000, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}, **extra}


def test_timeouts_go_to_postgresql_connections_only():
    assert engine_options(_settings("sqlite:///x.sqlite")) == {"pool_pre_ping": True}
    assert engine_options(_settings("postgresql+psycopg://db/hiring")) == {
        "pool_pre_ping": True, "connect_args": {"options": "-c statement_timeout=15000 -c lock_timeout=5000"}}
    # Options of the operator's own are kept, and the settings they came with are not changed.
    settings = _settings("postgresql+psycopg://db/hiring", DATABASE_LOCK_TIMEOUT_MS=0,
                         SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c search_path=hr"}})
    assert engine_options(settings)["connect_args"]["options"] == (
        "-c search_path=hr -c statement_timeout=15000 -c lock_timeout=0")
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"] == {"connect_args": {"options": "-c search_path=hr"}}


def test_timeouts_are_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://db/hiring")
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "30000")
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_MS", "0")
    settings = from_environment(tmp_path, {"SECRET_KEY": "x"})
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"] == (
        "-c statement_timeout=30000 -c lock_timeout=0")
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_MS", "5s")
    with pytest.raises(ValueError, match="DATABASE_LOCK_TIMEOUT_MS must be a whole number of milliseconds"):
        from_environment(tmp_path, {"SECRET_KEY": "x"})
