"""Each user's notification preferences (reached from their profile), and the command `flask send-reminders`
that sends what is due (hiring/mail/reminder_engine.py)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from hiring.audit import record
from hiring.auth.roles import ANY_ROLE, roles_required
from hiring.extensions import db
from hiring.forms.notifications import NotificationsForm
from hiring.mail import reminder_engine, reminders
from hiring.models import NotificationOptOut, NotificationPreference, utcnow
from hiring.models.notifications import IMMEDIATE

bp = Blueprint("notifications", __name__, url_prefix="/account/notifications", cli_group=None)
# The sources register when their modules are imported: once the app has its blueprints, so that the
# preferences page lists every reminder and the command runs every source.
bp.record_once(lambda _state: reminder_engine.load_sources())


def _current(user_id: int) -> tuple[str, set[str]]:
    """The user's delivery and switched-off kinds (defaults without rows: immediate, none off)."""
    delivery = db.session.scalar(sa.select(NotificationPreference.delivery)
                                 .where(NotificationPreference.user_id == user_id)) or IMMEDIATE
    off = set(db.session.scalars(sa.select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id)))
    return delivery, off


@bp.route("", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def preferences():
    """Choose which reminders to receive and whether each comes at once or in a daily digest. Always one's
    own: the page takes no user id, so nobody can change another's."""
    choices = reminders.optional_sources()
    delivery, off = _current(current_user.id)
    form = NotificationsForm(kind_choices=[(s.kind, s.label) for s in choices],
                             data={"delivery": delivery, "kinds": [s.kind for s in choices if s.kind not in off]})
    if form.validate_on_submit():
        # Kinds not offered here (mandatory ones, or a feature that is gone) keep their rows as they are.
        offered = {s.kind for s in choices}
        new_off = offered - set(form.kinds.data or [])
        kept_off = off - offered
        if form.delivery.data != delivery or new_off != off & offered:
            _save(current_user.id, form.delivery.data, new_off, kept_off)
            record(db.session, actor_id=current_user.id, action="notification_preferences_changed",
                   entity_type="user", entity_id=current_user.id, before={"delivery": delivery,
                                                                          "off": sorted(off & offered)},
                   after={"delivery": form.delivery.data, "off": sorted(new_off)})
            db.session.commit()
        flash(_("Your notification preferences are saved."), "success")
        return redirect(url_for(".preferences"))
    mandatory = [s for s in reminders.sources() if not s.optional]
    return render_template("auth/notifications.html", form=form, mandatory=mandatory), 400 if form.errors else 200


def _save(user_id: int, delivery: str, off: set[str], kept_off: set[str]) -> None:
    """Replace the user's preference rows (in the caller's transaction)."""
    preference = db.session.get(NotificationPreference, user_id)
    if preference is None:
        db.session.add(NotificationPreference(user_id=user_id, delivery=delivery, updated_at=utcnow()))
    else:
        preference.delivery = delivery
    db.session.execute(sa.delete(NotificationOptOut).where(NotificationOptOut.user_id == user_id,
                                                           NotificationOptOut.kind.not_in(kept_off)))
    db.session.add_all(NotificationOptOut(user_id=user_id, kind=kind) for kind in sorted(off))


@bp.cli.command("send-reminders")
def send_reminders_command() -> None:
    """Send the reminders that are due (for cron, e.g. every 15 minutes): at once, or in each user's daily
    digest at or after REMINDER_DIGEST_HOUR; none twice, none a user switched off."""
    summary = reminder_engine.run(db.session, utcnow())
    click.echo(ngettext("%(num)d reminder queued.", "%(num)d reminders queued.", summary.sent))
    click.echo(ngettext("%(num)d daily digest queued, holding %(reminders)d reminders.",
                        "%(num)d daily digests queued, holding %(reminders)d reminders.", summary.digests,
                        reminders=summary.in_digests))
    if summary.waiting:
        click.echo(ngettext("%(num)d reminder waits for a daily digest.", "%(num)d reminders wait for a daily digest.",
                            summary.waiting))
    if summary.switched_off:
        click.echo(ngettext("%(num)d reminder not sent: switched off by its recipient.",
                            "%(num)d reminders not sent: switched off by their recipients.", summary.switched_off))
    if summary.unreachable:
        click.echo(ngettext("%(num)d reminder not sent: its recipient is deactivated or has no e-mail address.",
                            "%(num)d reminders not sent: their recipients are deactivated or have no e-mail "
                            "address.", summary.unreachable))
    if summary.taken:
        click.echo(ngettext("%(num)d recipient was served by another run at the same time.",
                            "%(num)d recipients were served by another run at the same time.", summary.taken))
    if summary.failed:
        click.echo(ngettext("%(num)d reminder or source failed; see the log.",
                            "%(num)d reminders or sources failed; see the log.", summary.failed))
        raise click.exceptions.Exit(1)  # cron mails its owner about a failed run
