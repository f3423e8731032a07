"""Sending one message, at most once: the task "mail.send".

The row is claimed with one UPDATE (queued to sending) that only one process can win, then the message goes
to the mail server (smtplib; MAIL_SERVER) or, without one, is kept (instance/mail/<random>.eml and the row);
once the server has accepted it the row says sent. A process that dies between the claim and that leaves the
row "sending": the sweep later calls it "unknown", never sends it again by itself, and an admin may resend.
A temporary failure (no connection, a 4xx answer) puts it back in the queue with a doubling wait, retried by
the task runner and, past the task's retries, by the sweep (`flask send-mail`, and every successful send);
a permanent one (5xx), or MAIL_MAX_ATTEMPTS failures, leaves it failed. Logs carry ids and codes only: a mail
server's answer may quote the address.
"""
from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from hiring import tasks
from hiring.extensions import db
from hiring.mail import outbox
from hiring.models import OutboxMessage, utcnow
from hiring.models.outbox import FAILED, KEPT, QUEUED, SENDING, SENT, SMTP
from hiring.tasks.registry import kind_of

log = logging.getLogger(__name__)

MAX_WAIT = timedelta(hours=1)  # the longest wait between two attempts
SENT_NOW, RETRY, GAVE_UP, NOT_QUEUED = "sent", "retry", "failed", "not_queued"


class Deferred(Exception):
    """A temporary failure: the task runner tries the task again after its backoff."""


class Refused(Exception):
    """What became of an attempt to hand a message over, as a code; `temporary` when worth trying again."""

    def __init__(self, code: str, temporary: bool):
        super().__init__(code)
        self.code, self.temporary = code, temporary


def build(message: OutboxMessage) -> EmailMessage:
    """The message as e-mail: plain text, the HTML as its alternative, attachments, headers."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to us, please
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    email["Content-Language"] = message.language  # last: setting the content replaces Content-* headers
    return email


def _smtp_code(code: object) -> Refused:
    if isinstance(code, int) and 400 <= code < 600:
        return Refused(f"smtp_{code}", code < 500)
    return Refused("smtp_error", True)


def refused(error: Exception) -> Refused:
    """An exception of smtplib or the network as a code, temporary or not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return _smtp_code(codes[0] if codes else None)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Refused("auth", True)  # the settings are wrong: messages wait until they are mended
    if isinstance(error, smtplib.SMTPResponseException):
        return _smtp_code(error.smtp_code)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Refused("not_supported", True)  # STARTTLS or AUTH not offered: the settings again
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Refused("disconnected", True)
    if isinstance(error, ssl.SSLError):
        return Refused("tls", True)
    if isinstance(error, socket.gaierror):
        return Refused("dns", True)
    if isinstance(error, TimeoutError):
        return Refused("timeout", True)
    if isinstance(error, OSError):
        return Refused("connection", True)
    return Refused("error", True)


def _to_server(email: EmailMessage, recipient: str) -> None:
    """Hand the message to MAIL_SERVER; returns once the server has accepted it, else raises Refused."""
    config = current_app.config
    context = ssl.create_default_context()
    try:
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"],
                                    context=context)
        else:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    except Exception as error:  # noqa: BLE001 - every way of not connecting is a code
        raise refused(error) from None
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email, from_addr=parseaddr(config["MAIL_SENDER"])[1], to_addrs=[recipient])
    except Exception as error:  # noqa: BLE001
        raise refused(error) from None  # from None: the server's words (the address) stay out of the log
    finally:
        # Accepted is accepted: a goodbye that fails changes nothing.
        try:
            smtp.quit()
        except Exception:  # noqa: BLE001
            smtp.close()


def keep(email: EmailMessage, message_id: int) -> None:
    """Without a mail server: write the message to instance/mail/<random>.eml (owner-only), named by its
    Message-ID, never by its address; the row keeps it too, for the admin's "Sent mail" page."""
    token = outbox.file_token(str(email["Message-ID"]))
    if token is None:
        return
    folder = Path(current_app.instance_path) / "mail"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(folder / f"{token}.eml", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(email.as_bytes())
    except OSError as error:  # the row is the record; the file is a convenience
        log.warning("mail %s: .eml not written (%s)", message_id, type(error).__name__)


def claim(engine: sa.Engine, message_id: int) -> bool:
    """Mark the message sending if it is still queued; one UPDATE: of two concurrent claims, one wins."""
    with engine.begin() as connection:
        return connection.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == QUEUED)
            .values(state=SENDING, claimed_at=utcnow(), attempts=OutboxMessage.attempts + 1)).rowcount == 1


def wait_before(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failure: the task kind's doubling backoff, at most
    MAX_WAIT (the task runner's retries wait as long)."""
    kind = kind_of(outbox.SEND)
    seconds = kind.delay_before(attempts) if kind else 30.0 * 2 ** (attempts - 1)
    return min(timedelta(seconds=seconds), MAX_WAIT)


def _record(engine: sa.Engine, message_id: int, **values) -> bool:
    """Write the outcome of this process's claim; False when the row is not ours any more (erased, or given
    up as unknown meanwhile)."""
    with engine.begin() as connection:
        return connection.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == SENDING)
            .values(claimed_at=None, **values)).rowcount == 1


def send(message_id: int) -> str:
    """Send one message if it is queued, at most once: SENT_NOW, RETRY, GAVE_UP or NOT_QUEUED."""
    engine = db.engine
    if not claim(engine, message_id):
        return NOT_QUEUED
    try:
        message = db.session.scalars(sa.select(OutboxMessage).options(selectinload(OutboxMessage.attachments))
                                     .where(OutboxMessage.id == message_id)).one_or_none()
        if message is None:  # erased between the claim and now
            return NOT_QUEUED
        email = build(message)
        attempts, recipient = message.attempts, message.recipient
    finally:
        db.session.rollback()  # nothing written: the read ends here
    try:
        if current_app.config.get("MAIL_SERVER"):
            _to_server(email, recipient)
            delivery = SMTP
        else:
            keep(email, message_id)
            delivery = KEPT
    except Refused as outcome:
        if outcome.temporary and attempts < current_app.config["MAIL_MAX_ATTEMPTS"]:
            log.warning("mail %s: attempt %d failed (%s), queued again", message_id, attempts, outcome.code)
            _record(engine, message_id, state=QUEUED, error=outcome.code,
                    next_attempt_at=utcnow() + wait_before(attempts))
            return RETRY
        log.warning("mail %s: attempt %d failed (%s), given up", message_id, attempts, outcome.code)
        _record(engine, message_id, state=FAILED, error=outcome.code, next_attempt_at=None)
        return GAVE_UP
    if not _record(engine, message_id, state=SENT, delivery=delivery, sent_at=utcnow(), error=None,
                   next_attempt_at=None):
        log.warning("mail %s: sent, but no longer claimed by this process", message_id)
    log.info("mail %s: sent (%s), attempt %d", message_id, delivery, attempts)
    return SENT_NOW


def _send_task(task, progress) -> None:
    """The task: send one message; once the mail server answers again, send whatever else waited for it."""
    message_id = int(task.params["message"])
    outcome = send(message_id)
    if outcome == RETRY:
        raise Deferred("retry")  # the runner tries again after the same backoff as the row's next attempt
    if outcome == GAVE_UP:
        raise tasks.Failed("refused")
    if outcome == SENT_NOW and current_app.config.get("MAIL_SERVER"):
        _hand_on_waiting(message_id)


def _hand_on_waiting(sent_id: int) -> None:
    """The server took a message: hand on the others that are due (say, queued while it was down)."""
    if not outbox.due_ids(db.session, utcnow(), limit=1, exclude=sent_id):
        db.session.rollback()
        return
    outbox.sweep(db.session)
    db.session.commit()


# Four more attempts after the first, half a minute apart and doubling (7.5 minutes in all); then the sweep.
# One attempt takes at most a few MAIL_TIMEOUTs.
tasks.register(outbox.SEND, _send_task, retries=4, backoff=30.0, timeout=5 * 60, give_up_after=60 * 60)
