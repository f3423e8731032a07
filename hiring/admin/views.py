"""Admin pages."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.admin import audit_log as audit_log_queries
from hiring.admin.audit_reasons import reasons as audit_reasons
from hiring.audit import record
from hiring.auth.roles import roles_required
from hiring.bounds import audit_date_window, date_outside, page_number, query_int
from hiring.clock import today
from hiring.extensions import db
from hiring.models import Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    """Every user, by name, a page at a time."""
    page = db.paginate(sa.select(User).order_by(User.name, User.id), page=page_number(50), per_page=50,
                       error_out=False)
    return render_template("admin/users.html", page=page)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_active(user_id: int):
    """Close or reopen an account; a closed account cannot sign in and its sessions end at once."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot close your own account."), "error")
        return redirect(url_for(".users"))
    user.active = not user.active
    record(db.session, actor_id=current_user.id, action="account_reopened" if user.active else "account_closed",
           entity_type="user", entity_id=user.id)
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
    errors = {}
    window = audit_date_window(today())
    for key, attribute in (("from", "since"), ("to", "until")):
        text = request.args.get(key, "").strip()
        if text:
            try:
                day = date.fromisoformat(text)
            except ValueError:
                errors[key] = _("Give the date as YYYY-MM-DD.")
                continue
            # Refused with a message rather than clamped, so that the page never shows other dates than typed.
            problem = date_outside(day, *window)
            if problem:
                errors[key] = problem
            else:
                setattr(filters, attribute, day)
    before = audit_log_queries.Cursor.parse(request.args.get("before", ""))
    after = audit_log_queries.Cursor.parse(request.args.get("after", ""))
    page = audit_log_queries.events(db.session, filters, before=before, after=after)
    args = {k: v for k, v in request.args.items() if k not in ("before", "after", "page")}
    return render_template("admin/audit.html", page=page, people=audit_log_queries.people(db.session, filters.actor),
                           entities=audit_log_queries.entity_types(db.session), actor=filters.actor,
                           entity=filters.entity, entity_id=filters.entity_id, errors=errors, args=request.args,
                           link_args=args, first_page=before is None and after is None,
                           reasons=audit_reasons(db.session, page.items)), 400 if errors else 200
