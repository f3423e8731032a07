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


def upgrade():
    with op.batch_alter_table('jobs') as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('public_description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('location', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('team', sa.String(length=100), nullable=True))
        batch_op.create_check_constraint(op.f('ck_jobs_public_description_length'),
                                         'length(public_description) <= 8000')
        batch_op.create_check_constraint(op.f('ck_jobs_location_length'),
                                         'location IS NULL OR length(trim(location)) BETWEEN 1 AND 100')
        batch_op.create_check_constraint(op.f('ck_jobs_team_length'),
                                         'team IS NULL OR length(trim(team)) BETWEEN 1 AND 100')
        batch_op.create_check_constraint(op.f('ck_jobs_published_has_date'),
                                         'NOT published OR published_at IS NOT NULL')
        batch_op.create_index('ix_jobs_careers_list', ['published', 'status', 'published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('jobs') as batch_op:
        batch_op.drop_index('ix_jobs_careers_list')
        batch_op.drop_constraint(op.f('ck_jobs_published_has_date'), type_='check')
        batch_op.drop_constraint(op.f('ck_jobs_team_length'), type_='check')
        batch_op.drop_constraint(op.f('ck_jobs_location_length'), type_='check')
        batch_op.drop_constraint(op.f('ck_jobs_public_description_length'), type_='check')
        batch_op.drop_column('team')
        batch_op.drop_column('location')
        batch_op.drop_column('public_description')
        batch_op.drop_column('published_at')
        batch_op.drop_column('published')
