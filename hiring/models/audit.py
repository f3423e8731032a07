"""The audit log: one event per decision, written in the same transaction, never changed."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """Who did what to which entity, when, with the details needed to understand it later."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # A record's events in order; also the audit log filtered by record, newest first (migration 0005).
        sa.Index("ix_audit_events_entity", "entity_type", "entity_id", "occurred_at"),
        # The audit log filtered by person or kind of record, newest first (migration 0005).
        sa.Index("ix_audit_events_actor_id_occurred_at", "actor_id", "occurred_at"),
        sa.Index("ix_audit_events_entity_type_occurred_at", "entity_type", "occurred_at"),
        sa.CheckConstraint("length(trim(action)) > 0", name="action_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User")
