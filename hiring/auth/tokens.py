"""One-time links to set a password: signed, time-limited, and spent once a password is set.

Two kinds, each with a salt of its own so that one can never be read as the other: the set-password link of
an invitation or a new hire (two weeks), and the link "Forgot your password?" sends (one hour). Both carry a
fingerprint of the password hash, which changes as soon as a password is set: that spends every earlier link.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hiring.models import User

SALT = "set-password"
MAX_AGE = 14 * 24 * 3600  # two weeks: time for a new hire to open their welcome mail
RESET_SALT = "reset-password"
RESET_MAX_AGE = 3600  # one hour: the person asked for it a moment ago


def _fingerprint(user: User) -> str:
    # Changes as soon as a password is set, which spends every earlier link.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_set_password_token(user: User) -> str:
    """A token for the set-password link of this user."""
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def make_reset_token(user: User) -> str:
    """A token for the password-reset link of this user ("Forgot your password?")."""
    return _serializer(RESET_SALT).dumps({"uid": user.id, "fp": _fingerprint(user)})


def _read(token: str, load_user, salt: str, max_age: int) -> User | None:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = load_user(data["uid"])
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        return None
    return user


def read_set_password_token(token: str, load_user) -> User | None:
    """The user the token is for, or None when it is forged, expired or already used."""
    return _read(token, load_user, SALT, MAX_AGE)


def read_reset_token(token: str, load_user) -> User | None:
    """The active user a password-reset token is for, or None when it is forged, older than an hour, spent
    (a password was set since) or the account is closed."""
    return _read(token, load_user, RESET_SALT, RESET_MAX_AGE)
