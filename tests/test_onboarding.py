"""The five-week programme: due dates, ticking and signing off, graduation, who may see and do what."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    Enrollment,
    EnrollmentTask,
    ProgrammeTask,
    Role,
    SignOff,
    TaskOwner,
)
from hiring.clock import company_today
from hiring.onboarding.enrolment import enrol
from hiring.onboarding.progress import (
    TaskFacts,
    TaskState,
    current_week,
    due_on,
    is_complete,
    task_state,
)
from tests import factories

MONDAY = date(2026, 11, 2)


# --- the calendar, pure -----------------------------------------------------------------------------------

def test_due_dates_fall_on_the_last_day_of_each_week():
    assert due_on(MONDAY, 1) == date(2026, 11, 8)   # Sunday of week 1
    assert due_on(MONDAY, 5) == date(2026, 12, 6)


@pytest.mark.parametrize("today,week", [
    (date(2026, 11, 1), 0), (MONDAY, 1), (date(2026, 11, 8), 1), (date(2026, 11, 9), 2),
    (date(2026, 12, 6), 5), (date(2027, 3, 1), 5),
])
def test_current_week(today, week):
    assert current_week(MONDAY, today) == week


def _facts(**kw):
    values = dict(week=1, required=True, needs_sign_off=False, done=False, signed_off=False)
    values.update(kw)
    return TaskFacts(**values)


def test_overdue_starts_the_day_after_the_due_date():
    assert task_state(_facts(), MONDAY, date(2026, 11, 8)) is TaskState.OPEN
    assert task_state(_facts(), MONDAY, date(2026, 11, 9)) is TaskState.OVERDUE
    assert task_state(_facts(required=False), MONDAY, date(2026, 11, 9)) is TaskState.OPEN
    assert task_state(_facts(done=True), MONDAY, date(2026, 11, 9)) is TaskState.DONE
    assert task_state(_facts(done=True, needs_sign_off=True), MONDAY, date(2026, 11, 9)) is TaskState.WAITING


def test_today_is_the_company_date_not_utc():
    # 23:30 UTC on Sunday is already Monday in Amsterdam (UTC+1 in November), and still Sunday in New York.
    late_sunday_utc = datetime(2026, 11, 8, 23, 30, tzinfo=timezone.utc)
    assert company_today(late_sunday_utc, "Europe/Amsterdam") == date(2026, 11, 9)
    assert company_today(late_sunday_utc, "America/New_York") == date(2026, 11, 8)
    amsterdam = company_today(late_sunday_utc, "Europe/Amsterdam")
    assert task_state(_facts(), MONDAY, amsterdam) is TaskState.OVERDUE
    assert task_state(_facts(), MONDAY, company_today(late_sunday_utc, "UTC")) is TaskState.OPEN


def test_graduation_needs_every_required_task_done_and_signed_off():
    signed = _facts(done=True, needs_sign_off=True, signed_off=True)
    assert is_complete([signed, _facts(done=True), _facts(required=False)])
    assert not is_complete([signed, _facts(done=True, needs_sign_off=True)])
    assert not is_complete([signed, _facts()])


# --- the database and the pages ------------------------------------------------------------------------------

def _programme():
    db.session.add_all([
        ProgrammeTask(week=1, position=0, title="Read the values", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.MENTOR),
        ProgrammeTask(week=1, position=1, title="Lunch with your mentor", owner=TaskOwner.MENTOR,
                      sign_off=SignOff.NONE),
        ProgrammeTask(week=2, position=0, title="Optional visit", owner=TaskOwner.NEW_HIRE, required=False),
        ProgrammeTask(week=5, position=0, title="Graduation talk", owner=TaskOwner.HR, sign_off=SignOff.NONE),
    ])
    db.session.flush()


def _new_hire(mentor=None, start: date | None = None, user=None):
    """A hire with a login, a mentor and an enrolment in the current programme."""
    user = user or factories.user(Role.NEW_HIRE)
    hire = factories.hire(start=start or date.today() - timedelta(days=3), user_id=user.id,
                          mentor_id=mentor.id if mentor else None)
    enrollment = enrol(db.session, hire, hire.start_date)
    db.session.commit()
    return user, enrollment


def _task(enrollment, title) -> EnrollmentTask:
    return next(t for t in enrollment.tasks if t.title == title)


def test_new_hire_ticks_their_task_and_waits_for_the_mentor(client, login_as, auth):
    _programme()
    mentor = factories.user(Role.INTERVIEWER, name="Mia Mentor")
    me = login_as(Role.NEW_HIRE)
    _me, enrollment = _new_hire(mentor, user=me)
    task = _task(enrollment, "Read the values")
    response = client.post(f"/onboarding/tasks/{task.id}/tick", data={f"tick{task.id}-note": "Loved it"})
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "Waiting for sign-off by the mentor" in html and "Note: Loved it" in html
    assert "1 task is waiting for a sign-off." in html
    # Unticking is allowed until it is signed off.
    assert client.post(f"/onboarding/tasks/{task.id}/untick").status_code == 302
    db.session.expire_all()
    assert db.session.get(EnrollmentTask, task.id).done_at is None
    client.post(f"/onboarding/tasks/{task.id}/tick", data={})
    auth.logout()
    auth.login(mentor.email)
    assert client.post(f"/onboarding/tasks/{task.id}/sign-off").status_code == 302
    auth.logout()
    auth.login(me.email)
    assert client.post(f"/onboarding/tasks/{task.id}/untick").status_code == 302
    db.session.expire_all()
    assert db.session.get(EnrollmentTask, task.id).done_at is not None  # signed off: not undone
    assert "Done" in client.get("/").get_data(as_text=True)


def test_new_hire_cannot_tick_a_mentors_task_or_see_another_checklist(client, login_as):
    _programme()
    me = login_as(Role.NEW_HIRE)
    _me, mine = _new_hire(user=me)
    _other, theirs = _new_hire()
    assert client.post(f"/onboarding/tasks/{_task(mine, 'Lunch with your mentor').id}/tick").status_code == 403
    assert client.post(f"/onboarding/tasks/{_task(theirs, 'Read the values').id}/tick").status_code == 403
    assert client.get(f"/onboarding/enrolments/{theirs.id}").status_code == 403
    assert client.get(f"/onboarding/enrolments/{mine.id}").status_code == 302  # their own lives on the home page
    assert client.get("/onboarding/").status_code == 403
    assert client.post(f"/onboarding/tasks/{_task(mine, 'Read the values').id}/sign-off").status_code == 403
    assert client.get("/onboarding/programme/").status_code == 403
    assert client.post("/onboarding/tasks/999999/tick").status_code == 404


def test_a_mentor_sees_only_their_own_new_hires(client, login_as):
    _programme()
    me = login_as(Role.INTERVIEWER)
    _mine_user, mine = _new_hire(me)
    other_mentor = factories.user(Role.INTERVIEWER)
    theirs_user, theirs = _new_hire(other_mentor)
    html = client.get("/onboarding/").get_data(as_text=True)
    assert mine.hire.user.name in html and theirs_user.name not in html
    assert client.get(f"/onboarding/enrolments/{mine.id}").status_code == 200
    assert client.get(f"/onboarding/enrolments/{theirs.id}").status_code == 403
    theirs_task = _task(theirs, "Read the values")
    theirs_task.done_at, theirs_task.done_by_id = datetime.now(timezone.utc), theirs_user.id
    db.session.commit()
    assert client.post(f"/onboarding/tasks/{theirs_task.id}/sign-off").status_code == 403
    assert client.post(f"/onboarding/tasks/{theirs_task.id}/send-back",
                       data={f"send_back{theirs_task.id}-comment": "x"}).status_code == 403


def test_send_back_needs_a_comment_and_reopen_is_for_hr(client, login_as, auth):
    _programme()
    mentor = login_as(Role.INTERVIEWER)
    user, enrollment = _new_hire(mentor)
    task = _task(enrollment, "Read the values")
    task.done_at, task.done_by_id = datetime.now(timezone.utc), user.id
    db.session.commit()
    empty = client.post(f"/onboarding/tasks/{task.id}/send-back", data={f"send_back{task.id}-comment": "  "})
    assert empty.status_code == 400
    assert re.search(rf'id="send_back{task.id}-comment-error"[^>]*>Say what is missing', empty.get_data(as_text=True))
    sent = client.post(f"/onboarding/tasks/{task.id}/send-back",
                       data={f"send_back{task.id}-comment": "Please add <b>one</b> example"})
    assert sent.status_code == 302
    page = client.get(f"/onboarding/enrolments/{enrollment.id}").get_data(as_text=True)
    assert "Sent back: Please add &lt;b&gt;one&lt;/b&gt; example" in page
    task = db.session.get(EnrollmentTask, task.id)
    task.done_at, task.done_by_id = datetime.now(timezone.utc), user.id
    db.session.commit()
    assert client.post(f"/onboarding/tasks/{task.id}/sign-off").status_code == 302
    assert client.post(f"/onboarding/tasks/{task.id}/reopen", data={}).status_code == 403
    auth.logout()
    hr = factories.user(Role.HR)
    db.session.commit()
    auth.login(hr.email)
    no_reason = client.post(f"/onboarding/tasks/{task.id}/reopen", data={f"reopen{task.id}-reason": ""})
    assert no_reason.status_code == 400 and "Give the reason for reopening the task." in no_reason.get_data(as_text=True)
    assert client.post(f"/onboarding/tasks/{task.id}/reopen",
                       data={f"reopen{task.id}-reason": "Signed off by mistake"}).status_code == 302
    db.session.expire_all()
    task = db.session.get(EnrollmentTask, task.id)
    assert task.signed_off_at is None and task.done_at is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "task_reopened"))
    assert event.actor_id == hr.id and event.details["reason"] == "Signed off by mistake"


def test_graduation_happens_when_the_last_required_task_is_signed_off(app):
    from hiring.onboarding import service

    _programme()
    mentor, hr = factories.user(Role.INTERVIEWER), factories.user(Role.HR)
    user, enrollment = _new_hire(mentor, start=date.today() - timedelta(days=34))
    today = date.today()
    service.tick(db.session, _task(enrollment, "Read the values").id, user, "", today)
    service.tick(db.session, _task(enrollment, "Lunch with your mentor").id, mentor, "", today)
    service.tick(db.session, _task(enrollment, "Graduation talk").id, hr, "", today)
    assert enrollment.completed_on is None  # still waiting for the mentor's sign-off; the optional task is not
    service.sign_off(db.session, _task(enrollment, "Read the values").id, mentor, today)
    assert enrollment.completed_on == today
    db.session.commit()
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "graduated")) == "graduated"


def test_editing_the_programme_leaves_running_enrolments_alone(client, login_as):
    _programme()
    login_as(Role.HR)
    _user, enrollment = _new_hire()
    before = [(t.week, t.title, t.required) for t in enrollment.tasks]
    first = db.session.scalar(sa.select(ProgrammeTask).where(ProgrammeTask.title == "Read the values"))
    edit = client.post(f"/onboarding/programme/tasks/{first.id}/edit", data={
        "week": "2", "title": "Read the values again", "description": "", "owner": "new_hire",
        "required": "y", "sign_off": "hr"})
    assert edit.status_code == 302
    assert client.post(f"/onboarding/programme/tasks/{first.id}/retire").status_code == 302
    added = client.post("/onboarding/programme/tasks", data={
        "week": "3", "title": "Shadow a team lead", "owner": "new_hire", "sign_off": "none"})
    assert added.status_code == 302
    db.session.expire_all()
    assert [(t.week, t.title, t.required) for t in db.session.get(Enrollment, enrollment.id).tasks] == before
    _later, later = _new_hire()
    titles = [t.title for t in later.tasks]
    assert "Shadow a team lead" in titles and "Read the values again" not in titles


def test_programme_form_errors_keep_what_was_typed(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/onboarding/programme/tasks", data={
        "week": "7", "title": "My <i>task</i>", "description": "Kept text", "owner": "mentor", "sign_off": "hr"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="week-error"[^>]*>Choose a week from 1 to 5', html)
    assert 'value="My &lt;i&gt;task&lt;/i&gt;"' in html and "Kept text" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeTask)) == 0


def test_default_programme_on_an_empty_install(client, login_as):
    login_as(Role.HR)
    assert "Start from the default five-week programme" in client.get("/onboarding/programme/").get_data(as_text=True)
    assert client.post("/onboarding/programme/default").status_code == 302
    weeks = set(db.session.scalars(sa.select(ProgrammeTask.week)))
    assert weeks == {1, 2, 3, 4, 5}
    client.post("/onboarding/programme/default")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeTask)) > 10  # not loaded twice
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeTask)) < 30


def test_programme_reorder(client, login_as):
    _programme()
    login_as(Role.HR)
    first = db.session.scalar(sa.select(ProgrammeTask).where(ProgrammeTask.title == "Read the values"))
    assert client.post(f"/onboarding/programme/tasks/{first.id}/move", data={"direction": "down"}).status_code == 302
    titles = db.session.scalars(sa.select(ProgrammeTask.title).where(ProgrammeTask.week == 1)
                                .order_by(ProgrammeTask.position)).all()
    assert titles == ["Lunch with your mentor", "Read the values"]
    client.post(f"/onboarding/programme/tasks/{first.id}/move", data={"direction": "down"})  # at the edge
    assert client.post(f"/onboarding/programme/tasks/{first.id}/move", data={"direction": "sideways"}).status_code == 302
    assert client.post("/onboarding/programme/tasks/999999/move", data={"direction": "up"}).status_code == 404


def test_cohort_list_shows_overdue_and_waiting_in_constant_queries(client, login_as, count_queries):
    _programme()
    login_as(Role.HR)
    user, enrollment = _new_hire(start=date.today() - timedelta(days=9))  # week 1 is past its due date
    with count_queries() as few:
        html = client.get("/onboarding/").get_data(as_text=True)
    assert user.name in html and "2 overdue" in html
    for _ in range(15):
        _new_hire(start=date.today() - timedelta(days=9))
    with count_queries() as many:
        html = client.get("/onboarding/").get_data(as_text=True)
    assert html.count("2 overdue") == 16
    assert many.count == few.count
    # Nor do the statements' parameters: the enrolments' tasks are chosen in SQL, not by a list of their ids
    # (PostgreSQL takes at most 65,535 parameters).
    assert [len(p) for p in many.parameters] == [len(p) for p in few.parameters]


def test_cohort_list_shows_the_newest_cohorts_and_one_at_a_time_on_request(client, login_as, count_queries,
                                                                            monkeypatch):
    from hiring.onboarding import views

    monkeypatch.setattr(views, "PEOPLE_PER_PAGE", 3)
    _programme()
    login_as(Role.HR)
    newest = date.today() - timedelta(days=2)
    earlier = newest - timedelta(days=7)
    stuck_since = date.today() - timedelta(days=400)
    people = {day: [_new_hire(start=day)[0].name for _ in range(n)]
              for day, n in ((newest, 2), (earlier, 2), (stuck_since, 1))}
    db.session.expire_all()
    with count_queries() as first_count:
        html = client.get("/onboarding/").get_data(as_text=True)
    # Every cohort is listed; only the newest, up to about a page of people, are shown in full.
    for day in people:
        assert f"cohort={day.isoformat()}" in html
    assert all(name in html for name in people[newest]) and not any(name in html for name in people[earlier])
    assert "1 person is stuck: still in the programme more than 10 weeks after starting." in html
    db.session.expire_all()
    with count_queries() as one_count:
        one = client.get(f"/onboarding/?cohort={stuck_since.isoformat()}").get_data(as_text=True)
    assert people[stuck_since][0] in one and not any(name in one for name in people[newest])
    assert "Stuck" in one and one_count.count == first_count.count
    assert client.get("/onboarding/?cohort=yesterday").status_code == 404
    assert client.get(f"/onboarding/?cohort={(newest + timedelta(days=1)).isoformat()}").status_code == 404


def test_cohort_list_shows_the_latest_graduates_only(client, login_as, monkeypatch):
    from hiring.onboarding import views

    monkeypatch.setattr(views, "GRADUATES_SHOWN", 2)
    _programme()
    login_as(Role.HR)
    names = []
    for i in range(3):
        user, enrollment = _new_hire(start=date.today() - timedelta(days=40 + i))
        enrollment.completed_on = date.today() - timedelta(days=i)
        names.append(user.name)
    db.session.commit()
    html = client.get("/onboarding/").get_data(as_text=True)
    assert names[0] in html and names[1] in html and names[2] not in html
    assert "The latest 2; the onboarding report lists everyone who graduated in the last year." in html


def test_recent_graduates_name_the_tasks_finished_after_their_due_date(app):
    from hiring.onboarding.queries import recent_graduates

    _programme()
    start = date.today() - timedelta(days=60)
    user, enrollment = _new_hire(start=start)
    at = lambda days: datetime.combine(start + timedelta(days=days), datetime.min.time(), timezone.utc)  # noqa: E731
    values, lunch, graduation = (_task(enrollment, t) for t in ("Read the values", "Lunch with your mentor",
                                                                 "Graduation talk"))
    values.done_at, values.done_by_id = at(2), user.id
    values.signed_off_at = at(7)  # week 1 is due on day 6: signed off a day late, so finished late
    lunch.done_at, lunch.done_by_id = at(6), user.id  # on its due date: on time
    graduation.done_at, graduation.done_by_id = at(36), user.id  # week 5 is due on day 34
    enrollment.completed_on = start + timedelta(days=36)
    db.session.commit()
    [graduate] = recent_graduates(db.session, date.today())
    assert graduate["name"] == user.name and graduate["days_late"] == 2
    assert graduate["late_tasks"] == ["Read the values", "Graduation talk"]


def test_a_big_cohort_is_shown_a_page_of_people_at_a_time(client, login_as, count_queries, monkeypatch):
    """At a million candidates a week's cohort is 400 people (400 kB of HTML): the list shows at most a page
    of people, a cohort cut short links to its own pages, and those page on by name."""
    from hiring.onboarding import views

    monkeypatch.setattr(views, "PEOPLE_PER_PAGE", 2)
    _programme()
    login_as(Role.HR)
    day = date.today() - timedelta(days=2)
    names = sorted(_new_hire(start=day)[0].name for _ in range(5))
    db.session.expire_all()
    html = client.get("/onboarding/").get_data(as_text=True)
    assert [n for n in names if n in html] == names[:2]
    assert f'href="/onboarding/?cohort={day.isoformat()}#cohort-{day.isoformat()}">All 5 new hires of this cohort' in html
    seen, url, counts = [], f"/onboarding/?cohort={day.isoformat()}", []
    while url:
        with count_queries() as counted:
            page = client.get(url).get_data(as_text=True)
        counts.append(counted.count)
        seen.extend(n for n in names if n in page)
        link = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = link.group(1).replace("&amp;", "&") if link else None
    assert seen == names and len(counts) == 3 and len(set(counts)) == 1, (seen, counts)
    assert "Page 3 of 3" in page
