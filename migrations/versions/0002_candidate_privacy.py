"""Candidates' privacy: when the notice was given, consent to be kept for future openings, anonymisation.

Written so that SQLite never rebuilds the candidates table. A batch rebuild copies the table, drops the old
one and renames the copy; with foreign keys on (as the app runs SQLite) dropping `candidates` cascades and
deletes every application, stage change and scorecard. So: only ADD COLUMN and CREATE INDEX going up (the
boolean's server default is a plain string, because Alembic rebuilds for an expression default such as
sa.false()), and SQLite's own DROP COLUMN (3.35 and later) going down.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

COLUMNS = ('privacy_notice_at', 'retention_consent', 'retention_consent_at', 'anonymised_at')


def upgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_notice_at', sa.DateTime(), nullable=True))
        # '0' is false on both databases (PostgreSQL reads the string as a boolean).
        batch_op.add_column(sa.Column('retention_consent', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('retention_consent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_candidates_anonymised_at'), ['anonymised_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_candidates_anonymised_at'), table_name='candidates')
    # Not batch_alter_table: on SQLite that would rebuild the table (see above).
    for column in reversed(COLUMNS):
        op.drop_column('candidates', column)
