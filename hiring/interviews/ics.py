"""iCalendar (RFC 5545, with RFC 5546's methods) for interviews, built with the icalendar library: an
invitation or its update (METHOD:REQUEST), a cancellation (METHOD:CANCEL, STATUS:CANCELLED), and an
interviewer's feed (no METHOD: a published calendar). Pure: plain values in, bytes out.

Times are written in UTC (DTSTART:...Z), valid everywhere and free of VTIMEZONE blocks; calendar programs show
them in their reader's zone. One event per assignment, whatever is sent about it: the same UID, and a SEQUENCE
that every change raises, so that a calendar applies the latest and ignores an older copy.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Values-fit hiring//Interviews//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"


@dataclass(frozen=True)
class Person:
    """Someone named in an event: an address and the name calendars show (may be empty)."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class InterviewEvent:
    """What a calendar is told about one interview. `summary`, `description`, `location` and `url` are the
    words for one reader: an interviewer's copy never names the candidate (calendar copies cannot be erased)."""

    uid: str
    starts_at: datetime  # aware
    duration_minutes: int
    sequence: int
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""


def uid_for(assignment_id: int, sender: str) -> str:
    """The event's UID: stable per assignment, on the sender's domain (RFC 5545 3.8.4.7)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"assignment-{assignment_id}@{domain}"


def _address(person: Person, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _event(item: InterviewEvent, now: datetime, *, cancelled: bool = False) -> Event:
    event = Event()
    start = item.starts_at.astimezone(timezone.utc)
    event.add("uid", item.uid)
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=item.duration_minutes))
    event.add("sequence", item.sequence)
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def message(method: str, item: InterviewEvent, *, organizer: Person, attendee: Person, now: datetime) -> bytes:
    """An invitation or update (REQUEST) or a cancellation (CANCEL) of one interview, for one attendee."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown iTIP method {method!r}")
    calendar = _calendar(method)
    event = _event(item, now, cancelled=method == CANCEL)
    event.add("organizer", _address(organizer))
    event.add("attendee", _address(attendee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION",
                                   rsvp="TRUE" if method == REQUEST else "FALSE"))
    calendar.add_component(event)
    return calendar.to_ical()


def feed(name: str, items: Iterable[InterviewEvent], *, now: datetime) -> bytes:
    """A subscribed calendar of interviews (no METHOD, no attendees: it is read, never answered)."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    for item in items:
        calendar.add_component(_event(item, now))
    return calendar.to_ical()
