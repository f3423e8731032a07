"""Writing messages into the outbox (in the caller's transaction), copying one for a resend, and the sweep
that hands on the messages whose next attempt is due and gives up on claims nobody finished."""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from hiring import tasks
from hiring.errors import Conflict
from hiring.models import OutboxAttachment, OutboxMessage, utcnow
from hiring.models.outbox import QUEUED, SENDING, UNKNOWN

SEND = "mail.send"  # the task kind that sends one message (hiring/mail/sending.py); params {"message": id}
# A message claimed this long ago and still "sending": the process that claimed it died (the kind's timeout
# is much shorter). It may have gone out or not, so it is never sent again by itself: "unknown".
SENDING_TIMEOUT = timedelta(minutes=10)
MAX_ATTACHMENT_BYTES = 1024 * 1024  # an invitation's .ics is a few kB; larger files are links, not mail
SWEEP_BATCH = 500
# One address: no spaces, no second address, no header breaks (the row holds what goes into To:).
ADDRESS = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+|[^@\s,;<>\"]+@localhost")
TOKEN = re.compile(r"<([0-9a-f]{32})@[^>]+>")


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message."""

    filename: str
    content_type: str
    content: bytes


def _one_line(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def new_message_id() -> str:
    """A Message-ID on the sender's domain, random: it names the message and its kept .eml file."""
    from email.utils import parseaddr

    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


def file_token(message_id: str) -> str | None:
    """The random part of a Message-ID made here: the kept .eml file's name. None for any other."""
    match = TOKEN.fullmatch(message_id)
    return match.group(1) if match else None


class AddressRefused(ValueError):
    """The recipient's address is not one the outbox sends to (a quoted local part a form let through): the
    caller decides whether its action stands without the message. Other ValueErrors are callers' mistakes."""


def queue(session: Session, *, to: str, subject: str, text: str, html: str | None = None, kind: str,
          language: str, user_id: int | None = None, candidate_id: int | None = None,
          attachments: Iterable[Attachment | tuple[str, str, bytes]] = ()) -> OutboxMessage:
    """Write a message into the outbox in the caller's transaction; the task runner sends it once that
    commits (a rolled-back action sends nothing). Flushes; the caller commits.

    `to` is one address (ValueError otherwise: callers pass addresses their forms checked); give the
    recipient's `candidate_id` or `user_id` so that the message goes with them when they are erased.
    """
    to = to.strip()
    if not ADDRESS.fullmatch(to) or len(to) > 320:
        raise AddressRefused("not one e-mail address")
    files = [a if isinstance(a, Attachment) else Attachment(*a) for a in attachments]
    for file in files:
        if not file.content or len(file.content) > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"an attachment must hold 1 to {MAX_ATTACHMENT_BYTES} bytes")
        if "/" not in file.content_type or not _one_line(file.filename, 200):
            raise ValueError("an attachment needs a file name and a content type such as text/calendar")
    message = OutboxMessage(
        recipient=to, user_id=user_id, candidate_id=candidate_id, kind=kind[:40], language=language[:10],
        subject=_one_line(subject, 300), text_body=text, html_body=html or None, message_id=new_message_id(),
        state=QUEUED, attempts=0, created_at=utcnow(),
        attachments=[OutboxAttachment(filename=_one_line(f.filename, 200), content_type=_one_line(f.content_type, 100),
                                      content=f.content) for f in files])
    session.add(message)
    session.flush()
    if current_app.config.get("MAIL_BACKGROUND", True):
        tasks.enqueue(session, SEND, {"message": message.id})
    return message


def resend(session: Session, message: OutboxMessage) -> OutboxMessage:
    """Queue a copy of a message (a new Message-ID, sent afresh); Conflict while the message itself is still
    queued or being sent. Flushes; the caller commits (with its audit event)."""
    if message.state in (QUEUED, SENDING):
        raise Conflict("still being sent")
    copy = queue(session, to=message.recipient, subject=message.subject, text=message.text_body,
                 html=message.html_body, kind=message.kind, language=message.language, user_id=message.user_id,
                 candidate_id=message.candidate_id,
                 attachments=[Attachment(a.filename, a.content_type, a.content) for a in message.attachments])
    copy.resend_of_id = message.id
    return copy


@dataclass(frozen=True)
class Sweep:
    """What a sweep did: messages handed on to be sent, claims given up as unknown."""

    handed_on: int
    unknown: int


def give_up_stale_claims(session: Session, now: datetime) -> int:
    """Mark "unknown" the messages claimed more than SENDING_TIMEOUT ago and still sending; how many."""
    return session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.state == SENDING, OutboxMessage.claimed_at < now - SENDING_TIMEOUT)
        .values(state=UNKNOWN, error="interrupted")
        .execution_options(synchronize_session=False)).rowcount


def due_ids(session: Session, now: datetime, *, limit: int = SWEEP_BATCH, exclude: int | None = None) -> list[int]:
    """The queued messages whose next attempt has come, longest waiting first."""
    query = (sa.select(OutboxMessage.id)
             .where(OutboxMessage.state == QUEUED,
                    sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if exclude is not None:
        query = query.where(OutboxMessage.id != exclude)
    return list(session.scalars(query))


def sweep(session: Session, now: datetime | None = None) -> Sweep:
    """Give up on stale claims, and ask the task runner to send every message that is due (once per message
    while its task is pending). In the caller's transaction; the caller commits."""
    now = now or utcnow()
    unknown = give_up_stale_claims(session, now)
    ids = due_ids(session, now)
    for message_id in ids:
        tasks.enqueue(session, SEND, {"message": message_id})
    return Sweep(handed_on=len(ids), unknown=unknown)
