"""Webhooks: the addresses admins subscribe to events, and every delivery of an event to one of them
(hiring/webhooks/).

A delivery's payload is thin: ids, codes, stages and times, never a name, an address or free text, so that
this log copies no personal data and erasure stays in one place; a receiver reads the details through the
API. The subscription's signing secret is not stored: it is an HMAC of `secret_nonce` under SECRET_KEY
(hiring/webhooks/subscriptions.py says why), and `secret_digest` tells whether SECRET_KEY has changed since.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow

# pending: waiting for its (next) attempt, after `next_attempt_at`; delivering: claimed by one process;
# delivered: the receiver answered 2xx; failed: refused for good (the address is not allowed, or too many
# attempts). A claim left "delivering" by a process that died goes back to pending: receivers tell a repeat by
# the webhook-id, so delivering twice is safe (unlike e-mail).
PENDING, DELIVERING, DELIVERED, FAILED = "pending", "delivering", "delivered", "failed"
STATES = (PENDING, DELIVERING, DELIVERED, FAILED)
URL_MAX = 500


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(repr(v) for v in values)


class WebhookSubscription(Base):
    """An address that receives the events it asked for, signed with its own secret."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (
        sa.CheckConstraint("url LIKE 'https://%' OR url LIKE 'http://%'", name="url_http"),
        sa.CheckConstraint(f"length(url) <= {URL_MAX}", name="url_length"),
        sa.CheckConstraint("length(secret_nonce) = 32", name="nonce_length"),
        sa.CheckConstraint("length(secret_digest) = 64", name="digest_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(URL_MAX))
    # The event types it wants (hiring/webhooks/events.py), a JSON list of codes; "ping" is always sent.
    events: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # An admin's explicit choice to deliver to loopback and private addresses (an internal system).
    allow_private: Mapped[bool] = mapped_column(default=False)
    secret_nonce: Mapped[str] = mapped_column(sa.String(32))
    secret_digest: Mapped[str] = mapped_column(sa.String(64))
    # After a rotation, events are signed with the old secret too until `rotated_at` + a day, so that the
    # receiver can switch without losing any (Standard Webhooks allows several signatures).
    previous_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<WebhookSubscription {self.id}>"


class WebhookDelivery(Base):
    """One event for one subscription: its payload, and how far its delivery got."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.CheckConstraint(f"state IN ({_in(STATES)})", name="state_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("(state = 'delivered') = (delivered_at IS NOT NULL)", name="delivered_has_time"),
        # The log: a subscription's deliveries, newest first; the sweep: pending ones due, delivering ones
        # stale, finished ones old enough to purge.
        sa.Index("ix_webhook_deliveries_subscription_id_id", "subscription_id", "id"),
        sa.Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    # "evt_" and 24 random characters: one per event, the same for every subscription, attempt and
    # redelivery (the webhook-id header: receivers skip what they have seen).
    event_id: Mapped[str] = mapped_column(sa.String(40))
    event_type: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    # The delivery this one sends again (an admin's redelivery); None when it is gone.
    redelivery_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("webhook_deliveries.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(sa.String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The receiver's last HTTP status, and a short code for what went wrong ("status_500", "timeout",
    # "refused_private", ...): never the response's body.
    last_status: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event_type} {self.state}>"
