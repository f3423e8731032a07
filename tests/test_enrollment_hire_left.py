"""Whether an enrolment's hire has left (`enrollments.hire_left`) is kept by the database from `hires.end_date`
(migration 0034) through every way a hire leaves or comes back, so that "in the programme" is asked of the
enrolments alone: HR's home and the cohort list read no hire to leave out the leavers."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hiring.dashboard.service import cohort_sums, onboarding_cohorts
from hiring.extensions import db
from hiring.models import EndReason, Enrollment, Hire, Role
from hiring.onboarding.queries import cohort_list
from tests import factories

TODAY = date.today()


def _enrolled(**hire) -> Enrollment:
    h = factories.hire(start=TODAY - timedelta(days=3), **hire)
    enrollment = Enrollment(hire=h, started_on=h.start_date)
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def _left(enrollment_id: int) -> bool:
    return bool(db.session.execute(sa.text("SELECT hire_left FROM enrollments WHERE id = :id"),
                                   {"id": enrollment_id}).scalar_one())


def _leave(hire_id: int, day: date | None) -> None:
    db.session.execute(sa.update(Hire).where(Hire.id == hire_id).values(
        end_date=day, end_reason=EndReason.RESIGNED if day else None))
    db.session.commit()


def test_the_mark_follows_the_hire_leaving_and_coming_back(app):
    enrollment = _enrolled()
    eid, hid = enrollment.id, enrollment.hire_id
    assert _left(eid) is False
    _leave(hid, TODAY)
    assert _left(eid) is True
    _leave(hid, None)  # an admin corrects The Offer's decision: the hire is employed again
    assert _left(eid) is False


def test_an_enrolment_written_for_a_hire_who_has_left_is_marked_at_once(app):
    """A bulk load writes hires with their end dates first and their enrolments after."""
    h = factories.hire(start=TODAY - timedelta(days=30), end_date=TODAY - timedelta(days=2),
                       end_reason=EndReason.RESIGNED)
    db.session.commit()
    db.session.execute(sa.insert(Enrollment).values(hire_id=h.id, started_on=h.start_date))
    db.session.commit()
    eid = db.session.scalar(sa.select(Enrollment.id).where(Enrollment.hire_id == h.id))
    assert _left(eid) is True


def test_an_enrolment_moved_to_another_hire_takes_that_hires_mark(app):
    enrollment = _enrolled()
    eid = enrollment.id
    gone = factories.hire(start=TODAY - timedelta(days=30), end_date=TODAY, end_reason=EndReason.RESIGNED)
    db.session.commit()
    db.session.execute(sa.update(Enrollment).where(Enrollment.id == eid).values(hire_id=gone.id))
    db.session.commit()
    assert _left(eid) is True


def test_the_offer_taken_marks_the_enrolment_through_the_app(app):
    """The app's own way of leaving (taking The Offer) sets the hire's end date through the ORM."""
    enrollment = _enrolled()
    hire = db.session.get(Hire, enrollment.hire_id)
    hire.end_date, hire.end_reason = TODAY, EndReason.OFFER_ACCEPTED
    db.session.commit()
    assert _left(enrollment.id) is True


def test_leavers_are_out_of_the_cohorts_read_without_the_hires(app, count_queries):
    mentor = factories.user(Role.INTERVIEWER)
    staying, leaving = _enrolled(mentor_id=mentor.id), _enrolled(mentor_id=mentor.id)
    _leave(leaving.hire_id, TODAY)
    with count_queries() as counted:
        rows = onboarding_cohorts(db.session)
    assert [row.people for row in rows] == [1]
    assert counted.count == 1 and "hires" not in counted.statements[0], counted.statements
    assert [c.people for c in cohort_list(db.session, TODAY)] == [1]
    assert [c.people for c in cohort_list(db.session, TODAY, mentor_id=mentor.id)] == [1]
    assert staying.hire_id != leaving.hire_id


def test_the_migration_marks_the_leavers_already_there(app):
    from flask_migrate import downgrade, upgrade

    staying, leaving = _enrolled(), _enrolled()
    _leave(leaving.hire_id, TODAY)
    ids = staying.id, leaving.id
    db.session.remove()
    downgrade(revision="0033")
    upgrade()
    assert (_left(ids[0]), _left(ids[1])) == (False, True)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_cohort_sums_read_the_index_of_enrolments_in_the_programme(app, dialect):
    """The partial index holds only the enrolments in the programme, so the sums read their own size."""
    if db.engine.dialect.name != dialect:
        pytest.skip(f"the {dialect} plan")
    connection = db.session.connection()
    compiled = cohort_sums().compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    if dialect == "sqlite":
        steps = "\n".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    else:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        steps = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}"))
    assert "hires" not in steps, steps
    if dialect == "sqlite":
        assert "ix_enrollments_in_programme" in steps, steps
    # On PostgreSQL the partial index leads with completed_on (for SQLite's planner, see the migration), which
    # PostgreSQL does not take as ordering the cohorts: at a million enrolments it reads that index and groups
    # by hash (1.0 ms, bench/RESULTS.md), but on a test's few rows it may as well walk the started_on index.
