"""How SQLite is driven: foreign keys, WAL, a busy timeout, and write transactions that lock up front.

Python's sqlite3 driver begins a transaction only at the first write, so two requests could both read
"this application is in screening", then both write a move: the stale check saw no conflict. We take
transactions over from the driver (the recipe in SQLAlchemy's pysqlite notes) and begin every transaction
that may write with BEGIN IMMEDIATE: it waits (up to the busy timeout) for the one writer before it reads,
so its checks see what the previous writer committed. GET requests keep a plain BEGIN: in WAL mode they
read a consistent snapshot without waiting for anyone.
"""
from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15_000  # how long a writer waits for another before "database is locked"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@sa.event.listens_for(Engine, "connect")
def _pragmas(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None  # the driver stops issuing its own BEGIN; see _begin
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Without it, a row updated or deleted stays readable in the file's free space (and in every
        # backup copied from it) until the page happens to be reused: anonymisation would not be erasure.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def _may_write() -> bool:
    """A request other than GET/HEAD/OPTIONS. Commands and scripts begin plainly: they run one at a time
    and write in one transaction, so at worst one that collides with a busy app is refused whole."""
    from flask import has_request_context, request

    return has_request_context() and request.method not in READ_ONLY_METHODS


@sa.event.listens_for(Engine, "begin")
def _begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")
