"""The everyday lists read an index, not every row: SQLite's query plans for them (timings belong in bench/)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from hiring.admin import audit_log
from hiring.extensions import db
from hiring.jobs.service import job_applications
from hiring.models import Stage
from hiring.offer.queries import _closed
from hiring.pipeline.queries import application_list


@pytest.fixture(autouse=True)
def _sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans are SQLite's")


def plan(stmt: sa.Select) -> str:
    """SQLite's EXPLAIN QUERY PLAN of a statement, one step a line."""
    compiled = stmt.compile(dialect=db.engine.dialect)
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
    return "\n".join(row[-1] for row in rows)


def page_plan(rows) -> str:
    return plan(rows(50, 50_000))


@pytest.mark.parametrize("sort", ["newest", "oldest", "values_fit", "requirements_fit"])
@pytest.mark.parametrize("job_id, stage", [(None, None), (1, None), (None, Stage.INTERVIEWING)])
def test_a_candidate_list_page_reads_an_index_in_order(app, sort, job_id, stage):
    steps = page_plan(application_list(db.session, "", job_id, stage, sort).rows)
    assert "USING COVERING INDEX ix_applications_" in steps or "USING INDEX ix_applications_" in steps, steps
    if sort in ("newest", "oldest") or (job_id, stage) == (None, None):
        # The page's ids come in the list's order from the index: nothing sorts the matching applications.
        assert steps.count("TEMP B-TREE") <= 1, steps  # the outer ORDER BY of the fifty rows loaded
        assert "SCAN applications\n" not in steps + "\n", steps


def test_the_candidate_list_counts_from_the_counters(app):
    """Unsearched, the total sums the kept counters (a row per job and stage), never the applications."""
    steps = plan(application_list(db.session, "", None, Stage.APPLIED, "newest").total)
    assert "stage_counts" in steps and "applications" not in steps and "candidates" not in steps, steps


def test_a_search_for_a_common_name_looks_its_applications_up_through_the_index(app, monkeypatch):
    from hiring.pipeline import queries

    monkeypatch.setattr(queries, "FEW_MATCHES", -1)  # as if the name were common
    steps = page_plan(application_list(db.session, "jansen", None, None, "newest").rows)
    assert "candidate_search VIRTUAL TABLE INDEX 0:M" in steps and "ix_applications_candidate_id" in steps, steps
    assert "SCAN applications" not in steps and "SCAN candidates" not in steps, steps


@pytest.mark.parametrize("stage", [None, Stage.INTERVIEWING])
def test_a_job_pipeline_page_reads_the_ranking_index(app, stage):
    rows, _count = job_applications(1, stage)
    steps = page_plan(rows)
    assert "ix_applications_job_ranking" in steps or "ix_applications_job_id_stage" in steps, steps
    if stage is None:
        assert steps.count("TEMP B-TREE") <= 1, steps


def test_the_audit_log_never_sorts_the_log(app):
    stmt = sa.select(audit_log.AuditEvent.id).order_by(audit_log.AuditEvent.occurred_at.desc(),
                                                        audit_log.AuditEvent.id.desc()).limit(51)
    for where in ([], [audit_log.AuditEvent.actor_id == 1], [audit_log.AuditEvent.entity_type == "application"],
                  [audit_log.AuditEvent.entity_type == "application", audit_log.AuditEvent.entity_id == 7]):
        steps = plan(stmt.where(*where))
        assert "TEMP B-TREE" not in steps and "INDEX ix_audit_events_" in steps, steps
    kinds = audit_log.entity_types  # the kinds of record: a recursive walk of the index, no DISTINCT scan
    assert kinds(db.session) == []


def test_the_offers_decided_list_reads_two_indexes(app):
    rows, _count = _closed(datetime.now(timezone.utc))
    steps = page_plan(rows)
    assert "ix_quit_offers_decided_at" in steps and "ix_quit_offers_open" in steps, steps


def test_the_offers_eligible_list_reads_the_hires_awaiting_an_offer(app):
    from hiring.models import OfferPolicy, OfferTiming
    from hiring.offer.service import eligible_statement

    for policy in (OfferPolicy(timing=OfferTiming.GRADUATION), OfferPolicy(timing=OfferTiming.AFTER_WEEK,
                                                                          after_week=2)):
        statement = eligible_statement(datetime.now(timezone.utc).date(), policy)
        steps = plan(statement.limit(50))
        assert "ix_hires_awaiting_offer" in steps and "TEMP B-TREE" not in steps, steps
