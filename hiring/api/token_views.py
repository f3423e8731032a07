"""Each user's personal access tokens for the JSON API (reached from their profile): make one (shown once, on
the page that answers the form, never stored), see what each may do and when it was last used, revoke it."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.api.auth import SCOPES, create_token, revoke_token
from hiring.auth.accounts import STAFF_ROLES
from hiring.auth.roles import roles_required
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms import options
from hiring.forms.api_tokens import TokenForm
from hiring.models import ApiToken, utcnow

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = options((scope, f"{scope}: {label}") for scope, label in SCOPES.items())
    return form


def _page(form: TokenForm, status: int = 200, new_token: str | None = None):
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == current_user.id)
                                .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                                          ApiToken.id.desc())).all()
    response = render_template("auth/api_tokens.html", form=form, tokens=tokens, new_token=new_token, now=utcnow())
    # A page that shows a new token must not be kept by the browser or any cache.
    return response, status, {"Cache-Control": "no-store"}


@bp.route("", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def index():
    """The user's own tokens, and the form for a new one."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 400 if form.errors else 200)
    expires = None if form.expires.data == "never" else utcnow() + timedelta(days=int(form.expires.data))
    try:
        row, token = create_token(db.session, current_user, form.name.data, form.scopes.data, expires)
    except DomainError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(error.message)
        return _page(form, error.status)
    db.session.commit()
    flash(_("The token “%(name)s” is made. Copy it now: it is shown only this once.", name=row.name), "success")
    return _page(_form(), 201, new_token=token)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@roles_required(*STAFF_ROLES)
def revoke(token_id: int):
    """Revoke one of one's own tokens: it stops working at once."""
    row = revoke_token(db.session, token_id, current_user)
    db.session.commit()
    flash(_("The token “%(name)s” is revoked.", name=row.name), "success")
    return redirect(url_for(".index"))
