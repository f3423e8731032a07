"""The outbox: every e-mail the app sends, written in the transaction of the action that causes it and sent by
the task runner (hiring/mail/).

The recipient's address, the subject and the bodies are personal data and live in these rows only: logs,
audit events, task parameters and file names name a message by its id. A message to a candidate goes with
the candidate: deleted with the row (ON DELETE CASCADE) and by erasure (hiring/privacy/anonymise.py), which
keeps the candidate's row; a message to a user goes with the user's account.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, utcnow

# queued: waiting to be sent (again, after `next_attempt_at`); sending: claimed by one process; sent: the mail
# server accepted it (or, without a mail server, it was kept); failed: refused for good, or too many attempts;
# unknown: a process claimed it and was not heard of again, so it may or may not have gone out (never sent
# again by itself: an admin may resend it).
QUEUED, SENDING, SENT, FAILED, UNKNOWN = "queued", "sending", "sent", "failed", "unknown"
STATES = (QUEUED, SENDING, SENT, FAILED, UNKNOWN)
# How a sent message went: to the mail server (MAIL_SERVER), or kept here (no mail server: the demo).
SMTP, KEPT = "smtp", "kept"
DELIVERIES = (SMTP, KEPT)


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(repr(v) for v in values)


class OutboxMessage(Base):
    """One e-mail to one address: what it says, and how far its sending got."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint(f"state IN ({_in(STATES)})", name="state_known"),
        sa.CheckConstraint(f"delivery IS NULL OR delivery IN ({_in(DELIVERIES)})", name="delivery_known"),
        sa.CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL AND delivery IS NOT NULL)",
                           name="sent_has_time_and_delivery"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("length(recipient) > 0", name="recipient_not_empty"),
        # The admin list: newest first, maybe of one state; the sweep: queued ones due, sending ones stale.
        sa.Index("ix_outbox_messages_state_id", "state", "id"),
        sa.Index("ix_outbox_messages_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("candidates.id", ondelete="CASCADE"),
                                                     index=True)
    # The message this one copies (an admin's resend); None when the original is gone.
    resend_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"),
                                                     index=True)
    # What the message is, as a code ("password_reset"), and the language it was written in.
    kind: Mapped[str] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(10))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    # The Message-ID header, "<random@sender's domain>": the same on every attempt, so that a receiving
    # server can tell a repeat, and the name of the kept .eml file (never an address or a name).
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    state: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    delivery: Mapped[str | None] = mapped_column(sa.String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    # A short code ("connection", "smtp_451", "auth", ...), never the server's words (they may quote the address).
    error: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a process claimed it (state sending): past MAIL_SENDING_TIMEOUT it is taken as unknown.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OutboxAttachment.id")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.state}>"


class OutboxAttachment(Base):
    """A file sent with a message (an invitation's .ics): small, so kept in the row."""

    __tablename__ = "outbox_attachments"
    __table_args__ = (
        sa.CheckConstraint("length(filename) > 0", name="filename_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<OutboxAttachment {self.id} of message {self.message_id}>"
