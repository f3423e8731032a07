"""Active users per role, kept by triggers (hiring/models/user_counts.py says why; issue 19, growth at 1,000,000)

The triggers fire after every insert, delete, and update of `role` or `active` on `users`, in the statement's
transaction: an account counts while it is active. Their upsert (INSERT ... ON CONFLICT DO UPDATE) is SQLite's
since 3.24 and PostgreSQL's since 9.5, as in 0013; the SELECT's WHERE is what SQLite needs to tell the upsert's
ON CONFLICT from a join's. The table is filled from the users as they stand.

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-30 09:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

ROLES = ('admin', 'hr', 'recruiter', 'interviewer', 'new_hire')
ADD = ("INSERT INTO user_counts (role, n) SELECT NEW.role, 1 WHERE NEW.active "
       "ON CONFLICT (role) DO UPDATE SET n = user_counts.n + 1;")
TAKE = "UPDATE user_counts SET n = n - 1 WHERE role = OLD.role AND OLD.active;"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION user_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER users_user_counts AFTER INSERT OR DELETE OR UPDATE OF role, active ON users
    FOR EACH ROW EXECUTE FUNCTION user_counts_track();
"""

SQLITE = [
    f"CREATE TRIGGER users_user_counts_insert AFTER INSERT ON users BEGIN {ADD} END",
    f"CREATE TRIGGER users_user_counts_delete AFTER DELETE ON users BEGIN {TAKE} END",
    f"CREATE TRIGGER users_user_counts_update AFTER UPDATE OF role, active ON users BEGIN {TAKE} {ADD} END",
]


def upgrade():
    op.create_table(
        'user_counts',
        sa.Column('role', sa.Enum(*ROLES, name='role', native_enum=False, create_constraint=True, length=11),
                  nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.CheckConstraint('n >= 0', name=op.f('ck_user_counts_n_not_negative')),
        sa.PrimaryKeyConstraint('role', name=op.f('pk_user_counts')),
    )
    op.execute("INSERT INTO user_counts (role, n) SELECT role, count(*) FROM users WHERE active GROUP BY role")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL)
    else:
        for statement in SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER users_user_counts ON users")
        op.execute("DROP FUNCTION user_counts_track()")
    else:
        for name in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER users_user_counts_{name}")
    op.drop_table('user_counts')
