"""A job's own questions on the careers site's application form, and the candidates' answers to them.

A question someone has answered is retired rather than deleted (`retired_at`): it is no longer asked, and its
answers stay shown with the wording the candidates read (answered questions are not reworded, hiring/jobs/
questions.py). An answer is the candidate's personal data: it goes with its application (ON DELETE CASCADE), is
in the candidate's data export and is deleted when the candidate is erased (hiring/privacy/anonymise.py).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, utcnow

QUESTION_LENGTH = 300  # a question, not an essay: it is a label on the public form
HINT_LENGTH = 300
ANSWER_LENGTH = 2000  # characters: a few paragraphs; the cover letter is the place for more


class JobQuestion(Base):
    """A question a job asks on the public application form; answered optionally, in `position` order."""

    __tablename__ = "job_questions"
    __table_args__ = (
        sa.CheckConstraint(f"length(trim(text)) BETWEEN 1 AND {QUESTION_LENGTH}", name="text_length"),
        sa.CheckConstraint(f"hint IS NULL OR length(trim(hint)) BETWEEN 1 AND {HINT_LENGTH}", name="hint_length"),
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
        # The form asks a job's active questions in order.
        sa.Index("ix_job_questions_job_id_position", "job_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.String(QUESTION_LENGTH))
    hint: Mapped[str | None] = mapped_column(sa.String(HINT_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job = relationship("Job")

    def __repr__(self) -> str:
        return f"<JobQuestion {self.id} of job {self.job_id}>"


class ApplicationAnswer(Base):
    """A candidate's answer to one of the job's questions, given with their application (never empty)."""

    __tablename__ = "application_answers"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "question_id"),
        sa.CheckConstraint(f"length(trim(text)) BETWEEN 1 AND {ANSWER_LENGTH}", name="text_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    # RESTRICT: a question with answers is retired, never deleted, so that no answer loses its question.
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("job_questions.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<ApplicationAnswer {self.id} of application {self.application_id}>"
