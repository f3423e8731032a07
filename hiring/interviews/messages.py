"""The interview e-mails, each with its .ics: an invitation (or its update) and a cancellation, to the candidate
and to the interviewer (hiring/mail/messages.py kinds, which the company may reword per language).

Privacy: what reaches the interviewer's calendar (the .ics here and the feed) names the job and the kind of
interview and links to the app, never the candidate: a copy in someone's calendar cannot be erased with the
candidate. The candidate's own message and .ics may greet them by name.
"""
from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.interviews import ics
from hiring.labels import KIND_LABELS
from hiring.mail import Attachment, messages
from hiring.models import InterviewAssignment, utcnow

INVITE_CANDIDATE, INVITE_INTERVIEWER = "interview_invitation_candidate", "interview_invitation_interviewer"
CANCEL_CANDIDATE, CANCEL_INTERVIEWER = "interview_cancellation_candidate", "interview_cancellation_interviewer"

_WHEN = {"when": _l("The date, time and time zone of the interview"),
         "duration": _l("How long it takes, in minutes"),
         "place": _l("Where: the place and/or the video link"),
         "job": _l("The job's title"), "interview": _l("The kind of interview (skills, values, hiring manager)"),
         "company": _l("The company's name")}
_SAMPLE = {"when": "Monday 30 March 2026, 10:00 (Europe/Amsterdam)", "duration": "60",
           "place": "https://meet.example.com/abc-defg", "job": "Customer loyalty team member",
           "interview": "Values", "company": "Values-fit hiring"}

messages.register(
    INVITE_CANDIDATE, label=_l("Interview invitation (to the candidate)"), audience="candidate",
    placeholders={"name": _l("The candidate's name"), **_WHEN},
    subject=_l("Your interview for {{ job }}: {{ when }}"),
    body=_l("Dear {{ name }},\n\nWe would like to meet you for the {{ job }} position.\n\nWhen: {{ when }}\n"
            "How long: {{ duration }} minutes\nWhere: {{ place }}\n\nThe attached invitation puts the interview "
            "in your calendar; if the time changes, you will receive an update.\n\nKind regards,\n{{ company }}"),
    sample={"name": "Sam Jansen", **_SAMPLE})
messages.register(
    INVITE_INTERVIEWER, label=_l("Interview invitation (to the interviewer)"), audience="staff",
    placeholders={"interviewer": _l("The interviewer's name"), "link": _l("The interview's page in the app"),
                  **_WHEN},
    subject=_l("{{ interview }} interview for {{ job }}: {{ when }}"),
    body=_l("Hello {{ interviewer }},\n\nYou are interviewing for the {{ job }} position ({{ interview }} "
            "interview).\n\nWhen: {{ when }}\nHow long: {{ duration }} minutes\nWhere: {{ place }}\n\n"
            "Prepare and fill in your scorecard here: {{ link }}\n\n{{ company }}"),
    sample={"interviewer": "Alex de Vries", "link": "https://hiring.example.com/pipeline/applications/1", **_SAMPLE})
messages.register(
    CANCEL_CANDIDATE, label=_l("Interview cancelled (to the candidate)"), audience="candidate",
    placeholders={"name": _l("The candidate's name"), **_WHEN},
    subject=_l("Cancelled: your interview for {{ job }} on {{ when }}"),
    body=_l("Dear {{ name }},\n\nThe interview for the {{ job }} position on {{ when }} will not take place at "
            "that time. The attached cancellation takes it out of your calendar; we will be in touch.\n\n"
            "Kind regards,\n{{ company }}"),
    sample={"name": "Sam Jansen", **_SAMPLE})
messages.register(
    CANCEL_INTERVIEWER, label=_l("Interview cancelled (to the interviewer)"), audience="staff",
    placeholders={"interviewer": _l("The interviewer's name"), "link": _l("The interview's page in the app"),
                  **_WHEN},
    subject=_l("Cancelled: {{ interview }} interview for {{ job }} on {{ when }}"),
    body=_l("Hello {{ interviewer }},\n\nThe {{ interview }} interview for the {{ job }} position on {{ when }} "
            "is cancelled. The attached cancellation takes it out of your calendar.\n\n{{ link }}\n\n{{ company }}"),
    sample={"interviewer": "Alex de Vries", "link": "https://hiring.example.com/pipeline/applications/1", **_SAMPLE})


def when(starts_at: datetime, zone_name: str, language: str) -> str:
    """A start as people read it, in the interview's own zone: "Monday, March 30, 2026, 10:00 AM
    (Europe/Amsterdam)"."""
    zone = ZoneInfo(zone_name)
    local = starts_at.astimezone(zone)
    with force_locale(language):
        return _("%(date)s, %(time)s (%(zone)s)", date=format_date(local.date(), "full", locale=language),
                 time=format_time(local, "short", locale=language), zone=zone_name)


def place(slot) -> str:
    """Where, in one line: the place, the video link, or both."""
    return " · ".join(part for part in (slot.location, slot.video_link) if part)


def staff_link(assignment: InterviewAssignment) -> str:
    """The interview's page in the app, for the interviewer (what they prepare from, with the scorecard)."""
    return messages.absolute_url("pipeline.application", application_id=assignment.application_id)


def candidate_language(assignment: InterviewAssignment) -> str | None:
    """The candidate's language when the app knows it (the one they applied in on the careers site), else None:
    the company's (messages.send's default)."""
    return assignment.application.candidate.language


def interviewer_event(assignment: InterviewAssignment, slot, language: str) -> ics.InterviewEvent:
    """The interview as the interviewer's calendar holds it: job and kind, never the candidate."""
    job = assignment.application.job.title
    link = staff_link(assignment)
    with force_locale(language):
        kind = str(KIND_LABELS[assignment.kind])
        summary = _("%(kind)s interview: %(job)s", kind=kind, job=job)
        description = "\n".join(line for line in (
            _("Your scorecard and what to prepare: %(link)s", link=link),
            _("Video link: %(link)s", link=slot.video_link) if slot.video_link else "") if line)
    return ics.InterviewEvent(uid=_uid(assignment), starts_at=slot.starts_at, duration_minutes=slot.duration_minutes,
                              sequence=assignment.calendar_sequence, summary=summary, description=description,
                              location=place(slot), url=link)


def _candidate_event(assignment: InterviewAssignment, slot, language: str) -> ics.InterviewEvent:
    company = current_app.config["COMPANY_NAME"]
    with force_locale(language):
        summary = _("Interview with %(company)s: %(job)s", company=company, job=assignment.application.job.title)
        description = _("Video link: %(link)s", link=slot.video_link) if slot.video_link else ""
    return ics.InterviewEvent(uid=_uid(assignment), starts_at=slot.starts_at, duration_minutes=slot.duration_minutes,
                              sequence=assignment.calendar_sequence, summary=summary, description=description,
                              location=place(slot), url=slot.video_link or "")


def _uid(assignment: InterviewAssignment) -> str:
    return ics.uid_for(assignment.id, current_app.config["MAIL_SENDER"])


def _organizer() -> ics.Person:
    name, address = parseaddr(current_app.config["MAIL_SENDER"])
    return ics.Person(address, name or current_app.config["COMPANY_NAME"])


def _context(assignment: InterviewAssignment, slot, language: str) -> dict[str, str]:
    with force_locale(language):
        interview = str(KIND_LABELS[assignment.kind])
    return {"when": when(slot.starts_at, slot.time_zone, language), "duration": str(slot.duration_minutes),
            "place": place(slot), "job": assignment.application.job.title, "interview": interview,
            "company": current_app.config["COMPANY_NAME"]}


def _send(session: Session, assignment: InterviewAssignment, slot, method: str) -> int:
    """One message to the candidate and one to the interviewer, each with its own .ics; how many were queued
    (none to an anonymised candidate or a deactivated interviewer)."""
    now, organizer, sent = utcnow(), _organizer(), 0
    codes = (INVITE_CANDIDATE, INVITE_INTERVIEWER) if method == ics.REQUEST else (CANCEL_CANDIDATE, CANCEL_INTERVIEWER)
    filename = "invitation.ics" if method == ics.REQUEST else "cancellation.ics"
    content_type = f"text/calendar; method={method}"
    candidate = assignment.application.candidate
    if candidate.anonymised_at is None:
        language = messages.language_for(candidate_language(assignment))
        body = ics.message(method, _candidate_event(assignment, slot, language), organizer=organizer,
                           attendee=ics.Person(candidate.email, candidate.name), now=now)
        messages.send(session, codes[0], to=candidate.email, language=language,
                      context={"name": candidate.name, **_context(assignment, slot, language)},
                      candidate_id=candidate.id, attachments=[Attachment(filename, content_type, body)])
        sent += 1
    interviewer = assignment.interviewer
    if interviewer.active:
        language = messages.language_for(interviewer.locale)
        body = ics.message(method, interviewer_event(assignment, slot, language), organizer=organizer,
                           attendee=ics.Person(interviewer.email, interviewer.name), now=now)
        messages.send(session, codes[1], to=interviewer.email, language=language,
                      context={"interviewer": interviewer.name, "link": staff_link(assignment),
                               **_context(assignment, slot, language)},
                      user_id=interviewer.id, attachments=[Attachment(filename, content_type, body)])
        sent += 1
    return sent


def send_invitations(session: Session, assignment: InterviewAssignment, slot) -> int:
    """Invitations (or updates: the assignment's SEQUENCE tells) with METHOD:REQUEST; how many were queued."""
    return _send(session, assignment, slot, ics.REQUEST)


def send_cancellations(session: Session, assignment: InterviewAssignment, slot) -> int:
    """Cancellations of the interview that was at `slot` (METHOD:CANCEL); how many were queued."""
    return _send(session, assignment, slot, ics.CANCEL)
