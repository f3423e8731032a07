"""A job's own questions on the careers site's application form: defined by recruiters, answered by candidates.

Recruiters add, reword, reorder and remove a job's questions; at most MAX_ACTIVE_QUESTIONS are asked at a time
(the form gets long, and fewer candidates finish it). A question nobody has answered is deleted when removed;
one with answers is retired: no longer asked, its answers kept and shown. Answered questions are not reworded:
their answers were given to the wording shown, so a new wording is a new question.

Functions take a session and plain values, flush but never commit, and raise hiring.errors; audit events
name the question by id, never its text.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.models import Application, ApplicationAnswer, Job, JobQuestion, utcnow
from hiring.models.job_questions import ANSWER_LENGTH, HINT_LENGTH, QUESTION_LENGTH

MAX_ACTIVE_QUESTIONS = 10
UP, DOWN = "up", "down"


def limit_text() -> str:
    """The rule as the job page explains it."""
    return _("A job asks at most %(n)d questions at a time: every question makes the form longer, and fewer "
             "people finish a long form.", n=MAX_ACTIVE_QUESTIONS)


def active_questions(session: Session, job_id: int) -> list[JobQuestion]:
    """The questions the form asks, in order."""
    return list(session.scalars(sa.select(JobQuestion).where(JobQuestion.job_id == job_id,
                                                             JobQuestion.retired_at.is_(None))
                                .order_by(JobQuestion.position, JobQuestion.id)))


@dataclass(frozen=True)
class QuestionsPage:
    """What the job page shows of its questions: the asked ones in order, the retired ones, and how many
    answers each has."""

    active: list[JobQuestion]
    retired: list[JobQuestion]
    answers: dict[int, int]

    @property
    def full(self) -> bool:
        return len(self.active) >= MAX_ACTIVE_QUESTIONS


def questions_page(session: Session, job_id: int) -> QuestionsPage:
    """The job's questions and their answer counts, in two queries."""
    questions = session.scalars(sa.select(JobQuestion).where(JobQuestion.job_id == job_id)
                                .order_by(JobQuestion.position, JobQuestion.id)).all()
    answers = dict(session.execute(
        sa.select(ApplicationAnswer.question_id, sa.func.count()).join(
            JobQuestion, ApplicationAnswer.question_id == JobQuestion.id)
        .where(JobQuestion.job_id == job_id).group_by(ApplicationAnswer.question_id)).all())
    return QuestionsPage([q for q in questions if q.retired_at is None],
                         sorted((q for q in questions if q.retired_at is not None), key=lambda q: q.retired_at),
                         answers)


def _check(text: str, hint: str) -> tuple[str, str | None]:
    """The wording, stripped; the form checks it too, the domain does not rely on it."""
    text, hint = text.strip(), hint.strip()
    if not text:
        raise DomainError(_("Write the question."), field="text")
    if len(text) > QUESTION_LENGTH:
        raise DomainError(_("Keep the question under %(n)d characters.", n=QUESTION_LENGTH), field="text")
    if len(hint) > HINT_LENGTH:
        raise DomainError(_("Keep the hint under %(n)d characters.", n=HINT_LENGTH), field="hint")
    return text, hint or None


def _job(session: Session, job_id: int, *, lock: bool = False) -> Job:
    # Locked while adding: two recruiters adding at once must not take the job past the limit.
    job = session.get(Job, job_id, with_for_update=lock or None)
    if job is None:
        raise NotFound(_("There is no such job."))
    return job


def question_of(session: Session, job_id: int, question_id: int | None) -> JobQuestion:
    """One of the job's questions still asked; another job's, a retired or an unknown one is not found."""
    question = session.get(JobQuestion, question_id) if question_id is not None else None
    if question is None or question.job_id != job_id or question.retired_at is not None:
        raise NotFound(_("This question is no longer asked: reload the page."))
    return question


def _answered(session: Session, question_id: int) -> bool:
    return session.scalar(sa.select(sa.exists().where(ApplicationAnswer.question_id == question_id)))


def add_question(session: Session, job_id: int, *, text: str, hint: str, actor_id: int) -> JobQuestion:
    """Ask one more question on the job's form, after the others."""
    _job(session, job_id, lock=True)
    text, hint_text = _check(text, hint)
    active = active_questions(session, job_id)
    if len(active) >= MAX_ACTIVE_QUESTIONS:
        raise Conflict(_("The job already asks %(n)d questions: remove one before adding another.",
                         n=MAX_ACTIVE_QUESTIONS), field="text")
    last = session.scalar(sa.select(sa.func.max(JobQuestion.position)).where(JobQuestion.job_id == job_id))
    question = JobQuestion(job_id=job_id, text=text, hint=hint_text, position=0 if last is None else last + 1)
    session.add(question)
    session.flush()
    record(session, actor_id=actor_id, action="job_question_added", entity_type="job", entity_id=job_id,
           question_id=question.id)
    return question


def edit_question(session: Session, job_id: int, question_id: int | None, *, text: str, hint: str,
                  actor_id: int) -> JobQuestion:
    """Reword a question nobody has answered yet."""
    question = question_of(session, job_id, question_id)
    text, hint_text = _check(text, hint)
    if (text, hint_text) == (question.text, question.hint):
        return question
    if _answered(session, question.id):
        raise Conflict(_("Candidates have answered this question as it is worded, so it cannot be reworded. "
                         "To ask something else, remove it (its answers are kept) and add a new question."),
                       field="text")
    question.text, question.hint = text, hint_text
    session.flush()
    record(session, actor_id=actor_id, action="job_question_edited", entity_type="job", entity_id=job_id,
           question_id=question.id)
    return question


def move_question(session: Session, job_id: int, question_id: int | None, direction: str, *,
                  actor_id: int) -> JobQuestion:
    """Swap a question with the one before (UP) or after (DOWN) it; at either end nothing changes."""
    question = question_of(session, job_id, question_id)
    order = active_questions(session, job_id)
    at = order.index(question)
    to = at - 1 if direction == UP else at + 1
    if direction not in (UP, DOWN) or not 0 <= to < len(order):
        return question
    order[at], order[to] = order[to], order[at]
    # Positions renumbered from the first active one: equal positions (never written here) cannot pin the order.
    start = min(q.position for q in order)
    for offset, item in enumerate(order):
        item.position = start + offset
    session.flush()
    record(session, actor_id=actor_id, action="job_question_moved", entity_type="job", entity_id=job_id,
           question_id=question.id, direction=direction)
    return question


def remove_question(session: Session, job_id: int, question_id: int | None, *, actor_id: int) -> bool:
    """Stop asking a question: deleted when nobody answered it, else retired with its answers kept.
    True when it was retired."""
    question = question_of(session, job_id, question_id)
    retired = _answered(session, question.id)
    if retired:
        question.retired_at = utcnow()
    else:
        session.delete(question)
    session.flush()
    record(session, actor_id=actor_id, action="job_question_retired" if retired else "job_question_deleted",
           entity_type="job", entity_id=job_id, question_id=question_id)
    return retired


# --- answers -----------------------------------------------------------------------------------------------------

def save_answers(session: Session, application: Application, questions: list[JobQuestion],
                 answers: dict[int, str]) -> int:
    """Store the non-empty answers to these questions (the job's active ones, as the form asked them) with the
    application, in the caller's transaction; answers to any other question are ignored. How many were stored."""
    rows = []
    for question in questions:
        if question.job_id != application.job_id or question.retired_at is not None:
            continue
        text = (answers.get(question.id) or "").replace("\r\n", "\n").strip()
        if not text:
            continue
        if len(text) > ANSWER_LENGTH:
            raise DomainError(_("Keep your answer under %(n)d characters.", n=ANSWER_LENGTH),
                              field=f"answer_{question.id}")
        rows.append(ApplicationAnswer(application_id=application.id, question_id=question.id, text=text))
    session.add_all(rows)
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class ShownAnswer:
    """An answer as staff read it: the question's wording, whether it is still asked, and the text."""

    question: str
    retired: bool
    text: str


def answers_by_application(session: Session, application_ids: list[int]) -> dict[int, list[ShownAnswer]]:
    """Each application's answers in the order of its job's questions, in one query for all of them."""
    found: dict[int, list[ShownAnswer]] = {}
    if not application_ids:
        return found
    rows = session.execute(
        sa.select(ApplicationAnswer.application_id, JobQuestion.text, JobQuestion.retired_at, ApplicationAnswer.text)
        .join(JobQuestion, ApplicationAnswer.question_id == JobQuestion.id)
        .where(ApplicationAnswer.application_id.in_(application_ids))
        .order_by(ApplicationAnswer.application_id, JobQuestion.position, JobQuestion.id))
    for application_id, question, retired_at, text in rows:
        found.setdefault(application_id, []).append(ShownAnswer(question, retired_at is not None, text))
    return found
