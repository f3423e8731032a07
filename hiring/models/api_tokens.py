"""Personal access tokens for the JSON API (hiring/api/): a user's own, with the scopes they grant, shown once
and stored only as a SHA-256 digest, revocable, with when each was last used."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, utcnow


class ApiToken(Base):
    """One token: whose, what it may do (scopes, space-separated), its digest and the prefix shown to tell it apart."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.CheckConstraint("length(token_hash) = 64", name="token_hash_is_sha256"),
        sa.CheckConstraint("length(trim(scopes)) > 0", name="scopes_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # The token's first characters ("hpat_AbC1"), to tell tokens apart in lists: never enough to use one.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
