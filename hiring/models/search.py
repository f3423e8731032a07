"""The index of candidates' names and e-mails: database objects kept outside the models' metadata.

Migration 0008 makes them: on SQLite the FTS5 table `candidate_search` (trigram tokenizer, external content over
`candidates`, kept in step by triggers), on PostgreSQL two GIN trigram indexes. They stay out of
`Base.metadata` on purpose: SQLAlchemy cannot declare a virtual table (create_all would make an ordinary one;
drop_all, and the tests' emptying of every table, would write to FTS5's own tables and corrupt the index), and
the GIN indexes exist on one database only. `include_name` lets a schema comparison (autogenerate, the
migrations test) leave them out instead of proposing to drop them.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

SEARCH_TABLE = "candidate_search"
# The tables FTS5 keeps for it (only _data, _idx and _config with external content and columnsize=0).
FTS5_TABLES = frozenset({SEARCH_TABLE} | {f"{SEARCH_TABLE}_{part}"
                                          for part in ("data", "idx", "config", "docsize", "content")})
TRIGRAM_INDEXES = frozenset({"ix_candidates_name_trgm", "ix_candidates_email_trgm"})

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


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's `include_name`: everything but the search index's own objects."""
    if type_ == "table":
        return name not in FTS5_TABLES
    if type_ == "index":
        return name not in TRIGRAM_INDEXES
    return True


def drop_deleted_terms(session: Session) -> None:
    """Make the index forget the names and e-mails changed or deleted so far (call after anonymising).

    FTS5 records a change as a new segment that marks the old entries deleted; the old segment, with the
    old name's trigrams, stays in the file until merges happen to reach it. 'optimize' merges every segment
    into one and leaves out what is deleted; the pages it frees are overwritten (PRAGMA secure_delete,
    hiring/sqlite.py). It rewrites the whole index (well under a second at 100,000 candidates), in the
    caller's transaction. PostgreSQL needs nothing here: its GIN entries go with the row's old version when
    vacuum removes it, as the row's own old version does.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')"))
