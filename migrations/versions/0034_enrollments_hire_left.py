"""Who is in the programme, read from the enrolments alone (issue 19, growth at 1,000,000)

"In the programme" is an enrolment not completed whose hire has not left. HR's home summed the cohorts' progress
by joining every such enrolment to its hire to leave out those who left: at a million candidates PostgreSQL read
the 7,259 open enrolments by index and then hashed all 154,252 employed hires to drop 2,963 of them (22-35 ms on
every visit). `enrollments.hire_left` carries the hire's "has left" onto the enrolment, and the partial index
`ix_enrollments_in_programme` holds only the enrolments in the programme, by start date, so that the cohort sums
and the cohort list read their own size. It takes the place of `ix_enrollments_completed_on_started_on` (0005),
which served the same lists with the leavers in them; who graduated lately reads `ix_enrollments_completed_on`.

Kept by the database, as 0026 and 0027 keep theirs, so that every writer keeps it true (the app, bulk loads,
hand-written rows): a trigger on `hires` when `end_date` changes (leaving, and an admin correcting The Offer's
decision back), and one on `enrollments` when a row is inserted or moved to another hire. Existing rows are marked
once here.

Only ADD COLUMN on `enrollments` (no batch rebuild on SQLite, which would cascade to the tasks).

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-30 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

IN_PROGRAMME = 'completed_on IS NULL AND NOT hire_left'

# A hire's change of end date writes only the enrolments whose mark differs; an enrolment of someone still
# employed (every one the app makes) costs one index probe and no write.
POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION enrollments_hire_left_from_hire() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE enrollments SET hire_left = (NEW.end_date IS NOT NULL)
        WHERE hire_id = NEW.id AND hire_left <> (NEW.end_date IS NOT NULL);
    RETURN NULL;
END
$$;
CREATE TRIGGER hires_enrollment_hire_left AFTER UPDATE OF end_date ON hires
    FOR EACH ROW EXECUTE FUNCTION enrollments_hire_left_from_hire();
CREATE OR REPLACE FUNCTION enrollments_hire_left_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.hire_left := EXISTS (SELECT 1 FROM hires WHERE hires.id = NEW.hire_id AND hires.end_date IS NOT NULL);
    RETURN NEW;
END
$$;
CREATE TRIGGER enrollments_hire_left BEFORE INSERT OR UPDATE OF hire_id ON enrollments
    FOR EACH ROW EXECUTE FUNCTION enrollments_hire_left_set();
"""

# SQLite cannot change NEW in a BEFORE trigger: the enrolment is marked by an UPDATE after it is written.
SQLITE = [
    "CREATE TRIGGER hires_enrollment_hire_left AFTER UPDATE OF end_date ON hires "
    "BEGIN UPDATE enrollments SET hire_left = (NEW.end_date IS NOT NULL) "
    "WHERE hire_id = NEW.id AND hire_left <> (NEW.end_date IS NOT NULL); END",
    "CREATE TRIGGER enrollments_hire_left_insert AFTER INSERT ON enrollments "
    "WHEN EXISTS (SELECT 1 FROM hires WHERE hires.id = NEW.hire_id AND hires.end_date IS NOT NULL) "
    "BEGIN UPDATE enrollments SET hire_left = 1 WHERE id = NEW.id; END",
    "CREATE TRIGGER enrollments_hire_left_update AFTER UPDATE OF hire_id ON enrollments "
    "BEGIN UPDATE enrollments SET hire_left = EXISTS (SELECT 1 FROM hires WHERE hires.id = NEW.hire_id "
    "AND hires.end_date IS NOT NULL) WHERE id = NEW.id; END",
]


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('enrollments', sa.Column('hire_left', sa.Boolean(), server_default=sa.false(), nullable=False))
    # The index before the marks: built after the UPDATE, PostgreSQL would find broken HOT chains and keep the
    # new index from transactions older than the migration's (pg_index.indcheckxmin), as in 0026.
    # completed_on leads although it is always NULL here: SQLite without statistics prefers an index it can
    # search by equality, and would otherwise read completed_on's own index, leavers and all, then sort.
    op.create_index('ix_enrollments_in_programme', 'enrollments', ['completed_on', 'started_on'], unique=False,
                    sqlite_where=sa.text(IN_PROGRAMME), postgresql_where=sa.text(IN_PROGRAMME))
    op.drop_index('ix_enrollments_completed_on_started_on', table_name='enrollments')
    op.execute('UPDATE enrollments SET hire_left = true WHERE hire_id IN '
               '(SELECT id FROM hires WHERE end_date IS NOT NULL)')
    if sqlite:
        for ddl in SQLITE:
            op.execute(ddl)
    else:
        op.execute(POSTGRESQL)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS hires_enrollment_hire_left')
        op.execute('DROP TRIGGER IF EXISTS enrollments_hire_left_insert')
        op.execute('DROP TRIGGER IF EXISTS enrollments_hire_left_update')
    else:
        op.execute('DROP TRIGGER IF EXISTS hires_enrollment_hire_left ON hires')
        op.execute('DROP FUNCTION IF EXISTS enrollments_hire_left_from_hire()')
        op.execute('DROP TRIGGER IF EXISTS enrollments_hire_left ON enrollments')
        op.execute('DROP FUNCTION IF EXISTS enrollments_hire_left_set()')
    op.drop_index('ix_enrollments_in_programme', table_name='enrollments')
    op.create_index('ix_enrollments_completed_on_started_on', 'enrollments', ['completed_on', 'started_on'],
                    unique=False)
    op.drop_column('enrollments', 'hire_left')  # SQLite 3.35's own DROP COLUMN: no rebuild, no cascade
