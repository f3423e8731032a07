"""A candidate's request to be erased, made on their status page (hiring/careers/status.py) and acted on by
the privacy officer (HR or an admin) on the privacy pages.

A request, not an erasure at once: a legal hold (a hire's employment record, a dispute) may forbid erasing, and
a person should decide, as in other applicant tracking systems. The row holds ids and times only, nothing a
person wrote, so that it may stay after the erasure as the record that the request was answered.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow


class ErasureRequest(Base):
    """One request for erasure: when it was made, and when and by whom it was handled (null while open)."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        # The privacy officer's list: the open requests (handled_at null), oldest first.
        sa.Index("ix_erasure_requests_handled_at_requested_at", "handled_at", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None while open, or when the officer's account was deleted since.
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    def __repr__(self) -> str:
        return f"<ErasureRequest {self.id} of candidate {self.candidate_id}>"
