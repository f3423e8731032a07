"""The values false-positive figures, kept as a snapshot (hiring/snapshots.py): the rows they are made of are
read here, the maths is hiring/analytics/false_positives.py.

The snapshot holds ids and numbers only (a cache never copies a name); the page looks the names up.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring import snapshots
from hiring.analytics import false_positives as fp
from hiring.models import (
    DepartureReview,
    DepartureReviewStatus,
    DepartureReviewValue,
    Hire,
    InterviewAssignment,
    Rating,
    Scorecard,
    ScorecardStatus,
)
from hiring.scoring.service import _floor as score_floor  # the gate's floor: a rating at or above it passes
from hiring.snapshots import Cached, Recipe


def load(session: Session) -> tuple[list[fp.JudgedValue], list[fp.ValueRating]]:
    """The verdicts of every submitted review, and the values ratings of the reviewed hires' interviewers
    (submitted scorecards); two queries."""
    submitted = DepartureReview.status == DepartureReviewStatus.SUBMITTED
    judged = [fp.JudgedValue(hire_id, value_id, verdict.value) for hire_id, value_id, verdict in session.execute(
        sa.select(DepartureReview.hire_id, DepartureReviewValue.core_value_id, DepartureReviewValue.verdict)
        .join(DepartureReviewValue, DepartureReviewValue.review_id == DepartureReview.id)
        .where(submitted, DepartureReviewValue.verdict.is_not(None)))]
    ratings = [fp.ValueRating(*row) for row in session.execute(
        sa.select(InterviewAssignment.interviewer_id, Hire.id, Rating.core_value_id, Rating.score)
        .select_from(DepartureReview)
        .join(Hire, Hire.id == DepartureReview.hire_id)
        .join(InterviewAssignment, InterviewAssignment.application_id == Hire.application_id)
        .join(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .join(Rating, Rating.scorecard_id == Scorecard.id)
        .where(submitted, Scorecard.status == ScorecardStatus.SUBMITTED, Rating.core_value_id.is_not(None)))]
    return judged, ratings


def compute(session: Session, floor: float) -> dict:
    """The figures: by core value id, by interviewer id, overall, and how many reviews they rest on."""
    judged, ratings = load(session)
    return {"by_value": fp.by_value(judged), "by_interviewer": fp.by_interviewer(judged, ratings, floor),
            "overall": fp.overall(judged), "reviews": len({row.hire_id for row in judged}), "floor": floor}


@snapshots.maker("values_false_positives", warm=({},))
def _values_false_positives() -> Recipe[dict]:
    floor = score_floor()
    return Recipe("values-false-positives:v1", ("hires", "scorecards"), lambda session: compute(session, floor),
                  extra=f";floor={floor}")


def figures(*, wait: bool = False) -> Cached[dict]:
    """The values false-positive figures, from the snapshot."""
    return snapshots.snapshot("values_false_positives", wait=wait)
