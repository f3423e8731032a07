""""Forgot your password?": a one-time link by e-mail (hiring.auth.tokens, one hour), and the new password.

What the visitor sees never tells whether an account exists: the answer is the same, and an unknown or
closed address costs about the same work (the message is written, then not kept). Limits per client address
and per address typed are hiring/auth/limits.py's.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.auth import emails, sessions
from hiring.models import User

_STAND_IN = {"id": 0, "email": "nobody@example.invalid", "name": "Nobody", "role": None, "locale": None}


def request_reset(session: Session, email: str) -> None:
    """Queue a reset link to the active account with this e-mail, if there is one (flushes; the caller
    commits). Nothing is said either way."""
    email = email.strip().lower()
    user = session.scalar(sa.select(User).where(User.email == email)) if email else None
    if user is None or not user.active:
        # The same rendering and signing as for a real account, for a stand-in that is never stored.
        emails.render_password_reset(session, User(**_STAND_IN))
        return
    emails.queue_password_reset(session, user)
    record(session, actor_id=None, action="password_reset_requested", entity_type="user", entity_id=user.id)


def reset_password(session: Session, user: User, password: str) -> None:
    """Set the new password (which spends the link), end every session of the account, audit (flushes;
    the caller commits). Signs nobody in."""
    user.set_password(password)
    sessions.end_all(session, user.id)
    record(session, actor_id=user.id, action="password_reset", entity_type="user", entity_id=user.id)
    session.flush()
