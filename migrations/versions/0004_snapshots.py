"""Data versions and snapshots: expensive aggregates stored and served while the data they rest on is unchanged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TOPICS = ('applications', 'catalogue', 'hires', 'people', 'scorecards')


def upgrade():
    versions = op.create_table(
        'data_versions',
        sa.Column('topic', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('version >= 0', name=op.f('ck_data_versions_version_not_negative')),
        sa.PrimaryKeyConstraint('topic', name=op.f('pk_data_versions')),
    )
    op.create_table(
        'snapshots',
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('versions', sa.String(length=400), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_snapshots')),
    )
    # Seeded, so that raising a counter is always an UPDATE: concurrent first writers never race on an INSERT.
    from datetime import datetime, timezone
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC, as UTCDateTime does
    op.bulk_insert(versions, [{'topic': t, 'version': 0, 'changed_at': now} for t in TOPICS])


def downgrade():
    op.drop_table('snapshots')
    op.drop_table('data_versions')
