"""Name search: candidates found by any part of their name or e-mail through an index, not by reading every row.

SQLite: `candidate_search`, an FTS5 table with the trigram tokenizer (case_sensitive 0: Unicode letters are
folded, as FTS5's own table folds them) that indexes `candidates.name` and `candidates.email` without copying
them (external content, rowid = candidates.id), filled from the existing rows and kept in step by three
triggers. A phrase of three or more characters then finds every row that contains it anywhere.

PostgreSQL: the pg_trgm extension and a GIN trigram index on each column, which ILIKE '%...%' uses.

A later migration that rebuilds `candidates` on SQLite (a batch "move and copy") drops these triggers with the
old table: it must create them again (TRIGGERS below) and rebuild the index. Nothing here is in the models'
metadata (SQLAlchemy cannot declare a virtual table, and the GIN indexes exist on PostgreSQL only);
hiring/models/search.py names these objects so that schema comparisons can leave them out.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

EXTENSION = 'pg_trgm'
TRIGRAM_INDEXES = [('ix_candidates_name_trgm', 'name'), ('ix_candidates_email_trgm', 'email')]

# columnsize=0: no table of token counts per row, which only ranking (bm25) reads; the list never ranks.
FTS_TABLE = ("CREATE VIRTUAL TABLE candidate_search USING fts5(name, email, content='candidates', "
             "content_rowid='id', columnsize=0, tokenize='trigram case_sensitive 0')")

# An external-content index must be told the old values to remove them: the update trigger fires only when
# the name or the e-mail is set (anonymising does), not for consent or other columns.
TRIGGERS = {
    'candidates_search_insert': """
        CREATE TRIGGER candidates_search_insert AFTER INSERT ON candidates BEGIN
            INSERT INTO candidate_search (rowid, name, email) VALUES (new.id, new.name, new.email);
        END""",
    'candidates_search_delete': """
        CREATE TRIGGER candidates_search_delete AFTER DELETE ON candidates BEGIN
            INSERT INTO candidate_search (candidate_search, rowid, name, email)
            VALUES ('delete', old.id, old.name, old.email);
        END""",
    'candidates_search_update': """
        CREATE TRIGGER candidates_search_update AFTER UPDATE OF name, email ON candidates BEGIN
            INSERT INTO candidate_search (candidate_search, rowid, name, email)
            VALUES ('delete', old.id, old.name, old.email);
            INSERT INTO candidate_search (rowid, name, email) VALUES (new.id, new.name, new.email);
        END""",
}


def _require_pg_trgm(conn):
    """Create pg_trgm unless it is there; say plainly what to do when the server or the role cannot."""
    if conn.scalar(sa.text('SELECT 1 FROM pg_extension WHERE extname = :name'), {'name': EXTENSION}):
        return
    try:
        conn.exec_driver_sql(f'CREATE EXTENSION IF NOT EXISTS {EXTENSION}')
    except sa.exc.DBAPIError as error:
        problem = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
        raise RuntimeError(
            f'Migration 0008 (name search) needs the PostgreSQL extension {EXTENSION}, and could not create it: '
            f'{problem}. If the server lacks it, install its contrib package (Debian/Ubuntu: postgresql-contrib); '
            f'then have the database owner or a superuser run "CREATE EXTENSION {EXTENSION};" in this database '
            f'and migrate again.') from error


def upgrade():
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        op.execute(FTS_TABLE)
        op.execute("INSERT INTO candidate_search (candidate_search) VALUES ('rebuild')")
        for ddl in TRIGGERS.values():
            op.execute(ddl)
    elif conn.dialect.name == 'postgresql':
        _require_pg_trgm(conn)
        for name, column in TRIGRAM_INDEXES:
            op.create_index(name, 'candidates', [column], unique=False, postgresql_using='gin',
                            postgresql_ops={column: 'gin_trgm_ops'})


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        for name in reversed(TRIGGERS):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE candidate_search')
    elif conn.dialect.name == 'postgresql':
        # The extension stays: creating it may have needed someone else's rights, and other objects in this
        # database may rest on it; without the indexes nothing of ours does.
        for name, _column in reversed(TRIGRAM_INDEXES):
            op.drop_index(name, table_name='candidates')
