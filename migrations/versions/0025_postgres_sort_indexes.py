"""PostgreSQL: indexes in the lists' own order, "highest first, unscored last" (issue 19, growth at 1,000,000)

The candidate list sorted by values fit or requirements fit, and a job's pipeline (hiring.jobs.service.RANKING),
order by `... DESC NULLS LAST`. SQLite reads its ascending indexes backwards in exactly that order (NULL is the
smallest value there); PostgreSQL reading them backwards gives NULLs *first*, so it sorted every application
instead (a million of them: 280 ms for the first page by values fit, 250 ms for the busiest job's pipeline).
These indexes hold the order as the lists ask for it, so a page is the first entries of an index range.

PostgreSQL only, and kept outside the models' metadata (hiring/models/sort_indexes.py): SQLite refuses
NULLS LAST in an index, and needs none of them.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29 19:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


# (name, table, columns as SQL): frozen here, as migrations are; hiring/models/sort_indexes.py names them.
INDEXES = (
    ('ix_applications_values_fit_sort', 'applications', 'values_fit DESC NULLS LAST, id DESC'),
    ('ix_applications_requirements_fit_sort', 'applications', 'requirements_fit DESC NULLS LAST, id DESC'),
    ('ix_applications_job_ranking_sort', 'applications',
     'job_id, gate_result DESC NULLS LAST, values_fit DESC NULLS LAST, requirements_fit DESC NULLS LAST, '
     'applied_at DESC, id DESC'),
)


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, table, columns in INDEXES:
        op.execute(f'CREATE INDEX {name} ON {table} ({columns})')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, _table, _columns in reversed(INDEXES):
        op.execute(f'DROP INDEX {name}')
