"""Users' language: the locale the app speaks to each user; null follows the browser.

Only ADD COLUMN going up and SQLite's own DROP COLUMN going down, never a batch rebuild: `users` is
referenced by many tables, and rebuilding it with foreign keys on would cascade (see 0002).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('locale', sa.String(length=10), nullable=True))


def downgrade():
    op.drop_column('users', 'locale')
