"""Core values pages (admin, hr): the library, and a form to add or edit a value."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import roles_required
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.values import CoreValueForm
from hiring.models import CoreValue, Role
from hiring.values import service

bp = Blueprint("values", __name__, url_prefix="/values")
EDITORS = (Role.ADMIN, Role.HR)


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """The values in order, then the retired ones."""
    active, retired, rated = service.library(db.session)
    return render_template("values/index.html", active=active, retired=retired, rated=rated)


def _save(form: CoreValueForm, value: CoreValue | None):
    """Validate and save; on any error the form comes back with the message next to its field."""
    status = 200
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in service.FIELDS}
        try:
            if value is None:
                saved = service.create_value(db.session, data, actor_id=current_user.id)
            else:
                saved = service.update_value(db.session, value.id, data, actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved: %(name)s.", name=saved.name), "success")
            return redirect(url_for(".index", _anchor=f"value-{saved.id}"))
    if form.errors and status == 200:
        status = 400
    return render_template("values/form.html", form=form, value=value), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    """Add a core value."""
    return _save(CoreValueForm(), None)


@bp.route("/<int:value_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(value_id: int):
    """Edit a core value's words."""
    value = db.get_or_404(CoreValue, value_id)
    return _save(CoreValueForm(obj=value), value)


def _act(value_id: int, action, message: str):
    db.get_or_404(CoreValue, value_id)
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".index"))
    db.session.commit()
    if message:
        flash(message % {"name": getattr(result, "name", result)}, "success")
    return redirect(url_for(".index", _anchor=f"value-{value_id}"))


@bp.route("/<int:value_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move(value_id: int):
    """Move a value up or down the list."""
    direction = request.form.get("direction", "")
    return _act(value_id, lambda: service.move_value(db.session, value_id, direction, actor_id=current_user.id), "")


@bp.route("/<int:value_id>/retire", methods=["POST"])
@roles_required(*EDITORS)
def retire(value_id: int):
    """Retire a value: gone from new interviews, kept on old scorecards."""
    return _act(value_id, lambda: service.retire_value(db.session, value_id, actor_id=current_user.id),
                _("Retired: %(name)s. Scorecards that rated it keep showing it."))


@bp.route("/<int:value_id>/restore", methods=["POST"])
@roles_required(*EDITORS)
def restore(value_id: int):
    """Bring a retired value back."""
    return _act(value_id, lambda: service.restore_value(db.session, value_id, actor_id=current_user.id),
                _("Restored: %(name)s."))


@bp.route("/<int:value_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete(value_id: int):
    """Delete a value that nobody has rated."""
    return _act(value_id, lambda: service.delete_value(db.session, value_id, actor_id=current_user.id),
                _("Deleted: %(name)s."))


from hiring.values import similarity_views  # noqa: E402,F401 - the similarity phrases' routes of this blueprint
