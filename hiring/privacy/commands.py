"""flask purge-candidates: anonymise rejected and withdrawn candidates whose retention period is over.

Meant to run daily (cron, a systemd timer); running it twice does nothing the second time.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from hiring.backup import backup_dir, backups_before
from hiring.extensions import db
from hiring.models import utcnow
from hiring.pipeline.merging import confirm_old_merges
from hiring.privacy.anonymise import Due, due_candidates, purge


def _line(due: Due) -> str:
    period = (_("consent period, %(days)d days", days=due.days) if due.consent
              else _("standard period, %(days)d days", days=due.days))
    return _("candidate %(id)d: procedure ended %(ended)s (%(period)s)", id=due.candidate_id,
             ended=due.ended_at.strftime("%Y-%m-%d %H:%M UTC"), period=period)


@click.command("purge-candidates")
@click.option("--dry-run", is_flag=True, help="List who would be anonymised and change nothing.")
@with_appcontext
def purge_candidates_command(dry_run: bool) -> None:
    """Anonymise candidates whose applications all ended (rejected or withdrawn) longer ago than the
    retention period: PRIVACY_RETENTION_DAYS, or PRIVACY_CONSENT_RETENTION_DAYS with their consent."""
    config = current_app.config
    days, consent_days = config["PRIVACY_RETENTION_DAYS"], config["PRIVACY_CONSENT_RETENTION_DAYS"]
    now = utcnow()
    if dry_run:
        due = due_candidates(db.session, now, days=days, consent_days=consent_days)
        db.session.rollback()
        for d in due:
            click.echo(_line(d))
        click.echo(ngettext("Dry run: %(num)d candidate would be anonymised; nothing was changed.",
                            "Dry run: %(num)d candidates would be anonymised; nothing was changed.", len(due)))
        return
    due = purge(db.session, now, days=days, consent_days=consent_days)
    merges = confirm_old_merges(db.session, now)  # merges nobody undid within MERGE_CONFIRM_DAYS
    db.session.commit()
    if merges:
        click.echo(ngettext("%(num)d merge of duplicate candidates confirmed.",
                            "%(num)d merges of duplicate candidates confirmed.", merges))
    for d in due:
        click.echo(_("Anonymised %(line)s", line=_line(d)))
    click.echo(ngettext("%(num)d candidate anonymised.", "%(num)d candidates anonymised.", len(due)))
    _warn_about_backups(now, anonymised=len(due))


def _warn_about_backups(now, *, anonymised: int) -> None:
    """Say how many backups were taken before this purge: they still hold the people it anonymised."""
    older = backups_before(backup_dir(), now)
    if anonymised and older:
        click.echo(ngettext(
            "Warning: %(num)d backup in %(folder)s was taken before this purge and still holds the personal "
            "data of the candidates anonymised now; `flask backup` deletes backups older than %(days)d days.",
            "Warning: %(num)d backups in %(folder)s were taken before this purge and still hold the personal "
            "data of the candidates anonymised now; `flask backup` deletes backups older than %(days)d days.",
            len(older), folder=backup_dir(), days=current_app.config["BACKUP_KEEP_DAYS"]), err=True)
