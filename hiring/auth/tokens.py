"""One-time links to set a password: signed, time-limited, and spent once the password is set."""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hiring.models import User

SALT = "set-password"
MAX_AGE = 14 * 24 * 3600  # two weeks: time for a new hire to open their welcome mail


def _fingerprint(user: User) -> str:
    # Changes as soon as a password is set, which spends every earlier link.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_set_password_token(user: User) -> str:
    """A token for the set-password link of this user."""
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def read_set_password_token(token: str, load_user) -> User | None:
    """The user the token is for, or None when it is forged, expired or already used."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = load_user(data["uid"])
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        return None
    return user
