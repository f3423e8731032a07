"""Sign-in attempt limits that an attacker cannot turn against the account's owner (issue 18, finding 3).

Failed sign-ins are counted three ways, in Flask-Limiter's storage (Redis when REDIS_URL is set, so that
every worker process counts together; in memory otherwise):

- per address (LOGIN_LIMIT_PER_ADDRESS): one machine trying many accounts is refused (429);
- per account and address together (LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS): one machine guessing one
  account's password is refused, while the owner, signing in from anywhere else, is not affected;
- per account from anywhere (LOGIN_LIMIT_PER_ACCOUNT): never a lock-out. Past it, browsers that have not
  signed in to that account before may try it only once per LOGIN_SLOWDOWN_PER_ACCOUNT between them ("try
  again in a few seconds"), which turns guessing from many machines into a trickle; a browser with the
  account's known-device cookie (hiring.auth.device, OWASP's device-cookie design) is not slowed at all.

Why not a lock per account, as before: anyone who knows an e-mail address could keep its owner out, and a
lock keyed on what the attacker types is a lock the attacker holds. Any e-mail typed counts, known or not,
so that no answer tells which accounts exist. Behind a reverse proxy, TRUSTED_PROXIES makes the address the
client's rather than the proxy's (hiring/__init__.py, register_proxies).

The careers site's application form is limited too (limit_applications, below): per address and per e-mail
typed (a digest again), every submission counted; so is "Forgot your password?" (limit_password_resets), which
sends mail to whatever address is typed.

One Limiter per app (not a module-level one): Flask-Limiter keeps its storage and its on/off switch on the
instance, and tests build several apps in one process.
"""
from __future__ import annotations

import hashlib
import logging
import math
import time
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app, g, make_response, request
from flask_babel import ngettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse

from hiring.auth import device
from hiring.errorpages import render_error
from hiring.extensions import db
from hiring.models import User

log = logging.getLogger(__name__)
PREFIX = "hiring"


def _failed(response) -> bool:
    """A sign-in that did not succeed (success answers with a redirect). A refused attempt (429) checked no
    password, so it is not one more failure."""
    return response.status_code not in (302, 429)


def _email() -> str:
    return request.form.get("email", "").strip().lower()[:254]


def _account(email: str) -> str:
    """The counters' name for what was typed as an e-mail: a digest, so that the storage (Redis) holds no
    address, and a person's erasure need not reach it."""
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _account_and_address() -> str:
    return f"{_account(_email())}|address:{get_remote_address()}"


def _signed_in_user() -> str:
    return f"user:{current_user.get_id()}"


def wrong_current_password() -> None:
    """The password-change view says so when the current password typed was wrong: only that is counted,
    not a new password the policy refuses."""
    g.wrong_current_password = True


def _wrong_current_password(_response) -> bool:
    return bool(g.get("wrong_current_password"))


class AccountSlowdown:
    """The account-wide count of failures, and the pace for unknown browsers once it is reached."""

    def __init__(self, limiter: Limiter):
        self.limiter = limiter

    def _ids(self, scope: str, email: str) -> tuple[str, str, str]:
        return PREFIX, scope, _account(email)

    def wrap(self, view):
        """The sign-in view, slowed down for unknown browsers while its account is under attack."""

        @wraps(view)
        def slowed(*args, **kwargs):
            if request.method != "POST" or not self.limiter.enabled:
                return view(*args, **kwargs)
            email = _email()
            wait = self._wait(email)
            if wait:
                return self._answer(wait)
            response = make_response(view(*args, **kwargs))
            if _failed(response):
                self._count_failure(email)
            return response

        return slowed

    def _wait(self, email: str) -> int:
        """Seconds this attempt must wait; 0 when it may go ahead."""
        config = current_app.config
        try:
            strategy = self.limiter.limiter  # the in-memory fallback while Redis is away
            if strategy.test(parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), *self._ids("login-account", email)):
                return 0
            if self._known_device(email):
                return 0
            pace = parse(config["LOGIN_SLOWDOWN_PER_ACCOUNT"])
            ids = self._ids("login-account-pace", email)
            if strategy.hit(pace, *ids):
                return 0
            reset = strategy.get_window_stats(pace, *ids).reset_time
        except Exception as error:  # noqa: BLE001  like swallow_errors: a storage failure never blocks sign-in
            log.warning("sign-in slow-down not applied: %s", type(error).__name__)
            return 0
        return max(1, math.ceil(reset - time.time()))

    def _count_failure(self, email: str) -> None:
        try:
            self.limiter.limiter.hit(parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]),
                                     *self._ids("login-account", email))
        except Exception as error:  # noqa: BLE001
            log.warning("failed sign-in not counted: %s", type(error).__name__)

    @staticmethod
    def _known_device(email: str) -> bool:
        """This browser has signed in to this account before (looked up only for an account under attack)."""
        known = device.known_user_id()
        return known is not None and known == db.session.scalar(sa.select(User.id).where(User.email == email))

    @staticmethod
    def _answer(wait: int):
        # Says nothing the attacker does not know: any e-mail typed, known or not, is slowed the same way.
        body, status = render_error(429, ngettext(
            "Too many failed attempts for this account. Wait %(num)d second, then try again.",
            "Too many failed attempts for this account. Wait %(num)d seconds, then try again.", wait))
        return body, status, {"Retry-After": str(wait)}


def init_app(app: Flask) -> Limiter:
    """Limit the sign-in form, the password-change form (a stolen session guessing the password), the
    careers site's application form (floods) and "Forgot your password?" (mail to any address typed)."""
    limiter = Limiter(
        get_remote_address,  # the client's address, once ProxyFix has read it from a trusted proxy
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=True,
        key_prefix=PREFIX,
        # If Redis goes away the app keeps answering, with limits counted in memory until it is back.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    # Flask-Limiter checks a decorated limit in the wrapper it returns, so the wrapped views replace the
    # registered ones. The slow-down is innermost: the hard limits answer first, and a refused attempt
    # never takes an unknown browser's turn.
    login = AccountSlowdown(limiter).wrap(app.view_functions["auth.login"])
    login = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
                          key_func=_account_and_address, methods=["POST"], deduct_when=_failed,
                          scope="login-account-address")(login)
    login = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
                          deduct_when=_failed, scope="login-address")(login)
    app.view_functions["auth.login"] = login
    app.view_functions["auth.change_password"] = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_signed_in_user, methods=["POST"],
        deduct_when=_wrong_current_password, scope="password-change")(app.view_functions["auth.change_password"])
    limit_applications(app, limiter)
    limit_status_page(app, limiter)
    limit_password_resets(app, limiter)
    app.extensions["hiring.limiter"] = limiter
    return limiter


# The careers site's application form (hiring/careers/views.apply): every POST counts, accepted or refused,
# since each one may carry a file of several megabytes to read. Every limit here is a setting (hiring/config.py:
# APPLY_LIMIT_*, STATUS_LIMIT_*, RESET_LIMIT_*), which holds its one default; they let a person fix a few mistakes.


def _application_email() -> str:
    """The counter's name for the e-mail typed on the application form: a digest, never the address."""
    return "apply-email:" + hashlib.sha256(_email().encode()).hexdigest()[:32]


def limit_applications(app: Flask, limiter: Limiter) -> None:
    """Limit applications per client address and per e-mail typed; past either, a 429 in the careers layout."""
    view = limiter.limit(lambda: current_app.config["APPLY_LIMIT_PER_EMAIL"],
                         key_func=_application_email, methods=["POST"],
                         scope="apply-email")(app.view_functions["careers.apply"])
    view = limiter.limit(lambda: current_app.config["APPLY_LIMIT_PER_ADDRESS"],
                         methods=["POST"], scope="apply-address")(view)
    app.view_functions["careers.apply"] = view


# The careers site's status page (hiring/careers/status_views.py): its buttons (withdraw, download my data, ask
# for erasure) counted together, per address and per link; a download builds a zip, so a loop is refused early.
STATUS_ENDPOINTS = ("careers.status.withdraw", "careers.status.download", "careers.status.erasure")


def _status_link() -> str:
    """The counter's name for a status link: a digest of its token, which is the key to the page."""
    token = (request.view_args or {}).get("token", "")
    return "status-link:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def limit_status_page(app: Flask, limiter: Limiter) -> None:
    """Limit the status page's POSTs per client address and per link; past either, a 429 in the careers layout."""
    per_link = limiter.shared_limit(lambda: current_app.config["STATUS_LIMIT_PER_LINK"],
                                    scope="status-link", key_func=_status_link, methods=["POST"])
    per_address = limiter.shared_limit(
        lambda: current_app.config["STATUS_LIMIT_PER_ADDRESS"],
        scope="status-address", methods=["POST"])
    for endpoint in STATUS_ENDPOINTS:
        app.view_functions[endpoint] = per_address(per_link(app.view_functions[endpoint]))


# "Forgot your password?" (hiring/auth/views.forgot_password): every POST counts, known address or not, so that
# neither the answer nor the limit tells which accounts exist, and nobody's mailbox can be flooded with links.


def _reset_email() -> str:
    """The counter's name for the e-mail typed on the form: a digest, never the address."""
    return "reset-email:" + hashlib.sha256(_email().encode()).hexdigest()[:32]


def limit_password_resets(app: Flask, limiter: Limiter) -> None:
    """Limit requests for a reset link per client address and per e-mail typed; past either, a 429."""
    view = limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_EMAIL"],
                         key_func=_reset_email, methods=["POST"], scope="reset-email")(
        app.view_functions["auth.forgot_password"])
    view = limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"],
                         methods=["POST"], scope="reset-address")(view)
    app.view_functions["auth.forgot_password"] = view
