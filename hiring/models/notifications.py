"""What each user wants to be reminded of and how, and which reminders went out (hiring/mail/reminders.py).

No row is the default: every reminder on, each sent at once. A reminder is sent at most once, ever: the
unique (kind, user_id, key) of `reminders_sent` decides, also between two runs of `flask send-reminders` at
the same moment (the second one's insert fails and its transaction, message included, rolls back).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow

# immediate: each reminder in its own message when it is due; digest: one message a day with all of them.
IMMEDIATE, DIGEST = "immediate", "digest"
DELIVERIES = (IMMEDIATE, DIGEST)
KIND_LENGTH = 40  # a message kind code (hiring.mail.messages.PLACEHOLDER)
KEY_LENGTH = 120


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(repr(v) for v in values)


class NotificationPreference(Base):
    """How one user receives their reminders (absent: immediately)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (sa.CheckConstraint(f"delivery IN ({_in(DELIVERIES)})", name="delivery_known"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    delivery: Mapped[str] = mapped_column(sa.String(10), default=IMMEDIATE, server_default=IMMEDIATE)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class NotificationOptOut(Base):
    """One kind of reminder a user switched off (the kinds not listed are on, new kinds included)."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (sa.CheckConstraint("length(kind) > 0", name="kind_not_empty"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(KIND_LENGTH), primary_key=True)


class ReminderSent(Base):
    """A reminder that went out (queued in the outbox, alone or in a digest), or a user's digest of one day
    (kind "reminder_digest", key "digest:YYYY-MM-DD"): never again."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        sa.UniqueConstraint("kind", "user_id", "key"),
        sa.CheckConstraint("length(key) > 0", name="key_not_empty"),
        sa.CheckConstraint(f"delivery IN ({_in(DELIVERIES)})", name="delivery_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(KIND_LENGTH))
    # Indexed for ON DELETE CASCADE (the unique index leads with kind).
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH))
    delivery: Mapped[str] = mapped_column(sa.String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
