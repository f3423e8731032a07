"""Interviews still to write up, read from their own index (issue 19, growth at 1,000,000)

An interviewer's home lists their interviews whose scorecard is not submitted yet. It read every assignment the
interviewer ever had and asked each for its scorecard (5,428 for one interviewer at a million candidates, 27 ms
on every visit, growing with their history). `interview_assignments.scorecard_submitted` says whether the
assignment's scorecard (one per assignment) is submitted, and the partial index `ix_interview_assignments_pending`
holds only the assignments without one, by interviewer and in the list's order.

Kept by the database, as 0026, 0027 and 0034 keep theirs: a trigger on `scorecards` when a scorecard is written,
submitted (or its status otherwise changed), moved or deleted. Existing assignments are marked once here.

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-30 08:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

PENDING = 'NOT scorecard_submitted'


def mark(row: str, value: str) -> str:
    return f"UPDATE interview_assignments SET scorecard_submitted = {value} WHERE id = {row}.assignment_id;"


SUBMITTED = "({row}.status = 'submitted')"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION interview_assignments_submitted_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {mark('OLD', 'false')}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {mark('NEW', SUBMITTED.format(row='NEW'))}
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER scorecards_assignment_submitted AFTER INSERT OR DELETE OR UPDATE OF status, assignment_id
    ON scorecards FOR EACH ROW EXECUTE FUNCTION interview_assignments_submitted_track();
"""

SQLITE = [
    f"CREATE TRIGGER scorecards_assignment_submitted_insert AFTER INSERT ON scorecards "
    f"BEGIN {mark('NEW', SUBMITTED.format(row='NEW'))} END",
    f"CREATE TRIGGER scorecards_assignment_submitted_delete AFTER DELETE ON scorecards "
    f"BEGIN {mark('OLD', '0')} END",
    f"CREATE TRIGGER scorecards_assignment_submitted_update AFTER UPDATE OF status, assignment_id ON scorecards "
    f"BEGIN {mark('OLD', '0')} {mark('NEW', SUBMITTED.format(row='NEW'))} END",
]


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('interview_assignments', sa.Column('scorecard_submitted', sa.Boolean(), server_default=sa.false(),
                                                     nullable=False))
    # The index before the marks (see 0026: PostgreSQL's indcheckxmin after a bulk UPDATE).
    op.create_index('ix_interview_assignments_pending', 'interview_assignments', ['interviewer_id', 'assigned_at'],
                    unique=False, sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
    op.execute("UPDATE interview_assignments SET scorecard_submitted = true WHERE id IN "
               "(SELECT assignment_id FROM scorecards WHERE status = 'submitted')")
    if sqlite:
        for ddl in SQLITE:
            op.execute(ddl)
    else:
        op.execute(POSTGRESQL)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS scorecards_assignment_submitted_{name}')
    else:
        op.execute('DROP TRIGGER IF EXISTS scorecards_assignment_submitted ON scorecards')
        op.execute('DROP FUNCTION IF EXISTS interview_assignments_submitted_track()')
    op.drop_index('ix_interview_assignments_pending', table_name='interview_assignments')
    op.drop_column('interview_assignments', 'scorecard_submitted')  # SQLite 3.35's own DROP COLUMN
