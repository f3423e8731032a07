"""The week-5 values review: the mentor rates the new hire on the core values' anchors, and the new hire may
rate themselves, each stored like a scorecard (a rating 1-5 or no evidence per value, with the evidence)."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class ReviewKind(enum.StrEnum):
    """Whose review: the mentor's (or HR's when there is no mentor), or the new hire's self-assessment."""

    MENTOR = "mentor"
    SELF = "self"


class ReviewStatus(enum.StrEnum):
    """A draft can be edited by its writer alone; a submitted review is final."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class ValuesReview(Base):
    """One review of an enrolment: a row per (enrolment, kind)."""

    __tablename__ = "values_reviews"
    __data_topic__ = "hires"  # the predictive-validity figures rest on submitted reviews (hiring/snapshots.py)
    __table_args__ = (
        sa.UniqueConstraint("enrollment_id", "kind"),
        sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"))
    kind: Mapped[ReviewKind] = mapped_column(enum_column(ReviewKind, "values_review_kind"))
    reviewer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus, "values_review_status"), default=ReviewStatus.DRAFT
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    enrollment = relationship("Enrollment")
    reviewer = relationship("User")
    ratings: Mapped[list[ValuesReviewRating]] = relationship(
        back_populates="review", cascade="all, delete-orphan", passive_deletes=True
    )


class ValuesReviewRating(Base):
    """A rating 1-5, or no evidence, on one core value, with its evidence."""

    __tablename__ = "values_review_ratings"
    __data_topic__ = "hires"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.UniqueConstraint("review_id", "core_value_id"),
        sa.CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score_range"),
        # As on a scorecard: a score, or no evidence, or (in a draft only) neither yet, when evidence was typed
        # before a level was chosen; the service refuses to submit a review with an item in that state.
        sa.CheckConstraint("NOT (no_evidence AND score IS NOT NULL)", name="no_evidence_has_no_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("values_reviews.id", ondelete="CASCADE"))
    core_value_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_values.id", ondelete="RESTRICT"), index=True
    )
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)
    no_evidence: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    evidence: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[ValuesReview] = relationship(back_populates="ratings")
    core_value = relationship("CoreValue")
