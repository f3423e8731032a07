"""The company's own wording of a message (hiring/mail/messages.py), per kind of message and language.

A kind without a row for a language is sent in its default wording (the catalogue's translation); the row
holds only what the company typed, checked when saved: the kind's declared placeholders and nothing else.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow

SUBJECT_LENGTH = 300  # the outbox's subject column
BODY_LENGTH = 20000  # a message, not a document


class MessageTemplate(Base):
    """The subject and plain-text body the company chose for one kind of message in one language."""

    __tablename__ = "message_templates"
    __table_args__ = (
        sa.UniqueConstraint("kind", "language"),
        sa.CheckConstraint("length(trim(kind)) > 0", name="kind_not_empty"),
        sa.CheckConstraint("length(trim(language)) > 0", name="language_not_empty"),
        sa.CheckConstraint("length(trim(subject)) > 0", name="subject_not_empty"),
        sa.CheckConstraint("length(trim(body)) > 0", name="body_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A registered kind's code ("application_received"); a row of a kind no longer registered is ignored.
    kind: Mapped[str] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(10))
    subject: Mapped[str] = mapped_column(sa.String(SUBJECT_LENGTH))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    def __repr__(self) -> str:
        return f"<MessageTemplate {self.id} {self.kind} {self.language}>"
