"""The departure review: when a hire takes The Offer or leaves in the first year, the mentor or HR looks back,
blamelessly, at what the process missed, and says per core value whether the person showed it at work.

These rows are about a person. They hold no copy of a name, but their free text (what happened, what we could
learn, the notes per value) speaks of them: they live and die with the hire (ON DELETE CASCADE from `hires`),
so that deleting the employment record erases them too. The privacy module does not anonymise hires (a hired
candidate's record is staff data: hiring/privacy/service.py, erase_refusal), so there is no other copy to
blank; audit events about a review hold ids and codes only.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow

TEXT_MAX = 2000  # "what happened", "what we could learn": a short review, not a file
NOTE_MAX = 500   # a note beside one value's verdict


class DepartureReviewStatus(enum.StrEnum):
    """A draft keeps everything typed; a submitted review is final."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class Verdict(enum.StrEnum):
    """In hindsight, did the person show this core value at work? 'not shown' means the interview's values
    rating was a false positive; 'unknown': nobody can say (and it is left out of the rates)."""

    SHOWN = "shown"
    NOT_SHOWN = "not_shown"
    UNKNOWN = "unknown"


class DepartureReview(Base):
    """One review per hire who took The Offer or left within a year of starting."""

    __tablename__ = "departure_reviews"
    __data_topic__ = "hires"  # the values false-positive figures rest on it (hiring/snapshots.py)
    # Saving a draft's words changes no figure; creating one or submitting it does.
    __data_topic_columns__ = ("status",)
    __table_args__ = (
        sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"),
        sa.CheckConstraint(f"length(what_happened) <= {TEXT_MAX}", name="what_happened_length"),
        sa.CheckConstraint(f"length(what_we_learn) <= {TEXT_MAX}", name="what_we_learn_length"),
        # The done list: newest submitted first.
        sa.Index("ix_departure_reviews_submitted_at", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hire_id: Mapped[int] = mapped_column(sa.ForeignKey("hires.id", ondelete="CASCADE"), unique=True)
    status: Mapped[DepartureReviewStatus] = mapped_column(
        enum_column(DepartureReviewStatus, "departure_review_status"), default=DepartureReviewStatus.DRAFT
    )
    what_happened: Mapped[str] = mapped_column(sa.Text, default="")
    what_we_learn: Mapped[str] = mapped_column(sa.Text, default="")
    last_edited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Hire.departure_review, defined from here so that the hires' module need not know of reviews; the
    # database deletes a review with its hire, and the session does not stand in its way.
    hire = relationship("Hire", backref=backref("departure_review", uselist=False, cascade="all, delete-orphan",
                                                passive_deletes=True))
    last_edited_by = relationship("User", foreign_keys=[last_edited_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    values: Mapped[list[DepartureReviewValue]] = relationship(
        back_populates="review", cascade="all, delete-orphan", passive_deletes=True
    )


class DepartureReviewValue(Base):
    """The verdict on one core value, with a short optional note; in a draft the verdict may still be open."""

    __tablename__ = "departure_review_values"
    __data_topic__ = "hires"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "core_value_id"),
        sa.CheckConstraint(f"length(note) <= {NOTE_MAX}", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("departure_reviews.id", ondelete="CASCADE"))
    core_value_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_values.id", ondelete="RESTRICT"), index=True
    )
    verdict: Mapped[Verdict | None] = mapped_column(enum_column(Verdict, "departure_verdict"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[DepartureReview] = relationship(back_populates="values")
    core_value = relationship("CoreValue")
