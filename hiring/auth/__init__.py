"""Sign-in, sessions and the role rules."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from hiring.auth.roles import enforce_roles


def init_app(app: Flask, login_manager: LoginManager) -> None:
    """Wire Flask-Login and the default-deny check into the app."""
    from hiring.extensions import db
    from hiring.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        user_id, _, _fingerprint = token.partition(".")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A changed password (or a closed account) ends the sessions that began before it.
        if user is None or not user.active or user.session_token() != token:
            return None
        return user

    app.before_request(enforce_roles)
