"""The departure review: when a hire takes The Offer or leaves within a year of starting, the mentor or HR looks
back at what the hiring process missed (blameless: not the person's fault, nor the interviewer's) and says for
each core value whether, in hindsight, the person showed it at work.

Due: employment ended with The Offer taken, or ended at most DUE_WITHIN_DAYS days after the start date, for any
reason. Who writes: the hire's mentor, HR and admins (any of them, one shared review per hire); nobody else.
A draft keeps everything typed; a submitted review is final. Who reads a submitted review: the same people.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session, contains_eager, joinedload

from hiring.audit import record
from hiring.errors import Conflict, DomainError, Forbidden, NotFound
from hiring.models import (
    CoreValue,
    DepartureReview,
    DepartureReviewStatus,
    DepartureReviewValue,
    EndReason,
    Hire,
    InterviewAssignment,
    Rating,
    Role,
    Scorecard,
    ScorecardStatus,
    User,
    Verdict,
    utcnow,
)
from hiring.onboarding.queries import _DaysBetween as days_between  # the one date arithmetic for both databases
from hiring.paging import list_page

DUE_WITHIN_DAYS = 365
STAFF = (Role.HR, Role.ADMIN)
PER_PAGE = 50


class Incomplete(DomainError):
    """A submission that misses something; `errors` maps each field to what is missing."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(ngettext("The review is not complete: %(num)d thing to fix, marked below.",
                                  "The review is not complete: %(num)d things to fix, marked below.", len(errors)))
        self.errors = errors


def is_due(start_date: date, end_date: date | None, end_reason: EndReason | None) -> bool:
    """A review is due once employment ended with The Offer taken, or ended within a year of the start."""
    if end_date is None:
        return False
    return end_reason is EndReason.OFFER_ACCEPTED or end_date <= start_date + timedelta(days=DUE_WITHIN_DAYS)


def due_condition() -> sa.ColumnElement[bool]:
    """is_due() in SQL, for the lists."""
    return sa.and_(Hire.end_date.is_not(None),
                   sa.or_(Hire.end_reason == EndReason.OFFER_ACCEPTED,
                          days_between(Hire.end_date, Hire.start_date) <= DUE_WITHIN_DAYS))


def may_write(user: User, hire: Hire) -> bool:
    """The hire's mentor, HR and admins; nobody else (the person themselves has left)."""
    return user.role in STAFF or (hire.mentor_id is not None and hire.mentor_id == user.id)


def load_hire(session: Session, hire_id: int) -> Hire:
    """The hire with the person, the mentor, the enrolment and any review with its verdicts, or NotFound."""
    hire = session.scalar(
        sa.select(Hire)
        .options(joinedload(Hire.user), joinedload(Hire.mentor), joinedload(Hire.enrollment),
                 joinedload(Hire.departure_review).joinedload(DepartureReview.values),
                 joinedload(Hire.departure_review).joinedload(DepartureReview.submitted_by))
        .where(Hire.id == hire_id))
    if hire is None:
        raise NotFound(_("There is no such hire."))
    return hire


def check_access(user: User, hire: Hire) -> None:
    """Forbidden for anyone but the mentor and HR; NotFound when no review is due for this hire."""
    if not may_write(user, hire):
        raise Forbidden(_("This departure review is not yours to write."))
    if not is_due(hire.start_date, hire.end_date, hire.end_reason):
        raise NotFound(_("No departure review is due for this hire: it is for those who took The Offer or left "
                         "within a year of starting."))


def values_for(session: Session, review: DepartureReview | None) -> list[CoreValue]:
    """What a review judges: the active core values and any it judged that has since been retired; a
    submitted review, exactly what it judged."""
    judged = [v.core_value_id for v in review.values] if review is not None else []
    if review is not None and review.status is DepartureReviewStatus.SUBMITTED:
        where = CoreValue.id.in_(judged)
    else:
        where = sa.or_(CoreValue.retired_at.is_(None), CoreValue.id.in_(judged))
    return list(session.scalars(sa.select(CoreValue).where(where).order_by(CoreValue.position, CoreValue.id)))


def interview_means(session: Session, application_id: int) -> dict[int, tuple[float, int]]:
    """{core value id: (mean rating, number of ratings)} of this application's submitted scorecards; one query."""
    rows = session.execute(
        sa.select(Rating.core_value_id, sa.func.avg(Rating.score), sa.func.count(Rating.score))
        .join(Scorecard, Scorecard.id == Rating.scorecard_id)
        .join(InterviewAssignment, InterviewAssignment.id == Scorecard.assignment_id)
        .where(InterviewAssignment.application_id == application_id, Scorecard.status == ScorecardStatus.SUBMITTED,
               Rating.core_value_id.is_not(None), Rating.score.is_not(None))
        .group_by(Rating.core_value_id))
    return {value_id: (float(mean), n) for value_id, mean, n in rows}


@dataclass(frozen=True)
class Answer:
    """What was typed for one core value: a verdict (or none yet) and a note."""

    verdict: Verdict | None = None
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return self.verdict is None and not self.note.strip()


@dataclass(frozen=True)
class Typed:
    """Everything the form holds: the two texts and an answer per core value id."""

    what_happened: str
    what_we_learn: str
    answers: dict[int, Answer]


def check_complete(typed: Typed, values: list[CoreValue]) -> dict[str, str]:
    """What a submission misses, by field: what happened, and a verdict on every active value (a retired value
    kept from a draft needs one only when something was typed for it)."""
    errors = {}
    if not typed.what_happened.strip():
        errors["what_happened"] = _("Say briefly what happened: the facts of the departure, as far as they are "
                                    "known.")
    for value in values:
        answer = typed.answers.get(value.id, Answer())
        if value.retired_at is not None and answer.is_empty:
            continue
        if answer.verdict is None:
            errors[f"verdict_v{value.id}"] = _("Choose shown, not shown, or cannot say.")
    return errors


def _write(review: DepartureReview, typed: Typed, values: list[CoreValue]) -> None:
    review.what_happened, review.what_we_learn = typed.what_happened.strip(), typed.what_we_learn.strip()
    by_value = {v.core_value_id: v for v in review.values}
    for value in values:
        answer = typed.answers.get(value.id, Answer())
        row = by_value.get(value.id)
        if answer.is_empty:
            if row is not None:  # no row for an untouched value, so that a kept retired value means it
                review.values.remove(row)
            continue
        if row is None:
            row = DepartureReviewValue(core_value_id=value.id)
            review.values.append(row)
        row.verdict, row.note = answer.verdict, answer.note.strip()
    review.updated_at = utcnow()


def save(session: Session, hire_id: int, user: User, typed: Typed, *, submit: bool) -> DepartureReview:
    """Save a draft, or submit (final). Refused to anyone but the mentor and HR, for a hire not due, and once
    submitted; nothing is saved from an incomplete submission."""
    hire = load_hire(session, hire_id)
    check_access(user, hire)
    # Saves of one hire's review take turns (PostgreSQL), so that a second submit sees the first.
    session.execute(sa.select(Hire.id).where(Hire.id == hire_id).with_for_update())
    review = session.scalar(sa.select(DepartureReview).where(DepartureReview.hire_id == hire_id))
    if review is not None:
        session.refresh(review)
        if review.status is DepartureReviewStatus.SUBMITTED:
            raise Conflict(_("This departure review is already submitted; a submitted review is final."))
    values = values_for(session, review)
    if submit:
        errors = check_complete(typed, values)
        if errors:
            raise Incomplete(errors)
    if review is None:
        review = DepartureReview(hire_id=hire_id, status=DepartureReviewStatus.DRAFT)
        session.add(review)
    review.last_edited_by_id = user.id
    _write(review, typed, values)
    if submit:
        review.status, review.submitted_at, review.submitted_by_id = DepartureReviewStatus.SUBMITTED, utcnow(), user.id
    session.flush()
    if submit:
        record(session, actor_id=user.id, action="departure_review_submitted", entity_type="departure_review",
               entity_id=review.id, hire_id=hire_id,
               not_shown=sum(1 for v in review.values if v.verdict is Verdict.NOT_SHOWN))
    return review


# --- the lists --------------------------------------------------------------------------------------------------

def _paged(statement: sa.Select, key: sa.ColumnElement):
    """`(rows, count)` for list_page: the page by LIMIT and OFFSET, the count of the statement's keys."""
    count = sa.select(sa.func.count()).select_from(statement.order_by(None).with_only_columns(key).subquery())
    return (lambda limit, offset: statement.limit(limit).offset(offset)), count


def lists(session: Session, *, mentor_id: int | None, due_page: int, done_page: int) -> dict:
    """Reviews to write (no review yet, or a draft), those who left latest first, and submitted reviews, newest
    first; each a page of PER_PAGE, read with its people in one query (and one count). `mentor_id`: only this
    mentor's former new hires."""
    mine = (Hire.mentor_id == mentor_id,) if mentor_id is not None else ()
    to_write = (sa.select(Hire)
                .outerjoin(DepartureReview, DepartureReview.hire_id == Hire.id)
                .options(contains_eager(Hire.departure_review), joinedload(Hire.user), joinedload(Hire.mentor))
                .where(due_condition(), *mine,
                       sa.or_(DepartureReview.id.is_(None), DepartureReview.status == DepartureReviewStatus.DRAFT))
                .order_by(Hire.end_date.desc(), Hire.id.desc()))
    done = (sa.select(DepartureReview)
            .join(Hire, Hire.id == DepartureReview.hire_id)
            .options(contains_eager(DepartureReview.hire).joinedload(Hire.user),
                     joinedload(DepartureReview.submitted_by))
            .where(DepartureReview.status == DepartureReviewStatus.SUBMITTED, *mine)
            .order_by(DepartureReview.submitted_at.desc(), DepartureReview.id.desc()))
    return {"to_write": list_page(session, *_paged(to_write, Hire.id), page=due_page, per_page=PER_PAGE),
            "done": list_page(session, *_paged(done, DepartureReview.id), page=done_page, per_page=PER_PAGE)}
