"""The week-5 values review: the mentor rates the new hire on the core values' anchors from what they saw in the
five weeks, and the new hire may add a self-assessment; each is kept like a scorecard (1-5 or no evidence per
value, with the evidence) and is final once submitted.

Who writes: the enrolment's mentor the mentor's review (HR when the new hire has no mentor), the new hire their
self-assessment. When: from the first day of the programme's fifth week (start + 28 days, the company's date),
or once the new hire has graduated. Who reads a submitted review: HR and admins, the mentor and the new hire
(it is feedback about them); nobody else, and no interviewer who is not this hire's mentor. A draft is seen
only on the form of whoever may write it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from hiring.audit import record
from hiring.errors import Conflict, DomainError, Forbidden, NotFound
from hiring.interviews.items import Answer, Item
from hiring.models import (
    CoreValue,
    Enrollment,
    Hire,
    ReviewKind,
    ReviewStatus,
    User,
    ValuesReview,
    ValuesReviewRating,
    utcnow,
)
from hiring.onboarding.service import STAFF, may_view

OPENS_AFTER_DAYS = 28  # the first day of week 5


class Incomplete(DomainError):
    """A review that misses something; `errors` maps each field to what is missing."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(ngettext("The review is not complete: %(num)d thing to fix, marked below.",
                                  "The review is not complete: %(num)d things to fix, marked below.", len(errors)))
        self.errors = errors


def opens_on(enrollment: Enrollment) -> date:
    """The first day the week-5 review may be written: the start of the programme's fifth week."""
    return enrollment.started_on + timedelta(days=OPENS_AFTER_DAYS)


def is_open(enrollment: Enrollment, today: date) -> bool:
    """From week 5 on, or once graduated (a new hire may graduate early)."""
    return enrollment.completed_on is not None or today >= opens_on(enrollment)


def may_write(user: User, hire: Hire, kind: ReviewKind) -> bool:
    """The mentor writes the mentor's review (HR or an admin when there is no mentor); the new hire their own."""
    if kind is ReviewKind.SELF:
        return hire.user_id is not None and hire.user_id == user.id
    if hire.mentor_id is None:
        return user.role in STAFF
    return hire.mentor_id == user.id


def may_read(user: User, hire: Hire) -> bool:
    """Submitted reviews: HR and admins, the mentor and the new hire; nobody else."""
    return may_view(user, hire)


def load_enrollment(session: Session, enrollment_id: int) -> Enrollment:
    """The enrolment with its hire, the new hire and the mentor, or NotFound."""
    enrollment = session.scalar(
        sa.select(Enrollment)
        .options(joinedload(Enrollment.hire).joinedload(Hire.user), joinedload(Enrollment.hire).joinedload(Hire.mentor))
        .where(Enrollment.id == enrollment_id))
    if enrollment is None:
        raise NotFound(_("There is no such new hire in onboarding."))
    return enrollment


def reviews(session: Session, enrollment_id: int) -> dict[ReviewKind, ValuesReview]:
    """The enrolment's reviews, drafts too, each with its ratings and their values; one statement."""
    found = session.scalars(
        sa.select(ValuesReview)
        .options(joinedload(ValuesReview.ratings).joinedload(ValuesReviewRating.core_value),
                 joinedload(ValuesReview.reviewer))
        .where(ValuesReview.enrollment_id == enrollment_id)).unique().all()
    return {review.kind: review for review in found}


def items_for(session: Session, review: ValuesReview | None) -> list[Item]:
    """What a review rates: the active core values, and any value it rated that has since been retired; a
    submitted review, exactly what it rated."""
    rated = [r.core_value_id for r in review.ratings] if review is not None else []
    if review is not None and review.status is ReviewStatus.SUBMITTED:
        where = CoreValue.id.in_(rated)
    else:
        where = sa.or_(CoreValue.retired_at.is_(None), CoreValue.id.in_(rated))
    values = session.scalars(sa.select(CoreValue).where(where).order_by(CoreValue.position, CoreValue.id)).all()
    return [Item("v", v.id, v) for v in values]


def check_complete(answers: dict[str, Answer], items: list[Item]) -> dict[str, str]:
    """What a submission misses, by field: every active value rated or 'no evidence', evidence with every
    score; a retired value kept from a draft needs the same once anything was typed for it."""
    errors = {}
    for item in items:
        answer = answers.get(item.key, Answer())
        if item.obj.retired_at is not None and answer.is_empty:
            continue
        if answer.score is None and not answer.no_evidence:
            errors[f"rating_{item.key}"] = _("Choose a rating, or No evidence.")
        elif answer.score is not None and not answer.evidence.strip():
            errors[f"evidence_{item.key}"] = _("Write the evidence for this rating: what you saw the new hire "
                                               "say or do.")
    return errors


@dataclass
class Saved:
    """What a save did: the review, and whether it was submitted."""

    review: ValuesReview
    submitted: bool


def _write(review: ValuesReview, answers: dict[str, Answer], items: list[Item]) -> None:
    by_value = {r.core_value_id: r for r in review.ratings}
    for item in items:
        answer = answers.get(item.key, Answer())
        rating = by_value.get(item.id)
        if answer.is_empty:
            # No row for an untouched value, so that "rated here" (which keeps a retired value) means it.
            if rating is not None:
                review.ratings.remove(rating)
            continue
        if rating is None:
            rating = ValuesReviewRating(core_value_id=item.id)
            review.ratings.append(rating)
        rating.score = None if answer.no_evidence else answer.score
        rating.no_evidence, rating.evidence = answer.no_evidence, answer.evidence.strip()
    review.updated_at = utcnow()


def save(session: Session, enrollment_id: int, kind: ReviewKind, user: User, answers: dict[str, Answer], *,
         submit: bool, today: date) -> Saved:
    """Save a draft, or submit (final). Refused before week 5, by anyone but its writer, and once submitted;
    nothing is saved from an incomplete submission."""
    enrollment = load_enrollment(session, enrollment_id)
    hire = enrollment.hire
    if not may_write(user, hire, kind):
        raise Forbidden(_("This review is not yours to write."))
    if not is_open(enrollment, today):
        raise Conflict(not_open_message(enrollment))
    # Saves of one enrolment's reviews take turns (PostgreSQL), so that a second submit sees the first.
    session.execute(sa.select(Enrollment.id).where(Enrollment.id == enrollment_id).with_for_update())
    review = session.scalar(sa.select(ValuesReview).where(ValuesReview.enrollment_id == enrollment_id,
                                                         ValuesReview.kind == kind))
    if review is not None:
        session.refresh(review)
        if review.status is ReviewStatus.SUBMITTED:
            raise Conflict(_("This review is already submitted; a submitted review is final."))
    items = items_for(session, review)
    if submit:
        errors = check_complete(answers, items)
        if errors:
            raise Incomplete(errors)
    if review is None:
        review = ValuesReview(enrollment_id=enrollment_id, kind=kind, status=ReviewStatus.DRAFT)
        session.add(review)
    review.reviewer_id = user.id
    _write(review, answers, items)
    if submit:
        review.status, review.submitted_at = ReviewStatus.SUBMITTED, utcnow()
    session.flush()
    if submit:
        record(session, actor_id=user.id, action="values_review_submitted", entity_type="values_review",
               entity_id=review.id, enrollment_id=enrollment_id, hire_id=hire.id, kind=kind.value)
    return Saved(review, submit)


def not_open_message(enrollment: Enrollment) -> str:
    """Why the review cannot be written yet, and from when it can."""
    return _("The week-5 values review opens on %(date)s, at the start of the programme's fifth week (or when "
             "the new hire graduates, if that is sooner).", date=format_date(opens_on(enrollment)))


def visible(user: User, hire: Hire, found: dict[ReviewKind, ValuesReview]) -> list[ValuesReview]:
    """The submitted reviews this user may read, the mentor's first."""
    if not may_read(user, hire):
        return []
    return [found[k] for k in (ReviewKind.MENTOR, ReviewKind.SELF)
            if k in found and found[k].status is ReviewStatus.SUBMITTED]


def dossier_rows(session: Session, application_id: int, interview_rows: list) -> dict | None:
    """The week-5 reviews of the hire made from this application, for its dossier: None when there is no
    enrolment; else per core value the interviews' mean, the mentor's rating and the self-assessment; one
    statement whatever the number of values.

    `interview_rows` are the dossier's rows (hiring.interviews.comparison.Row); values are matched by name,
    which is unique."""
    found = session.execute(
        sa.select(Enrollment.id, ValuesReview.kind, ValuesReview.submitted_at, CoreValue.name, CoreValue.position,
                  CoreValue.id, ValuesReviewRating.score, ValuesReviewRating.no_evidence,
                  ValuesReviewRating.evidence)
        .select_from(Hire)
        .join(Enrollment, Enrollment.hire_id == Hire.id)
        .outerjoin(ValuesReview, sa.and_(ValuesReview.enrollment_id == Enrollment.id,
                                         ValuesReview.status == ReviewStatus.SUBMITTED))
        .outerjoin(ValuesReviewRating, ValuesReviewRating.review_id == ValuesReview.id)
        .outerjoin(CoreValue, CoreValue.id == ValuesReviewRating.core_value_id)
        .where(Hire.application_id == application_id)).all()
    if not found:
        return None
    submitted: dict[str, object] = {}
    values: dict[int, dict] = {}
    for _enrollment, kind, submitted_at, name, position, value_id, score, no_evidence, evidence in found:
        if kind is None:
            continue
        submitted[kind.value] = submitted_at
        if value_id is None:
            continue
        row = values.setdefault(value_id, {"name": name, "position": position, "mentor": None, "self": None})
        row[kind.value] = {"score": score, "no_evidence": no_evidence, "evidence": evidence}
    interviews = {row.name: row.scores for row in interview_rows if row.kind == "value"}
    rows = sorted(values.values(), key=lambda r: (r["position"], r["name"]))
    for row in rows:
        scores = interviews.get(row["name"], [])
        row["interview_mean"] = sum(scores) / len(scores) if scores else None
        row["interview_n"] = len(scores)
    return {"enrollment_id": found[0][0], "submitted": submitted, "rows": rows}


def section(session: Session, user: User, enrollment: Enrollment, today: date) -> dict:
    """What the onboarding page shows of the week-5 review to this user; one statement."""
    hire = enrollment.hire
    found = reviews(session, enrollment.id)
    mentor, own = found.get(ReviewKind.MENTOR), found.get(ReviewKind.SELF)
    return {"enrollment_id": enrollment.id, "open": is_open(enrollment, today), "opens_on": opens_on(enrollment),
            "shown": visible(user, hire, found),
            "may_write_mentor": may_write(user, hire, ReviewKind.MENTOR),
            "may_write_self": may_write(user, hire, ReviewKind.SELF),
            # A draft is its writer's: only they learn that one exists.
            "mentor": mentor if may_write(user, hire, ReviewKind.MENTOR) else None,
            "self": own if may_write(user, hire, ReviewKind.SELF) else None,
            "mentor_submitted": mentor is not None and mentor.status is ReviewStatus.SUBMITTED,
            "self_submitted": own is not None and own.status is ReviewStatus.SUBMITTED}
