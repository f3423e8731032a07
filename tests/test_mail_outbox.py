"""The outbox: written in the action's transaction, sent by the task runner over SMTP to a real server in the
test process (aiosmtpd), at most once, retried while the server is down or says "later", failed when it
refuses; kept as .eml without a mail server; erased with the candidate."""
from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring import tasks
from hiring.config import from_environment
from hiring.extensions import db
from hiring.mail import outbox, sending
from hiring.models import OutboxAttachment, OutboxMessage, Task, utcnow
from hiring.privacy.anonymise import anonymise
from hiring.tasks import runner as task_runner
from tests import factories
from tests.conftest import TEST_REDIS_URL
from tests.mail_helpers import SmtpServer, queue

ADDRESS = "jan.jansen@example.test"


@pytest.fixture
def dispatched(monkeypatch):
    """What is handed to the runner, instead of running it: the tests perform tasks themselves."""
    handed = []
    monkeypatch.setattr(task_runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append((task_id, delay)))
    return handed


@pytest.fixture
def smtp(app, monkeypatch):
    """A mail server the app is set to send to, down until the test starts it."""
    server = SmtpServer()
    for key, value in server.settings().items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _sending_on(app, monkeypatch):
    """The outbox's own tests hand messages to the task runner, as production does (conftest turns it off)."""
    monkeypatch.setitem(app.config, "MAIL_BACKGROUND", True)


@pytest.fixture(autouse=True)
def _idle():
    yield
    assert task_runner.wait_idle(60), "a task outlived its test"


def _row(message_id: int) -> OutboxMessage | None:
    with Session(db.engine) as session:
        row = session.get(OutboxMessage, message_id)
        session.expunge_all()
        return row


def _task_of(message_id: int) -> Task:
    with Session(db.engine) as session:
        task = session.scalars(sa.select(Task).where(Task.kind == outbox.SEND).order_by(Task.created_at.desc())
                               ).first()
        assert task.params == {"message": message_id}
        session.expunge_all()
        return task


def _perform(app, message_id: int) -> Task:
    """Run the message's latest task, as a worker would."""
    task = _task_of(message_id)
    if task.state != tasks.QUEUED:  # the runner gave it up; a retry by the runner re-queues it
        with db.engine.begin() as connection:
            connection.execute(sa.update(Task).where(Task.id == task.id).values(state=tasks.QUEUED))
    task_runner.perform(task.id, app)
    return _task_of(message_id)


def test_a_message_arrives_with_its_headers_and_parts(app, smtp, dispatched):
    smtp.start()
    message_id = queue(html="<p>Dear Jan,</p><p><a href='https://example.test/x'>Thank you</a></p>",
                       attachments=[("invite.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
    assert len(dispatched) == 1  # handed on once the transaction committed
    task = _perform(app, message_id)
    assert task.state == tasks.DONE
    (envelope,) = smtp.handler.envelopes
    assert envelope.mail_from == "jobs@example.test" and envelope.rcpt_tos == [ADDRESS]
    (mail,) = smtp.handler.messages()
    row = _row(message_id)
    assert mail["From"] == "Jobs <jobs@example.test>" and mail["To"] == ADDRESS
    assert mail["Subject"] == "Your application" and mail["Message-ID"] == row.message_id
    assert mail["Date"] and mail["Content-Language"] == "en" and mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content_type() == "multipart/mixed"
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == "Dear Jan,\n\nThank you."
    assert "https://example.test/x" in mail.get_body(("html",)).get_content()
    (ics,) = list(mail.iter_attachments())
    assert ics.get_filename() == "invite.ics" and ics.get_content_type() == "text/calendar"
    assert ics.get_content().startswith("BEGIN:VCALENDAR")
    assert (row.state, row.delivery, row.attempts, row.error) == ("sent", "smtp", 1, None) and row.sent_at


def test_a_rolled_back_action_sends_nothing(app, dispatched):
    queue(commit=False)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0 and dispatched == []


def test_one_address_only_and_no_header_breaks(app, dispatched):
    for bad in ("", "jan", "a@b.test, c@d.test", "jan@example.test\r\nBcc: x@y.test", "<jan@example.test>"):
        with pytest.raises(ValueError):
            queue(commit=False, to=bad)
    with pytest.raises(ValueError):
        queue(commit=False, attachments=[("big.bin", "application/octet-stream", b"x" * (1024 * 1024 + 1))])
    db.session.rollback()
    message_id = queue(subject="Line one\r\nBcc: someone@example.test")
    assert _row(message_id).subject == "Line one Bcc: someone@example.test"  # one line: no header injected


def test_a_server_that_is_down_leaves_it_queued_and_it_goes_when_the_server_is_back(app, smtp, dispatched,
                                                                                        runner):
    message_id = queue()
    task = _perform(app, message_id)
    row = _row(message_id)
    assert (row.state, row.attempts, row.error) == ("queued", 1, "connection")
    assert row.next_attempt_at > utcnow() and row.claimed_at is None
    # The task runner tries again after the same wait (its kind's backoff).
    assert task.state == tasks.QUEUED and dispatched[-1] == (task.id, 30.0)
    assert runner.invoke(args=["send-mail"]).output.startswith("0 messages sent.")  # not due yet

    smtp.start()
    with db.engine.begin() as connection:  # the wait is over
        connection.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "1 message sent." in result.output
    assert len(smtp.handler.envelopes) == 1 and _row(message_id).state == "sent"
    # The runner's retry comes later and finds nothing to do: sent once.
    _perform(app, message_id)
    assert len(smtp.handler.envelopes) == 1 and _row(message_id).attempts == 2


def test_a_temporary_refusal_is_retried_and_then_accepted(app, smtp, dispatched):
    smtp.start()
    smtp.handler.rcpt_answers = ["451 4.3.0 Jan Jansen's mailbox is busy, try later"]
    message_id = queue()
    _perform(app, message_id)
    row = _row(message_id)
    assert (row.state, row.error, row.attempts) == ("queued", "smtp_451", 1) and smtp.handler.envelopes == []
    task = _perform(app, message_id)  # the runner's retry
    assert task.state == tasks.DONE and len(smtp.handler.envelopes) == 1
    row = _row(message_id)
    assert (row.state, row.error, row.attempts) == ("sent", None, 2)


def test_a_permanent_refusal_fails_with_a_code_and_no_address_in_the_log(app, smtp, dispatched, caplog):
    caplog.set_level(logging.INFO)
    smtp.start()
    smtp.handler.rcpt_answers = [f"550 5.1.1 <{ADDRESS}>: Recipient address rejected"]
    message_id = queue()
    task = _perform(app, message_id)
    row = _row(message_id)
    assert (row.state, row.error, row.attempts) == ("failed", "smtp_550", 1)
    assert (task.state, task.error) == ("failed", "refused") and dispatched[-1][1] == 0.0  # no retry asked for
    ours = "\n".join(logging.Formatter().format(r) for r in caplog.records if r.name.startswith("hiring"))
    assert "jansen" not in ours.lower() and f"mail {message_id}" in ours  # (the test server logs it: not ours)


def test_too_many_attempts_fail(app, smtp, dispatched, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    message_id = queue()
    _perform(app, message_id)
    assert _row(message_id).state == "queued"
    _perform(app, message_id)
    row = _row(message_id)
    assert (row.state, row.error, row.attempts) == ("failed", "connection", 2)


def test_the_wait_doubles_up_to_an_hour(app):
    assert [sending.wait_before(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert sending.wait_before(20) == timedelta(hours=1)


def test_a_worker_that_dies_after_the_claim_leaves_it_unknown_never_resent(app, smtp, dispatched, runner):
    smtp.start()
    message_id = queue()
    assert sending.claim(db.engine, message_id)  # ... and the process died here
    _perform(app, message_id)  # the task again (a duplicate from the queue): the claim is taken
    assert _row(message_id).state == "sending" and smtp.handler.envelopes == []
    assert outbox.sweep(db.session, utcnow() + timedelta(minutes=5)).unknown == 0  # not yet
    swept = outbox.sweep(db.session, utcnow() + outbox.SENDING_TIMEOUT + timedelta(seconds=1))
    db.session.commit()
    assert swept == outbox.Sweep(handed_on=0, unknown=1)
    row = _row(message_id)
    assert (row.state, row.error) == ("unknown", "interrupted")
    runner.invoke(args=["send-mail"])
    _perform(app, message_id)
    assert smtp.handler.envelopes == [] and _row(message_id).state == "unknown"


def test_a_worker_that_dies_after_the_server_took_it_never_sends_it_twice(app, smtp, dispatched, monkeypatch):
    smtp.start()
    message_id = queue()
    record = sending._record

    def dies_before_recording_sent(engine, message_id, **values):
        if values.get("state") == "sent":
            raise SystemExit("killed")  # like a worker killed between the server's 250 and our UPDATE
        return record(engine, message_id, **values)

    monkeypatch.setattr(sending, "_record", dies_before_recording_sent)
    with pytest.raises(SystemExit):
        sending.send(message_id)
    monkeypatch.setattr(sending, "_record", record)
    assert len(smtp.handler.envelopes) == 1 and _row(message_id).state == "sending"
    for _ in range(2):
        _perform(app, message_id)
        outbox.sweep(db.session, utcnow() + outbox.SENDING_TIMEOUT + timedelta(seconds=1))
        db.session.commit()
    assert len(smtp.handler.envelopes) == 1 and _row(message_id).state == "unknown"


def test_two_concurrent_sends_of_one_message_send_it_once(app, smtp, dispatched):
    smtp.start()
    message_id = queue()
    start = threading.Barrier(2)
    outcomes = []

    def send():
        with app.app_context():
            start.wait()
            outcomes.append(sending.send(message_id))
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["not_queued", "sent"] and len(smtp.handler.envelopes) == 1
    assert _row(message_id).attempts == 1


def test_once_the_server_answers_the_messages_that_waited_are_handed_on(app, smtp, dispatched):
    first = queue()
    _perform(app, first)
    assert _row(first).state == "queued"
    with db.engine.begin() as connection:
        connection.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    smtp.start()
    second = queue(to="piet@example.test")
    dispatched.clear()
    _perform(app, second)
    assert _row(second).state == "sent"
    # The first one's task, waiting for its retry, is handed on again (dispatch), not asked for twice.
    assert len(db.session.scalars(sa.select(Task).where(Task.kind == outbox.SEND)).all()) == 2


def test_without_a_mail_server_messages_are_kept_as_eml_named_by_their_id(app, dispatched):
    assert app.config["MAIL_SERVER"] is None
    message_id = queue(html="<p>Hi</p>")
    task = _perform(app, message_id)
    row = _row(message_id)
    assert task.state == tasks.DONE and (row.state, row.delivery) == ("sent", "kept")
    token = outbox.file_token(row.message_id)
    path = Path(app.instance_path) / "mail" / f"{token}.eml"
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == ADDRESS and mail["Message-ID"] == row.message_id
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert all("jan" not in p.name.lower() for p in path.parent.iterdir())


def test_erasing_a_candidate_removes_their_messages(app, dispatched):
    candidate = factories.candidate(email=ADDRESS)
    other = factories.candidate()
    db.session.commit()
    theirs = queue(candidate_id=candidate.id, attachments=[("a.ics", "text/calendar", b"x")])
    db.session.execute(sa.update(OutboxMessage).values(state="failed", error="smtp_550"))
    copy = outbox.resend(db.session, db.session.get(OutboxMessage, theirs)).id  # an admin sent it again
    db.session.commit()
    kept = queue(to="someone@example.test", candidate_id=other.id)
    anonymise(db.session, [candidate.id], utcnow())
    db.session.commit()
    assert _row(theirs) is None and _row(copy) is None and _row(kept) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxAttachment)) == 0
    with db.engine.connect() as connection:
        assert ADDRESS not in repr(connection.execute(sa.select(OutboxMessage.__table__)).all())


def test_a_deleted_user_takes_their_messages(app, dispatched):
    user = factories.user()
    db.session.commit()
    message_id = queue(to=user.email, user_id=user.id)
    db.session.delete(user)
    db.session.commit()
    assert _row(message_id) is None


def test_in_thread_mode_it_is_sent_after_commit(app, smtp):
    smtp.start()
    message_id = queue()
    assert task_runner.wait_idle(30)
    assert len(smtp.handler.envelopes) == 1 and _row(message_id).state == "sent"


def _work(connection) -> None:
    from rq import Queue, SimpleWorker

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([Queue(task_runner.QUEUE, connection=connection)], connection=connection).work(
            burst=True, logging_level="WARNING")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_with_rq_a_worker_sends_it(make_app, redis_db):
    server = SmtpServer()
    server.start()
    try:
        app = make_app(REDIS_URL=TEST_REDIS_URL, MAIL_BACKGROUND=True, **server.settings())
        with app.app_context():
            message_id = queue()
            assert server.handler.envelopes == []  # nothing sent by the web process
            _work(redis_db)
            assert len(server.handler.envelopes) == 1 and _row(message_id).state == "sent"
    finally:
        server.stop()


def test_the_mail_settings_come_from_the_environment_and_are_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.test")
    monkeypatch.setenv("MAIL_USE_TLS", "1")
    monkeypatch.setenv("MAIL_USERNAME", "jobs")
    monkeypatch.setenv("MAIL_PASSWORD", "secret")
    monkeypatch.setenv("MAIL_SENDER", "Jobs <jobs@example.test>")
    settings = from_environment(tmp_path, {})
    assert (settings["MAIL_PORT"], settings["MAIL_USE_TLS"], settings["MAIL_TIMEOUT"],
            settings["MAIL_MAX_ATTEMPTS"]) == (587, True, 30, 10)
    for name, value, words in (("MAIL_USE_SSL", "1", "cannot both"), ("MAIL_PORT", "99999", "port number"),
                               ("MAIL_SENDER", "", "must be set"), ("MAIL_SENDER", "jobs", "e-mail address"),
                               ("MAIL_MAX_ATTEMPTS", "0", "whole number"), ("MAIL_TIMEOUT", "soon", "seconds")):
        with monkeypatch.context() as m:
            m.setenv(name, value)
            with pytest.raises(ValueError, match=words):
                from_environment(tmp_path, {})
    monkeypatch.delenv("MAIL_SERVER")
    monkeypatch.delenv("MAIL_SENDER")
    monkeypatch.delenv("MAIL_USE_TLS")
    settings = from_environment(tmp_path, {})
    assert (settings["MAIL_SERVER"], settings["MAIL_SENDER"], settings["MAIL_PORT"]) == (None, "no-reply@localhost", 25)
