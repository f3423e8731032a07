"""Candidates, their applications to jobs, the stage history and voluntary self-identification."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class Stage(enum.StrEnum):
    """Where an application is in the pipeline."""

    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEWING = "interviewing"
    DECISION = "decision"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class GateResult(enum.StrEnum):
    """The stored outcome of the 'and' gate on requirements and values."""

    PASSES = "passes"
    FAILS = "fails"
    INCOMPLETE = "incomplete"


class Candidate(Base):
    """A person who applied; recognised by e-mail so that they are never duplicated."""

    __tablename__ = "candidates"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.CheckConstraint("language IS NULL OR language IN ('en', 'nl')", name="language_supported"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    source: Mapped[str | None] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Privacy (GDPR): when the privacy notice was given (null for candidates added before it existed),
    # whether the candidate agreed to be kept for future openings (and since when), and when the record
    # was anonymised. No CHECK ties consent to its time: adding one would make SQLite rebuild the table,
    # and that rebuild cascades deletes to the applications (see migration 0002).
    privacy_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retention_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    retention_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The keys likely duplicates are looked up by (hiring/pipeline/duplicates.py keeps them; null when there
    # is nothing to compare, and after anonymisation): the phone's digits, the e-mail without dots or +tags
    # where the provider ignores them, and the e-mail's domain with the name's first letters, folded.
    phone_digits: Mapped[str | None] = mapped_column(sa.String(24), index=True)
    email_key: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    name_block: Mapped[str | None] = mapped_column(sa.String(260), index=True)
    # Set while this candidate is merged into another and the merge is not confirmed: a shell, hidden from
    # lists and search, whose page leads to the kept candidate. No ON DELETE: the kept candidate cannot be
    # deleted while a shell points at it (the merge is confirmed or undone first; erasure confirms it).
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("candidates.id"), index=True)
    # The language the candidate's messages are written in (hiring.i18n.SUPPORTED_LOCALES): the one they
    # applied in on the careers site; null (staff added them): the company's (migration 0024).
    language: Mapped[str | None] = mapped_column(sa.String(10))

    applications: Mapped[list[Application]] = relationship(back_populates="candidate")


class Application(Base):
    """A candidate's application to one job, with its stage and the stored scores lists sort by."""

    __tablename__ = "applications"
    __data_topic__ = "applications"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.UniqueConstraint("candidate_id", "job_id"),
        sa.CheckConstraint(
            "requirements_fit IS NULL OR requirements_fit BETWEEN 0 AND 100",
            name="requirements_fit_range",
        ),
        sa.CheckConstraint(
            "values_fit IS NULL OR values_fit BETWEEN 0 AND 100", name="values_fit_range"
        ),
        sa.Index("ix_applications_job_id_stage", "job_id", "stage"),
        # The lists at 100,000 candidates (migration 0005): each filter with the sort it is read in, so that a
        # page is an index range rather than a sort of every matching row.
        sa.Index("ix_applications_job_id_applied_at", "job_id", "applied_at"),
        sa.Index("ix_applications_stage_applied_at", "stage", "applied_at"),
        sa.Index("ix_applications_stage_stage_changed_at", "stage", "stage_changed_at"),
        # A job's pipeline, best first (hiring.jobs.service.RANKING): gate, values fit, requirements fit, newest.
        sa.Index("ix_applications_job_ranking", "job_id", "gate_result", "values_fit", "requirements_fit",
                 "applied_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="RESTRICT"), index=True)
    stage: Mapped[Stage] = mapped_column(
        enum_column(Stage, "stage"), default=Stage.APPLIED, index=True
    )
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Stored when a scorecard is submitted or amended, recomputable from the ratings.
    requirements_fit: Mapped[float | None] = mapped_column(sa.Float, index=True)
    values_fit: Mapped[float | None] = mapped_column(sa.Float, index=True)
    gate_result: Mapped[GateResult | None] = mapped_column(
        enum_column(GateResult, "gate_result"), index=True
    )
    # Why the gate said what it said, in words for a recruiter (a JSON list of strings).
    gate_reasons: Mapped[list | None] = mapped_column(sa.JSON)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where this application came from: "careers site" when the candidate applied there (migration 0012);
    # None when staff added it (the candidate's own `source` says where the person came from).
    source: Mapped[str | None] = mapped_column(sa.String(80))
    # The version of the privacy notice the candidate was shown and agreed to when applying on the careers
    # site (hiring/careers/applying.py); None when staff added the application.
    privacy_notice_version: Mapped[str | None] = mapped_column(sa.String(40))
    # The company's coded reason, set when the application is rejected (hiring/pipeline/rejection.py); a
    # reason in use cannot be deleted (no ON DELETE action), only retired (migration 0024).
    rejection_reason_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rejection_reasons.id"), index=True)

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    job = relationship("Job")
    rejection_reason = relationship("RejectionReason")
    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="application", order_by="StageChange.changed_at"
    )


class StageChange(Base):
    """One move of an application between stages: who, when and why."""

    __tablename__ = "stage_changes"
    __data_topic__ = "applications"  # the aggregates resting on this table (hiring/snapshots.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[Stage | None] = mapped_column(enum_column(Stage, "from_stage"))
    to_stage: Mapped[Stage] = mapped_column(enum_column(Stage, "to_stage"))
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    application: Mapped[Application] = relationship(back_populates="stage_changes")
    changed_by = relationship("User")


class SelfIdentification(Base):
    """Voluntary self-identification for the fairness report.

    Kept apart from the candidate so that it is never shown to interviewers nor used by any model;
    reported only in aggregates large enough to hide a person.
    """

    __tablename__ = "self_identifications"
    __data_topic__ = "applications"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.CheckConstraint(
            "NOT declined OR (gender IS NULL AND ethnicity IS NULL AND age_band IS NULL"
            " AND disability IS NULL)",
            name="declined_means_empty",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidates.id", ondelete="CASCADE"), unique=True
    )
    declined: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    gender: Mapped[str | None] = mapped_column(sa.String(60))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(80))
    age_band: Mapped[str | None] = mapped_column(sa.String(20))
    disability: Mapped[str | None] = mapped_column(sa.String(20))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[Candidate] = relationship()
