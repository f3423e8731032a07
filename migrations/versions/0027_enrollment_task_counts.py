"""Each enrolment's task counts, kept by the database (issue 19, growth at 1,000,000)

HR's home showed each cohort's progress by reading every task of everyone in the programme (4,346 people and
87,000 tasks at a million candidates: 84 ms, on every visit). `enrollments.tasks_total` and
`enrollments.tasks_complete` hold the counts (complete: done, and signed off where the task needs it: the
cohort list's own definition), so that a cohort's progress sums one row per person.

Kept by triggers on `enrollment_tasks` (insert, delete, and a change of the enrolment, the done and sign-off
times or the sign-off rule), so that every writer keeps them true; existing enrolments are counted once here.

Only ADD COLUMN on `enrollments` (no batch rebuild on SQLite, which would cascade to the tasks): on SQLite the
CHECK is the column's own, on PostgreSQL a named table constraint.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-29 22:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

COUNTS_CHECK = 'tasks_complete >= 0 AND tasks_complete <= tasks_total'


def complete(row: str) -> str:
    """1 when the task `row` (NEW or OLD) is complete, else 0: done, and signed off unless it needs no sign-off."""
    return (f"(CASE WHEN {row}.done_at IS NOT NULL AND ({row}.sign_off = 'none' OR {row}.signed_off_at IS NOT NULL)"
            f" THEN 1 ELSE 0 END)")


def change(row: str, sign: str) -> str:
    return (f"UPDATE enrollments SET tasks_total = tasks_total {sign} 1, "
            f"tasks_complete = tasks_complete {sign} {complete(row)} WHERE id = {row}.enrollment_id;")


# Taking the old row away first and adding the new one: the CHECK holds after each statement.
POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION enrollment_task_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {change('OLD', '-')}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {change('NEW', '+')}
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER enrollment_task_counts AFTER INSERT OR DELETE
    OR UPDATE OF enrollment_id, done_at, signed_off_at, sign_off ON enrollment_tasks
    FOR EACH ROW EXECUTE FUNCTION enrollment_task_counts_track();
"""

SQLITE = [
    f"CREATE TRIGGER enrollment_task_counts_insert AFTER INSERT ON enrollment_tasks BEGIN {change('NEW', '+')} END",
    f"CREATE TRIGGER enrollment_task_counts_delete AFTER DELETE ON enrollment_tasks BEGIN {change('OLD', '-')} END",
    f"CREATE TRIGGER enrollment_task_counts_update AFTER UPDATE OF enrollment_id, done_at, signed_off_at, sign_off "
    f"ON enrollment_tasks BEGIN {change('OLD', '-')} {change('NEW', '+')} END",
]

BACKFILL = f"""
UPDATE enrollments SET
    tasks_total = (SELECT count(*) FROM enrollment_tasks t WHERE t.enrollment_id = enrollments.id),
    tasks_complete = (SELECT coalesce(sum({complete('t')}), 0) FROM enrollment_tasks t
                      WHERE t.enrollment_id = enrollments.id)
"""


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.add_column('enrollments', sa.Column('tasks_total', sa.Integer(), server_default='0', nullable=False))
        op.add_column('enrollments', sa.Column(
            'tasks_complete', sa.Integer(),
            sa.CheckConstraint(COUNTS_CHECK, name=op.f('ck_enrollments_task_counts')),
            server_default='0', nullable=False))
    else:
        op.add_column('enrollments', sa.Column('tasks_total', sa.Integer(), server_default='0', nullable=False))
        op.add_column('enrollments', sa.Column('tasks_complete', sa.Integer(), server_default='0', nullable=False))
        op.create_check_constraint(op.f('ck_enrollments_task_counts'), 'enrollments', COUNTS_CHECK)
    op.execute(BACKFILL)
    if sqlite:
        for ddl in SQLITE:
            op.execute(ddl)
    else:
        op.execute(POSTGRESQL)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS enrollment_task_counts_{name}')
    else:
        op.execute('DROP TRIGGER IF EXISTS enrollment_task_counts ON enrollment_tasks')
        op.execute('DROP FUNCTION IF EXISTS enrollment_task_counts_track()')
        op.drop_constraint(op.f('ck_enrollments_task_counts'), 'enrollments', type_='check')
    # SQLite 3.35's own DROP COLUMN (no rebuild, no cascade); the column's CHECK names tasks_complete and
    # tasks_total, so SQLite refuses to drop either while it stands: drop the one carrying it first.
    op.drop_column('enrollments', 'tasks_complete')
    op.drop_column('enrollments', 'tasks_total')
