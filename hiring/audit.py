"""Writing audit events: every decision is recorded in the same transaction as the decision itself.

An event holds ids, codes, numbers and dates, never a name, an address or free text about a candidate: a
reason stays in the row that holds it (a stage change, a scorecard revision, the scorecard's veto) and the
event names that row by id, so that anonymising the row blanks what the log shows (hiring.admin.audit_reasons).
"""
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
