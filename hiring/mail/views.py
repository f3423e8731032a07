"""The admins' "Sent mail" pages: every message of the outbox, its state, its content, resend; and the
command `flask send-mail` that sends what is due (for cron) and gives up on claims nobody finished."""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import click
import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import load_only

from hiring.audit import record
from hiring.auth.roles import roles_required
from hiring.bounds import query_int
from hiring.errors import Conflict
from hiring.extensions import db
from hiring.mail import outbox, sending
from hiring.models import OutboxAttachment, OutboxMessage, Role, utcnow
from hiring.models.outbox import FAILED, KEPT, QUEUED, SENDING, SENT, SMTP, STATES, UNKNOWN

bp = Blueprint("mail", __name__, url_prefix="/admin/mail", cli_group=None)

PER_PAGE = 50
STATE_LABELS = {QUEUED: _l("Queued"), SENDING: _l("Sending"), SENT: _l("Sent"), FAILED: _l("Failed"),
                UNKNOWN: _l("Unknown: may or may not have gone out")}
DELIVERY_LABELS = {SMTP: _l("to the mail server"), KEPT: _l("kept here (no mail server)")}
LIST_COLUMNS = (OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.kind, OutboxMessage.subject,
                OutboxMessage.state, OutboxMessage.delivery, OutboxMessage.attempts, OutboxMessage.error,
                OutboxMessage.created_at, OutboxMessage.sent_at)


@bp.app_context_processor
def _labels():
    return {"mail_state_labels": STATE_LABELS, "mail_delivery_labels": DELIVERY_LABELS}


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """Every message, newest first, maybe of one state; paged by position (?before= a message's id)."""
    state = request.args.get("state", "")
    state = state if state in STATES else ""
    before = query_int("before", low=1)
    query = sa.select(OutboxMessage).options(load_only(*LIST_COLUMNS)).order_by(OutboxMessage.id.desc())
    if state:
        query = query.where(OutboxMessage.state == state)
    if before is not None:
        query = query.where(OutboxMessage.id < before)
    rows = list(db.session.scalars(query.limit(PER_PAGE + 1)))
    older = rows[PER_PAGE - 1].id if len(rows) > PER_PAGE else None
    return render_template("mail/index.html", messages=rows[:PER_PAGE], state=state, states=STATES,
                           older=older, first_page=before is None)


class _Links(HTMLParser):
    """The web addresses an HTML body links to, in order, each once."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.strip().lower().startswith(("http://", "https://")) and href.strip() not in self.found:
            self.found.append(href.strip())


def links_in(html: str | None) -> list[str]:
    """The http(s) links of an HTML body, so that the page can offer them as plain links (the HTML itself is
    shown in a sandboxed frame)."""
    if not html:
        return []
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.found[:50]


@bp.route("/<int:message_id>")
@roles_required(Role.ADMIN)
def message(message_id: int):
    """One message: its headers, state, text (links clickable), HTML in a sandboxed frame, attachments."""
    found = db.get_or_404(OutboxMessage, message_id)
    attachments = db.session.execute(
        sa.select(OutboxAttachment.id, OutboxAttachment.filename, OutboxAttachment.content_type,
                  sa.func.length(OutboxAttachment.content).label("size"))
        .where(OutboxAttachment.message_id == message_id).order_by(OutboxAttachment.id)).all()
    return render_template("mail/message.html", message=found, attachments=attachments,
                           links=links_in(found.html_body), resendable=found.state not in (QUEUED, SENDING))


def _download_name(message_id: int, attachment_id: int, filename: str) -> str:
    """A name of ids (the file's own name may name a person), keeping a plain extension such as .ics."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    suffix = f".{extension}" if extension.isascii() and extension.isalnum() and len(extension) <= 8 else ""
    return f"message-{message_id}-attachment-{attachment_id}{suffix}"


@bp.route("/<int:message_id>/attachments/<int:attachment_id>")
@roles_required(Role.ADMIN)
def attachment(message_id: int, attachment_id: int):
    """An attachment of a message, always as a file to save (never shown in the site's origin)."""
    found = db.session.scalars(sa.select(OutboxAttachment).where(
        OutboxAttachment.id == attachment_id, OutboxAttachment.message_id == message_id)).one_or_none()
    if found is None:
        abort(404)
    return Response(found.content, mimetype=found.content_type, headers={
        "Content-Disposition": f'attachment; filename="{_download_name(message_id, found.id, found.filename)}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@bp.route("/<int:message_id>/resend", methods=["POST"])
@roles_required(Role.ADMIN)
def resend(message_id: int):
    """Queue a copy of a message that was sent, failed, or whose fate is unknown."""
    found = db.get_or_404(OutboxMessage, message_id)
    try:
        copy = outbox.resend(db.session, found)
    except Conflict:
        db.session.rollback()
        flash(_("This message is still being sent; it can be sent again once it has gone or failed."), "error")
        return redirect(url_for(".message", message_id=message_id))
    record(db.session, actor_id=current_user.id, action="mail_resent", entity_type="outbox_message",
           entity_id=copy.id, resend_of=message_id)
    db.session.commit()
    flash(_("A copy of the message was queued."), "success")
    return redirect(url_for(".message", message_id=copy.id))


@bp.cli.command("send-mail")
def send_mail_command() -> None:
    """Send the queued messages whose next attempt is due, here and now (for cron, every few minutes), and
    mark "unknown" the ones a process claimed and never finished."""
    now = utcnow()
    unknown = outbox.give_up_stale_claims(db.session, now)
    ids = outbox.due_ids(db.session, now)
    db.session.commit()
    outcomes = Counter(sending.send(message_id) for message_id in ids)
    click.echo(ngettext("%(num)d message sent.", "%(num)d messages sent.", outcomes[sending.SENT_NOW]))
    if outcomes[sending.RETRY]:
        click.echo(ngettext("%(num)d message could not be sent yet; it will be tried again.",
                            "%(num)d messages could not be sent yet; they will be tried again.",
                            outcomes[sending.RETRY]))
    if outcomes[sending.GAVE_UP]:
        click.echo(ngettext("%(num)d message failed for good.", "%(num)d messages failed for good.",
                            outcomes[sending.GAVE_UP]))
    if unknown:
        click.echo(ngettext("%(num)d message was being sent by a process that stopped: marked unknown.",
                            "%(num)d messages were being sent by a process that stopped: marked unknown.",
                            unknown))
