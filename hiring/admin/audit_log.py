"""The audit log's queries: a page of events read through an index whatever the log's length, and its filters.

The log only grows and is read newest first, so it pages by position (keyset), not by page number: a page is
the events just older (or just newer) than an event the previous page showed, an index range that costs the
same on the millionth event as on the first; nothing counts the whole log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from hiring.bounds import audit_date_window, date_outside, to_int
from hiring.models import AuditEvent, Role, User

PER_PAGE = 50


@dataclass(frozen=True)
class Cursor:
    """A place in the log: an event's time and id (ids break ties between events of the same instant)."""

    at: datetime
    id: int

    def text(self) -> str:
        """The cursor as it goes into a link."""
        return f"{self.at.strftime('%Y-%m-%dT%H:%M:%S.%f')}_{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """A cursor from a link; None for anything else."""
        at, _sep, number = (text or "").partition("_")
        event_id = to_int(number, low=0)  # beyond an id column no event has it, and the driver would fail on it
        try:
            moment = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
        return None if event_id is None else cls(moment, event_id)

    @classmethod
    def of(cls, event: AuditEvent) -> Cursor:
        """The place of an event."""
        return cls(event.occurred_at, event.id)


@dataclass
class Filters:
    """What the admin asked for."""

    actor: int | None = None
    entity: str = ""
    entity_id: int | None = None
    since: date | None = None
    until: date | None = None

    def where(self) -> list:
        """The filters as conditions."""
        where = []
        if self.actor:
            where.append(AuditEvent.actor_id == self.actor)
        if self.entity:
            where.append(AuditEvent.entity_type == self.entity)
        if self.entity_id:
            where.append(AuditEvent.entity_id == self.entity_id)
        if self.since:
            where.append(AuditEvent.occurred_at >= datetime.combine(self.since, time(), timezone.utc))
        if self.until and self.until < date.max:  # the view bounds dates; date.max + 1 day would overflow
            where.append(AuditEvent.occurred_at < datetime.combine(self.until + timedelta(days=1), time(),
                                                                   timezone.utc))
        return where


# The date boxes of the filter form (<input type="date">), by the name of their query argument and of the
# filter they set. A browser's date picker sends YYYY-MM-DD; anything else typed (a browser without a picker,
# an edited link) is refused beside its box, with what was typed kept.
DATE_ARGS = (("from", "since"), ("to", "until"))


def read_dates(args, filters: Filters, today: date) -> dict[str, str]:
    """Set the filters' dates from the query's `from` and `to`; the message for each one refused, by box."""
    errors: dict[str, str] = {}
    earliest, latest = audit_date_window(today)
    for key, attribute in DATE_ARGS:
        text = (args.get(key) or "").strip()
        if not text:
            continue
        try:
            if len(text) != 10:  # fromisoformat also takes 20260131 and week dates: not what the box sends
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            errors[key] = _("Give the date as YYYY-MM-DD.")
            continue
        # Refused with a message rather than clamped, so that the page never shows other dates than typed.
        problem = date_outside(day, earliest, latest)
        if problem:
            errors[key] = problem
        else:
            setattr(filters, attribute, day)
    if filters.since and filters.until and filters.until < filters.since:
        errors["to"] = _("The end date is before the start date.")
        filters.until = None
    return errors


@dataclass
class LogPage:
    """A page of events, newest first, with the cursors of the pages around it (None where there is none)."""

    items: list
    older: Cursor | None
    newer: Cursor | None


def _before(cursor: Cursor):
    # Written as a range on the time (which the indexes hold) with the tie on the id left to a filter.
    return sa.and_(AuditEvent.occurred_at <= cursor.at,
                   sa.or_(AuditEvent.occurred_at < cursor.at, AuditEvent.id < cursor.id))


def _after(cursor: Cursor):
    return sa.and_(AuditEvent.occurred_at >= cursor.at,
                   sa.or_(AuditEvent.occurred_at > cursor.at, AuditEvent.id > cursor.id))


def events(session: Session, filters: Filters, before: Cursor | None = None, after: Cursor | None = None,
           per_page: int = PER_PAGE) -> LogPage:
    """The newest events matching the filters (older than `before`, or the oldest newer than `after`); 1 query.

    One more row than the page is read to know whether there is another page that way."""
    stmt = sa.select(AuditEvent).options(joinedload(AuditEvent.actor)).where(*filters.where()).limit(per_page + 1)
    newest_first = (AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if after is not None:
        rows = session.scalars(stmt.where(_after(after)).order_by(AuditEvent.occurred_at, AuditEvent.id)).all()
        more = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        return LogPage(items, Cursor.of(items[-1]) if items else None,
                       Cursor.of(items[0]) if items and more else None)
    if before is not None:
        stmt = stmt.where(_before(before))
    rows = session.scalars(stmt.order_by(*newest_first)).all()
    items = rows[:per_page]
    return LogPage(items, Cursor.of(items[-1]) if len(rows) > per_page else None,
                   Cursor.of(items[0]) if items and before is not None else None)


def people(session: Session, chosen: int | None = None) -> list:
    """Staff who appear in the log, by name, and the chosen person whoever they are.

    New hires are left out: there are thousands of them, each ticking their own checklist, and a choice among
    thousands is no use in a list (nor 600 KB of HTML); an event of theirs is found by its record instead."""
    acted = sa.exists().where(AuditEvent.actor_id == User.id)
    shown = sa.and_(User.role.in_([r for r in Role if r is not Role.NEW_HIRE]), acted)
    if chosen:
        shown = sa.or_(shown, User.id == chosen)
    return session.execute(sa.select(User.id, User.name).where(shown).order_by(User.name, User.id)).all()


def entity_types(session: Session) -> list[str]:
    """The kinds of record in the log, found by hopping through the index on the kind from one to the next
    (a handful of seeks) instead of reading every event for a DISTINCT."""
    first = sa.select(sa.func.min(AuditEvent.entity_type)).scalar_subquery()
    kinds = sa.select(first.label("kind")).cte("kinds", recursive=True)
    following = (sa.select(sa.func.min(AuditEvent.entity_type))
                 .where(AuditEvent.entity_type > kinds.c.kind).scalar_subquery())
    kinds = kinds.union_all(sa.select(following).where(kinds.c.kind.is_not(None)))
    return [k for k in session.scalars(sa.select(kinds.c.kind).where(kinds.c.kind.is_not(None))) if k is not None]
