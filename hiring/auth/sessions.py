"""Sign-in sessions kept on the server (issue 18, finding 4).

The browser's signed session cookie holds a random key; the database holds its SHA-256 in a `UserSession`
row. A request is signed in only while that row exists, has not ended, belongs to the user the cookie names,
that user is active, and the session has been used within PERMANENT_SESSION_LIFETIME (idle) and began within
SESSION_ABSOLUTE_LIFETIME (absolute). So a cookie copied before "Sign out" is worthless after it, and so are
the sessions of a closed account, the other sessions after a password change, and every session after
"Sign out everywhere". One mechanism: the user's id in the cookie carries no password fingerprint.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, session
from sqlalchemy.orm import Session

from hiring.extensions import db
from hiring.models import User, UserSession, utcnow
from hiring.snapshots import end_read_transaction

log = logging.getLogger(__name__)

KEY = "session_key"  # where the raw key sits in Flask's signed session cookie
# last_seen_at moves at most once a minute, and no more often than a hundredth of the idle lifetime (about
# five minutes for eight hours): the idle limit holds to within 1% without a write per request.
TOUCH_AT_MOST_EVERY = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _current_digest() -> str | None:
    raw = session.get(KEY)
    return _digest(raw) if isinstance(raw, str) and raw else None


def idle_lifetime() -> timedelta:
    """How long a session may go unused (PERMANENT_SESSION_LIFETIME, the cookie's own lifetime too)."""
    return current_app.permanent_session_lifetime


def absolute_lifetime() -> timedelta:
    """How long a session may last however busy it is."""
    return timedelta(seconds=current_app.config["SESSION_ABSOLUTE_LIFETIME"])


def touch_interval() -> timedelta:
    """How long after last_seen_at a request moves it forward."""
    return max(TOUCH_AT_MOST_EVERY, idle_lifetime() / 100)


def _expired(row: UserSession, now: datetime) -> bool:
    return now - row.last_seen_at > idle_lifetime() or now - row.created_at > absolute_lifetime()


def start(user: User) -> None:
    """Begin a session for this user in this browser (after session.clear(); committed by the caller).

    Also drops the user's ended and expired rows, so that the table holds about one row per live session.
    """
    now = utcnow()
    db.session.execute(sa.delete(UserSession).where(
        UserSession.user_id == user.id,
        sa.or_(UserSession.ended_at.is_not(None), UserSession.last_seen_at < now - idle_lifetime(),
               UserSession.created_at < now - absolute_lifetime())))
    raw = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_digest(raw), created_at=now, last_seen_at=now))
    session[KEY] = raw


def load_user(user_id: str) -> User | None:
    """Flask-Login's user_loader: the signed-in user, only while their session row says so."""
    digest = _current_digest()
    if digest is None or not (user_id.isascii() and user_id.isdigit()):
        return None
    # One statement for the session and its user, as the plain user lookup it replaces.
    found = db.session.execute(
        sa.select(UserSession, User).join(User, User.id == UserSession.user_id)
        .where(UserSession.key_hash == digest)).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if row.user_id != int(user_id) or row.ended_at is not None or not user.active or _expired(row, now):
        return None
    if session.get("_fresh") is False:
        # Flask-Login saw another address or browser than the one that signed in. For a permanent session
        # its "strong" protection only marks the session not fresh (it acts as "basic"); we refuse it and end
        # it, which is what "strong" means: the cookie has been copied, or the browser moved network.
        _write_now(sa.update(UserSession).where(UserSession.id == row.id, UserSession.ended_at.is_(None))
                   .values(ended_at=now))
        return None
    if now - row.last_seen_at >= touch_interval():
        _write_now(sa.update(UserSession).where(UserSession.id == row.id, UserSession.last_seen_at < now)
                   .values(last_seen_at=now))
    return user


def _write_now(statement) -> None:
    """Run one small UPDATE in a transaction of its own, while the user is being loaded.

    The request's transaction has only read by now (the user loader runs before the view). Ending it first
    (hiring.snapshots.end_read_transaction) means that on SQLite the write begins afresh and waits its turn,
    instead of a read transaction turning into a write one after another writer committed
    (SQLITE_BUSY_SNAPSHOT). A busy database costs only this bookkeeping: the next request tries again.
    """
    own = db.session()
    end_read_transaction(own)
    if own.in_transaction() or own.new or own.dirty or own.deleted:  # never commit someone else's work
        return
    try:
        own.execute(statement)
        own.commit()
    except sa.exc.OperationalError as error:
        own.rollback()
        log.warning("session bookkeeping skipped: %s", type(error.orig).__name__)  # no statement, no values


def end_current() -> None:
    """End this browser's session (sign-out; committed by the caller)."""
    digest = _current_digest()
    if digest is not None:
        db.session.execute(sa.update(UserSession).where(UserSession.key_hash == digest,
                                                        UserSession.ended_at.is_(None)).values(ended_at=utcnow()))


def end_all(sess: Session, user_id: int, *, except_current: bool = False) -> int:
    """End every session of a user, or every one but this browser's; how many ended (flushed, not committed)."""
    statement = sa.update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    digest = _current_digest() if except_current else None
    if digest is not None:
        statement = statement.where(UserSession.key_hash != digest)
    return sess.execute(statement.values(ended_at=utcnow()), execution_options={"synchronize_session": False}
                        ).rowcount


def _end_sessions_of_closed_accounts(sess: Session, _context) -> None:
    """Whatever closes an account (the admin page, The Offer taken, a script), its sessions end with it, so
    that reopening the account does not bring an old cookie back to life."""
    closed = [user.id for user in sess.dirty
              if isinstance(user, User) and user.id is not None
              and False in sa.inspect(user).attrs.active.history.added]
    if closed:
        sess.connection().execute(
            sa.update(UserSession).where(UserSession.user_id.in_(closed), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow()))


def install() -> None:
    """Listen on every session for accounts being closed (idempotent)."""
    if not sa.event.contains(Session, "after_flush", _end_sessions_of_closed_accounts):
        sa.event.listen(Session, "after_flush", _end_sessions_of_closed_accounts)
