"""Each interviewer's private calendar feed: an address whose secret is the only key, reset at will.

The secret is an HMAC of the feed row's random nonce under SECRET_KEY: the app can show the address again,
while the database alone (a backup, a leak) cannot make it. The feed is found by the SHA-256 digest of the
secret, which is all the database keeps of it. A reset draws a new nonce, so the old address stops working;
a new SECRET_KEY stops every address (the agenda then offers a new one).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, contains_eager

from hiring.interviews import ics
from hiring.interviews.messages import interviewer_event
from hiring.mail import messages
from hiring.interviews.schedule import slot_of
from hiring.models import Application, CalendarFeed, InterviewAssignment, Job, User, utcnow
from hiring.postgres import once_more_after_race

SECRET_LENGTH = 43  # 32 bytes of HMAC-SHA256, base64url without padding
PAST_DAYS, FUTURE_DAYS, MOST = 30, 366, 500  # what a feed holds: recent and coming interviews, at most this many


def _secret(nonce: str) -> str:
    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), b"calendar-feed:" + nonce.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def digest(secret: str) -> str:
    """What the database keeps of a secret."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def secret_of(session: Session, user_id: int) -> str | None:
    """The user's feed secret, or None when they have none (or it was made under another SECRET_KEY)."""
    feed = session.get(CalendarFeed, user_id)
    if feed is None:
        return None
    secret = _secret(feed.nonce)
    return secret if hmac.compare_digest(digest(secret), feed.token_digest) else None


def reset(session: Session, user_id: int) -> str:
    """A new secret for the user's feed (the first, or one replacing the old, which stops working). Flushes."""

    def write() -> str:
        nonce = secrets.token_hex(16)
        secret = _secret(nonce)
        feed = session.get(CalendarFeed, user_id)
        if feed is None:
            session.add(CalendarFeed(user_id=user_id, nonce=nonce, token_digest=digest(secret), created_at=utcnow()))
        else:
            feed.nonce, feed.token_digest, feed.created_at = nonce, digest(secret), utcnow()
        session.flush()
        return secret

    return once_more_after_race(session, write)


def owner(session: Session, secret: str) -> User | None:
    """The active user whose feed this secret opens, or None. One indexed lookup whatever the secret; the
    secret must also be the one this SECRET_KEY makes of the row's nonce."""
    found = session.execute(sa.select(User, CalendarFeed.nonce).join(CalendarFeed, CalendarFeed.user_id == User.id)
                            .where(CalendarFeed.token_digest == digest(secret[:200]), User.active)).first()
    if found is None or not hmac.compare_digest(_secret(found.nonce).encode(), secret.encode("utf-8", "replace")):
        return None
    return found.User


def interviews(session: Session, user_id: int, now: datetime) -> list[InterviewAssignment]:
    """The user's scheduled interviews from PAST_DAYS ago to FUTURE_DAYS ahead, in time order, with their
    jobs (one query)."""
    return list(session.scalars(
        sa.select(InterviewAssignment)
        .join(Application, InterviewAssignment.application_id == Application.id)
        .join(Job, Application.job_id == Job.id)
        .options(contains_eager(InterviewAssignment.application).contains_eager(Application.job))
        .where(InterviewAssignment.interviewer_id == user_id,
               InterviewAssignment.scheduled_for >= now - timedelta(days=PAST_DAYS),
               InterviewAssignment.scheduled_for <= now + timedelta(days=FUTURE_DAYS))
        .order_by(InterviewAssignment.scheduled_for, InterviewAssignment.id).limit(MOST)))


def calendar(session: Session, user: User) -> bytes:
    """The user's feed as iCalendar: job and kind of each interview, a link to it, never the candidate."""
    now = utcnow()
    language = messages.language_for(user.locale)
    items = [interviewer_event(a, slot_of(a), language) for a in interviews(session, user.id, now)]
    return ics.feed(current_app.config["COMPANY_NAME"], items, now=now)
