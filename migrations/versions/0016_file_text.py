"""Documents' words for the candidate search: `candidate_file_texts` and a full-text index over it.

`candidate_file_texts` holds, per candidate document, what reading its text came to (found, none: a scanned
image most likely, unreadable: damaged or encrypted, with a reason code) and the distinct folded words the
search keeps (hiring/filetext.py); the row goes with its document (ON DELETE CASCADE), so erasure, the
retention purge and a deleted file take it along.

The index over `words`, kept out of the models' metadata as the name search's is (hiring/models/search.py):
on SQLite the FTS5 table `file_text_search` (unicode61 tokenizer; external content over the table, rowid =
the document's id; detail=none: the search asks only whether a document has every word, never for a phrase,
and the index is a third of the size), kept in step by three triggers; on PostgreSQL a GIN index on
to_tsvector('simple', words): the words are folded already, so 'simple' (no stemming, no stop words) reads
them as SQLite does.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

FTS_TABLE = ("CREATE VIRTUAL TABLE file_text_search USING fts5(words, content='candidate_file_texts', "
             "content_rowid='candidate_file_id', columnsize=0, detail=none, "
             "tokenize='unicode61 remove_diacritics 0')")
TRIGGERS = {
    'file_text_search_insert': """
        CREATE TRIGGER file_text_search_insert AFTER INSERT ON candidate_file_texts BEGIN
            INSERT INTO file_text_search (rowid, words) VALUES (new.candidate_file_id, new.words);
        END""",
    'file_text_search_delete': """
        CREATE TRIGGER file_text_search_delete AFTER DELETE ON candidate_file_texts BEGIN
            INSERT INTO file_text_search (file_text_search, rowid, words)
            VALUES ('delete', old.candidate_file_id, old.words);
        END""",
    'file_text_search_update': """
        CREATE TRIGGER file_text_search_update AFTER UPDATE OF words ON candidate_file_texts BEGIN
            INSERT INTO file_text_search (file_text_search, rowid, words)
            VALUES ('delete', old.candidate_file_id, old.words);
            INSERT INTO file_text_search (rowid, words) VALUES (new.candidate_file_id, new.words);
        END""",
}
GIN_INDEX = 'ix_candidate_file_texts_words_fts'


def upgrade():
    op.create_table(
        'candidate_file_texts',
        sa.Column('candidate_file_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('found', 'none', 'unreadable', name='candidate_file_text_status',
                                    native_enum=False, create_constraint=True), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=True),
        sa.Column('truncated', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('words', sa.Text(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status = 'found' OR words = ''",
                           name=op.f('ck_candidate_file_texts_words_only_when_found')),
        sa.ForeignKeyConstraint(['candidate_file_id'], ['candidate_files.id'],
                                name=op.f('fk_candidate_file_texts_candidate_file_id_candidate_files'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
                                name=op.f('fk_candidate_file_texts_candidate_id_candidates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('candidate_file_id', name=op.f('pk_candidate_file_texts')),
    )
    op.create_index(op.f('ix_candidate_file_texts_candidate_id'), 'candidate_file_texts', ['candidate_id'],
                    unique=False)
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        op.execute(FTS_TABLE)
        for ddl in TRIGGERS.values():
            op.execute(ddl)
    elif conn.dialect.name == 'postgresql':
        op.execute(f"CREATE INDEX {GIN_INDEX} ON candidate_file_texts "
                   f"USING gin (to_tsvector('simple'::regconfig, words))")
    # Documents stored before this revision get no row here (a migration does not parse strangers' files):
    # they came with the same release (0011), and are found by name only until read again.


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        for name in reversed(TRIGGERS):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE IF EXISTS file_text_search')
    elif conn.dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {GIN_INDEX}')
    op.drop_index(op.f('ix_candidate_file_texts_candidate_id'), table_name='candidate_file_texts')
    op.drop_table('candidate_file_texts')
