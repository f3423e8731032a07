"""How PostgreSQL is driven: its timeouts, and the races its READ COMMITTED isolation lets through.

Every connection carries a statement timeout and a lock timeout (hiring/config.py, DATABASE_*_TIMEOUT_MS),
so that a request stuck behind a held lock or a runaway query is cancelled and answers 503 "try again"
(hiring/errorpages.py) instead of tying up a worker for as long as the lock is held.

A flask command (recompute-scores, seed-demo, purge-candidates, db upgrade, ...) runs without the statement
timeout: an operator started it and watches it, and on a large database one of its statements (the bulk
update of every application's scores, an index built by a migration) may rightly run longer than any page
should. It keeps the lock timeout: a command waiting for a lock that a stuck transaction holds is refused
whole, as SQLite refuses one after its busy timeout, and a migration's ALTER TABLE waiting for its lock would
otherwise queue every request behind it. Background work (the report worker, snapshot threads) keeps both.

Two requests may both check "no candidate has this e-mail" before either inserts: SQLite's BEGIN IMMEDIATE
(hiring/sqlite.py) queues them, PostgreSQL lets both through and the unique constraint refuses the second
insert. `once_more_after_race` runs such a write in a savepoint and, when another transaction committed the
same row first, runs it once more: its checks now see that row and answer as they do on SQLite.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

T = TypeVar("T")

UNIQUE_VIOLATION = "23505"
QUERY_CANCELED = "57014"  # statement_timeout (or an administrator's pg_cancel_backend)
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout


def sqlstate(error: BaseException) -> str | None:
    """PostgreSQL's five-character error code behind a SQLAlchemy error, or None (other databases, no server)."""
    return getattr(getattr(error, "orig", error), "sqlstate", None)


def is_timeout(error: BaseException) -> bool:
    """The statement was cancelled by the statement or lock timeout: the database is busy, not broken."""
    return sqlstate(error) in (QUERY_CANCELED, LOCK_NOT_AVAILABLE)


def is_unique_violation(error: BaseException) -> bool:
    """A unique constraint refused a row, on PostgreSQL or SQLite."""
    orig = getattr(error, "orig", error)
    if sqlstate(error) == UNIQUE_VIOLATION:
        return True
    return isinstance(orig, sqlite3.IntegrityError) and str(orig).startswith("UNIQUE constraint failed")


def once_more_after_race(session: Session, write: Callable[[], T]) -> T:
    """Run `write` in a savepoint; after a unique violation, run it once more in the same transaction.

    The violation means another transaction committed the same row after our checks read (PostgreSQL makes
    the second insert wait for the first transaction and fails it once that commits), so the checks of the
    second run see it and refuse or reuse it, as they would have on SQLite. A third request in the same race
    still fails; hiring/errorpages.py answers that with 409.
    """
    try:
        with session.begin_nested():
            return write()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
    return write()


def _operator_command() -> bool:
    """A flask command run from the command line (or its test runner), outside any request."""
    import click
    from flask import has_request_context
    from flask.cli import ScriptInfo

    if has_request_context():
        return False
    context = click.get_current_context(silent=True)
    return context is not None and context.find_object(ScriptInfo) is not None


@sa.event.listens_for(Engine, "begin")
def _begin(connection) -> None:
    if connection.dialect.name == "postgresql" and _operator_command():
        # LOCAL: it ends with this transaction, so the pooled connection keeps the limit for whoever is next.
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
