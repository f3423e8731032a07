"""Single sign-on's pages: off to the provider, back from it, and the admins' settings (issue 24, item 3).

Every way a sign-in can fail (a state that does not match, an ID token whose signature, nonce, audience, issuer
or expiry is wrong, a provider that does not answer, a person this app does not let in) ends on one page that
says what to do, in the reader's language, with a status, never a 500; the log gets a code, never a name, an
address or a subject.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth import sso, sso_client
from hiring.auth.roles import public, roles_required
from hiring.auth.views import _safe_next, begin_session
from hiring.extensions import db
from hiring.forms.sso import SsoSettingsForm
from hiring.mail.messages import absolute_url
from hiring.models import Role, RolesFrom

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)

NEXT = "sso_next"  # where to go after signing in, kept in the session while the person is at the provider
STATUS = {"invalid": 400, "cancelled": 400, "down": 502, "misconfigured": 502}


def _messages(kind: str, provider: str) -> str:
    return {
        "invalid": _("Signing in with %(provider)s did not work: its answer could not be verified. Try again from "
                     "the sign-in page; if it keeps happening, ask an admin.", provider=provider),
        "cancelled": _("Signing in with %(provider)s was cancelled.", provider=provider),
        "down": _("%(provider)s did not answer. Try again in a few minutes, or ask an admin.", provider=provider),
        "misconfigured": _("Single sign-on is not set up correctly. Ask an admin of this app."),
    }[kind]


def _refused(code: str, message: str, status: int):
    """Nobody signed in: the page says why; the log says the code only."""
    db.session.rollback()
    log.warning("single sign-on refused: %s", code)
    return render_template("auth/sso_refused.html", message=message), status


def _not_on():
    flash(_("Single sign-on is not switched on. Sign in with your e-mail address and password."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/auth/sso/login")
@public
def login():
    """Off to the company's identity provider, with state, nonce and a PKCE challenge (Authlib)."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    config = sso.settings(db.session)
    if not config.enabled:
        return _not_on()
    next_url = _safe_next(request.args.get("next"))
    try:
        response = sso_client.authorize_redirect(config, absolute_url("sso.callback"))
    except sso_client.Failure as failure:
        return _refused(failure.code, _messages(failure.kind, config.provider_name), STATUS[failure.kind])
    if next_url:
        session[NEXT] = next_url
    return response


@bp.route("/auth/sso/callback")
@public
def callback():
    """Back from the provider: check its answer, find or link or create the account, sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    config = sso.settings(db.session)
    if not config.enabled:
        return _not_on()
    try:
        identity = sso.Identity.from_claims(sso_client.verified_claims(config))
        user = sso.resolve(db.session, config, identity)
    except sso_client.Failure as failure:
        return _refused(failure.code, _messages(failure.kind, config.provider_name), STATUS[failure.kind])
    except sso.SignInRefused as refusal:
        return _refused(refusal.code, refusal.message, refusal.status)
    next_url = _safe_next(session.get(NEXT))
    begin_session(user)  # clears the session: the state, the nonce and NEXT go with it
    db.session.commit()
    return redirect(next_url or url_for("dashboard.home"))


@bp.route("/admin/sso", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    """The company's single sign-on: the provider, how roles are decided, whether staff keep passwords."""
    row = sso.settings(db.session)
    form = SsoSettingsForm(obj=row)
    secret = current_app.config.get("SSO_CLIENT_SECRET")
    if form.validate_on_submit():
        values = {name: form[name].data for name in (
            "enabled", "provider_name", "issuer", "client_id", "role_claim", "admin_values", "hr_values",
            "recruiter_values", "interviewer_values", "password_sign_in")}
        values = {k: v.strip() if isinstance(v, str) else bool(v) for k, v in values.items()}
        values["roles_from"] = form.roles_from.data
        for name, message in sso.problems(values, secret=secret).items():
            form[name].errors = [*form[name].errors, message]
        if not form.errors:
            sso.save_settings(db.session, actor_id=current_user.id, **{**values,
                                                                       "roles_from": RolesFrom(values["roles_from"])})
            db.session.commit()
            flash(_("The single sign-on settings are saved."), "success")
            return redirect(url_for(".settings"))
    return render_template("auth/sso_settings.html", form=form, secret_set=bool(secret),
                           redirect_uri=absolute_url("sso.callback")), 400 if form.errors else 200
