"""Keeping subscriptions (admins): add, change, delete, the signing secret shown and rotated, a test event, and
redelivering an event from the log. Each flushes and writes its audit event (ids and codes only); the caller
commits.

The secret is not stored. It is "whsec_" and the base64 of HMAC-SHA256(SECRET_KEY, "webhook-secret:" + nonce),
as the interviewers' calendar-feed secrets are (hiring/interviews/feeds.py): the app can sign and show it
again, while the database alone (a backup, a leak, a read-only SQL injection) cannot forge events to the
receivers. The row keeps the secret's SHA-256, so that a changed SECRET_KEY is noticed: deliveries then fail
with "secret_key_changed" instead of going out with signatures no receiver accepts, and the page asks for a
rotation. Web processes and workers share SECRET_KEY already (docs/architecture.md).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError
from hiring.models import WebhookDelivery, WebhookSubscription, utcnow
from hiring.models.webhooks import DELIVERING, PENDING, URL_MAX
from hiring.webhooks import events, guard, signing

PREVIOUS_SECRET_FOR = timedelta(days=1)  # after a rotation, events carry the old secret's signature too


class SecretChanged(Exception):
    """SECRET_KEY is not the one the subscription's secret was made with: nothing can be signed."""


def _derive(nonce: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"webhook-secret:" + nonce.encode(),
                   hashlib.sha256).digest()
    return signing.secret_from_key(key)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_of(subscription: WebhookSubscription) -> str | None:
    """The subscription's current secret; None when SECRET_KEY has changed since it was made."""
    secret = _derive(subscription.secret_nonce)
    return secret if hmac.compare_digest(_digest(secret), subscription.secret_digest) else None


def signing_secrets(subscription: WebhookSubscription, now: datetime) -> list[str]:
    """The secrets to sign with: the current one, and the previous one for a day after a rotation."""
    current = secret_of(subscription)
    if current is None:
        raise SecretChanged()
    found = [current]
    if subscription.previous_nonce and subscription.rotated_at and now - subscription.rotated_at < PREVIOUS_SECRET_FOR:
        found.append(_derive(subscription.previous_nonce))
    return found


def _new_nonce(subscription: WebhookSubscription) -> None:
    subscription.secret_nonce = secrets.token_hex(16)
    subscription.secret_digest = _digest(_derive(subscription.secret_nonce))


def check_url(url: str, allow_private: bool) -> str:
    """The URL as stored, or DomainError(field "url"). Only what can be told without the network: a literal
    address (or "localhost") that would be refused says so now; host names are resolved at each delivery."""
    url = (url or "").strip()
    if not url:
        raise DomainError(_("Enter the address that receives the events."), field="url")
    if len(url) > URL_MAX:
        raise DomainError(_("The address can be at most %(max)d characters long.", max=URL_MAX), field="url")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise DomainError(_("The address cannot contain spaces."), field="url")
    try:
        guard.split(url)
    except guard.Refused as refused:
        if refused.code == "bad_scheme":
            raise DomainError(_("The address must begin with https:// (or http://)."), field="url") from None
        raise DomainError(_("That is not a web address such as https://example.com/hooks (without a user "
                            "name or password in it)."), field="url") from None
    host = (urlsplit(url).hostname or "").lower()
    try:
        literal = str(ipaddress.ip_address(host))
    except ValueError:
        literal = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else None
    if literal is not None:
        code = guard.refusal(literal, allow_private)
        if code == "refused_address":
            raise DomainError(_("Webhooks cannot go to this kind of address (link-local, multicast or "
                                "reserved)."), field="url")
        if code == "refused_private":
            raise DomainError(_("This is a private or loopback address: tick “Allow private addresses” if "
                                "the receiver is one of your own systems."), field="url")
    return url


def _check_events(chosen: Iterable[str]) -> list[str]:
    chosen = set(chosen or ())
    if not chosen:
        raise DomainError(_("Choose at least one event."), field="events")
    if not chosen <= set(events.EVENT_TYPES):
        raise DomainError(_("Choose events from the list."), field="events")
    return [code for code in events.EVENT_TYPES if code in chosen]  # in the registry's order


def create(session: Session, *, url: str, event_types: Iterable[str], active: bool, allow_private: bool,
           actor_id: int) -> WebhookSubscription:
    """A new subscription with a new secret."""
    chosen = _check_events(event_types)
    url = check_url(url, allow_private)
    now = utcnow()
    subscription = WebhookSubscription(url=url, events=chosen, active=active, allow_private=allow_private,
                                       created_by_id=actor_id, created_at=now, updated_at=now)
    _new_nonce(subscription)
    session.add(subscription)
    session.flush()
    events.forget_subscriptions(session)
    record(session, actor_id=actor_id, action="webhook_created", entity_type="webhook_subscription",
           entity_id=subscription.id, events=chosen, active=active, allow_private=allow_private)
    return subscription


def update(session: Session, subscription: WebhookSubscription, *, url: str, event_types: Iterable[str],
           active: bool, allow_private: bool, actor_id: int) -> WebhookSubscription:
    """Change the address, the events, whether it is active and whether private addresses are allowed."""
    chosen = _check_events(event_types)
    url = check_url(url, allow_private)
    before = {"events": list(subscription.events), "active": subscription.active,
              "allow_private": subscription.allow_private, "url_changed": url != subscription.url}
    subscription.url, subscription.events, subscription.active = url, chosen, active
    subscription.allow_private, subscription.updated_at = allow_private, utcnow()
    session.flush()
    events.forget_subscriptions(session)
    record(session, actor_id=actor_id, action="webhook_updated", entity_type="webhook_subscription",
           entity_id=subscription.id, before=before, events=chosen, active=active, allow_private=allow_private)
    return subscription


def delete(session: Session, subscription: WebhookSubscription, *, actor_id: int) -> None:
    """Delete a subscription and its delivery log."""
    record(session, actor_id=actor_id, action="webhook_deleted", entity_type="webhook_subscription",
           entity_id=subscription.id)
    session.delete(subscription)
    session.flush()
    events.forget_subscriptions(session)


def rotate(session: Session, subscription: WebhookSubscription, *, actor_id: int) -> str:
    """A new secret; the old one (if SECRET_KEY still makes it) keeps signing for a day beside it."""
    previous = subscription.secret_nonce if secret_of(subscription) is not None else None
    _new_nonce(subscription)
    now = utcnow()
    subscription.previous_nonce, subscription.rotated_at, subscription.updated_at = previous, now, now
    session.flush()
    record(session, actor_id=actor_id, action="webhook_secret_rotated", entity_type="webhook_subscription",
           entity_id=subscription.id, previous_kept=previous is not None)
    return secret_of(subscription)


def _must_be_active(subscription: WebhookSubscription) -> None:
    if not subscription.active:
        raise Conflict(_("This subscription is paused: make it active first."))


def send_test(session: Session, subscription: WebhookSubscription, *, actor_id: int) -> WebhookDelivery:
    """A "ping" event to this subscription only."""
    _must_be_active(subscription)
    event_id, now = events.new_event_id(), utcnow()
    body = events.payload(event_id, events.PING, {"subscription_id": subscription.id}, now)
    [delivery_id] = events.write(session, [{
        "subscription_id": subscription.id, "event_id": event_id, "event_type": events.PING, "payload": body,
        "state": PENDING, "attempts": 0, "created_at": now}])
    record(session, actor_id=actor_id, action="webhook_test_sent", entity_type="webhook_subscription",
           entity_id=subscription.id, delivery_id=delivery_id)
    return session.get(WebhookDelivery, delivery_id)


def redeliver(session: Session, delivery: WebhookDelivery, *, actor_id: int) -> WebhookDelivery:
    """Send an event again, with the same id and payload (receivers that saw it may skip it), as a new row of
    the log; Conflict while it is still being delivered, or when the subscription is paused."""
    subscription = session.get(WebhookSubscription, delivery.subscription_id)
    _must_be_active(subscription)
    if delivery.state in (PENDING, DELIVERING):
        raise Conflict(_("This event is still being delivered; it can be sent again once it has been "
                         "delivered or has failed."))
    [copy_id] = events.write(session, [{
        "subscription_id": delivery.subscription_id, "event_id": delivery.event_id,
        "event_type": delivery.event_type, "payload": delivery.payload, "redelivery_of_id": delivery.id,
        "state": PENDING, "attempts": 0, "created_at": utcnow()}])
    record(session, actor_id=actor_id, action="webhook_redelivered", entity_type="webhook_subscription",
           entity_id=delivery.subscription_id, delivery_id=copy_id, redelivery_of=delivery.id,
           event_type=delivery.event_type)
    return session.get(WebhookDelivery, copy_id)
