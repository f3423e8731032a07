"""Calibration's first-version ratings kept packed per scorecard: `packed_ratings`, one row per submitted
scorecard (hiring/models/packed_ratings.py says why), filled here for the scorecards already submitted.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'packed_ratings',
        sa.Column('scorecard_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'],
                                name=op.f('fk_packed_ratings_scorecard_id_scorecards'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('scorecard_id', name=op.f('pk_packed_ratings')),
    )
    # The same rule as the submit service's: one, written once (hiring/models/packed_ratings.py).
    from hiring.models.packed_ratings import pack_missing

    pack_missing(op.get_bind())


def downgrade():
    op.drop_table('packed_ratings')
