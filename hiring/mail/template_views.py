"""The admins' "Messages" pages: every kind of message in every language, in the company's wording or the
default; the wording of one edited with a preview, saved, or put back to the default.

What is saved is checked first (hiring/mail/messages.check): the kind's placeholders only, template syntax,
length; errors go beside the fields with the typed text kept and nothing saved. Audit events carry the row's
id, the kind's code and the language, never the words.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hiring.audit import record
from hiring.auth.roles import roles_required
from hiring.extensions import db
from hiring.forms.message_templates import MessageTemplateForm
from hiring.i18n import LANGUAGE_NAMES
from hiring.mail import messages
from hiring.models import MessageTemplate, Role, utcnow
from hiring.postgres import once_more_after_race

bp = Blueprint("messages", __name__, url_prefix="/admin/messages")

AUDIENCE_LABELS = {"candidate": _l("Candidates"), "staff": _l("Staff")}


def _kind_or_404(code: str, language: str) -> messages.Kind:
    kind = messages.kind_of(code)
    if kind is None or language not in messages.LANGUAGES:
        abort(404)
    return kind


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """Every registered kind in every language, saying whose wording is sent (one query)."""
    saved = messages.saved_pairs(db.session)
    rows = sorted(messages.kinds(), key=lambda kind: str(kind.label).casefold())
    return render_template("mail/templates.html", kinds=rows, languages=messages.LANGUAGES, saved=saved,
                           language_names=LANGUAGE_NAMES, audience_labels=AUDIENCE_LABELS)


def _save(kind: messages.Kind, language: str, subject: str, body: str) -> MessageTemplate:
    """Write the wording (a new row, or the one there is; a concurrent first save is taken once more)."""

    def write() -> MessageTemplate:
        row = messages.saved(db.session, kind.code, language)
        if row is None:
            row = MessageTemplate(kind=kind.code, language=language)
            db.session.add(row)
        row.subject, row.body, row.updated_at, row.updated_by_id = subject, body, utcnow(), current_user.id
        db.session.flush()
        return row

    return once_more_after_race(db.session, write)


@bp.route("/<code>/<language>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(code: str, language: str):
    """The wording of one kind in one language: the form, its placeholders, a preview of both parts."""
    kind = _kind_or_404(code, language)
    row = messages.saved(db.session, code, language)
    form = MessageTemplateForm()
    status = 200
    if not form.is_submitted():
        subject, body, _own = messages.wording(db.session, kind, language)
        form.subject.data, form.body.data = subject, body
    subject, body = form.subject.data or "", form.body.data or ""
    token_good = not form.is_submitted() or form.validate()  # the CSRF token (validate() clears errors: first)
    # Checked on every showing: a wording saved before its kind changed is shown with what is wrong with it.
    errors = messages.check(kind, subject, body)
    form.subject.errors = [errors["subject"]] if "subject" in errors else []
    form.body.errors = [errors["body"]] if "body" in errors else []
    if not token_good:
        status = 400
    elif errors:
        status = 400 if form.is_submitted() else 200
    elif form.save.data:
        saved_row = _save(kind, language, subject, body)
        record(db.session, actor_id=current_user.id, action="message_template_saved",
               entity_type="message_template", entity_id=saved_row.id, kind=kind.code, language=language)
        db.session.commit()
        flash(_("The company's wording of this message was saved."), "success")
        return redirect(url_for(".edit", code=code, language=language), code=303)
    preview = None if errors or status != 200 else messages.preview(kind, subject, body, language)
    return render_template("mail/template_edit.html", kind=kind, language=language, form=form, row=row,
                           preview=preview, language_name=LANGUAGE_NAMES[language],
                           audience_labels=AUDIENCE_LABELS, filters=messages.FILTERS), status


@bp.route("/<code>/<language>/default", methods=["POST"])
@roles_required(Role.ADMIN)
def reset(code: str, language: str):
    """Back to the default wording: the company's row is deleted."""
    _kind_or_404(code, language)
    form = MessageTemplateForm()
    if not form.validate_on_submit():
        abort(400)
    row = messages.saved(db.session, code, language)
    if row is not None:
        record(db.session, actor_id=current_user.id, action="message_template_reset",
               entity_type="message_template", entity_id=row.id, kind=code, language=language)
        db.session.delete(row)
        db.session.commit()
    flash(_("This message is sent in its default wording again."), "success")
    return redirect(url_for(".edit", code=code, language=language), code=303)
