"""Applications from the careers site: where an application came from, and the privacy notice it was made under.

`source` is "careers site" for an application a candidate made there (staff-added ones stay null: the
candidate's own `source` says where the person came from); `privacy_notice_version` is the version of the
notice the candidate was shown and agreed to. Both are nullable, added with ALTER TABLE ... ADD COLUMN: no
rebuild of `applications`, which SQLite would refuse once scorecards and files point at its rows.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('applications', sa.Column('source', sa.String(length=80), nullable=True))
    op.add_column('applications', sa.Column('privacy_notice_version', sa.String(length=40), nullable=True))


def downgrade():
    # DROP COLUMN needs SQLite 3.35 or later, without a rebuild.
    op.drop_column('applications', 'privacy_notice_version')
    op.drop_column('applications', 'source')
