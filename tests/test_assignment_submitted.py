"""Whether an interview's scorecard is submitted (`interview_assignments.scorecard_submitted`) is kept by the
database from `scorecards.status` (migration 0036) through every way a scorecard changes, so that an
interviewer's home reads the interviews still to write up from their own index, not every interview the
interviewer ever had."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hiring.dashboard.service import pending_interviews
from hiring.extensions import db
from hiring.models import InterviewKind, Recommendation, Role, Scorecard, ScorecardStatus, Stage, utcnow
from tests import factories


def fresh_index(table: str, index: str) -> None:
    """PostgreSQL: the index rebuilt on the vacuumed table. The migration test above rebuilds it over rows it
    has just updated (broken HOT chains), which marks it usable only by transactions newer than every one then
    running (pg_index.indcheckxmin); with other workers' transactions about, the planner would not see it."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
        autocommit.exec_driver_sql(f"VACUUM {table}")
        autocommit.exec_driver_sql(f"REINDEX INDEX {index}")


def _submitted(assignment_id: int) -> bool:
    return bool(db.session.execute(sa.text("SELECT scorecard_submitted FROM interview_assignments WHERE id = :id"),
                                   {"id": assignment_id}).scalar_one())


def test_the_mark_follows_the_scorecard_through_draft_submission_and_deletion(app):
    assignment = factories.assignment()
    aid = assignment.id
    db.session.commit()
    assert _submitted(aid) is False
    card = Scorecard(assignment=assignment, status=ScorecardStatus.DRAFT)
    db.session.add(card)
    db.session.commit()
    assert _submitted(aid) is False  # a draft is still to write up
    card.status, card.submitted_at, card.recommendation = ScorecardStatus.SUBMITTED, utcnow(), Recommendation.YES
    db.session.commit()
    assert _submitted(aid) is True
    card.key_takeaways = "Amended"  # an amendment keeps it submitted
    db.session.commit()
    assert _submitted(aid) is True
    db.session.delete(card)
    db.session.commit()
    assert _submitted(aid) is False


def test_a_scorecard_written_submitted_or_moved_without_the_app_marks_its_assignment(app):
    first, second = factories.assignment(), factories.assignment()
    db.session.commit()
    db.session.execute(sa.text("INSERT INTO scorecards (assignment_id, status, submitted_at, recommendation, "
                               "culture_veto, key_takeaways, version, similarity_flags, created_at, updated_at) VALUES "
                               "(:a, 'submitted', CURRENT_TIMESTAMP, 'yes', false, '', 1, 0, CURRENT_TIMESTAMP, "
                               "CURRENT_TIMESTAMP)"), {"a": first.id})
    db.session.commit()
    assert (_submitted(first.id), _submitted(second.id)) == (True, False)
    db.session.execute(sa.text("UPDATE scorecards SET assignment_id = :b WHERE assignment_id = :a"),
                       {"a": first.id, "b": second.id})
    db.session.commit()
    assert (_submitted(first.id), _submitted(second.id)) == (False, True)


def test_the_home_lists_the_interviews_still_to_write_up_from_their_index(app, count_queries):
    interviewer = factories.user(Role.INTERVIEWER)
    open_app = factories.application(stage=Stage.INTERVIEWING)
    none_yet = factories.assignment(open_app, interviewer, InterviewKind.VALUES)
    drafted = factories.assignment(open_app, interviewer, InterviewKind.SKILLS)
    done = factories.assignment(factories.application(stage=Stage.INTERVIEWING), interviewer)
    closed = factories.assignment(factories.application(stage=Stage.REJECTED), interviewer)
    db.session.add(Scorecard(assignment=drafted, status=ScorecardStatus.DRAFT))
    db.session.add(Scorecard(assignment=done, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                             recommendation=Recommendation.YES))
    db.session.commit()
    who, closed_id = interviewer.id, closed.id
    with count_queries() as counted:
        rows = pending_interviews(db.session, who)
    assert [(r.id, r.scorecard_status) for r in rows] == [(none_yet.id, None), (drafted.id, ScorecardStatus.DRAFT)]
    assert counted.count == 1 and closed_id not in {r.id for r in rows}, counted.statements


def test_the_migration_marks_the_scorecards_already_submitted(app):
    from flask_migrate import downgrade, upgrade

    done, draft = factories.assignment(), factories.assignment()
    db.session.add(Scorecard(assignment=done, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                             recommendation=Recommendation.YES))
    db.session.add(Scorecard(assignment=draft, status=ScorecardStatus.DRAFT))
    db.session.commit()
    ids = done.id, draft.id
    db.session.remove()
    downgrade(revision="0035")
    upgrade()
    assert (_submitted(ids[0]), _submitted(ids[1])) == (True, False)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_home_reads_the_index_of_interviews_still_to_write_up(app, dialect):
    if db.engine.dialect.name != dialect:
        pytest.skip(f"the {dialect} plan")
    if dialect == "postgresql":
        fresh_index("interview_assignments", "ix_interview_assignments_pending")
    connection = db.session.connection()
    captured = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        pending_interviews(db.session, 1)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = captured[-1]
    explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    if dialect == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        # As tests/test_pg_plans.py does: on a few rows, with statistics other tests left, PostgreSQL may pick
        # any index and sort; with sorting off, an index in the list's order is what it must find.
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        connection.exec_driver_sql("SET LOCAL enable_incremental_sort = off")
    steps = "\n".join(str(row[-1] if dialect == "sqlite" else row[0])
                      for row in connection.exec_driver_sql(explain + statement, parameters))
    assert "ix_interview_assignments_pending" in steps, steps
