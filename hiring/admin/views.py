"""Admin pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.admin import audit_log as audit_log_queries
from hiring.admin import audit_sentences
from hiring.admin.audit_reasons import reasons as audit_reasons
from hiring.auth import accounts
from hiring.auth.roles import roles_required
from hiring.bounds import audit_date_window, page_number, query_int
from hiring.clock import today
from hiring.errors import DomainError, NotFound
from hiring.extensions import db
from hiring.forms.accounts import InviteForm, RoleForm
from hiring.labels import ROLE_LABELS
from hiring.models import Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


PER_PAGE = 50


def _users_page(status: int = 200):
    """The users list, a page at a time: two queries (the count and the page) however many rows it shows."""
    page = db.paginate(sa.select(User).order_by(User.name, User.id), page=page_number(PER_PAGE),
                       per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", page=page, staff_roles=accounts.STAFF_ROLES), status


def _refused(error: DomainError):
    """A change the rules refuse (the last admin, one's own account, no longer an admin): nothing is kept, and
    the list says why with the refusal's status. An unknown user is a plain 404."""
    db.session.rollback()
    if isinstance(error, NotFound):
        abort(404)
    flash(error.message, "error")
    return _users_page(error.status)


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    """Every user, by name, a page at a time, with their role, state and last sign-in."""
    return _users_page()


@bp.route("/users/invite", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def invite():
    """Invite a colleague: an account without a password, and an e-mail with a link to choose one."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = accounts.invite(db.session, actor_id=current_user.id, name=form.name.data,
                                   email=form.email.data, role=form.role.data)
        except DomainError as error:
            db.session.rollback()
            if error.field is None:
                raise
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("%(name)s is invited: the e-mail with their link is on its way.", name=user.name), "success")
            return redirect(url_for(".users"))
    return render_template("admin/invite.html", form=form), 400 if form.errors else 200


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@roles_required(Role.ADMIN)
def resend_invitation(user_id: int):
    """Send an invited user a new link, while they have not chosen a password."""
    try:
        user = accounts.resend_invitation(db.session, actor_id=current_user.id, user_id=user_id)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    flash(_("A new invitation to %(name)s is on its way.", name=user.name), "success")
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@roles_required(Role.ADMIN)
def change_role(user_id: int):
    """Give an account another staff role; the last active admin keeps theirs."""
    form = RoleForm()
    if not form.validate_on_submit():
        db.get_or_404(User, user_id)  # an unknown user is a 404 whatever was posted
        flash(_("Choose a role from the list."), "error")
        return _users_page(400)
    try:
        changed = accounts.change_role(db.session, actor_id=current_user.id, user_id=user_id, role=form.role.data)
    except DomainError as error:
        return _refused(error)
    user = db.session.get(User, user_id)
    db.session.commit()
    if changed:
        flash(_("%(name)s is now %(role)s.", name=user.name, role=ROLE_LABELS[user.role]), "success")
    if user_id == current_user.id and user.role != Role.ADMIN:
        return redirect(url_for("dashboard.home"))  # one's own admin pages are closed now
    return redirect(url_for(".users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_active(user_id: int):
    """Close or reopen an account; a closed account cannot sign in and its sessions end at once."""
    try:
        user = accounts.set_active(db.session, actor_id=current_user.id, user_id=user_id)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.name) if user.active
          else _("%(name)s can no longer sign in.", name=user.name), "success")
    return redirect(url_for(".users"))


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    """Every recorded decision, newest first, filterable by person, entity and date; read-only by design.

    Paged by position (?before= / ?after= an event), not by page number: see hiring.admin.audit_log."""
    # Numbers beyond an id column (hiring.bounds.MAX_ID) name no row: ignored like any other text that is not a number.
    filters = audit_log_queries.Filters(actor=query_int("actor"), entity=request.args.get("entity", "").strip(),
                                        entity_id=query_int("entity_id"))
    errors = audit_log_queries.read_dates(request.args, filters, today())
    before = audit_log_queries.Cursor.parse(request.args.get("before", ""))
    after = audit_log_queries.Cursor.parse(request.args.get("after", ""))
    page = audit_log_queries.events(db.session, filters, before=before, after=after)
    args = {k: v for k, v in request.args.items() if k not in ("before", "after", "page")}
    return render_template("admin/audit.html", page=page, people=audit_log_queries.people(db.session, filters.actor),
                           entities=audit_log_queries.entity_types(db.session), actor=filters.actor,
                           entity=filters.entity, entity_id=filters.entity_id, errors=errors, args=request.args,
                           link_args=args, first_page=before is None and after is None,
                           date_window=audit_date_window(today()), entity_label=audit_sentences.entity_label,
                           lines=audit_sentences.describe_page(db.session, page.items),
                           reasons={**audit_sentences.inline_reasons(page.items),
                                    **audit_reasons(db.session, page.items)}), 400 if errors else 200
