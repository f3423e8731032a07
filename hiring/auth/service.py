"""Checking credentials, in constant-ish time whether or not the account exists."""
from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from hiring.models import User, utcnow
from hiring.models.people import password_hash_method
from hiring.textinput import without_bidi_controls


@cache
def _dummy_hash(method: str) -> str:
    """Checked when no account matches, so that an unknown e-mail costs the same hashing time as a known one."""
    return generate_password_hash("not a password of anyone", method=method)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None; the caller says the same thing for every None."""
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(password_hash_method()), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def create_user(session: Session, *, email: str, name: str, role, password: str | None) -> User:
    """Add a user (flushed, not committed); the e-mail is stored lower-case."""
    user = User(email=email.strip().lower(), name=without_bidi_controls(name).strip(), role=role)
    if password:
        user.set_password(password)
    session.add(user)
    session.flush()
    return user
