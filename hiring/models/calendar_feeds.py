"""Each interviewer's private calendar feed: the address's secret is never stored, only its SHA-256 digest."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow


class CalendarFeed(Base):
    """A user's calendar feed address. The secret in the address is an HMAC of `nonce` under the app's
    SECRET_KEY (so the page can show the address again, while the database alone cannot make it); the feed is
    found by the secret's digest. A reset draws a new nonce: the old address stops working."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (sa.CheckConstraint("length(token_digest) = 64", name="digest_length"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    nonce: Mapped[str] = mapped_column(sa.String(32))
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
