"""Sign-in attempt limits with Flask-Limiter: per account and per address, counting failures only.

One Limiter per app (not a module-level one): Flask-Limiter keeps its storage and its on/off switch on the
instance, and tests build several apps in one process. Limits live in Redis when REDIS_URL is set, so that
every worker process counts together; in memory otherwise.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user


def _failed(response) -> bool:
    """Only failures count: a successful sign-in or password change answers with a redirect."""
    return response.status_code != 302


def _account() -> str:
    # Any e-mail typed counts, known or not, so that the limit says nothing about which accounts exist.
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def _signed_in_user() -> str:
    return f"user:{current_user.get_id()}"


def init_app(app: Flask) -> Limiter:
    """Limit the sign-in form and the password-change form (a stolen session guessing the password)."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=True,
        key_prefix="hiring",
        # If Redis goes away the app keeps answering, with limits counted in memory until it is back.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    # Flask-Limiter checks a decorated limit in the wrapper it returns, so the wrapped views replace the
    # registered ones.
    login = app.view_functions["auth.login"]
    login = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
                          deduct_when=_failed, scope="login-address")(login)
    login = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account,
                          methods=["POST"], deduct_when=_failed, scope="login-account")(login)
    app.view_functions["auth.login"] = login
    app.view_functions["auth.change_password"] = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_signed_in_user, methods=["POST"],
        deduct_when=_failed, scope="password-change")(app.view_functions["auth.change_password"])
    app.extensions["hiring.limiter"] = limiter
    return limiter
