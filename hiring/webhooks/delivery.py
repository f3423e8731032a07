"""Delivering one event to one subscription: the task "webhooks.deliver", retries, and the sweep.

The row is claimed with one UPDATE (pending to delivering) that only one process can win, the address is
checked (hiring/webhooks/guard.py) and the signed JSON is POSTed to a checked address; a 2xx answer makes it
delivered. Anything else (another status, no connection, a timeout, no DNS answer) puts it back as pending
with a doubling wait (1 minute, 2, 4, ... at most 6 hours; WEBHOOK_MAX_ATTEMPTS attempts in all, 12 by
default: about 20 hours), retried by the task runner and, past the task's retries, by the sweep (`flask
deliver-webhooks` from cron, and after each delivery that succeeds). An address the guard refuses, or a
SECRET_KEY that no longer makes the secret, fails at once: the log says why, and an admin may redeliver once
it is mended. Logs carry ids and codes only.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from hiring import tasks
from hiring.extensions import db
from hiring.models import WebhookDelivery, WebhookSubscription, utcnow
from hiring.models.webhooks import DELIVERED, DELIVERING, FAILED, PENDING
from hiring.tasks.registry import kind_of
from hiring.webhooks import guard, signing, subscriptions

log = logging.getLogger(__name__)

DELIVER = "webhooks.deliver"  # params {"delivery": id}
SWEEP = "webhooks.sweep"  # params {}: hand on every delivery that is due
MAX_WAIT = timedelta(hours=6)  # the longest wait between two attempts
CLAIM_TIMEOUT = timedelta(minutes=10)  # a claim older than this was left by a process that died
SWEEP_BATCH = 500
SWEEP_BUDGET = 4 * 60  # seconds a sweep task delivers before it hands the rest to the next
AT_ONCE = 20  # more deliveries than this from one transaction (a CSV import) go through one sweep task
DELIVERED_NOW, RETRY, GAVE_UP, NOT_PENDING = "delivered", "retry", "failed", "not_pending"
# Refusals that will not mend themselves by waiting: failed at once.
PERMANENT = {"refused_private", "refused_address", "bad_url", "bad_scheme", "secret_key_changed", "inactive",
             "gone"}


class Deferred(Exception):
    """The attempt failed in a way worth trying again: the task runner retries after its backoff."""


def hand_on(session, ids: list[int]) -> None:
    """Ask the task runner for these deliveries once the caller's transaction commits."""
    if not ids or not current_app.config.get("WEBHOOKS_BACKGROUND", True):
        return
    if len(ids) > AT_ONCE:
        tasks.enqueue(session, SWEEP, {})
        return
    for delivery_id in ids:
        tasks.enqueue(session, DELIVER, {"delivery": delivery_id})


def wait_before(attempts: int) -> timedelta:
    """How long a delivery waits after its `attempts`-th failure: the task kind's doubling backoff (so that
    the runner's retries come when the row is due), at most MAX_WAIT."""
    kind = kind_of(DELIVER)
    seconds = kind.delay_before(attempts) if kind else 60.0 * 2 ** (attempts - 1)
    return min(timedelta(seconds=seconds), MAX_WAIT)


def claim(engine: sa.Engine, delivery_id: int) -> bool:
    """Mark the delivery delivering if it is still pending; one UPDATE: of two concurrent claims, one wins."""
    now = utcnow()
    with engine.begin() as connection:
        return connection.execute(
            sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.state == PENDING)
            .values(state=DELIVERING, claimed_at=now, last_attempt_at=now,
                    attempts=WebhookDelivery.attempts + 1)).rowcount == 1


def _record(engine: sa.Engine, delivery_id: int, **values) -> bool:
    with engine.begin() as connection:
        return connection.execute(
            sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.state == DELIVERING)
            .values(claimed_at=None, **values)).rowcount == 1


@dataclass(frozen=True)
class _Attempt:
    url: str
    allow_private: bool
    event_id: str
    body: bytes
    secrets: list[str]
    attempts: int


def _prepare(delivery_id: int, now: datetime) -> _Attempt:
    """What to send, read in a short transaction of its own; guard.Refused with a code when nothing can be."""
    try:
        row = db.session.execute(
            sa.select(WebhookDelivery, WebhookSubscription)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(WebhookDelivery.id == delivery_id)).one_or_none()
        if row is None:
            raise guard.Refused("gone")
        delivery, subscription = row
        if not subscription.active:
            raise guard.Refused("inactive")
        try:
            keys = subscriptions.signing_secrets(subscription, now)
        except subscriptions.SecretChanged:
            raise guard.Refused("secret_key_changed") from None
        body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
        return _Attempt(subscription.url, subscription.allow_private, delivery.event_id, body, keys,
                        delivery.attempts)
    finally:
        db.session.rollback()


def deliver(delivery_id: int) -> str:
    """Make one attempt at a pending delivery: DELIVERED_NOW, RETRY, GAVE_UP or NOT_PENDING."""
    engine = db.engine
    if not claim(engine, delivery_id):
        return NOT_PENDING
    now = utcnow()
    status = None
    try:
        attempt = _prepare(delivery_id, now)
        target = guard.check(attempt.url, allow_private=attempt.allow_private)
        timestamp = int(time.time())
        status = guard.post(target, attempt.body, signing.headers(attempt.secrets, attempt.event_id, timestamp,
                                                                  attempt.body),
                            timeout=current_app.config["WEBHOOK_TIMEOUT"])
        code = None if 200 <= status < 300 else f"status_{status}"
    except guard.Refused as refused:
        code = refused.code
        attempt = None
    if code is None:
        _record(engine, delivery_id, state=DELIVERED, delivered_at=utcnow(), last_status=status, last_error=None,
                next_attempt_at=None)
        log.info("webhook delivery %s: delivered (%s)", delivery_id, status)
        return DELIVERED_NOW
    attempts = attempt.attempts if attempt is not None else _attempts(delivery_id)
    if code not in PERMANENT and attempts < current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        _record(engine, delivery_id, state=PENDING, last_status=status, last_error=code,
                next_attempt_at=utcnow() + wait_before(attempts))
        log.warning("webhook delivery %s: attempt %d failed (%s), pending again", delivery_id, attempts, code)
        return RETRY
    _record(engine, delivery_id, state=FAILED, last_status=status, last_error=code, next_attempt_at=None)
    log.warning("webhook delivery %s: attempt %d failed (%s), given up", delivery_id, attempts, code)
    return GAVE_UP


def _attempts(delivery_id: int) -> int:
    with db.engine.connect() as connection:
        return connection.scalar(sa.select(WebhookDelivery.attempts).where(WebhookDelivery.id == delivery_id)) or 0


def _deliver_task(task, progress) -> None:
    """The task: one attempt; once a receiver answers, hand on whatever else is due."""
    outcome = deliver(int(task.params["delivery"]))
    if outcome == RETRY:
        raise Deferred("retry")  # the runner tries again after the same wait as the row's next attempt
    if outcome == GAVE_UP:
        raise tasks.Failed("refused")
    if outcome == DELIVERED_NOW and due_ids(db.session, utcnow(), limit=1):
        tasks.enqueue(db.session, SWEEP, {})
        db.session.commit()
    else:
        db.session.rollback()


@dataclass(frozen=True)
class Sweep:
    """What a sweep did: deliveries handed on, claims given back, old ones purged."""

    handed_on: int
    reclaimed: int
    purged: int


def reclaim_stale(session, now: datetime) -> int:
    """Put back as pending the deliveries claimed more than CLAIM_TIMEOUT ago and still delivering."""
    return session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.state == DELIVERING, WebhookDelivery.claimed_at < now - CLAIM_TIMEOUT)
        .values(state=PENDING, claimed_at=None, last_error="interrupted", next_attempt_at=now)
        .execution_options(synchronize_session=False)).rowcount


def purge(session, now: datetime) -> int:
    """Delete the delivered and failed deliveries older than WEBHOOK_KEEP_DAYS."""
    cutoff = now - timedelta(days=current_app.config["WEBHOOK_KEEP_DAYS"])
    return session.execute(
        sa.delete(WebhookDelivery)
        .where(WebhookDelivery.state.in_((DELIVERED, FAILED)), WebhookDelivery.created_at < cutoff)
        .execution_options(synchronize_session=False)).rowcount


def due_ids(session, now: datetime, *, limit: int = SWEEP_BATCH) -> list[int]:
    """The pending deliveries whose next attempt has come, longest waiting first."""
    return list(session.scalars(
        sa.select(WebhookDelivery.id)
        .where(WebhookDelivery.state == PENDING,
               sa.or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)))


def sweep(session, now: datetime | None = None) -> Sweep:
    """Give back stale claims, purge old deliveries, and ask the task runner for a sweep task when any
    delivery is due. In the caller's transaction; the caller commits."""
    now = now or utcnow()
    reclaimed, purged = reclaim_stale(session, now), purge(session, now)
    due = due_ids(session, now)
    if due:
        tasks.enqueue(session, SWEEP, {})
    return Sweep(handed_on=len(due), reclaimed=reclaimed, purged=purged)


def deliver_due(budget: float | None = None) -> dict[str, int]:
    """Attempt every due delivery here, one after another, for at most `budget` seconds (None: until none
    is due); how many came to each outcome. A failed attempt is due again only after its wait, so this ends."""
    started, outcomes = time.monotonic(), {DELIVERED_NOW: 0, RETRY: 0, GAVE_UP: 0, NOT_PENDING: 0}
    while True:
        ids = due_ids(db.session, utcnow(), limit=100)
        db.session.rollback()
        if not ids:
            return outcomes
        for delivery_id in ids:
            if budget is not None and time.monotonic() - started > budget:
                outcomes["more"] = 1
                return outcomes
            outcomes[deliver(delivery_id)] += 1


def _sweep_task(task, progress) -> None:
    """The task: give back stale claims, purge, deliver what is due for a few minutes, and leave the rest to
    another sweep task."""
    now = utcnow()
    reclaim_stale(db.session, now)
    purge(db.session, now)
    db.session.commit()
    if deliver_due(budget=SWEEP_BUDGET).get("more"):
        tasks.enqueue(db.session, SWEEP, {}, dedupe=False)  # this one still holds the key while it runs
        db.session.commit()


# Ten attempts by the runner, a minute apart and doubling (8.5 hours of waits); then the sweep. One attempt
# takes at most a DNS lookup and two WEBHOOK_TIMEOUTs per address.
tasks.register(DELIVER, _deliver_task, retries=9, backoff=60.0, timeout=120, give_up_after=12 * 60 * 60)
tasks.register(SWEEP, _sweep_task, timeout=10 * 60, give_up_after=60 * 60)
