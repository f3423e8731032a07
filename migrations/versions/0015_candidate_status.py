"""Erasure requests from the careers site's status page, for the privacy officer to act on (issue 20, item 5).

`erasure_requests` holds ids and times only: which candidate asked, when, and when and by whom it was handled
(null while open). Nothing a person wrote, so that the row may stay after the erasure as the record that the
request was answered. A new table: no rebuild of any existing one.

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-29 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'erasure_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
                                name=op.f('fk_erasure_requests_candidate_id_candidates'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'],
                                name=op.f('fk_erasure_requests_handled_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    )
    op.create_index(op.f('ix_erasure_requests_candidate_id'), 'erasure_requests', ['candidate_id'], unique=False)
    op.create_index(op.f('ix_erasure_requests_handled_by_id'), 'erasure_requests', ['handled_by_id'],
                    unique=False)
    op.create_index('ix_erasure_requests_handled_at_requested_at', 'erasure_requests',
                    ['handled_at', 'requested_at'], unique=False)


def downgrade():
    op.drop_index('ix_erasure_requests_handled_at_requested_at', table_name='erasure_requests')
    op.drop_index(op.f('ix_erasure_requests_handled_by_id'), table_name='erasure_requests')
    op.drop_index(op.f('ix_erasure_requests_candidate_id'), table_name='erasure_requests')
    op.drop_table('erasure_requests')
