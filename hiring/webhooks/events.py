"""The events a subscription may ask for, and emitting one: a delivery row per active subscription that wants
it, written in the caller's transaction, handed to the task runner once that commits (a rolled-back action
sends nothing), as the outbox does with e-mail.

A payload is thin: ids, codes, stages, dates and times, never a name, an address or free text (personal data
lives in its own rows; this log would otherwise copy it and erasure would miss it). A receiver reads the
details through the API with a token.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, scoped_session

from hiring.models import WebhookDelivery, WebhookSubscription, utcnow
from hiring.models.webhooks import PENDING

APPLICATION_CREATED = "application.created"
APPLICATION_STAGE_CHANGED = "application.stage_changed"
APPLICATION_HIRED = "application.hired"
SCORECARD_SUBMITTED = "scorecard.submitted"
OFFER_DECIDED = "offer.decided"
ONBOARDING_GRADUATED = "onboarding.graduated"
PING = "ping"  # "Send a test event": to one subscription, whatever it asked for

# Every event type a subscription may ask for, in the order the form lists them, with what it means.
EVENT_TYPES = {
    APPLICATION_CREATED: _l("An application was made: on the careers site, by a recruiter, or by a CSV import."),
    APPLICATION_STAGE_CHANGED: _l("An application moved to another stage (rejected and withdrawn included)."),
    APPLICATION_HIRED: _l("An applicant was hired: the hire, their login and their onboarding exist."),
    SCORECARD_SUBMITTED: _l("An interviewer submitted a scorecard."),
    OFFER_DECIDED: _l("A new hire decided on The Offer: took the money and left, or stayed."),
    ONBOARDING_GRADUATED: _l("A new hire finished the five-week onboarding programme."),
}
CACHE = "hiring.webhooks.subscriptions"  # session.info: this transaction's active subscriptions


def new_event_id() -> str:
    """An event's id: "evt_" and 24 random characters, carrying nothing about what it is about."""
    return "evt_" + secrets.token_urlsafe(18)


def payload(event_id: str, event_type: str, data: Mapping, created_at: datetime) -> dict:
    """The JSON body of an event."""
    return {"id": event_id, "type": event_type, "created_at": created_at.isoformat().replace("+00:00", "Z"),
            "data": dict(data)}


def _active(session: Session) -> list[tuple[int, frozenset[str]]]:
    """The active subscriptions and what they want, read once per transaction (a bulk move of 100
    applications emits 100 events and reads them once)."""
    if isinstance(session, scoped_session):
        session = session()  # the session itself: its info and transaction
    transaction = session.get_transaction()
    cached = session.info.get(CACHE)
    if cached is not None and cached[0] is transaction:
        return cached[1]
    rows = session.execute(sa.select(WebhookSubscription.id, WebhookSubscription.events)
                           .where(WebhookSubscription.active).order_by(WebhookSubscription.id)).all()
    found = [(row.id, frozenset(row.events or ())) for row in rows]
    session.info[CACHE] = (session.get_transaction(), found)  # the one the read began, if none was open
    return found


def forget_subscriptions(session: Session) -> None:
    """Read the subscriptions afresh at the next event (their admin pages changed one)."""
    (session() if isinstance(session, scoped_session) else session).info.pop(CACHE, None)


def emit(session: Session, event_type: str, data: Mapping) -> list[int]:
    """One event to every active subscription that wants it; the new deliveries' ids. Flushes."""
    return emit_many(session, event_type, [data])


def emit_many(session: Session, event_type: str, items: Iterable[Mapping]) -> list[int]:
    """An event of this type for each item of data (a CSV import's applications), in a few statements."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    wanting = [sid for sid, events in _active(session) if event_type in events]
    if not wanting:
        return []
    now = utcnow()
    rows = []
    for data in items:
        event_id = new_event_id()
        body = payload(event_id, event_type, data, now)
        rows += [{"subscription_id": sid, "event_id": event_id, "event_type": event_type, "payload": body,
                  "state": PENDING, "attempts": 0, "created_at": now} for sid in wanting]
    return write(session, rows)


def write(session: Session, rows: list[dict]) -> list[int]:
    """Insert delivery rows (a few statements for many) and hand them to the task runner after commit."""
    from hiring.webhooks import delivery

    if not rows:
        return []
    session.flush()
    ids = list(session.execute(sa.insert(WebhookDelivery).returning(WebhookDelivery.id), rows).scalars())
    delivery.hand_on(session, ids)
    return ids
