"""The core values library: create, edit, reorder, retire, restore and (when never rated) delete."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.models import CoreValue, Rating, utcnow

FIELDS = ("name", "description", "anchor_1", "anchor_2", "anchor_3", "anchor_4", "anchor_5", "questions")


def _get(session: Session, value_id: int) -> CoreValue:
    value = session.get(CoreValue, value_id)
    if value is None:
        raise NotFound(_("There is no such core value."))
    return value


def _check(session: Session, data: dict, value_id: int | None = None) -> dict:
    clean = {k: (data.get(k) or "").strip() for k in FIELDS}
    if not clean["name"]:
        raise DomainError(_("Give the value a name."), field="name")
    for level in range(1, 6):
        if not clean[f"anchor_{level}"]:
            raise DomainError(_("Describe what a %(level)d looks like.", level=level), field=f"anchor_{level}")
    same = session.scalar(sa.select(CoreValue.id).where(sa.func.lower(CoreValue.name) == clean["name"].lower(),
                                                        CoreValue.id != (value_id or 0)))
    if same is not None:
        raise Conflict(_("There is already a core value called %(name)s.", name=clean["name"]), field="name")
    # One question per line, blank lines dropped.
    clean["questions"] = "\n".join(q.strip() for q in clean["questions"].splitlines() if q.strip())
    return clean


def create_value(session: Session, data: dict, *, actor_id: int) -> CoreValue:
    """Add a value at the end of the list."""
    clean = _check(session, data)
    last = session.scalar(sa.select(sa.func.max(CoreValue.position)))
    value = CoreValue(**clean, position=(last + 1) if last is not None else 0)
    session.add(value)
    session.flush()
    record(session, actor_id=actor_id, action="core_value_created", entity_type="core_value", entity_id=value.id,
           name=value.name)
    return value


def update_value(session: Session, value_id: int, data: dict, *, actor_id: int) -> CoreValue:
    """Change a value's words; scorecards keep pointing at it."""
    value = _get(session, value_id)
    clean = _check(session, data, value_id)
    before = {k: getattr(value, k) for k in FIELDS}
    for key, text in clean.items():
        setattr(value, key, text)
    changed = {k: before[k] for k in FIELDS if before[k] != clean[k]}
    record(session, actor_id=actor_id, action="core_value_updated", entity_type="core_value", entity_id=value.id,
           before=changed)
    return value


def move_value(session: Session, value_id: int, direction: str, *, actor_id: int) -> CoreValue:
    """Swap with the neighbouring active value; at the edge nothing moves."""
    value = _get(session, value_id)
    if direction not in ("up", "down"):
        raise DomainError(_("Choose up or down."))
    up = direction == "up"
    neighbour = session.scalar(
        sa.select(CoreValue).where(CoreValue.retired_at.is_(None),
                                   CoreValue.position < value.position if up else CoreValue.position > value.position)
        .order_by(CoreValue.position.desc() if up else CoreValue.position.asc()).limit(1))
    if neighbour is not None:
        value.position, neighbour.position = neighbour.position, value.position
        record(session, actor_id=actor_id, action="core_value_moved", entity_type="core_value", entity_id=value.id,
               direction=direction)
    return value


def is_rated(session: Session, value_id: int) -> bool:
    """True when any scorecard rated this value."""
    return session.scalar(sa.select(Rating.id).where(Rating.core_value_id == value_id).limit(1)) is not None


def retire_value(session: Session, value_id: int, *, actor_id: int) -> CoreValue:
    """Take a value out of new interviews; old scorecards keep showing it."""
    value = _get(session, value_id)
    if value.retired_at is not None:
        raise Conflict(_("%(name)s is already retired.", name=value.name))
    value.retired_at = utcnow()
    record(session, actor_id=actor_id, action="core_value_retired", entity_type="core_value", entity_id=value.id)
    return value


def restore_value(session: Session, value_id: int, *, actor_id: int) -> CoreValue:
    """Bring a retired value back, at the end of the list."""
    value = _get(session, value_id)
    if value.retired_at is None:
        raise Conflict(_("%(name)s is not retired.", name=value.name))
    last = session.scalar(sa.select(sa.func.max(CoreValue.position)).where(CoreValue.retired_at.is_(None)))
    value.retired_at = None
    value.position = (last + 1) if last is not None else 0
    record(session, actor_id=actor_id, action="core_value_restored", entity_type="core_value", entity_id=value.id)
    return value


def delete_value(session: Session, value_id: int, *, actor_id: int) -> str:
    """Delete a value nobody has rated; a rated value is retired instead, never deleted."""
    value = _get(session, value_id)
    if is_rated(session, value_id):
        raise Conflict(_("%(name)s has ratings on scorecards, so it cannot be deleted; retire it instead.",
                         name=value.name))
    name = value.name
    record(session, actor_id=actor_id, action="core_value_deleted", entity_type="core_value", entity_id=value.id,
           name=name)
    session.delete(value)
    return name


def library(session: Session) -> tuple[list[CoreValue], list[CoreValue], set[int]]:
    """Active values in order, retired ones, and the ids of those that have ratings; 2 queries."""
    values = session.scalars(sa.select(CoreValue).order_by(CoreValue.position, CoreValue.id)).all()
    rated = set(session.scalars(sa.select(Rating.core_value_id).where(Rating.core_value_id.is_not(None)).distinct()))
    return [v for v in values if v.retired_at is None], [v for v in values if v.retired_at is not None], rated
