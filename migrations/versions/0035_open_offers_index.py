"""Offers without a decision read from their own index (issue 19, growth at 1,000,000)

The Offer's lists ask for offers without a decision by deadline: those waiting (deadline still ahead) and those
lapsed (deadline passed; they count as expired until `expire-offers` records it). `ix_quit_offers_decision_deadline`
(0005) indexed every offer by (decision, deadline), but PostgreSQL does not take "decision IS NULL" on its first
column as fixing the order of the second, so for "lapsed, newest first" it walked `ix_quit_offers_deadline`
backwards through every offer ever decided (191,540 at a million candidates, 79 ms on every visit of The Offer's
page). `ix_quit_offers_open` holds only the offers without a decision, by (deadline, id): the few that wait,
in both lists' order, on both databases. `ix_quit_offers_decision` goes too: SQLite, without statistics, took
that index for "decision IS NULL" and then sorted what it found, and nothing else asks for offers by decision
through an index.

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-30 08:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

OPEN = 'decision IS NULL'


def upgrade():
    op.create_index('ix_quit_offers_open', 'quit_offers', ['deadline', 'id'], unique=False,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    op.drop_index('ix_quit_offers_decision_deadline', table_name='quit_offers')
    op.drop_index('ix_quit_offers_decision', table_name='quit_offers')


def downgrade():
    op.create_index('ix_quit_offers_decision', 'quit_offers', ['decision'], unique=False)
    op.create_index('ix_quit_offers_decision_deadline', 'quit_offers', ['decision', 'deadline'], unique=False)
    op.drop_index('ix_quit_offers_open', table_name='quit_offers')
