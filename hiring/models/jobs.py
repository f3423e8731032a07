"""Job openings, their weighted requirements and the two pass thresholds."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow
from hiring.models.values import AnchoredItem

PUBLIC_DESCRIPTION_LENGTH = 8000
PLACE_LENGTH = 100  # a job's location and team: short labels the careers site filters by


class JobStatus(enum.StrEnum):
    """Whether a job takes applications."""

    OPEN = "open"
    CLOSED = "closed"


class Job(Base):
    """An opening. Candidates must reach both thresholds: requirements and values."""

    __tablename__ = "jobs"
    __data_topic__ = "catalogue"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        sa.CheckConstraint(
            "requirements_threshold BETWEEN 0 AND 100", name="requirements_threshold_range"
        ),
        sa.CheckConstraint("values_threshold BETWEEN 0 AND 100", name="values_threshold_range"),
        # The careers site (hiring/careers/): the texts a candidate reads, bounded like the form bounds them;
        # a location or team is absent rather than blank, so that the site's filters offer no empty choice.
        sa.CheckConstraint(f"length(public_description) <= {PUBLIC_DESCRIPTION_LENGTH}",
                           name="public_description_length"),
        sa.CheckConstraint(f"location IS NULL OR length(trim(location)) BETWEEN 1 AND {PLACE_LENGTH}",
                           name="location_length"),
        sa.CheckConstraint(f"team IS NULL OR length(trim(team)) BETWEEN 1 AND {PLACE_LENGTH}", name="team_length"),
        sa.CheckConstraint("NOT published OR published_at IS NOT NULL", name="published_has_date"),
        # The careers site's list: published open jobs, newest first.
        sa.Index("ix_jobs_careers_list", "published", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    requirements_threshold: Mapped[int] = mapped_column(default=60)
    values_threshold: Mapped[int] = mapped_column(default=60)
    hiring_manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "job_status"), default=JobStatus.OPEN, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # On the public careers site only while published *and* open; the internal description stays internal.
    published: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when last published: datePosted
    public_description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    location: Mapped[str | None] = mapped_column(sa.String(PLACE_LENGTH))
    team: Mapped[str | None] = mapped_column(sa.String(PLACE_LENGTH))

    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="job", order_by="Requirement.position", cascade="all, delete-orphan"
    )
    hiring_manager = relationship("User")


class Requirement(AnchoredItem, Base):
    """One requirement of a job, weighted; a must-have one has to reach the floor on its own."""

    __tablename__ = "requirements"
    __data_topic__ = "catalogue"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.UniqueConstraint("job_id", "name"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.CheckConstraint("weight BETWEEN 1 AND 100", name="weight_range"),
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    must_have: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    position: Mapped[int] = mapped_column(default=0)
    # Anchors are optional for requirements; the values' anchors are not.
    anchor_1: Mapped[str | None] = mapped_column(sa.Text)
    anchor_2: Mapped[str | None] = mapped_column(sa.Text)
    anchor_3: Mapped[str | None] = mapped_column(sa.Text)
    anchor_4: Mapped[str | None] = mapped_column(sa.Text)
    anchor_5: Mapped[str | None] = mapped_column(sa.Text)
    questions: Mapped[str] = mapped_column(sa.Text, default="")

    job: Mapped[Job] = relationship(back_populates="requirements")
