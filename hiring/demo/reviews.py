"""The demo's week-5 values reviews: each graduate's mentor rates them on the core values, and about half add a
self-assessment. The mentor sees the new hire's own level on each value (the hidden fit and the candidate's
deviation per item that the interviewers saw too, hiring/demo/interviews.py) through five weeks of work, with
their own leniency; so the interview's ratings predict the week-5 review, except on the value whose interview
anchors are vague (the demo's weak item), where the interviews were mostly noise. That is what the page
"Does our interview predict?" has to find."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from hiring.demo.seed import Demo, at
from hiring.models import (
    DepartureReview,
    DepartureReviewStatus,
    DepartureReviewValue,
    EndReason,
    Enrollment,
    Hire,
    ReviewKind,
    ReviewStatus,
    ValuesReview,
    ValuesReviewRating,
    Verdict,
)
from hiring.onboarding.values_review import OPENS_AFTER_DAYS

SEEN_NOISE = 0.45       # five weeks of work is a long look: less noise than one interview's 0.15-1.4 spread
SELF_LIFT = 0.5         # people rate themselves a little higher
SELF_SHARE = 0.5
# The reviews draw from their own generator, so that adding them changed none of the demo's other figures.
SEED = 23


def _score(level: float) -> int:
    return max(1, min(5, round(level)))


def _review(demo: Demo, rng: random.Random, enrollment: Enrollment, hire: Hire, kind: ReviewKind,
            day_offset: int) -> ValuesReview:
    fit, _ability, truth = demo.hidden[hire]
    mentor = kind is ReviewKind.MENTOR
    lenience = demo.lenience.get(hire.mentor_id, 0.0) * 0.5 if mentor else SELF_LIFT
    words = demo.content.WEEK5_EVIDENCE if mentor else demo.content.SELF_EVIDENCE
    submitted = demo.past(at(enrollment.started_on + timedelta(days=day_offset), rng.randint(9, 17)))
    review = ValuesReview(enrollment=enrollment, kind=kind, reviewer_id=hire.mentor_id if mentor else hire.user_id,
                          status=ReviewStatus.SUBMITTED, submitted_at=submitted, created_at=submitted,
                          updated_at=submitted)
    for value in demo.values:
        level = fit + truth.get(value, 0.0) + lenience + rng.gauss(0, SEEN_NOISE)
        score = _score(level)
        review.ratings.append(ValuesReviewRating(core_value_id=value.id, score=score,
                                                 evidence=rng.choice(words[score])))
    return review


def add_week5_reviews(demo: Demo) -> None:
    """A mentor's review for every graduate (the last graduates: two of four so far) and some self-assessments."""
    rng = random.Random(SEED)
    rows = demo.session.execute(
        sa.select(Enrollment, Hire).join(Hire, Enrollment.hire_id == Hire.id)
        .where(Enrollment.completed_on.is_not(None)).order_by(Enrollment.started_on, Enrollment.id)).all()
    latest = max((enrollment.started_on for enrollment, _hire in rows), default=None)
    for enrollment, hire in rows:
        if hire not in demo.hidden or hire.mentor_id is None:
            continue
        if enrollment.started_on == latest and rng.random() < 0.5:
            continue  # the newest graduates' mentors have not all written theirs yet
        demo.session.add(_review(demo, rng, enrollment, hire, ReviewKind.MENTOR, OPENS_AFTER_DAYS + rng.randint(1, 5)))
        if hire.user_id is not None and rng.random() < SELF_SHARE:
            demo.session.add(_review(demo, rng, enrollment, hire, ReviewKind.SELF, OPENS_AFTER_DAYS + rng.randint(0, 6)))
    demo.session.flush()


DEPARTURE_SHARE = 0.6   # of the first-year leavers and The Offer's takers, those whose review was written
UNKNOWN_SHARE = 0.15    # a value nobody saw enough of


def add_departure_reviews(demo: Demo) -> None:
    """Blameless reviews of some who took The Offer or left in their first year: per core value, whether they
    showed it at work (from their hidden level on it, as the mentor would have seen), so that the values
    false-positive rate has something to count. Written by the mentor, submitted by HR, after the departure."""
    rng = random.Random(SEED + 1)
    hires = demo.session.scalars(sa.select(Hire).where(Hire.end_date.is_not(None), Hire.mentor_id.is_not(None))
                                 .order_by(Hire.end_date, Hire.id)).all()
    words = demo.content
    for hire in hires:
        first_year = (hire.end_date - hire.start_date).days <= 365
        if hire not in demo.hidden or not (first_year or hire.end_reason is EndReason.OFFER_ACCEPTED):
            continue
        if rng.random() >= DEPARTURE_SHARE:
            continue
        fit, _ability, truth = demo.hidden[hire]
        written = demo.past(at(hire.end_date + timedelta(days=rng.randint(3, 14)), rng.randint(9, 17)))
        offer = hire.end_reason is EndReason.OFFER_ACCEPTED
        review = DepartureReview(hire_id=hire.id, status=DepartureReviewStatus.SUBMITTED,
                                 what_happened=rng.choice(words.DEPARTED_OFFER if offer else words.DEPARTED),
                                 what_we_learn=rng.choice(words.LESSONS), last_edited_by_id=hire.mentor_id,
                                 submitted_by_id=demo.hr.id, created_at=written, updated_at=written,
                                 submitted_at=written)
        for value in demo.values:
            level = fit + truth.get(value, 0.0) + rng.gauss(0, SEEN_NOISE)
            verdict = (Verdict.UNKNOWN if rng.random() < UNKNOWN_SHARE
                       else Verdict.SHOWN if level >= 3 else Verdict.NOT_SHOWN)
            review.values.append(DepartureReviewValue(core_value_id=value.id, verdict=verdict))
        demo.session.add(review)
    demo.session.flush()
