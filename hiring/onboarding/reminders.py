"""Onboarding reminders (hiring/mail/reminders.py): tasks due soon and tasks overdue, to the new hire who does
them and, worded for them, to their mentor.

Which tasks, for whom:
- the new hire hears of their own required tasks (owner "new hire");
- the mentor hears, due soon, of the tasks they do themselves (owner "mentor"), and, overdue, of both their own
  and their new hires' overdue tasks: a new hire falling behind is what a mentor is there for. HR's tasks are
  HR's lists' business (the cohort page), not a reminder's.

When ("today" is the company's date, hiring.clock):
- due: a required task not done (a sent-back one included: it is to do again) whose due day (the last day of its
  week, progress.due_on) is today or within DUE_SOON_DAYS; sent once per due day.
- overdue: what the checklist page calls overdue (progress.task_state is OVERDUE: required, not done, past its
  due day; a task sent back shows as "sent back" there, with the comment, and so is not listed). Sent once per
  week while anything stays overdue: the occasion is the enrolment's latest week boundary (the day the last
  week's tasks turned overdue), so that a new hire is reminded weekly, not daily, and not only once; for a
  mentor, the latest such day among their new hires.

Grouping: one message per recipient per occasion listing the tasks, never one per task. Every task of a week
falls due on the same day, so per-task messages would be five or ten e-mails at once; a mentor's message covers
all their new hires with that occasion (a cohort starts on one day), named one by one.

Bounded: only enrolments still in the programme (not graduated, hire not ended, the cohort list's rule) that
started at most queries.STUCK_AFTER_DAYS ago: after that the cohort page flags them "stuck" and HR takes over.
One query per source, whatever the number of new hires; recipients whose login is closed are left out.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, aliased

from hiring.clock import company_today
from hiring.mail import messages, reminders
from hiring.models import Enrollment, EnrollmentTask, Hire, TaskOwner, User
from hiring.onboarding.progress import TaskState, due_on, task_state
from hiring.onboarding.queries import STUCK_AFTER_DAYS, _DaysBetween, _in_programme
from hiring.onboarding.service import facts

DUE_NEW_HIRE, OVERDUE_NEW_HIRE = "onboarding_tasks_due", "onboarding_tasks_overdue"
DUE_MENTOR, OVERDUE_MENTOR = "onboarding_tasks_due_mentor", "onboarding_tasks_overdue_mentor"
# "Due soon": due today or within this many days (1: today or tomorrow). The engine runs every few minutes, so
# the message goes the day before the due day, or on the day itself for an engine that was down.
DUE_SOON_DAYS = 1

_COMPANY = {"company_name": _l("The company's name")}
_NEW_HIRE = {"name": _l("The new hire's name"), "checklist_link": _l("The new hire's checklist")}
_MENTOR = {"mentor": _l("The mentor's name"),
           "checklist_link": _l("The new hire's checklist, or the mentor's list of new hires when there are several")}
_DUE = {"due_date": _l("The day the tasks are due"), "count": _l("How many tasks")}
_SAMPLE_NEW_HIRE = {"name": "Sam Jansen", "checklist_link": "https://hiring.example.com/",
                    "company_name": "Values-fit hiring"}
_SAMPLE_MENTOR = {"mentor": "Alex de Vries", "checklist_link": "https://hiring.example.com/onboarding/enrolments/1",
                  "company_name": "Values-fit hiring"}
_SAMPLE_DUE = "Sunday, November 8, 2026"

messages.register(
    DUE_NEW_HIRE, label=_l("Onboarding tasks due (to the new hire)"), audience="staff",
    placeholders={**_NEW_HIRE, **_DUE, "tasks": _l("The tasks, one a line"), **_COMPANY},
    subject=_l("Your onboarding tasks due {{ due_date }}"),
    body=_l("Hello {{ name }},\n\nThese tasks on your onboarding checklist are due {{ due_date }}:\n\n{{ tasks }}\n\n"
            "Tick them off on your checklist once they are done:\n{{ checklist_link }}\n\n{{ company_name }}"),
    sample={**_SAMPLE_NEW_HIRE, "due_date": _SAMPLE_DUE, "count": "2",
            "tasks": "- Read the core values\n- Shadow a customer call"})
messages.register(
    OVERDUE_NEW_HIRE, label=_l("Onboarding tasks overdue (to the new hire)"), audience="staff",
    placeholders={**_NEW_HIRE, "count": _l("How many tasks"),
                  "tasks": _l("The overdue tasks with their due days, one a line"), **_COMPANY},
    subject=_l("Overdue tasks on your onboarding checklist"),
    body=_l("Hello {{ name }},\n\nThese tasks on your onboarding checklist are past their due day:\n\n{{ tasks }}\n\n"
            "Please finish them, or talk to your mentor if something stands in the way. Your checklist:\n"
            "{{ checklist_link }}\n\n{{ company_name }}"),
    sample={**_SAMPLE_NEW_HIRE, "count": "2",
            "tasks": f"- Read the core values (due {_SAMPLE_DUE})\n- Shadow a customer call (due {_SAMPLE_DUE})"})
messages.register(
    DUE_MENTOR, label=_l("Onboarding tasks due (to the mentor)"), audience="staff",
    placeholders={**_MENTOR, **_DUE, "tasks": _l("The tasks, under the name of each new hire"), **_COMPANY},
    subject=_l("Your mentor tasks due {{ due_date }}"),
    body=_l("Hello {{ mentor }},\n\nAs a mentor, you have these onboarding tasks due {{ due_date }}:\n\n"
            "{{ tasks }}\n\nTick them off on the new hire's checklist once they are done:\n{{ checklist_link }}\n\n"
            "{{ company_name }}"),
    sample={**_SAMPLE_MENTOR, "due_date": _SAMPLE_DUE, "count": "1",
            "tasks": "Sam Jansen\n- Lunch with your new hire"})
messages.register(
    OVERDUE_MENTOR, label=_l("Onboarding tasks overdue (to the mentor)"), audience="staff",
    placeholders={**_MENTOR, "count": _l("How many tasks"),
                  "tasks": _l("The overdue tasks under the name of each new hire, with who does them and their "
                              "due days"), **_COMPANY},
    subject=_l("Overdue onboarding tasks of your new hires"),
    body=_l("Hello {{ mentor }},\n\nThese onboarding tasks of your new hires are past their due day:\n\n"
            "{{ tasks }}\n\nTasks marked as yours are yours to do; for the others, your new hire may need a hand. "
            "The checklist:\n{{ checklist_link }}\n\n{{ company_name }}"),
    sample={**_SAMPLE_MENTOR, "count": "2",
            "tasks": f"Sam Jansen\n- Read the core values (due {_SAMPLE_DUE})\n"
                     f"- Lunch with your new hire (yours; due {_SAMPLE_DUE})"})


@dataclass(frozen=True)
class _Open:
    """One open task as a reminder needs it."""

    task: EnrollmentTask
    started_on: date
    new_hire: str       # the new hire's name (for the mentor's message)
    recipient_id: int
    recipient: str      # the recipient's name
    locale: str | None  # the recipient's language

    @property
    def due(self) -> date:
        return due_on(self.started_on, self.task.week)


def company_date(now: datetime) -> date:
    """The company's date at `now` (naive means UTC, as the engine passes it)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return company_today(now, current_app.config["COMPANY_TIMEZONE"])


def site_link(endpoint: str, **values) -> str:
    """A link for a message (messages.absolute_url, on PUBLIC_BASE_URL where `flask send-reminders` runs); "" when
    the site's address is not known (outside a request without PUBLIC_BASE_URL): the reminder still goes."""
    return messages.absolute_url(endpoint, **values) or ""


def week_boundary(started_on: date, today: date) -> date:
    """The latest day, at most today, on which a week of this programme ended the day before: the day that week's
    tasks turned overdue (started_on + 7k)."""
    return started_on + timedelta(days=7 * ((today - started_on).days // 7))


def _open_tasks(session: Session, today: date, *, owners: tuple[TaskOwner, ...], mentor: bool,
                overdue: bool) -> list[_Open]:
    """The required, not done tasks of `owners` in enrolments still in the programme and started within
    STUCK_AFTER_DAYS, due soon (overdue=False) or past their due day (True), with their recipient: the new hire
    (mentor=False) or the mentor; one query. Recipients whose login is closed are left out."""
    person = aliased(User)
    recipient = aliased(User) if mentor else person
    elapsed = _DaysBetween(sa.literal(today, sa.Date), Enrollment.started_on)  # the cohort pages' arithmetic
    last_day = 7 * EnrollmentTask.week - 1  # progress.due_on: due on started_on + (7 * week - 1)
    if overdue:
        when = elapsed > last_day
    else:
        when = sa.and_(elapsed <= last_day, elapsed + DUE_SOON_DAYS >= last_day)
    stmt = (
        sa.select(EnrollmentTask, Enrollment.started_on, person.name, recipient.id, recipient.name, recipient.locale)
        .join(Enrollment, EnrollmentTask.enrollment_id == Enrollment.id)
        .join(Hire, Enrollment.hire_id == Hire.id)
        .join(person, Hire.user_id == person.id)
        .where(*_in_programme(None),
               Enrollment.started_on >= today - timedelta(days=STUCK_AFTER_DAYS), Enrollment.started_on <= today,
               EnrollmentTask.required, EnrollmentTask.done_at.is_(None), EnrollmentTask.owner.in_(owners), when)
        .order_by(recipient.id, Enrollment.started_on, person.name, Enrollment.id, EnrollmentTask.week,
                  EnrollmentTask.position, EnrollmentTask.id)
    )
    if mentor:
        stmt = stmt.join(recipient, Hire.mentor_id == recipient.id)
    stmt = stmt.where(recipient.active)
    # The checklist page's own verdict, row by row: SQL chose the rows by date, task_state says what they are.
    keep = (TaskState.OVERDUE,) if overdue else (TaskState.OPEN, TaskState.SENT_BACK)
    rows = []
    for task, started_on, new_hire, recipient_id, recipient_name, locale in session.execute(stmt):
        if task_state(facts(task), started_on, today) in keep:
            rows.append(_Open(task, started_on, new_hire, recipient_id, recipient_name, locale))
    return rows


def _by_recipient(rows: list[_Open]) -> dict[int, list[_Open]]:
    grouped: dict[int, list[_Open]] = defaultdict(list)
    for row in rows:
        grouped[row.recipient_id].append(row)
    return grouped


def _long(day: date) -> str:
    return format_date(day, "full")


def _checklist_link(rows: list[_Open]) -> str:
    """A mentor's link: the new hire's checklist when the message is about one, else their list of new hires."""
    enrolments = {row.task.enrollment_id for row in rows}
    if len(enrolments) == 1:
        return site_link("onboarding.enrolment", enrollment_id=enrolments.pop())
    return site_link("onboarding.cohorts")


def _mentor_lines(rows: list[_Open], with_due: bool) -> str:
    """The tasks under the name of each new hire; the mentor's own marked when others are listed too."""
    lines, current = [], None
    for row in rows:
        if row.task.enrollment_id != current:
            if current is not None:
                lines.append("")
            lines.append(row.new_hire)
            current = row.task.enrollment_id
        yours = row.task.owner is TaskOwner.MENTOR
        if with_due and yours:
            lines.append(_("- %(title)s (yours; due %(date)s)", title=row.task.title, date=_long(row.due)))
        elif with_due:
            lines.append(_("- %(title)s (due %(date)s)", title=row.task.title, date=_long(row.due)))
        else:
            lines.append(_("- %(title)s", title=row.task.title))
    return "\n".join(lines)


def _company() -> str:
    return current_app.config["COMPANY_NAME"]


@reminders.source(DUE_NEW_HIRE, label=_l("Onboarding tasks due soon (your own checklist)"))
def tasks_due_new_hire(session: Session, now: datetime):
    """To each new hire, once per due day: their tasks due today or tomorrow."""
    today = company_date(now)
    link = site_link("dashboard.home")
    for user_id, rows in _by_recipient(_open_tasks(session, today, owners=(TaskOwner.NEW_HIRE,), mentor=False,
                                                   overdue=False)).items():
        for due, tasks in _by_due(rows).items():
            with force_locale(messages.language_for(tasks[0].locale)):
                when, count = _long(due), len(tasks)
                yield reminders.Reminder(
                    kind=DUE_NEW_HIRE, user_id=user_id, key=f"enrollment:{tasks[0].task.enrollment_id}:due:{due}",
                    context={"name": tasks[0].recipient, "checklist_link": link, "due_date": when, "count": str(count),
                             "tasks": "\n".join(_("- %(title)s", title=t.task.title) for t in tasks),
                             "company_name": _company()},
                    digest_line=ngettext("Onboarding: %(num)d task due %(date)s: %(link)s",
                                         "Onboarding: %(num)d tasks due %(date)s: %(link)s", count, date=when,
                                         link=link))


@reminders.source(OVERDUE_NEW_HIRE, label=_l("Onboarding tasks overdue (your own checklist)"))
def tasks_overdue_new_hire(session: Session, now: datetime):
    """To each new hire, once a week while any of their tasks is overdue: every overdue task."""
    today = company_date(now)
    link = site_link("dashboard.home")
    for user_id, tasks in _by_recipient(_open_tasks(session, today, owners=(TaskOwner.NEW_HIRE,), mentor=False,
                                                    overdue=True)).items():
        first = tasks[0]
        with force_locale(messages.language_for(first.locale)):
            count = len(tasks)
            yield reminders.Reminder(
                kind=OVERDUE_NEW_HIRE, user_id=user_id,
                key=f"enrollment:{first.task.enrollment_id}:overdue:{week_boundary(first.started_on, today)}",
                context={"name": first.recipient, "checklist_link": link, "count": str(count),
                         "tasks": "\n".join(_("- %(title)s (due %(date)s)", title=t.task.title, date=_long(t.due))
                                            for t in tasks),
                         "company_name": _company()},
                digest_line=ngettext("Onboarding: %(num)d task overdue: %(link)s",
                                     "Onboarding: %(num)d tasks overdue: %(link)s", count, link=link))


@reminders.source(DUE_MENTOR, label=_l("Onboarding tasks due soon (as a mentor)"))
def tasks_due_mentor(session: Session, now: datetime):
    """To each mentor, once per due day: the tasks they do for their new hires due today or tomorrow."""
    today = company_date(now)
    for user_id, rows in _by_recipient(_open_tasks(session, today, owners=(TaskOwner.MENTOR,), mentor=True,
                                                   overdue=False)).items():
        for due, tasks in _by_due(rows).items():
            with force_locale(messages.language_for(tasks[0].locale)):
                when, count, link = _long(due), len(tasks), _checklist_link(tasks)
                names = ", ".join(dict.fromkeys(t.new_hire for t in tasks))
                yield reminders.Reminder(
                    kind=DUE_MENTOR, user_id=user_id, key=f"mentor:due:{due}",
                    context={"mentor": tasks[0].recipient, "checklist_link": link, "due_date": when,
                             "count": str(count), "tasks": _mentor_lines(tasks, with_due=False),
                             "company_name": _company()},
                    digest_line=ngettext("Mentor: %(num)d onboarding task due %(date)s (%(names)s): %(link)s",
                                         "Mentor: %(num)d onboarding tasks due %(date)s (%(names)s): %(link)s",
                                         count, date=when, names=names, link=link))


@reminders.source(OVERDUE_MENTOR, label=_l("Onboarding tasks overdue (as a mentor)"))
def tasks_overdue_mentor(session: Session, now: datetime):
    """To each mentor, once a week while anything is overdue: their new hires' overdue tasks and their own."""
    today = company_date(now)
    for user_id, tasks in _by_recipient(_open_tasks(session, today, owners=(TaskOwner.NEW_HIRE, TaskOwner.MENTOR),
                                                    mentor=True, overdue=True)).items():
        occasion = max(week_boundary(t.started_on, today) for t in tasks)
        with force_locale(messages.language_for(tasks[0].locale)):
            count, link = len(tasks), _checklist_link(tasks)
            names = ", ".join(dict.fromkeys(t.new_hire for t in tasks))
            yield reminders.Reminder(
                kind=OVERDUE_MENTOR, user_id=user_id, key=f"mentor:overdue:{occasion}",
                context={"mentor": tasks[0].recipient, "checklist_link": link, "count": str(count),
                         "tasks": _mentor_lines(tasks, with_due=True), "company_name": _company()},
                digest_line=ngettext("Mentor: %(num)d onboarding task overdue (%(names)s): %(link)s",
                                     "Mentor: %(num)d onboarding tasks overdue (%(names)s): %(link)s",
                                     count, names=names, link=link))


def _by_due(rows: list[_Open]) -> dict[date, list[_Open]]:
    grouped: dict[date, list[_Open]] = defaultdict(list)
    for row in rows:
        grouped[row.due].append(row)
    return grouped
