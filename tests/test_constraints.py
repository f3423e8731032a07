"""The database protects itself: constraints refuse what would be a bug, whatever the code above does."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hiring.extensions import db
from hiring.models import (
    Application,
    Hire,
    InterviewKind,
    QuitOffer,
    Rating,
    Recommendation,
    Scorecard,
    ScorecardStatus,
    utcnow,
)
from tests import factories


def refused(statement_or_rows) -> None:
    """Assert that flushing the rows (or running the SQL) is refused by the database."""
    with pytest.raises(IntegrityError):
        if isinstance(statement_or_rows, str):
            db.session.execute(sa.text(statement_or_rows))
        else:
            db.session.add_all(statement_or_rows)
        db.session.flush()
    db.session.rollback()


def test_rating_of_six_is_refused(app):
    card = factories.scorecard()
    value = factories.core_value()
    refused([Rating(scorecard=card, core_value=value, score=6, evidence="x")])


def test_rating_of_zero_is_refused(app):
    card = factories.scorecard()
    value = factories.core_value()
    refused([Rating(scorecard=card, core_value=value, score=0, evidence="x")])


def test_rating_of_one_to_five_is_accepted(app):
    card = factories.scorecard()
    for score in range(1, 6):
        db.session.add(Rating(scorecard=card, core_value=factories.core_value(), score=score, evidence="e"))
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) == 5


def test_second_scorecard_for_same_assignment_is_refused(app):
    card = factories.scorecard()
    refused([Scorecard(assignment_id=card.assignment_id)])


def test_rating_on_both_requirement_and_value_is_refused(app):
    card = factories.scorecard()
    requirement = card.assignment.application.job.requirements[0]
    refused([Rating(scorecard=card, requirement=requirement, core_value=factories.core_value(), score=3)])


def test_rating_on_neither_requirement_nor_value_is_refused(app):
    card = factories.scorecard()
    refused([Rating(scorecard=card, score=3)])


def test_no_evidence_with_a_score_is_refused(app):
    card = factories.scorecard()
    refused([Rating(scorecard=card, core_value=factories.core_value(), score=3, no_evidence=True)])


def test_two_ratings_of_one_value_on_one_scorecard_are_refused(app):
    card = factories.scorecard()
    value = factories.core_value()
    refused([Rating(scorecard=card, core_value=value, score=3), Rating(scorecard=card, core_value=value, score=4)])


def test_veto_without_reason_is_refused(app):
    assignment = factories.assignment(kind=InterviewKind.VALUES)
    refused([Scorecard(assignment=assignment, culture_veto=True, veto_reason="  ")])


def test_submitted_scorecard_without_recommendation_is_refused(app):
    assignment = factories.assignment()
    refused([Scorecard(assignment=assignment, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow())])


def test_submitted_scorecard_with_recommendation_is_accepted(app):
    assignment = factories.assignment()
    db.session.add(Scorecard(assignment=assignment, status=ScorecardStatus.SUBMITTED,
                             submitted_at=utcnow(), recommendation=Recommendation.YES))
    db.session.flush()


def test_second_application_to_same_job_is_refused(app):
    first = factories.application()
    refused([Application(job_id=first.job_id, candidate_id=first.candidate_id)])


def test_duplicate_candidate_email_is_refused(app):
    factories.candidate(email="same@example.test")
    refused("INSERT INTO candidates (name, email, created_at) VALUES ('B', 'same@example.test', CURRENT_TIMESTAMP)")


def test_unknown_stage_is_refused_by_the_database(app):
    application = factories.application()
    refused(f"UPDATE applications SET stage = 'promoted' WHERE id = {application.id}")


def test_threshold_over_100_is_refused(app):
    job = factories.job()
    refused(f"UPDATE jobs SET values_threshold = 101 WHERE id = {job.id}")


def test_foreign_keys_are_enforced(app):
    job = factories.job()
    refused(
        "INSERT INTO applications (candidate_id, job_id, stage, applied_at, stage_changed_at) "
        f"VALUES (987654, {job.id}, 'applied', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )


def test_hire_ending_before_it_starts_is_refused(app):
    start = date(2026, 3, 1)
    refused([Hire(application=factories.application(), start_date=start,
                  end_date=start - timedelta(days=1), end_reason="resigned")])


def test_hire_end_without_reason_is_refused(app):
    refused([Hire(application=factories.application(), start_date=date(2026, 3, 1), end_date=date(2026, 4, 1))])


def test_second_offer_for_one_hire_is_refused(app):
    hire = factories.hire()
    now = utcnow()
    offer = dict(amount_minor=400_000, currency="USD", offered_at=now, deadline=now + timedelta(days=7))
    db.session.add(QuitOffer(hire=hire, **offer))
    db.session.flush()
    refused([QuitOffer(hire_id=hire.id, **offer)])


def test_offer_in_lowercase_currency_is_refused(app):
    now = utcnow()
    refused([QuitOffer(hire=factories.hire(), amount_minor=400_000, currency="usd", offered_at=now,
                       deadline=now + timedelta(days=7))])


def test_times_come_back_in_utc(app):
    application = factories.application()
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Application, application.id)
    assert again.applied_at.utcoffset().total_seconds() == 0


def test_naive_datetime_is_refused_before_it_reaches_the_database(app):
    from datetime import datetime

    application = factories.application()
    application.stage_changed_at = datetime(2026, 1, 1, 12, 0)
    with pytest.raises(sa.exc.StatementError):
        db.session.flush()
    db.session.rollback()
