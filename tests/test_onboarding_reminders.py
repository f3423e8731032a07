"""Onboarding reminders: tasks due soon and overdue, to the new hire and to their mentor (hiring/onboarding/
reminders.py): who gets what, on which occasion, in which language, with links that work, and nothing for what is
done, graduated or ended."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select as sa_select
from flask_babel import force_locale
from flask_babel import gettext as _

from hiring.extensions import db
from hiring.models import EndReason, ProgrammeTask, Role, SignOff, TaskOwner, utcnow
from hiring.onboarding.enrolment import enrol
from hiring.onboarding.reminders import (
    DUE_MENTOR,
    DUE_NEW_HIRE,
    OVERDUE_MENTOR,
    OVERDUE_NEW_HIRE,
    tasks_due_mentor,
    tasks_due_new_hire,
    tasks_overdue_mentor,
    tasks_overdue_new_hire,
    week_boundary,
)
from hiring.mail import reminders
from tests import factories

MONDAY = date(2026, 11, 2)  # week 1 is due on Sunday 8 November; its tasks are overdue from Monday 9
BASE = "http://hiring.test"


def at(day: date, hour: int = 11) -> datetime:
    """Noon in Amsterdam (UTC+1 in November) on `day`, as the engine passes it."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


SATURDAY, SUNDAY, NEXT_MONDAY = at(date(2026, 11, 7)), at(date(2026, 11, 8)), at(date(2026, 11, 9))


@pytest.fixture
def site(app, monkeypatch):
    """Links built on PUBLIC_BASE_URL, as `flask send-reminders` builds them outside a request."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    return app


def _programme():
    db.session.add_all([
        ProgrammeTask(week=1, position=0, title="Read the values", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.MENTOR),
        ProgrammeTask(week=1, position=1, title="Meet the team", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.NONE),
        ProgrammeTask(week=1, position=2, title="Lunch with your new hire", owner=TaskOwner.MENTOR,
                      sign_off=SignOff.NONE),
        ProgrammeTask(week=1, position=3, title="Optional visit", owner=TaskOwner.NEW_HIRE, required=False),
        ProgrammeTask(week=1, position=4, title="Payroll papers", owner=TaskOwner.HR, sign_off=SignOff.NONE),
        ProgrammeTask(week=2, position=0, title="Shadow a call", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.NONE),
    ])
    db.session.flush()


def _new_hire(mentor=None, start: date = MONDAY, locale: str | None = None, name: str | None = None):
    user = factories.user(Role.NEW_HIRE, name=name)
    user.locale = locale
    hire = factories.hire(start=start, user_id=user.id, mentor_id=mentor.id if mentor else None)
    enrollment = enrol(db.session, hire, start)
    db.session.commit()
    return user, enrollment


def _task(enrollment, title):
    return next(t for t in enrollment.tasks if t.title == title)


def _run(source, now):
    return list(source(db.session, now))


def test_the_sources_are_registered_and_may_be_switched_off(app):
    for kind in (DUE_NEW_HIRE, OVERDUE_NEW_HIRE, DUE_MENTOR, OVERDUE_MENTOR):
        assert reminders.SOURCES[kind].optional is True
        assert len(kind) <= 40


def test_new_hire_hears_of_their_own_required_tasks_due_tomorrow_once_per_due_day(site):
    _programme()
    mentor = factories.user(Role.INTERVIEWER)
    user, enrollment = _new_hire(mentor, name="Sam Jansen")
    assert _run(tasks_due_new_hire, at(date(2026, 11, 6))) == []  # Friday: due in two days, not yet
    [reminder] = _run(tasks_due_new_hire, SATURDAY)
    assert reminder.kind == DUE_NEW_HIRE and reminder.user_id == user.id
    assert reminder.key == f"enrollment:{enrollment.id}:due:2026-11-08"
    # One message listing the week's tasks; not the optional one, nor the mentor's or HR's.
    assert reminder.context["tasks"] == "- Read the values\n- Meet the team"
    assert reminder.context["count"] == "2" and reminder.context["name"] == "Sam Jansen"
    assert reminder.context["due_date"] == "Sunday, November 8, 2026"
    assert reminder.context["checklist_link"] == BASE + "/"
    assert reminder.digest_line == f"Onboarding: 2 tasks due Sunday, November 8, 2026: {BASE}/"
    # On the due day itself the same occasion (the engine sends a key once), the day after it is overdue.
    assert [r.key for r in _run(tasks_due_new_hire, SUNDAY)] == [reminder.key]
    assert _run(tasks_due_new_hire, NEXT_MONDAY) == []


def test_done_tasks_are_not_due_and_a_sent_back_one_is(site):
    _programme()
    user, enrollment = _new_hire()
    read, meet = _task(enrollment, "Read the values"), _task(enrollment, "Meet the team")
    read.done_at, read.done_by_id = utcnow(), user.id  # done, waiting for the mentor's sign-off
    meet.sent_back_comment = "Say whom you met"  # sent back: to do again
    db.session.commit()
    [reminder] = _run(tasks_due_new_hire, SATURDAY)
    assert reminder.context["tasks"] == "- Meet the team"
    meet.done_at, meet.done_by_id, meet.sent_back_comment = utcnow(), user.id, None
    db.session.commit()
    assert _run(tasks_due_new_hire, SATURDAY) == []


def test_overdue_is_what_the_checklist_calls_overdue_once_a_week(site, client, auth):
    _programme()
    user, enrollment = _new_hire()
    read = _task(enrollment, "Read the values")
    read.sent_back_comment = "Once more"  # the checklist shows it as "sent back", not overdue
    db.session.commit()
    assert _run(tasks_overdue_new_hire, SUNDAY) == []  # due today is not overdue
    [monday] = _run(tasks_overdue_new_hire, NEXT_MONDAY)
    assert monday.kind == OVERDUE_NEW_HIRE and monday.user_id == user.id
    assert monday.context["tasks"] == "- Meet the team (due Sunday, November 8, 2026)"
    assert monday.key == f"enrollment:{enrollment.id}:overdue:2026-11-09"
    # The page the link leads to says the same.
    auth.login(user.email)
    page = client.get(urlsplit(monday.context["checklist_link"]).path).get_data(as_text=True)
    assert "Meet the team" in page and "Overdue" in page
    # The same occasion all week, a new one when the next week's tasks turn overdue, listing everything overdue.
    assert [r.key for r in _run(tasks_overdue_new_hire, at(date(2026, 11, 15)))] == [monday.key]
    [next_week] = _run(tasks_overdue_new_hire, at(date(2026, 11, 16)))
    assert next_week.key == f"enrollment:{enrollment.id}:overdue:2026-11-16"
    assert next_week.context["tasks"].splitlines() == [
        "- Meet the team (due Sunday, November 8, 2026)", "- Shadow a call (due Sunday, November 15, 2026)"]
    assert next_week.context["count"] == "2"


def test_week_boundary():
    assert week_boundary(MONDAY, date(2026, 11, 9)) == date(2026, 11, 9)
    assert week_boundary(MONDAY, date(2026, 11, 15)) == date(2026, 11, 9)
    assert week_boundary(MONDAY, date(2026, 11, 16)) == date(2026, 11, 16)


def test_the_mentor_hears_of_their_own_tasks_due_and_of_everything_overdue(site, client, auth):
    _programme()
    mentor = factories.user(Role.INTERVIEWER, name="Mia Mentor")
    user, enrollment = _new_hire(mentor, name="Sam Jansen")
    [due] = _run(tasks_due_mentor, SATURDAY)
    assert due.kind == DUE_MENTOR and due.user_id == mentor.id and due.key == "mentor:due:2026-11-08"
    assert due.context["tasks"] == "Sam Jansen\n- Lunch with your new hire"
    assert due.context["mentor"] == "Mia Mentor" and due.context["count"] == "1"
    assert due.context["checklist_link"] == f"{BASE}/onboarding/enrolments/{enrollment.id}"
    assert "Sam Jansen" in due.digest_line
    [overdue] = _run(tasks_overdue_mentor, NEXT_MONDAY)
    assert overdue.kind == OVERDUE_MENTOR and overdue.user_id == mentor.id
    assert overdue.key == "mentor:overdue:2026-11-09"
    assert overdue.context["tasks"].splitlines() == [
        "Sam Jansen", "- Read the values (due Sunday, November 8, 2026)",
        "- Meet the team (due Sunday, November 8, 2026)",
        "- Lunch with your new hire (yours; due Sunday, November 8, 2026)"]
    # The new hire hears only of their own; nobody of HR's task or the optional one.
    assert "Lunch" not in _run(tasks_overdue_new_hire, NEXT_MONDAY)[0].context["tasks"]
    auth.login(mentor.email)
    page = client.get(urlsplit(overdue.context["checklist_link"]).path)
    assert page.status_code == 200 and "Lunch with your new hire" in page.get_data(as_text=True)


def test_a_mentor_of_a_cohort_gets_one_message_naming_each_new_hire(site, client, auth):
    _programme()
    mentor = factories.user(Role.INTERVIEWER)
    _new_hire(mentor, name="Ann Aalders")
    _new_hire(mentor, name="Bob Bakker")
    _new_hire(factories.user(Role.INTERVIEWER), name="Cas Claes")  # another mentor's
    [due] = [r for r in _run(tasks_due_mentor, SATURDAY) if r.user_id == mentor.id]
    assert due.context["tasks"] == "Ann Aalders\n- Lunch with your new hire\n\nBob Bakker\n- Lunch with your new hire"
    assert due.context["count"] == "2" and due.context["checklist_link"] == f"{BASE}/onboarding/"
    auth.login(mentor.email)
    page = client.get(urlsplit(due.context["checklist_link"]).path).get_data(as_text=True)
    assert "Ann Aalders" in page and "Bob Bakker" in page and "Cas Claes" not in page
    assert len(_run(tasks_due_mentor, SATURDAY)) == 2  # the other mentor's is their own
    assert {r.user_id for r in _run(tasks_overdue_mentor, NEXT_MONDAY)} >= {mentor.id}


def test_dutch_for_a_dutch_recipient(site):
    _programme()
    mentor = factories.user(Role.INTERVIEWER)
    mentor.locale = "nl"
    _new_hire(mentor, locale="nl")
    [due] = _run(tasks_due_new_hire, SATURDAY)
    assert due.context["due_date"] == "zondag 8 november 2026"
    with force_locale("nl"):
        expected = _("- %(title)s (yours; due %(date)s)", title="Lunch with your new hire",
                     date="zondag 8 november 2026")
    [overdue] = _run(tasks_overdue_mentor, NEXT_MONDAY)
    assert expected in overdue.context["tasks"]
    [mentor_due] = _run(tasks_due_mentor, SATURDAY)
    assert "zondag 8 november 2026" in mentor_due.digest_line and mentor_due.context["due_date"].startswith("zondag")


@pytest.mark.parametrize("closed", ["graduated", "ended", "login_closed", "stuck"])
def test_nothing_for_graduates_people_who_left_closed_logins_or_the_stuck(site, closed):
    _programme()
    mentor = factories.user(Role.INTERVIEWER)
    user, enrollment = _new_hire(mentor)
    if closed == "graduated":
        enrollment.completed_on = date(2026, 11, 8)
    elif closed == "ended":
        enrollment.hire.end_date, enrollment.hire.end_reason = date(2026, 11, 5), EndReason.RESIGNED
    elif closed == "login_closed":
        user.active = False
    db.session.commit()
    now = NEXT_MONDAY + timedelta(days=71) if closed == "stuck" else NEXT_MONDAY
    assert _run(tasks_overdue_new_hire, now) == []
    assert _run(tasks_due_new_hire, SATURDAY if closed != "stuck" else now) == []
    if closed == "login_closed":  # the mentor still hears of a new hire whose login is closed while employed
        assert len(_run(tasks_overdue_mentor, now)) == 1
    else:
        assert _run(tasks_overdue_mentor, now) == []


def test_a_closed_mentor_login_gets_nothing(site):
    _programme()
    mentor = factories.user(Role.INTERVIEWER, active=False)
    _new_hire(mentor)
    db.session.commit()
    assert _run(tasks_due_mentor, SATURDAY) == [] and _run(tasks_overdue_mentor, NEXT_MONDAY) == []
    assert len(_run(tasks_overdue_new_hire, NEXT_MONDAY)) == 1


def test_one_query_per_source_whatever_the_number_of_new_hires(site, count_queries):
    _programme()
    mentors = [factories.user(Role.INTERVIEWER) for _ in range(3)]
    for n in range(9):
        _new_hire(mentors[n % 3], start=MONDAY - timedelta(days=7 * (n % 2)))
    db.session.expire_all()
    for source, now, expected in ((tasks_due_new_hire, SATURDAY, 9), (tasks_overdue_new_hire, NEXT_MONDAY, 9),
                                  (tasks_due_mentor, SATURDAY, 3), (tasks_overdue_mentor, NEXT_MONDAY, 3)):
        with count_queries() as counter:
            produced = _run(source, now)
        assert len(produced) == expected, source.__name__
        assert counter.count == 1, (source.__name__, counter.statements)



def test_end_to_end_through_send_reminders_and_the_mail_server(site, runner, client, auth, monkeypatch):
    from babel.dates import format_date as babel_date

    from hiring import clock
    from hiring.models import NotificationOptOut, OutboxMessage
    from tests.mail_helpers import SmtpServer

    _programme()
    today = clock.today()
    mentor = factories.user(Role.INTERVIEWER, name="Mia Mentor")  # no language chosen: the company's (English)
    user, enrollment = _new_hire(mentor, start=today - timedelta(days=8), locale="nl", name="Sam Jansen")
    other_mentor = factories.user(Role.INTERVIEWER)
    other, _other_enrollment = _new_hire(other_mentor, start=today - timedelta(days=8))
    db.session.add(NotificationOptOut(user_id=other_mentor.id, kind=OVERDUE_MENTOR))  # switched off
    db.session.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "3 reminders queued." in result.output and "1 reminder not sent: switched off" in result.output
    rows = {(m.user_id, m.kind): m for m in db.session.scalars(sa_select(OutboxMessage))}
    assert set(rows) == {(user.id, OVERDUE_NEW_HIRE), (mentor.id, OVERDUE_MENTOR), (other.id, OVERDUE_NEW_HIRE)}
    mine, mentors = rows[(user.id, OVERDUE_NEW_HIRE)], rows[(mentor.id, OVERDUE_MENTOR)]
    due = today - timedelta(days=2)
    assert mine.recipient == user.email and mine.language == "nl"
    assert "- Read the values (" in mine.text_body and babel_date(due, "full", locale="nl") in mine.text_body
    assert f"{BASE}/" in mine.text_body and f'<a href="{BASE}/">' in mine.html_body
    assert "Lunch" not in mine.text_body
    assert mentors.recipient == mentor.email and mentors.language == "en"
    assert mentors.subject == "Overdue onboarding tasks of your new hires"
    assert "Sam Jansen\n- Read the values" in mentors.text_body
    assert f"(yours; due {babel_date(due, 'full', locale='en')})" in mentors.text_body
    # Sent once: the next run finds them sent.
    assert "0 reminders queued." in runner.invoke(args=["send-reminders"]).output
    # Through a real SMTP server, in each recipient's language.
    server = SmtpServer()
    for key, value in server.settings().items():
        monkeypatch.setitem(site.config, key, value)
    server.start()
    try:
        assert "3 messages sent." in runner.invoke(args=["send-mail"]).output
        arrived = {str(m["To"]): m for m in server.handler.messages()}
    finally:
        server.stop()
    assert arrived[user.email]["Content-Language"] == "nl" and arrived[mentor.email]["Content-Language"] == "en"
    # The links work for their signed-in recipient.
    auth.login(user.email)
    page = client.get(urlsplit(f"{BASE}/").path)
    assert page.status_code == 200 and "Read the values" in page.get_data(as_text=True)
    auth.logout()
    auth.login(mentor.email)
    link = f"{BASE}/onboarding/enrolments/{enrollment.id}"
    assert link in mentors.text_body
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and "Lunch with your new hire" in page.get_data(as_text=True)
