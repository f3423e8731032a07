"""Applications per job and stage, kept by triggers (hiring/models/stage_counts.py says why).

The triggers fire after every insert, delete, and update of `job_id` or `stage` on `applications`, in the
statement's transaction, including the deletes of a cascade (an erased candidate's applications). Their
upsert (INSERT ... ON CONFLICT DO UPDATE) is SQLite's since 3.24 and PostgreSQL's since 9.5. The table is
filled from the applications as they stand.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

STAGES = ('applied', 'screening', 'interviewing', 'decision', 'hired', 'rejected', 'withdrawn')

ADD = ("INSERT INTO stage_counts (job_id, stage, n) VALUES (NEW.job_id, NEW.stage, 1) "
       "ON CONFLICT (job_id, stage) DO UPDATE SET n = stage_counts.n + 1;")
TAKE = "UPDATE stage_counts SET n = n - 1 WHERE job_id = OLD.job_id AND stage = OLD.stage;"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION stage_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {TAKE}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {ADD}
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER applications_stage_counts AFTER INSERT OR DELETE OR UPDATE OF job_id, stage ON applications
    FOR EACH ROW EXECUTE FUNCTION stage_counts_track();
"""

SQLITE = [
    f"CREATE TRIGGER applications_stage_counts_insert AFTER INSERT ON applications BEGIN {ADD} END",
    f"CREATE TRIGGER applications_stage_counts_delete AFTER DELETE ON applications BEGIN {TAKE} END",
    f"CREATE TRIGGER applications_stage_counts_update AFTER UPDATE OF job_id, stage ON applications "
    f"BEGIN {TAKE} {ADD} END",
]


def upgrade():
    op.create_table(
        'stage_counts',
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.Enum(*STAGES, name='stage', native_enum=False, create_constraint=True,
                                   length=12), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.CheckConstraint('n >= 0', name=op.f('ck_stage_counts_n_not_negative')),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_stage_counts_job_id_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id', 'stage', name=op.f('pk_stage_counts')),
    )
    op.execute("INSERT INTO stage_counts (job_id, stage, n) "
               "SELECT job_id, stage, count(*) FROM applications GROUP BY job_id, stage")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL)
    else:
        for statement in SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER applications_stage_counts ON applications")
        op.execute("DROP FUNCTION stage_counts_track()")
    else:
        for name in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER applications_stage_counts_{name}")
    op.drop_table('stage_counts')
