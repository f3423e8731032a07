"""The company's coded rejection reasons: a short list it edits (hiring/pipeline/rejection_reasons.py), one of
which every rejected application names (applications.rejection_reason_id).

A reason in use is never deleted, only retired: the foreign key from applications (no ON DELETE action)
refuses the delete in the database itself, whatever the app does. Each reason has a label for staff (English,
and Dutch when given) and, optionally, the words the candidate may read in the rejection message, per
language; a reason without them is not told to the candidate (see hiring/pipeline/rejection.py).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow

CODE_LENGTH, LABEL_LENGTH, CANDIDATE_TEXT_LENGTH = 40, 120, 500


class RejectionReason(Base):
    """One coded reason for rejecting an application."""

    __tablename__ = "rejection_reasons"
    __table_args__ = (
        sa.CheckConstraint("length(code) BETWEEN 1 AND 40 AND code = lower(code)", name="code_form"),
        sa.CheckConstraint("length(trim(label)) > 0", name="label_not_blank"),
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH), unique=True)
    label: Mapped[str] = mapped_column(sa.String(LABEL_LENGTH))  # English, for staff
    label_nl: Mapped[str | None] = mapped_column(sa.String(LABEL_LENGTH))  # Dutch, for staff; else `label`
    # What the candidate may be told, per language; None: the reason is not told in that language.
    candidate_text: Mapped[str | None] = mapped_column(sa.String(CANDIDATE_TEXT_LENGTH))
    candidate_text_nl: Mapped[str | None] = mapped_column(sa.String(CANDIDATE_TEXT_LENGTH))
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.retired_at is None

    def label_in(self, language: str) -> str:
        """The staff label in `language` (Dutch when given, else the English one)."""
        return (self.label_nl or self.label) if language == "nl" else self.label

    def candidate_text_in(self, language: str) -> str:
        """What the candidate is told in `language`; "" when nothing."""
        return (self.candidate_text_nl if language == "nl" else self.candidate_text) or ""

    def __repr__(self) -> str:
        return f"<RejectionReason {self.id} {self.code}>"
