"""The five-week onboarding programme, enrolments and each new hire's own copy of the tasks."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow

WEEKS = 5


class TaskOwner(enum.StrEnum):
    """Who does a task."""

    NEW_HIRE = "new_hire"
    MENTOR = "mentor"
    HR = "hr"


class SignOff(enum.StrEnum):
    """Who must sign a task off once done, if anyone."""

    NONE = "none"
    MENTOR = "mentor"
    HR = "hr"


_week_check = f"week BETWEEN 1 AND {WEEKS}"


class ProgrammeTask(Base):
    """A task of the company's programme, as it stands today; enrolments copy it when they begin."""

    __tablename__ = "programme_tasks"
    __table_args__ = (
        sa.CheckConstraint(_week_check, name="week_range"),
        sa.CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
        sa.Index("ix_programme_tasks_week_position", "week", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[TaskOwner] = mapped_column(enum_column(TaskOwner, "task_owner"))
    required: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    sign_off: Mapped[SignOff] = mapped_column(
        enum_column(SignOff, "sign_off"), default=SignOff.NONE
    )
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# An enrolment in the programme now: not completed, and its hire has not left.
IN_PROGRAMME = "completed_on IS NULL AND NOT hire_left"


class Enrollment(Base):
    """A hire's place in the programme; complete when every required task is done and signed off."""

    __tablename__ = "enrollments"
    __table_args__ = (
        sa.CheckConstraint(
            "completed_on IS NULL OR completed_on >= started_on", name="completed_after_start"
        ),
        sa.CheckConstraint("tasks_complete >= 0 AND tasks_complete <= tasks_total", name="task_counts"),
        # Who is in the programme now, by cohort: read without the hires (migration 0034; who graduated lately
        # reads completed_on's own index).
        sa.Index("ix_enrollments_in_programme", "completed_on", "started_on",
                 sqlite_where=sa.text(IN_PROGRAMME), postgresql_where=sa.text(IN_PROGRAMME)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hire_id: Mapped[int] = mapped_column(sa.ForeignKey("hires.id", ondelete="CASCADE"), unique=True)
    started_on: Mapped[date] = mapped_column(sa.Date, index=True)
    completed_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # How many tasks the enrolment has, and how many are complete (done, and signed off where the task needs
    # it): kept by the database, by triggers on enrollment_tasks (migration 0027), for every writer; code only
    # reads them, so that a cohort's progress sums a row per person, not every task (84 ms at a million).
    tasks_total: Mapped[int] = mapped_column(server_default="0")
    tasks_complete: Mapped[int] = mapped_column(server_default="0")
    # Whether the hire has left (their end date is set): kept by the database from `hires.end_date`, by triggers
    # (migration 0034), so that "in the programme" is a question about enrolments alone; code only reads it.
    hire_left: Mapped[bool] = mapped_column(server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    hire = relationship("Hire", back_populates="enrollment")
    tasks: Mapped[list[EnrollmentTask]] = relationship(
        back_populates="enrollment",
        order_by="(EnrollmentTask.week, EnrollmentTask.position)",
        cascade="all, delete-orphan",
    )


class EnrollmentTask(Base):
    """A new hire's own copy of a programme task, so that editing the programme never changes it."""

    __tablename__ = "enrollment_tasks"
    __table_args__ = (
        sa.CheckConstraint(_week_check, name="week_range"),
        sa.CheckConstraint(
            "signed_off_at IS NULL OR done_at IS NOT NULL", name="signed_off_only_when_done"
        ),
        sa.CheckConstraint("(done_at IS NULL) = (done_by_id IS NULL)", name="done_has_who"),
        sa.Index("ix_enrollment_tasks_enrollment_id_week", "enrollment_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id", ondelete="CASCADE"))
    programme_task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_tasks.id", ondelete="SET NULL"), index=True
    )
    week: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[TaskOwner] = mapped_column(enum_column(TaskOwner, "task_owner"))
    required: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    sign_off: Mapped[SignOff] = mapped_column(enum_column(SignOff, "sign_off"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The mentor's or HR's comment when a task is sent back.
    sent_back_comment: Mapped[str | None] = mapped_column(sa.Text)

    enrollment: Mapped[Enrollment] = relationship(back_populates="tasks")
