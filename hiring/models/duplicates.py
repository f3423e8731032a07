"""Likely duplicate candidates and the merges a recruiter made of them (hiring/pipeline/duplicates.py).

A suspicion names two candidates, the newer first, and why they look like one person (a code, never the
matching data itself). A merge records which rows moved from the newer candidate to the older one, by id, so
that it can be undone exactly until someone confirms it; the merged-away candidate stays as a shell
(`Candidate.merged_into_id`) until then. Both hold ids, codes and times only: erasure has nothing to find here.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class SuspicionReason(enum.StrEnum):
    """Why two candidates look like one person."""

    SAME_PHONE = "same_phone"
    SAME_EMAIL = "same_email"  # the same address apart from dots or a +tag in the local part
    SIMILAR_NAME = "similar_name"  # a very similar name and the same e-mail domain


class SuspicionState(enum.StrEnum):
    """Whether a recruiter has decided about a suspicion yet."""

    OPEN = "open"
    MERGED = "merged"
    DISMISSED = "dismissed"


class DuplicateSuspicion(Base):
    """Two candidates that may be one person: `candidate_id` the newer, `other_candidate_id` the older one,
    which a merge keeps. One row per pair, whatever its state: a pair found "not the same person" is not
    raised again."""

    __tablename__ = "duplicate_suspicions"
    __table_args__ = (
        sa.UniqueConstraint("candidate_id", "other_candidate_id"),
        # One order per pair (ids grow with time), so that the unique constraint sees (a, b) and (b, a) as one.
        sa.CheckConstraint("other_candidate_id < candidate_id", name="older_other"),
        sa.CheckConstraint("(state = 'open') = (decided_at IS NULL)", name="decided_when_closed"),
        # The recruiters' list and the count on their home: the open ones, newest first.
        sa.Index("ix_duplicate_suspicions_state_found_at", "state", "found_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id", ondelete="CASCADE"))
    other_candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    reason: Mapped[SuspicionReason] = mapped_column(enum_column(SuspicionReason, "suspicion_reason"))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[SuspicionState] = mapped_column(enum_column(SuspicionState, "suspicion_state"),
                                                  default=SuspicionState.OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<DuplicateSuspicion {self.id} {self.candidate_id}~{self.other_candidate_id} {self.state}>"


class CandidateMerge(Base):
    """One merge of a candidate into another: what moved (ids by kind, in `moved`), by whom and when, and
    whether it was confirmed (the shell deleted) or undone (everything moved back) since. Pending while both
    are null."""

    __tablename__ = "candidate_merges"
    __table_args__ = (
        sa.CheckConstraint("confirmed_at IS NULL OR undone_at IS NULL", name="confirmed_or_undone"),
        sa.Index("ix_candidate_merges_pending", "confirmed_at", "undone_at", "merged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    suspicion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("duplicate_suspicions.id", ondelete="SET NULL"), index=True)
    kept_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    # Null once the merge is confirmed: the shell is deleted then, and only its id in the audit log remains.
    merged_id: Mapped[int | None] = mapped_column(sa.ForeignKey("candidates.id", ondelete="SET NULL"), index=True)
    # {"applications": [ids], "files": [ids], "erasure_requests": [ids], "self_identification": id or null}
    moved: Mapped[dict] = mapped_column(sa.JSON)
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def pending(self) -> bool:
        """Neither confirmed nor undone yet: it can still be undone."""
        return self.confirmed_at is None and self.undone_at is None

    def __repr__(self) -> str:
        return f"<CandidateMerge {self.id} {self.merged_id}->{self.kept_id}>"
