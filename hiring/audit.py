"""Writing audit events: every decision is recorded in the same transaction as the decision itself."""
from __future__ import annotations

from sqlalchemy.orm import Session

from hiring.models import AuditEvent


def record(session: Session, *, actor_id: int | None, action: str, entity_type: str, entity_id: int,
           **details) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes, or not at all)."""
    event = AuditEvent(actor_id=actor_id, action=action, entity_type=entity_type, entity_id=entity_id,
                       details=details)
    session.add(event)
    return event
