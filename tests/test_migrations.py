"""Migrations are the only way the schema changes: upgrading gives exactly the models' schema."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from hiring.extensions import db
from hiring.models.search import include_name


def _diff() -> list:
    with db.engine.connect() as conn:
        # The name search's FTS5 table and GIN indexes live outside the models (hiring/models/search.py).
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        return compare_metadata(context, db.metadata)


def test_upgraded_database_matches_the_models(app):
    assert _diff() == []


def test_downgrade_to_base_and_upgrade_again(app):
    downgrade(revision="base")
    with db.engine.connect() as conn:
        left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
    assert left == set()
    upgrade()
    with db.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert _diff() == []


def test_every_foreign_key_has_an_index(app):
    # Migrated afresh: the question is what the migrations make, not what other tests in this worker's
    # database did to it since (the full suite once saw an index missing that the migrations do make).
    downgrade(revision="base")
    upgrade()
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        missing = []
        for table in db.metadata.sorted_tables:
            indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table.name)}
            indexed |= {tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table.name)}
            # A primary key is an index too (file_chunks: (file_id, seq)).
            indexed.add(tuple(inspector.get_pk_constraint(table.name)["constrained_columns"]))
            leading = {cols[0] for cols in indexed}
            for fk in table.foreign_keys:
                if fk.parent.name not in leading:
                    missing.append(f"{table.name}.{fk.parent.name}")
    assert missing == []
