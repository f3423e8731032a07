"""Migrations are the only way the schema changes: upgrading gives exactly the models' schema."""
from __future__ import annotations

import pytest
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


def test_single_sign_on_migration_keeps_every_account_and_goes_back_cleanly(app):
    # 0032 adds columns to `users` without rebuilding it (a rebuild on SQLite would cascade to its children).
    from hiring.models import Role, SsoSettings, User, UserSession, utcnow

    downgrade(revision="0031")
    with db.engine.begin() as conn:
        assert "sso_settings" not in sa.inspect(conn).get_table_names()
        assert "sso_subject" not in {c["name"] for c in sa.inspect(conn).get_columns("users")}
        conn.execute(sa.text("INSERT INTO users (id, email, name, role, active, created_at) "
                             "VALUES (7, 'kept@example.test', 'Kept', 'hr', true, :now)"),
                     {"now": utcnow().replace(tzinfo=None)})
        conn.execute(sa.text("INSERT INTO user_sessions (user_id, key_hash, created_at, last_seen_at) "
                             "VALUES (7, :digest, :now, :now)"), {"digest": "a" * 64, "now": utcnow().replace(tzinfo=None)})
    upgrade()
    db.session.remove()
    user = db.session.get(User, 7)
    assert (user.role, user.sso_issuer, user.sso_subject) == (Role.HR, None, None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1
    user.sso_issuer = "https://idp.example.test"  # half an identity is refused by the database
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    user.sso_issuer, user.sso_subject = "https://idp.example.test", "sub-1"
    db.session.add(User(email="other@example.test", name="Other", role=Role.HR, sso_issuer="https://idp.example.test",
                        sso_subject="sub-1"))
    with pytest.raises(sa.exc.IntegrityError):  # one account per identity
        db.session.commit()
    db.session.rollback()
    db.session.add(SsoSettings(id=2))
    with pytest.raises(sa.exc.IntegrityError):  # one row of settings
        db.session.commit()
    db.session.rollback()
    db.session.remove()
    downgrade(revision="0031")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT email FROM users WHERE id = 7")).scalar() == "kept@example.test"
        assert conn.execute(sa.text("SELECT count(*) FROM user_sessions")).scalar() == 1
    upgrade()
    assert _diff() == []
