"""Interviewer assignments, scorecards and their ratings on requirements and core values."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class InterviewKind(enum.StrEnum):
    """What an interview rates: requirements, values, or both (the hiring manager's)."""

    SKILLS = "skills"
    VALUES = "values"
    HIRING_MANAGER = "hiring_manager"


class ScorecardStatus(enum.StrEnum):
    """A draft can be edited; a submitted scorecard is locked and only amended with a reason."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class Recommendation(enum.StrEnum):
    """The interviewer's overall recommendation."""

    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class InterviewAssignment(Base):
    """An interviewer asked to interview one application, for one kind of interview."""

    __tablename__ = "interview_assignments"
    __data_topic__ = "scorecards"  # the aggregates resting on this table (hiring/snapshots.py)
    # Who interviews whom is what aggregates read; moving an interview's time or place changes none of them.
    __data_topic_columns__ = ("application_id", "interviewer_id", "kind")
    __table_args__ = (
        sa.UniqueConstraint("application_id", "interviewer_id", "kind"),
        sa.CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),
        sa.CheckConstraint("time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 64", name="time_zone_length"),
        sa.CheckConstraint("location IS NULL OR length(trim(location)) BETWEEN 1 AND 200", name="location_length"),
        sa.CheckConstraint("video_link IS NULL OR (video_link LIKE 'https://%' AND length(video_link) <= 500)",
                           name="video_link_https"),
        sa.CheckConstraint("calendar_sequence >= 0", name="calendar_sequence_not_negative"),
        # The agenda and the calendar feed: one interviewer's interviews in time order.
        sa.Index("ix_interview_assignments_interviewer_id_scheduled_for", "interviewer_id", "scheduled_for"),
        # The scorecard reminder (hiring/interviews/reminders.py): everyone's interviews of a bounded period.
        sa.Index("ix_interview_assignments_scheduled_for", "scheduled_for"),
        # An interviewer's interviews still to write up, in the order their home lists them (migration 0036).
        sa.Index("ix_interview_assignments_pending", "interviewer_id", "assigned_at",
                 sqlite_where=sa.text("NOT scorecard_submitted"), postgresql_where=sa.text("NOT scorecard_submitted")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    interviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[InterviewKind] = mapped_column(enum_column(InterviewKind, "interview_kind"))
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Whether this interview's scorecard is submitted: kept by the database from `scorecards.status`, by a
    # trigger (migration 0036), so that the interviews still to write up are an index of their own; code only
    # reads it.
    scorecard_submitted: Mapped[bool] = mapped_column(server_default=sa.false())
    # When the interview starts (UTC); null while it is not scheduled. Its length, the time zone it was
    # arranged in (an IANA name; null: the company's), and where: a place, a video link (https), or both.
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    location: Mapped[str | None] = mapped_column(sa.String(200))
    video_link: Mapped[str | None] = mapped_column(sa.String(500))
    # The iCalendar SEQUENCE of the invitations sent for this interview (RFC 5545 3.8.7.4): raised by every
    # change of time or place and by a cancellation, so that calendar programs apply the latest.
    calendar_sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    application = relationship("Application")
    interviewer = relationship("User", foreign_keys=[interviewer_id])
    scorecard: Mapped[Scorecard | None] = relationship(back_populates="assignment", uselist=False)


class Scorecard(Base):
    """One interviewer's independent scorecard for one assignment."""

    __tablename__ = "scorecards"
    __data_topic__ = "scorecards"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.CheckConstraint(
            "NOT culture_veto OR length(trim(coalesce(veto_reason, ''))) > 0",
            name="veto_needs_reason",
        ),
        sa.CheckConstraint(
            "status = 'draft' OR (recommendation IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_is_complete",
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("similarity_flags >= 0", name="similarity_flags_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: one scorecard per interviewer per assignment.
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interview_assignments.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[ScorecardStatus] = mapped_column(
        enum_column(ScorecardStatus, "scorecard_status"), default=ScorecardStatus.DRAFT, index=True
    )
    recommendation: Mapped[Recommendation | None] = mapped_column(
        enum_column(Recommendation, "recommendation")
    )
    key_takeaways: Mapped[str] = mapped_column(sa.Text, default="")
    culture_veto: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    veto_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Bumped on every save, so that two tabs cannot overwrite each other unnoticed.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # How many of its core values' evidence speak of likeness, not behaviour (a phrase of the company's list:
    # hiring/values/similarity_service.py), set at submit and amendment and recounted when the list changes,
    # so that the calibration counts them per interviewer in one GROUP BY. A draft keeps 0.
    similarity_flags: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")

    assignment: Mapped[InterviewAssignment] = relationship(back_populates="scorecard")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[ScorecardRevision]] = relationship(
        back_populates="scorecard", order_by="ScorecardRevision.version"
    )

    __mapper_args__ = {"version_id_col": version}


class Rating(Base):
    """A rating 1-5 (or no evidence) with its evidence, on a requirement or a core value, never both."""

    __tablename__ = "ratings"
    __data_topic__ = "scorecards"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score_range"),
        sa.CheckConstraint("NOT (no_evidence AND score IS NOT NULL)", name="no_evidence_has_no_score"),
        sa.CheckConstraint(
            "(requirement_id IS NULL) <> (core_value_id IS NULL)", name="one_item"
        ),
        sa.UniqueConstraint("scorecard_id", "requirement_id"),
        sa.UniqueConstraint("scorecard_id", "core_value_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("requirements.id", ondelete="RESTRICT"), index=True
    )
    core_value_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("core_values.id", ondelete="RESTRICT"), index=True
    )
    # Null with no_evidence false means not rated yet (a draft).
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)
    no_evidence: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    evidence: Mapped[str] = mapped_column(sa.Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="ratings")
    requirement = relationship("Requirement")
    core_value = relationship("CoreValue")


class ScorecardRevision(Base):
    """The content of a submitted scorecard before an amendment, kept with the amendment's reason."""

    __tablename__ = "scorecard_revisions"
    __data_topic__ = "scorecards"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.UniqueConstraint("scorecard_id", "version"),
        sa.CheckConstraint("length(trim(reason)) > 0", name="reason_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    # The earlier recommendation, takeaways, veto and ratings, as they were.
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.Text)
    amended_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    amended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scorecard: Mapped[Scorecard] = relationship(back_populates="revisions")
