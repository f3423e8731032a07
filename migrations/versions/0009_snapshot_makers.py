"""Snapshots say how they were made: the registered maker's name and its JSON parameters.

So that after a write the task runner can refresh every stored snapshot resting on the changed data, in a
process that never served it (hiring/snapshots.py, refresh_stale). The rows stored before are emptied: they
are a cache, recomputed when next asked for (or by `flask refresh-figures`), and rows of older formats
("calibration", "fairness:all") would otherwise stay for ever, read by nobody.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM snapshots")
    with op.batch_alter_table('snapshots') as batch_op:
        batch_op.add_column(sa.Column('maker', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('snapshots') as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('maker')
