"""The careers site: a job may be published, with a description for candidates, a location and a team.

A job is public only while `published` and open. `public_description` is what candidates read (the internal
`description` stays internal); `location` and `team` are short labels the site filters by, absent rather than
blank; `published_at` is when the job was last published (schema.org's datePosted). The index serves the site's
list: published open jobs, newest first. Existing jobs start unpublished, so nothing becomes public unasked.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# (name, column, check): on PostgreSQL named table constraints; on SQLite the same expressions as column
# constraints, because adding a table constraint there means rebuilding `jobs`, and dropping the old table
# fails on the foreign keys of its applications once there are any.
CHECKS = (
    ('ck_jobs_published_has_date', 'published_at', 'NOT published OR published_at IS NOT NULL'),
    ('ck_jobs_public_description_length', 'public_description', 'length(public_description) <= 8000'),
    ('ck_jobs_location_length', 'location', 'location IS NULL OR length(trim(location)) BETWEEN 1 AND 100'),
    ('ck_jobs_team_length', 'team', 'team IS NULL OR length(trim(team)) BETWEEN 1 AND 100'),
)
COLUMNS = (  # name, type, server default, nullable
    ('published', sa.Boolean(), sa.false(), False),
    ('published_at', sa.DateTime(), None, True),
    ('public_description', sa.Text(), '', False),
    ('location', sa.String(length=100), None, True),
    ('team', sa.String(length=100), None, True),
)


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    checks = {column: (name, check) for name, column, check in CHECKS}
    for name, type_, default, nullable in COLUMNS:
        constraints = []
        if sqlite and name in checks:
            constraints.append(sa.CheckConstraint(checks[name][1], name=op.f(checks[name][0])))
        # ALTER TABLE ... ADD COLUMN: no rebuild, on either database.
        op.add_column('jobs', sa.Column(name, type_, *constraints, server_default=default, nullable=nullable))
    if not sqlite:
        for name, _column, check in CHECKS:
            op.create_check_constraint(op.f(name), 'jobs', check)
    op.create_index('ix_jobs_careers_list', 'jobs', ['published', 'status', 'published_at'], unique=False)


def downgrade():
    op.drop_index('ix_jobs_careers_list', table_name='jobs')
    if op.get_bind().dialect.name != 'sqlite':
        for name, _column, _check in CHECKS:
            op.drop_constraint(op.f(name), 'jobs', type_='check')
    # Not batch_alter_table: on SQLite that would rebuild the table (see above). published_at's check names
    # published, so it goes first.
    for name, *_rest in reversed(COLUMNS):
        op.drop_column('jobs', name)
