"""The scorecard reminder: an interviewer whose interview ended more than SCORECARD_REMINDER_HOURS ago, on an
application still open, and whose scorecard is not submitted, is reminded once per assignment (sent by
`flask send-reminders`, hiring/mail/reminder_engine.py; the wording is the company's, like every message).

Like the invitation to the interviewer, it names the job and the kind of interview, not the candidate: the
link leads to the scorecard, where the signed-in interviewer sees whom it is about.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.interviews.agenda import OVERDUE_DAYS
from hiring.interviews.messages import when
from hiring.labels import KIND_LABELS
from hiring.mail import messages, reminders
from hiring.models import Application, InterviewAssignment, Job, Scorecard, ScorecardStatus, User
from hiring.pipeline.stages import OPEN_STAGES

SCORECARD_REMINDER = "scorecard_reminder"

messages.register(
    SCORECARD_REMINDER, label=_l("Scorecard overdue (to the interviewer)"), audience="staff",
    placeholders={"interviewer": _l("The interviewer's name"),
                  "interview": _l("The kind of interview (skills, values, hiring manager)"),
                  "job": _l("The job's title"), "when": _l("The date, time and time zone of the interview"),
                  "scorecard_link": _l("The scorecard form in the app"), "company": _l("The company's name")},
    subject=_l("Your scorecard is overdue: {{ interview }} interview for {{ job }}"),
    body=_l("Hello {{ interviewer }},\n\nYour {{ interview }} interview for the {{ job }} position ({{ when }}) "
            "is over, and your scorecard is not submitted yet. The hiring team decides with everyone's "
            "scorecards; please fill in yours while the interview is fresh:\n\n{{ scorecard_link }}\n\n{{ company }}"),
    sample={"interviewer": "Alex de Vries", "interview": "Values", "job": "Customer loyalty team member",
            "when": "Monday 30 March 2026, 10:00 (Europe/Amsterdam)",
            "scorecard_link": "https://hiring.example.com/interviews/1/scorecard", "company": "Values-fit hiring"})


def _key() -> sa.ColumnElement[str]:
    return sa.literal("assignment:", sa.String) + sa.cast(InterviewAssignment.id, sa.String)


@reminders.source(SCORECARD_REMINDER, label=_l("Scorecards overdue after my interviews"))
def overdue_scorecards(session: Session, now: datetime) -> Iterator[reminders.Reminder]:
    """One reminder per assignment whose interview ended SCORECARD_REMINDER_HOURS ago or more (within the
    agenda's OVERDUE_DAYS), on an open application, without a submitted scorecard; one query."""
    overdue_after = timedelta(hours=int(current_app.config["SCORECARD_REMINDER_HOURS"]))
    rows = session.execute(
        sa.select(InterviewAssignment.id, InterviewAssignment.interviewer_id, InterviewAssignment.kind,
                  InterviewAssignment.scheduled_for, InterviewAssignment.duration_minutes,
                  InterviewAssignment.time_zone, Job.title, User.name, User.locale)
        .join(Application, InterviewAssignment.application_id == Application.id)
        .join(Job, Application.job_id == Job.id)
        .join(User, InterviewAssignment.interviewer_id == User.id)
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(InterviewAssignment.scheduled_for < now - overdue_after,  # started; its end is checked below
               InterviewAssignment.scheduled_for >= now - timedelta(days=OVERDUE_DAYS),
               Application.stage.in_(OPEN_STAGES), User.active.is_(True),
               sa.or_(Scorecard.id.is_(None), Scorecard.status != ScorecardStatus.SUBMITTED),
               reminders.unsent(SCORECARD_REMINDER, InterviewAssignment.interviewer_id, _key()))
        .order_by(InterviewAssignment.scheduled_for, InterviewAssignment.id))
    company, zone = current_app.config["COMPANY_NAME"], current_app.config["COMPANY_TIMEZONE"]
    for (assignment_id, interviewer_id, kind, starts_at, duration, time_zone, job, name, locale) in rows:
        if starts_at + timedelta(minutes=duration) + overdue_after > now:
            continue
        language = messages.language_for(locale)
        link = messages.absolute_url("interviews.scorecard", assignment_id=assignment_id) or ""
        with force_locale(language):
            interview = str(KIND_LABELS[kind])
            at = when(starts_at, time_zone or zone, language)
            line = _("Scorecard overdue: %(interview)s interview for %(job)s (%(when)s): %(link)s",
                     interview=interview, job=job, when=at, link=link)
        yield reminders.Reminder(
            kind=SCORECARD_REMINDER, user_id=interviewer_id, key=f"assignment:{assignment_id}",
            context={"interviewer": name, "interview": interview, "job": job, "when": at, "scorecard_link": link,
                     "company": company},
            digest_line=line)
