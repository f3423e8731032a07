"""When and where an interview is: scheduling, rescheduling and cancelling an assignment, with the invitations.

Times are typed in a time zone (the company's unless chosen) and stored in UTC; zoneinfo decides the offset on
that day, so a time across a daylight-saving change is right. A time that does not exist there (the hour
skipped in spring) is refused beside the field; a time that exists twice (the hour repeated in autumn) is the
first of the two (fold 0). Every change of time or place raises the assignment's calendar SEQUENCE, and a
cancellation raises it once more, so that calendars apply the invitations in order (hiring/interviews/ics.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.bounds import date_outside
from hiring.errors import Conflict, DomainError, NotFound
from hiring.interviews import messages
from hiring.models import Application, InterviewAssignment, utcnow
from hiring.pipeline.stages import OPEN_STAGES

MIN_MINUTES, MAX_MINUTES = 5, 480
LOCATION_LENGTH, LINK_LENGTH = 200, 500
PAST_DAYS, FUTURE_DAYS = 7, 2 * 365  # the dates an interview may be put on, around the company's today
SCHEDULED, RESCHEDULED, UNCHANGED = "scheduled", "rescheduled", "unchanged"
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """The IANA time zones this machine knows (read once)."""
    return frozenset(available_timezones())


@dataclass(frozen=True)
class Slot:
    """A time and place for an interview: its start in UTC, its length, the zone it was arranged in, a place
    and/or a video link."""

    starts_at: datetime
    duration_minutes: int
    time_zone: str
    location: str | None
    video_link: str | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def date_window(today: date) -> tuple[date, date]:
    """The first and last date an interview may be put on."""
    return today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)


def check_zone(name: str) -> ZoneInfo:
    """The time zone of this IANA name, or a DomainError beside the time zone field."""
    if name not in zone_names():
        raise DomainError(_("Choose a time zone from the list, such as Europe/Amsterdam."), field="time_zone")
    return ZoneInfo(name)


def check_video_link(link: str | None) -> str | None:
    """A video link as stored: an https address with a host, or None; a DomainError beside the field."""
    link = (link or "").strip()
    if not link:
        return None
    problem = _("Give the video link as a full https:// address.")
    if len(link) > LINK_LENGTH:
        raise DomainError(_("At most %(num)d characters.", num=LINK_LENGTH), field="video_link")
    if _CONTROL.search(link):
        raise DomainError(problem, field="video_link")
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:
        raise DomainError(problem, field="video_link") from None
    if parts.scheme.lower() != "https" or not host or parts.username or parts.password:
        raise DomainError(problem, field="video_link")
    return "https" + link[len(parts.scheme):]


def to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """The moment `day` at `clock` in the zone, in UTC. A local time that does not exist there (skipped by a
    daylight-saving change) is a DomainError beside the time field."""
    zone = check_zone(zone_name)
    local = datetime.combine(day, clock.replace(second=0, microsecond=0, tzinfo=None), tzinfo=zone)
    moment = local.astimezone(timezone.utc)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DomainError(_("%(time)s does not exist on that day in %(zone)s: the clocks skip it (daylight "
                            "saving time). Choose another time.", time=clock.strftime("%H:%M"), zone=zone_name),
                          field="time")
    return moment


def make_slot(*, day: date, clock: time, duration_minutes: int, time_zone: str, location: str | None,
              video_link: str | None, today: date) -> Slot:
    """A checked slot from what a recruiter typed (DomainError naming the field otherwise)."""
    problem = date_outside(day, *date_window(today))
    if problem:
        raise DomainError(problem, field="day")
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise DomainError(_("Between %(low)d and %(high)d minutes.", low=MIN_MINUTES, high=MAX_MINUTES),
                          field="duration_minutes")
    location = " ".join((location or "").split()) or None
    if location and len(location) > LOCATION_LENGTH:
        raise DomainError(_("At most %(num)d characters.", num=LOCATION_LENGTH), field="location")
    video_link = check_video_link(video_link)
    if not location and not video_link:
        raise DomainError(_("Give a place, a video link, or both."), field="location")
    return Slot(to_utc(day, clock, time_zone), duration_minutes, time_zone, location, video_link)


def slot_of(assignment: InterviewAssignment) -> Slot | None:
    """The assignment's slot as stored, or None when it is not scheduled."""
    if assignment.scheduled_for is None:
        return None
    return Slot(assignment.scheduled_for, assignment.duration_minutes, assignment.time_zone or "UTC",
                assignment.location, assignment.video_link)


def locked(session: Session, assignment_id: int) -> InterviewAssignment:
    """The assignment read afresh under a row lock (PostgreSQL), so that two changes take turns and each
    raises the SEQUENCE the other left."""
    found = session.scalar(sa.select(InterviewAssignment).where(InterviewAssignment.id == assignment_id)
                           .with_for_update().execution_options(populate_existing=True))
    if found is None:
        raise NotFound(_("There is no such interview."))
    return found


def schedule(session: Session, assignment_id: int, slot: Slot, *, actor_id: int, invite: bool) -> str:
    """Put the interview at `slot`: SCHEDULED (first time, or again after a cancellation), RESCHEDULED (a new
    time or place: SEQUENCE + 1) or UNCHANGED (nothing written, nothing sent). With `invite`, the candidate
    and the interviewer get an invitation or update with its .ics. Flushes; the caller commits."""
    assignment = locked(session, assignment_id)
    stage = session.scalar(sa.select(Application.stage).where(Application.id == assignment.application_id))
    if stage not in OPEN_STAGES:
        raise Conflict(_("Interviews can only be scheduled while the application is open."))
    before = slot_of(assignment)
    if before == slot:
        return UNCHANGED
    change = RESCHEDULED if before is not None else SCHEDULED
    if before is not None or assignment.calendar_sequence > 0:
        assignment.calendar_sequence += 1  # a calendar that had the event must see this as newer
    assignment.scheduled_for, assignment.duration_minutes = slot.starts_at, slot.duration_minutes
    assignment.time_zone, assignment.location, assignment.video_link = slot.time_zone, slot.location, slot.video_link
    session.flush()
    sent = messages.send_invitations(session, assignment, slot) if invite else 0
    record(session, actor_id=actor_id, action=f"interview_{change}", entity_type="interview_assignment",
           entity_id=assignment.id, application_id=assignment.application_id, sequence=assignment.calendar_sequence,
           messages=sent)
    return change


def unschedule(session: Session, assignment_id: int, *, actor_id: int, notify: bool) -> None:
    """Take the interview off the calendar: SEQUENCE + 1 and, with `notify`, a cancellation (METHOD:CANCEL)
    to the candidate and the interviewer. The place is kept for scheduling again. Flushes; the caller commits."""
    assignment = locked(session, assignment_id)
    before = slot_of(assignment)
    if before is None:
        raise Conflict(_("This interview is not scheduled."))
    assignment.calendar_sequence += 1
    assignment.scheduled_for = None
    session.flush()
    sent = messages.send_cancellations(session, assignment, before) if notify else 0
    record(session, actor_id=actor_id, action="interview_unscheduled", entity_type="interview_assignment",
           entity_id=assignment.id, application_id=assignment.application_id, sequence=assignment.calendar_sequence,
           messages=sent)


def cancel_upcoming(session: Session, application_id: int, *, actor_id: int | None) -> int:
    """When an application closes (rejected, withdrawn, hired): every interview of it scheduled from now on is
    unscheduled with its cancellations (METHOD:CANCEL, the next SEQUENCE), in the caller's transaction, so that
    no calendar keeps an interview that will not take place. Interviews already past stay as they were (they
    happened, or their scorecards say so). How many were cancelled."""
    upcoming = session.scalars(sa.select(InterviewAssignment.id).where(
        InterviewAssignment.application_id == application_id, InterviewAssignment.scheduled_for > utcnow())
        .order_by(InterviewAssignment.id)).all()
    for assignment_id in upcoming:
        unschedule(session, assignment_id, actor_id=actor_id, notify=True)
    return len(upcoming)
