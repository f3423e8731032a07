"""The lists read "highest first, unscored last" from an index in that order on PostgreSQL too (migration 0025).

PostgreSQL reads an ascending index backwards with NULLs first, so "values fit, highest first" sorted every
application for each page (280 ms at a million). With sorting switched off for the planner (enable_sort), a
plan that still sorts has no index in the list's order to use: that is what these tests catch. Timings belong
in bench/.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.jobs.service import job_applications
from hiring.pipeline.queries import application_list


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are PostgreSQL's (SQLite's are in test_indexes.py)")


def plan(stmt: sa.Select) -> str:
    """PostgreSQL's plan of a statement with sorting and sequential scans discouraged (so that an index in the
    right order, when there is one, is chosen even for the few rows of a test)."""
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    connection.exec_driver_sql("SET LOCAL enable_incremental_sort = off")  # a sort too, not covered by the above
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    compiled = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}"))


def first_keys(listing) -> sa.Select:
    """The first page's ids, in the list's order (what the page's inner query reads)."""
    return listing.keys.limit(50)


@pytest.mark.parametrize("sort, index", [("values_fit", "ix_applications_values_fit_sort"),
                                         ("requirements_fit", "ix_applications_requirements_fit_sort")])
def test_the_candidate_list_by_fit_reads_an_index_in_its_order(app, sort, index):
    steps = plan(first_keys(application_list(db.session, "", None, None, sort)))
    assert index in steps and "Sort" not in steps, steps


def test_a_job_pipeline_reads_an_index_in_the_ranking_order(app):
    from hiring.jobs.service import RANKING
    from hiring.models import Application

    steps = plan(sa.select(Application.id).where(Application.job_id == 1).order_by(*RANKING).limit(50))
    assert "ix_applications_job_ranking_sort" in steps and "Sort" not in steps, steps
    rows, _count = job_applications(1, None)
    assert "ix_applications_job_ranking_sort" in plan(rows(50, 0)), plan(rows(50, 0))


def test_the_offers_eligible_list_reads_the_hires_awaiting_an_offer(app):
    """Not an anti-join of every employed hire with every offer (56 ms at a million): the partial index of
    employed hires without an offer (migration 0026), in the list's order."""
    from datetime import date

    from hiring.models import OfferPolicy, OfferTiming
    from hiring.offer.service import eligible_statement

    for policy in (OfferPolicy(timing=OfferTiming.GRADUATION), OfferPolicy(timing=OfferTiming.AFTER_WEEK,
                                                                          after_week=2)):
        steps = plan(eligible_statement(date.today(), policy).limit(50))
        assert "ix_hires_awaiting_offer" in steps and "Sort" not in steps and "quit_offers" not in steps, steps


def test_the_offers_eligible_count_asks_each_awaiting_hire_for_its_enrolment(app):
    """Not a hash of every enrolment ever made (41 ms at a million, growing with history): the hires awaiting an
    offer from their partial index, each asked for its enrolment by the unique index (a correlated subquery)."""
    from datetime import date

    from hiring.models import Hire, OfferPolicy, OfferTiming
    from hiring.offer.queries import _paged
    from hiring.offer.service import eligible_statement

    for policy in (OfferPolicy(timing=OfferTiming.GRADUATION), OfferPolicy(timing=OfferTiming.AFTER_WEEK,
                                                                          after_week=2)):
        _rows, count = _paged(eligible_statement(date.today(), policy), Hire.id)
        steps = plan(count)
        assert "ix_hires_awaiting_offer" in steps and "SubPlan" in steps and "Hash" not in steps, steps
        assert "uq_enrollments_hire_id" in steps, steps


def test_the_offers_closed_and_waiting_lists_read_the_open_offers_index(app):
    """Offers without a decision, newest deadline first, from the partial index of just those (migration 0035),
    not a walk back through every offer ever decided (79 ms at a million)."""
    from datetime import datetime, timezone

    from hiring.models import QuitOffer
    from hiring.offer.queries import _closed

    now = datetime.now(timezone.utc)
    rows, _count = _closed(now)
    steps = plan(rows(50, 0))
    assert "ix_quit_offers_open" in steps and "ix_quit_offers_decided_at" in steps, steps
    waiting = (sa.select(QuitOffer.id).where(QuitOffer.decision.is_(None), QuitOffer.deadline >= now)
               .order_by(QuitOffer.deadline, QuitOffer.id).limit(50))
    steps = plan(waiting)
    assert "ix_quit_offers_open" in steps and "Sort" not in steps, steps
