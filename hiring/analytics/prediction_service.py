"""Loads what the predictive-validity page rests on (hiring/analytics/prediction.py computes it): every hire's
interview ratings per item, their week-5 review and whether they stayed a year, and the interviewed applicants'
spread of each item. Five statements whatever the company's size, read as columns (hiring/columns.py) where
they are many."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.analytics import prediction
from hiring.analytics.prediction import AXIS_REQUIREMENTS, AXIS_VALUES, Hires, Item
from hiring.columns import int_columns, text_columns
from hiring.models import (
    Application,
    CoreValue,
    EndReason,
    Enrollment,
    Hire,
    InterviewAssignment,
    Job,
    Rating,
    Requirement,
    ReviewKind,
    ReviewStatus,
    Scorecard,
    ScorecardStatus,
    ValuesReview,
    ValuesReviewRating,
)

ONE_YEAR = 365


def _item_codes():
    """A rating's item as one integer: a core value's id as is, a requirement's as its negative."""
    return sa.func.coalesce(Rating.core_value_id, -Rating.requirement_id)


def _key(code: int) -> str:
    return f"value:{code}" if code > 0 else f"requirement:{-code}"


def _submitted_ratings():
    return (sa.select().select_from(Rating)
            .join(Scorecard, Rating.scorecard_id == Scorecard.id)
            .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
            .where(Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None)))


def _pool(session: Session) -> dict[str, float | None]:
    """Each item's spread among the interviewed applicants: the SD of their per-application mean rating (one
    statement: the database averages per application, then sums per item), and of the two axes over the scored
    applications (one more)."""
    per_application = (_submitted_ratings()
                       .add_columns(InterviewAssignment.application_id, _item_codes().label("item"),
                                    sa.func.avg(sa.cast(Rating.score, sa.Float)).label("mean"))
                       .group_by(InterviewAssignment.application_id, _item_codes())).subquery()
    rows = session.execute(sa.select(per_application.c.item, sa.func.count(),
                                     sa.func.avg(per_application.c.mean),
                                     sa.func.avg(per_application.c.mean * per_application.c.mean))
                           .group_by(per_application.c.item)).all()
    spread = {_key(code): prediction.pool_spread(n, mean, squares) for code, n, mean, squares in rows}
    scored = Application.values_fit.is_not(None)
    axes = session.execute(sa.select(
        sa.func.count(), sa.func.avg(Application.values_fit), sa.func.avg(Application.values_fit * Application.values_fit),
        sa.func.avg(Application.requirements_fit),
        sa.func.avg(Application.requirements_fit * Application.requirements_fit)).where(scored)).one()
    spread[AXIS_VALUES] = prediction.pool_spread(axes[0], axes[1], axes[2])
    spread[AXIS_REQUIREMENTS] = prediction.pool_spread(axes[0], axes[3], axes[4])
    return spread


def _hires(session: Session, today: date) -> tuple[np.ndarray, Hires, set[int]]:
    """The hires (application ids in order) with their interview means, week-5 ratings and first year."""
    app_ids, hire_ids, start, end, reason, values_fit, requirements_fit = text_columns(session, sa.select(
        Hire.application_id, Hire.id, Hire.start_date, Hire.end_date,
        sa.case((Hire.end_reason == EndReason.OFFER_ACCEPTED, 1), else_=0),
        Application.values_fit, Application.requirements_fit)
        .join(Application, Hire.application_id == Application.id))
    order = np.argsort(np.array(app_ids, dtype=np.int64)) if app_ids else np.zeros(0, dtype=np.int64)

    def floats(values: list[str]) -> np.ndarray:
        return np.array([float(v) if v else np.nan for v in values], dtype=float)[order]

    applications = np.array(app_ids, dtype=np.int64)[order] if app_ids else np.zeros(0, dtype=np.int64)
    hires = np.array(hire_ids, dtype=np.int64)[order] if hire_ids else np.zeros(0, dtype=np.int64)
    size = applications.size
    starts = np.array(start, dtype="datetime64[D]")[order] if start else np.zeros(0, dtype="datetime64[D]")
    ends = np.array([d or "NaT" for d in end], dtype="datetime64[D]")[order]
    offer = (np.array(reason, dtype=np.int64)[order] == 1) if reason else np.zeros(0, dtype=bool)
    # A year over: started at least 365 days ago. Stayed: no end, or an end more than 365 days after the start.
    year_over = starts <= np.datetime64(today - timedelta(days=ONE_YEAR), "D")
    ended = ~np.isnat(ends)  # NaT (still employed) would turn into a huge negative number of days below
    tenure = np.where(ended, (np.where(ended, ends, starts) - starts).astype(np.int64), ONE_YEAR + 1)
    left_within = ended & (tenure <= ONE_YEAR)
    stayed = np.where(year_over, np.where(left_within, 0.0, 1.0), np.nan)
    took_offer = year_over & left_within & offer

    predictors = {AXIS_VALUES: floats(values_fit), AXIS_REQUIREMENTS: floats(requirements_fit)}
    means = int_columns(session, _submitted_ratings()
                        .add_columns(InterviewAssignment.application_id, _item_codes(), sa.func.sum(Rating.score),
                                     sa.func.count(Rating.score))
                        .join(Hire, Hire.application_id == InterviewAssignment.application_id)
                        .group_by(InterviewAssignment.application_id, _item_codes()))
    rated = set()
    if means.size:
        positions = np.searchsorted(applications, means[:, 0])
        for code in np.unique(means[:, 1]):
            of_item = means[:, 1] == code
            column = np.full(size, np.nan)
            column[positions[of_item]] = means[of_item, 2] / means[of_item, 3]
            predictors[_key(int(code))] = column
            rated.add(int(code))

    week5: dict[str, np.ndarray] = {}
    reviews = int_columns(session, sa.select(Enrollment.hire_id, ValuesReviewRating.core_value_id,
                                             ValuesReviewRating.score)
                          .join(ValuesReview, ValuesReviewRating.review_id == ValuesReview.id)
                          .join(Enrollment, ValuesReview.enrollment_id == Enrollment.id)
                          .where(ValuesReview.kind == ReviewKind.MENTOR, ValuesReview.status == ReviewStatus.SUBMITTED,
                                 ValuesReviewRating.score.is_not(None)))
    if reviews.size:
        by_hire = np.argsort(hires)
        positions = by_hire[np.searchsorted(hires, reviews[:, 0], sorter=by_hire)]
        for value_id in np.unique(reviews[:, 1]):
            of_value = reviews[:, 1] == value_id
            column = np.full(size, np.nan)
            column[positions[of_value]] = reviews[of_value, 2]
            week5[f"value:{int(value_id)}"] = column
    return applications, Hires(predictors, week5, stayed, took_offer), rated


def _items(session: Session, rated: set[int]) -> list[Item]:
    """The axes, then the core values in their order, then each job's requirements, of those rated at all."""
    items = [Item(AXIS_VALUES, "axis", _("Values fit")), Item(AXIS_REQUIREMENTS, "axis", _("Requirements fit"))]
    value_ids = [c for c in rated if c > 0]
    requirement_ids = [-c for c in rated if c < 0]
    if value_ids:
        for value_id, name in session.execute(sa.select(CoreValue.id, CoreValue.name)
                                              .where(CoreValue.id.in_(value_ids))
                                              .order_by(CoreValue.position, CoreValue.id)):
            items.append(Item(f"value:{value_id}", "value", name))
    if requirement_ids:
        for requirement_id, name, job in session.execute(
                sa.select(Requirement.id, Requirement.name, Job.title).join(Job, Requirement.job_id == Job.id)
                .where(Requirement.id.in_(requirement_ids)).order_by(Job.title, Job.id, Requirement.position,
                                                                     Requirement.id)):
            items.append(Item(f"requirement:{requirement_id}", "requirement", name, job))
    return items


def prediction_table(session: Session, today: date) -> prediction.Table:
    """The whole table for the page, its PDF section and its charts."""
    _applications, hires, rated = _hires(session, today)
    return prediction.table(_items(session, rated), hires, _pool(session))
