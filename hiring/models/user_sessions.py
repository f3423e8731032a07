"""Sign-in sessions kept on the server, so that signing out (or being closed) ends a session for good."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow


class UserSession(Base):
    """One signed-in browser of a user: the session cookie is honoured only while this row says so.

    Deliberately nothing about the browser or where it was (no address, no user agent): the row exists to
    be ended, not to watch anyone.
    """

    __tablename__ = "user_sessions"
    __table_args__ = (
        sa.CheckConstraint("length(key_hash) = 64", name="key_hash_is_sha256"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= created_at", name="ended_after_created"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The SHA-256 (hex) of the random key held in the browser's signed session cookie, never the key itself:
    # a copy of this table (a backup, a read-only leak) cannot be turned into a signed-in browser.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moved forward at most once a minute (hiring.auth.sessions), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
