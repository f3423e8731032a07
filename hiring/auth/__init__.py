"""Sign-in, sessions and the role rules."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from hiring.auth.roles import enforce_roles


def init_app(app: Flask, login_manager: LoginManager) -> None:
    """Wire Flask-Login, the server-side sessions and the default-deny check into the app."""
    from hiring.auth import sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # "strong": a session used from another address or browser than the one that signed in is refused.
    # Flask-Login itself only marks a permanent session (ours are) "not fresh" then, as in "basic";
    # sessions.load_user refuses a session that is not fresh and ends it, so the check holds. What makes a
    # copied cookie useless after sign-out, whatever the browser, is the session's row on the server.
    login_manager.session_protection = "strong"
    login_manager.user_loader(sessions.load_user)
    sessions.install()

    app.before_request(enforce_roles)
