"""Admin pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.audit import record
from hiring.auth.roles import roles_required
from hiring.extensions import db
from hiring.models import Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    """Every user, by name, a page at a time."""
    page = db.paginate(sa.select(User).order_by(User.name, User.id), per_page=50, error_out=False)
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
    """Every recorded decision, newest first, filterable by person, entity and date; read-only by design."""
    from datetime import date, datetime, time, timedelta, timezone

    from flask import request
    from sqlalchemy.orm import joinedload

    from hiring.models import AuditEvent

    stmt = sa.select(AuditEvent).options(joinedload(AuditEvent.actor))
    actor = request.args.get("actor", type=int)
    entity = request.args.get("entity", "").strip()
    entity_id = request.args.get("entity_id", type=int)
    errors = {}
    bounds = {}
    for key in ("from", "to"):
        text = request.args.get(key, "").strip()
        if text:
            try:
                bounds[key] = date.fromisoformat(text)
            except ValueError:
                errors[key] = "Give the date as YYYY-MM-DD."
    if actor:
        stmt = stmt.where(AuditEvent.actor_id == actor)
    if entity:
        stmt = stmt.where(AuditEvent.entity_type == entity)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if "from" in bounds:
        stmt = stmt.where(AuditEvent.occurred_at >= datetime.combine(bounds["from"], time(), timezone.utc))
    if "to" in bounds:
        stmt = stmt.where(AuditEvent.occurred_at < datetime.combine(bounds["to"] + timedelta(days=1), time(),
                                                                    timezone.utc))
    page = db.paginate(stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()), per_page=50,
                       max_per_page=50, error_out=False)
    people = db.session.execute(sa.select(User.id, User.name).where(
        User.id.in_(sa.select(AuditEvent.actor_id).distinct())).order_by(User.name)).all()
    entities = db.session.scalars(sa.select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)).all()
    return render_template("admin/audit.html", page=page, people=people, entities=entities, actor=actor,
                           entity=entity, entity_id=entity_id, errors=errors, args=request.args), \
        400 if errors else 200
