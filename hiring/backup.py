"""`flask backup` and `flask restore`: a consistent copy of a SQLite database, taken while the app runs.

SQLite's online backup API copies the database page by page under its own locking, so the copy is one
committed state even while requests write. PostgreSQL has its own tools (pg_dump), see the README.

A copy holds every candidate as they were when it was taken, so copies do not stay for ever: after a
successful backup, copies in instance/backups/ older than BACKUP_KEEP_DAYS (or --keep-days) are deleted,
and purge-candidates warns how many older copies still hold the people it anonymised. Only files this
command names (hiring-YYYYMMDD-HHMMSS.sqlite, the time in UTC) are ever deleted.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import ngettext

from hiring.extensions import db

NAME = re.compile(r"hiring-(\d{8}-\d{6})\.sqlite")
STAMP = "%Y%m%d-%H%M%S"


def backup_dir() -> Path:
    """Where `flask backup` writes its copies by default."""
    return Path(current_app.instance_path) / "backups"


def taken_at(path: Path) -> datetime | None:
    """When a copy named by `flask backup` was taken (from its name, UTC); None for any other file."""
    match = NAME.fullmatch(path.name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def backups_before(directory: Path, moment: datetime) -> list[Path]:
    """The copies in `directory` taken before `moment`, oldest first (files of other names are left alone)."""
    if not directory.is_dir():
        return []
    dated = [(at, path) for path in directory.iterdir() if path.is_file() and (at := taken_at(path)) is not None]
    return [path for at, path in sorted(dated) if at < moment]


def prune_backups(directory: Path, now: datetime, keep_days: int) -> list[Path]:
    """Delete the copies taken more than `keep_days` days before `now`; returns those deleted."""
    old = backups_before(directory, now - timedelta(days=keep_days))
    for path in old:
        path.unlink(missing_ok=True)
    return old


def sqlite_path() -> Path:
    """The file of the app's SQLite database; a clear refusal for any other database."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            _("the database is %(kind)s, not SQLite: back it up with its own tools, for PostgreSQL "
              "`pg_dump --format=custom --file=hiring.dump \"$DATABASE_URL\"` (see the README)",
              kind=url.get_backend_name()))
    if not url.database or url.database == ":memory:":
        raise click.ClickException(_("an in-memory database cannot be backed up"))
    return Path(url.database)


def copy_database(source: Path, target: Path) -> None:
    """Copy `source` into `target` with the backup API, then check the copy; raises on a damaged copy."""
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise click.ClickException(_("the copy in %(path)s failed its integrity check: %(verdict)s",
                                             path=target, verdict=verdict))


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the copy (default: backups/ in the instance folder, named by time).")
@click.option("--keep-days", type=click.IntRange(min=1), default=None,
              help="Delete copies in backups/ older than this many days (default: BACKUP_KEEP_DAYS, 30).")
@with_appcontext
def backup_command(output: Path | None, keep_days: int | None) -> None:
    """Write a consistent copy of the SQLite database, safe while the app runs; then delete old copies."""
    source = sqlite_path()
    if not source.exists():
        raise click.ClickException(_("there is no database at %(path)s", path=source))
    now = datetime.now(timezone.utc)
    if output is None:
        output = backup_dir() / f"hiring-{now.strftime(STAMP)}.sqlite"
    if output.exists():
        raise click.ClickException(_("%(path)s already exists; choose another --output", path=output))
    output.parent.mkdir(parents=True, exist_ok=True)
    copy_database(source, output)
    click.echo(_("Backed up %(source)s to %(target)s (%(size)s bytes, integrity ok).", source=source,
                 target=output, size=format_number(output.stat().st_size)))
    # Only after a sound copy exists, so that a failing backup never leaves fewer copies than before.
    keep_days = keep_days or current_app.config["BACKUP_KEEP_DAYS"]
    deleted = prune_backups(backup_dir(), now, keep_days)
    click.echo(ngettext("Deleted %(num)d backup older than %(days)d days.",
                        "Deleted %(num)d backups older than %(days)d days.", len(deleted), days=keep_days))


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(backup: Path, yes: bool) -> None:
    """Replace the SQLite database's content with a backup (everything since the backup is lost)."""
    target = sqlite_path()
    try:
        with closing(sqlite3.connect(backup)) as check:
            verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise click.ClickException(_("%(path)s is not a sound backup of this app (%(problem)s)",
                                             path=backup, problem=error)) from None
    if verdict != "ok" or "alembic_version" not in tables:
        raise click.ClickException(_("%(path)s is not a sound backup of this app (%(problem)s)",
                                             path=backup, problem=verdict))
    if not yes:
        click.confirm(_("Replace everything in %(target)s with %(backup)s?", target=target, backup=backup),
                      abort=True)
    db.engine.dispose()  # our own pooled connections must not keep the old pages
    copy_database(backup, target)
    click.echo(_("Restored %(target)s from %(backup)s.", target=target, backup=backup))
