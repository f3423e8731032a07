"""The indexes of candidates' names and e-mails, and of their documents' words: database objects kept outside
the models' metadata.

Migration 0008 makes them: on SQLite the FTS5 table `candidate_search` (trigram tokenizer, external content over
`candidates`, kept in step by triggers), on PostgreSQL two GIN trigram indexes. They stay out of
`Base.metadata` on purpose: SQLAlchemy cannot declare a virtual table (create_all would make an ordinary one;
drop_all, and the tests' emptying of every table, would write to FTS5's own tables and corrupt the index), and
the GIN indexes exist on one database only. `include_name` lets a schema comparison (autogenerate, the
migrations test) leave them out instead of proposing to drop them.

Migration 0016 adds the same for documents: on SQLite the FTS5 table `file_text_search` (unicode61, detail=none,
external content over `candidate_file_texts`, rowid = the document's id), on PostgreSQL a GIN index on
to_tsvector('simple', words). Both index words folded already (hiring/filetext.py), so both find the same.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.models.sort_indexes import POSTGRES_SORT_INDEXES

SEARCH_TABLE = "candidate_search"
# The tables FTS5 keeps for it (only _data, _idx and _config with external content and columnsize=0).
FTS5_TABLES = frozenset({SEARCH_TABLE} | {f"{SEARCH_TABLE}_{part}"
                                          for part in ("data", "idx", "config", "docsize", "content")})
TRIGRAM_INDEXES = frozenset({"ix_candidates_name_trgm", "ix_candidates_email_trgm"})
TEXT_TABLE = "file_text_search"
TEXT_FTS5_TABLES = frozenset({TEXT_TABLE} | {f"{TEXT_TABLE}_{part}"
                                             for part in ("data", "idx", "config", "docsize", "content")})
TEXT_GIN_INDEX = "ix_candidate_file_texts_words_fts"
# A word of the search of at least this many characters also finds longer words it begins ("engineer" finds
# "engineering"); shorter ones only themselves ("go" is not "google", "jan" is not "january").
PREFIX_FROM = 4

# As queries see it: the rowid is the candidate's id; the column named after the table is FTS5's hidden
# column that MATCH is applied to (both of name and e-mail at once).
candidate_search = sa.table(SEARCH_TABLE, sa.column("rowid", sa.Integer), sa.column(SEARCH_TABLE))


def fts5_phrase(text: str) -> str:
    """`text` as one FTS5 phrase: quoted, its own double quotes doubled, so that nothing in it (`*`, `NEAR`,
    `AND`, parentheses, a colon) is read as query syntax. With the trigram tokenizer a phrase matches a row
    that contains the text anywhere."""
    return '"' + text.replace('"', '""') + '"'


def matching_ids(text: str) -> sa.Select:
    """SQLite: the ids of the candidates whose name or e-mail contains `text` (three characters or more),
    ignoring case, from the index."""
    return sa.select(candidate_search.c.rowid).where(
        candidate_search.c[SEARCH_TABLE].match(fts5_phrase(text)))


file_text_search = sa.table(TEXT_TABLE, sa.column("rowid", sa.Integer), sa.column(TEXT_TABLE))
_file_texts = sa.table("candidate_file_texts", sa.column("candidate_file_id", sa.Integer),
                       sa.column("candidate_id", sa.Integer), sa.column("words", sa.Text))


def fts5_words(words: list[str]) -> str:
    """An FTS5 query for documents holding every one of `words` (folded, letters and digits only: see
    hiring/filetext.query_words), each quoted, the longer ones as prefixes."""
    return " AND ".join(f'"{word}"*' if len(word) >= PREFIX_FROM else f'"{word}"' for word in words)


def tsquery_words(words: list[str]) -> str:
    """The same query for PostgreSQL's to_tsquery: each word a quoted lexeme, the longer ones as prefixes."""
    return " & ".join(f"'{word}':*" if len(word) >= PREFIX_FROM else f"'{word}'" for word in words)


def document_candidate_ids(words: list[str], dialect: str) -> sa.Select:
    """The ids of the candidates with a document that holds every one of `words` (not empty), from the index:
    FTS5 on SQLite, the GIN index on PostgreSQL (its expression exactly as migration 0016 wrote it)."""
    if dialect == "sqlite":
        matching = sa.select(file_text_search.c.rowid).where(
            file_text_search.c[TEXT_TABLE].match(fts5_words(words)))
        return sa.select(_file_texts.c.candidate_id).where(_file_texts.c.candidate_file_id.in_(matching))
    simple = sa.literal_column("'simple'::regconfig")
    return sa.select(_file_texts.c.candidate_id).where(
        sa.func.to_tsvector(simple, _file_texts.c.words).bool_op("@@")(
            sa.func.to_tsquery(simple, tsquery_words(words))))


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's `include_name`: everything but the objects kept outside the metadata: the search indexes'
    and PostgreSQL's sort indexes (hiring/models/sort_indexes.py)."""
    if type_ == "table":
        return name not in FTS5_TABLES and name not in TEXT_FTS5_TABLES
    if type_ == "index":
        return name not in TRIGRAM_INDEXES and name != TEXT_GIN_INDEX and name not in POSTGRES_SORT_INDEXES
    return True


def drop_deleted_terms(session: Session) -> None:
    """Make the indexes forget the names, e-mails and documents' words changed or deleted so far (call after
    anonymising, and after deleting a document).

    FTS5 records a change as a new segment that marks the old entries deleted; the old segment, with the
    old name's trigrams, stays in the file until merges happen to reach it. 'optimize' merges every segment
    into one and leaves out what is deleted; the pages it frees are overwritten (PRAGMA secure_delete,
    hiring/sqlite.py). It rewrites the whole index (well under a second at 100,000 candidates), in the
    caller's transaction. PostgreSQL needs nothing here: its GIN entries go with the row's old version when
    vacuum removes it, as the row's own old version does.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')"))
        drop_deleted_words(session)


def drop_deleted_words(session: Session) -> None:
    """The documents' index only (see drop_deleted_terms). With detail=none it is small (about a third of the
    words themselves); measured at 20,000 documents of 1,100 distinct words each, 1.5 s."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text(f"INSERT INTO {TEXT_TABLE} ({TEXT_TABLE}) VALUES ('optimize')"))
