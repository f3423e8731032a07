"""The company's rejection reasons (admin, hr): the list, a form to add or edit one, and moving, retiring,
restoring and deleting (a reason in use is retired, never deleted). Thin: the rules are in rejection_reasons.py."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import roles_required
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.rejection_reasons import RejectionReasonForm
from hiring.models import RejectionReason, Role
from hiring.pipeline import rejection_reasons as service

bp = Blueprint("rejection_reasons", __name__, url_prefix="/admin/rejection-reasons")
EDITORS = (Role.ADMIN, Role.HR)
FIELDS = ("code", *service.TEXTS)


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """The reasons recruiters choose from, in order, then the retired ones, with how often each was used."""
    active, retired, uses = service.library(db.session)
    return render_template("pipeline/rejection_reasons.html", active=active, retired=retired, uses=uses,
                           label=service.staff_label)


def _save(form: RejectionReasonForm, reason: RejectionReason | None):
    """Validate and save; on any error the form comes back with the message beside its field, typed text kept."""
    status = 200
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in FIELDS}
        try:
            if reason is None:
                saved = service.create(db.session, data, actor_id=current_user.id)
            else:
                saved = service.update(db.session, reason.id, data, actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            target = getattr(form, error.field or "code")
            target.errors = [*target.errors, error.message]
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved: %(label)s.", label=service.staff_label(saved)), "success")
            return redirect(url_for(".index", _anchor=f"reason-{saved.id}"), code=303)
    if form.errors and status == 200:
        status = 400
    return render_template("pipeline/rejection_reason_form.html", form=form, reason=reason), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    """Add a reason at the end of the list."""
    return _save(RejectionReasonForm(), None)


@bp.route("/<int:reason_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(reason_id: int):
    """Rename a reason, or change its code or the candidate's words."""
    reason = db.get_or_404(RejectionReason, reason_id)
    return _save(RejectionReasonForm(obj=reason), reason)


def _act(reason_id: int, action, message: str | None):
    """One of the list's buttons (CSRFProtect has checked the token): do it, or say why not above the list."""
    db.get_or_404(RejectionReason, reason_id)
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".index", _anchor=f"reason-{reason_id}"), code=303)
    db.session.commit()
    if message:
        flash(message % {"label": result if isinstance(result, str) else service.staff_label(result)}, "success")
    return redirect(url_for(".index", _anchor=f"reason-{reason_id}"), code=303)


@bp.route("/<int:reason_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move(reason_id: int):
    """Move a reason up or down the list."""
    direction = request.form.get("direction", "")
    return _act(reason_id, lambda: service.move(db.session, reason_id, direction, actor_id=current_user.id), None)


@bp.route("/<int:reason_id>/retire", methods=["POST"])
@roles_required(*EDITORS)
def retire(reason_id: int):
    """Retire a reason: gone from the list recruiters choose from, kept on the applications that name it."""
    return _act(reason_id, lambda: service.retire(db.session, reason_id, actor_id=current_user.id),
                _("Retired: %(label)s. Applications rejected for it keep it."))


@bp.route("/<int:reason_id>/restore", methods=["POST"])
@roles_required(*EDITORS)
def restore(reason_id: int):
    """Bring a retired reason back."""
    return _act(reason_id, lambda: service.restore(db.session, reason_id, actor_id=current_user.id),
                _("Restored: %(label)s."))


@bp.route("/<int:reason_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete(reason_id: int):
    """Delete a reason no application names."""
    return _act(reason_id, lambda: service.delete(db.session, reason_id, actor_id=current_user.id),
                _("Deleted: %(label)s."))
