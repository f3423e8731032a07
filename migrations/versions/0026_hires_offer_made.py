"""Hires awaiting The Offer read from their own index (issue 19, growth at 1,000,000)

HR's list of hires The Offer may still go to was an anti-join: every employed hire against every offer, to find
those without one (154,000 employed hires and 192,000 offers for 4,500 rows at a million candidates; 56 ms for
the page and as much again for its count). `hires.offer_made` marks a hire once an offer exists, and the partial
index `ix_hires_awaiting_offer` holds only employed hires without one, in the list's order, so the list and its
count read the list's own size.

The mark is kept by the database: triggers on `quit_offers` (insert sets it, delete clears it, a change of hire
moves it), so that every writer keeps it true, the app, bulk loads and hand-written rows alike. Existing rows are
marked from the offers already made.

`ix_hires_end_date` goes: the column is only ever asked "IS NULL", which is true of most hires, and SQLite
without statistics chose that index for the list and then sorted its rows.

Only ADD COLUMN on `hires` (no batch rebuild on SQLite, which would cascade to enrolments and offers).

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

AWAITING = 'end_date IS NULL AND NOT offer_made'

MARK = 'UPDATE hires SET offer_made = {value} WHERE id = {row}.hire_id;'

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION hires_offer_made_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {MARK.format(value='false', row='OLD')}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {MARK.format(value='true', row='NEW')}
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER quit_offers_offer_made AFTER INSERT OR DELETE OR UPDATE OF hire_id ON quit_offers
    FOR EACH ROW EXECUTE FUNCTION hires_offer_made_track();
"""

SQLITE = [
    f"CREATE TRIGGER quit_offers_offer_made_insert AFTER INSERT ON quit_offers "
    f"BEGIN {MARK.format(value='1', row='NEW')} END",
    f"CREATE TRIGGER quit_offers_offer_made_delete AFTER DELETE ON quit_offers "
    f"BEGIN {MARK.format(value='0', row='OLD')} END",
    f"CREATE TRIGGER quit_offers_offer_made_update AFTER UPDATE OF hire_id ON quit_offers "
    f"BEGIN {MARK.format(value='0', row='OLD')} {MARK.format(value='1', row='NEW')} END",
]


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('hires', sa.Column('offer_made', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.drop_index('ix_hires_end_date', table_name='hires')
    # The index before the marks: built after the UPDATE, PostgreSQL would find broken HOT chains and keep the
    # new index from transactions older than the migration's (pg_index.indcheckxmin).
    op.create_index('ix_hires_awaiting_offer', 'hires', ['start_date', 'id'], unique=False,
                    sqlite_where=sa.text(AWAITING), postgresql_where=sa.text(AWAITING))
    op.execute('UPDATE hires SET offer_made = true WHERE id IN (SELECT hire_id FROM quit_offers)')
    if sqlite:
        for ddl in SQLITE:
            op.execute(ddl)
    else:
        op.execute(POSTGRESQL)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS quit_offers_offer_made_{name}')
    else:
        op.execute('DROP TRIGGER IF EXISTS quit_offers_offer_made ON quit_offers')
        op.execute('DROP FUNCTION IF EXISTS hires_offer_made_track()')
    op.drop_index('ix_hires_awaiting_offer', table_name='hires')
    op.create_index('ix_hires_end_date', 'hires', ['end_date'], unique=False)
    op.drop_column('hires', 'offer_made')  # SQLite 3.35's own DROP COLUMN: no rebuild, no cascade
