"""Scheduling an interview: times typed in a zone and kept in UTC, invitations with an .ics that calendars
accept, updates and cancellations in order (SEQUENCE, METHOD:CANCEL), bad input beside its field."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from hiring.clock import today
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.interviews import schedule
from hiring.models import AuditEvent, InterviewAssignment, InterviewKind, OutboxMessage, Role, Stage
from hiring.tasks import runner as task_runner
from tests import factories

AMSTERDAM = "Europe/Amsterdam"


@pytest.fixture(autouse=True)
def dispatched(monkeypatch):
    """Messages stay queued: nothing is handed to a thread that would outlive the test."""
    handed = []
    monkeypatch.setattr(task_runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append(task_id))
    return handed


@pytest.fixture
def world(app, login_as):
    """A recruiter signed in, and an interviewer (who reads Dutch) assigned to an open application."""
    recruiter = login_as(Role.RECRUITER)
    interviewer = factories.user(Role.INTERVIEWER, name="Iris Interviewer")
    interviewer.locale = "nl"
    job = factories.job("Customer loyalty lead")
    candidate = factories.candidate("Zoë Candidate", "zoe.candidate@example.test")
    application = factories.application(job, candidate, stage=Stage.INTERVIEWING)
    assignment = factories.assignment(application, interviewer, InterviewKind.VALUES)
    db.session.commit()
    return {"recruiter": recruiter, "interviewer": interviewer, "assignment_id": assignment.id,
            "candidate": candidate, "job": job}


def _in_ten_days(days: int = 10) -> date:
    return today() + timedelta(days=days)


def _form(**over) -> dict:
    data = {"day": _in_ten_days().isoformat(), "time": "10:30", "duration_minutes": "45", "time_zone": AMSTERDAM,
            "location": "Room 4, Keizersgracht 1", "video_link": "https://meet.example.com/abc-defg",
            "send_invitations": "y"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, assignment_id: int, **over):
    return client.post(f"/interviews/{assignment_id}/schedule", data=_form(**over))


def _assignment(assignment_id: int) -> InterviewAssignment:
    db.session.expire_all()
    return db.session.get(InterviewAssignment, assignment_id)


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _event(message: OutboxMessage):
    (attachment,) = message.attachments
    calendar = Calendar.from_ical(attachment.content)
    (event,) = calendar.walk("VEVENT")
    return attachment, calendar, event


def _expected_start(day: date, clock: str, zone: str = AMSTERDAM) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def test_scheduling_sends_two_invitations_whose_ics_parses_back_to_the_same_event(client, world, app):
    response = _post(client, world["assignment_id"])
    assert response.status_code == 302, response.get_data(as_text=True)
    assignment = _assignment(world["assignment_id"])
    start = _expected_start(_in_ten_days(), "10:30")
    assert assignment.scheduled_for == start and assignment.duration_minutes == 45
    assert assignment.time_zone == AMSTERDAM and assignment.calendar_sequence == 0
    to_candidate, to_interviewer = _messages()
    assert (to_candidate.kind, to_candidate.recipient, to_candidate.language, to_candidate.candidate_id) == (
        "interview_invitation_candidate", "zoe.candidate@example.test", "en", world["candidate"].id)
    assert (to_interviewer.kind, to_interviewer.recipient, to_interviewer.language, to_interviewer.user_id) == (
        "interview_invitation_interviewer", world["interviewer"].email, "nl", world["interviewer"].id)
    uid = f"assignment-{assignment.id}@localhost"
    for message in (to_candidate, to_interviewer):
        attachment, calendar, event = _event(message)
        assert attachment.content_type == "text/calendar; method=REQUEST" and attachment.filename.endswith(".ics")
        assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0" and calendar["PRODID"]
        assert str(event["UID"]) == uid and event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
        assert event.start == start and event.end == start + timedelta(minutes=45)
        assert "Room 4, Keizersgracht 1" in str(event["LOCATION"]) and event["DTSTAMP"]
        assert str(event["ORGANIZER"]) == "mailto:no-reply@localhost"
        assert "Customer loyalty lead" in str(event["SUMMARY"])
    assert str(_event(to_candidate)[2]["ATTENDEE"]) == "mailto:zoe.candidate@example.test"
    assert _event(to_candidate)[2]["URL"] == "https://meet.example.com/abc-defg"
    # The interviewer's calendar copy cannot be erased: it never names the candidate.
    interviewer_ics = to_interviewer.attachments[0].content.decode()
    assert "Zo" not in interviewer_ics.replace("\r\n ", "") and "zoe.candidate" not in interviewer_ics
    assert str(_event(to_interviewer)[2]["ATTENDEE"]) == f"mailto:{world['interviewer'].email}"
    link = str(_event(to_interviewer)[2]["URL"])
    assert link.endswith(f"/pipeline/applications/{assignment.application_id}")
    # The messages: the candidate greeted by name in the company's language, links that work.
    assert "Zoë Candidate" in to_candidate.text_body and "10:30" in to_candidate.text_body
    assert "Zoë" not in to_interviewer.text_body and link in to_interviewer.text_body
    client.post("/logout")
    client.post("/login", data={"email": world["interviewer"].email, "password": factories.PASSWORD})
    assert client.get(link.removeprefix("http://localhost")).status_code == 200
    (event,) = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "interview_scheduled")).all()
    assert event.entity_id == assignment.id and event.details == {
        "application_id": assignment.application_id, "sequence": 0, "messages": 2}


def test_rescheduling_raises_the_sequence_under_the_same_uid_and_cancelling_sends_method_cancel(client, world):
    assignment_id = world["assignment_id"]
    assert _post(client, assignment_id).status_code == 302
    assert _post(client, assignment_id, time="14:00").status_code == 302
    assert _assignment(assignment_id).calendar_sequence == 1
    first, _second, update, update_interviewer = _messages()
    assert update.kind == "interview_invitation_candidate"
    assert str(_event(update)[2]["UID"]) == str(_event(first)[2]["UID"])
    assert _event(update)[2]["SEQUENCE"] == 1 and _event(update_interviewer)[2]["SEQUENCE"] == 1
    assert _event(update)[2].start == _expected_start(_in_ten_days(), "14:00")
    # The same time and place again: nothing written, nothing sent.
    assert _post(client, assignment_id, time="14:00").status_code == 302
    assert len(_messages()) == 4 and _assignment(assignment_id).calendar_sequence == 1
    response = client.post(f"/interviews/{assignment_id}/schedule/cancel", data={"send_cancellations": "y"})
    assert response.status_code == 302
    assignment = _assignment(assignment_id)
    assert assignment.scheduled_for is None and assignment.calendar_sequence == 2
    cancel_candidate, cancel_interviewer = _messages()[4:]
    assert cancel_candidate.kind == "interview_cancellation_candidate"
    assert cancel_interviewer.kind == "interview_cancellation_interviewer"
    for message in (cancel_candidate, cancel_interviewer):
        attachment, calendar, event = _event(message)
        assert attachment.content_type == "text/calendar; method=CANCEL"
        assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2
        assert str(event["UID"]) == str(_event(first)[2]["UID"])
        assert event.start == _expected_start(_in_ten_days(), "14:00")  # the time that is cancelled
    # Scheduled again after a cancellation: newer than the cancellation.
    assert _post(client, assignment_id).status_code == 302
    assert _assignment(assignment_id).calendar_sequence == 3 and _event(_messages()[-1])[2]["SEQUENCE"] == 3
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity_type == "interview_assignment")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["interview_scheduled", "interview_rescheduled", "interview_unscheduled", "interview_scheduled"]


def test_without_invitations_nothing_is_sent_but_the_time_is_kept(client, world):
    assert _post(client, world["assignment_id"], send_invitations=None).status_code == 302
    assert _assignment(world["assignment_id"]).scheduled_for is not None and _messages() == []
    response = client.post(f"/interviews/{world['assignment_id']}/schedule/cancel", data={})
    assert response.status_code == 302 and _messages() == []
    assert _assignment(world["assignment_id"]).calendar_sequence == 1


def _spring_gap_day(after: date) -> date:
    """The next last Sunday of March (Europe's clocks go from 02:00 to 03:00) after `after`."""
    year = after.year
    while True:
        day = date(year, 3, 31)
        day -= timedelta(days=(day.weekday() + 1) % 7)
        if day > after:
            return day
        year += 1


def test_the_times_follow_daylight_saving_time(app):
    summer, winter = date(2030, 7, 1), date(2030, 1, 7)
    assert schedule.to_utc(summer, time(10, 0), AMSTERDAM) == datetime(2030, 7, 1, 8, 0, tzinfo=timezone.utc)
    assert schedule.to_utc(winter, time(10, 0), AMSTERDAM) == datetime(2030, 1, 7, 9, 0, tzinfo=timezone.utc)
    # 02:30 on the last Sunday of October happens twice: the first (summer time) is meant.
    assert schedule.to_utc(date(2030, 10, 27), time(2, 30), AMSTERDAM) == datetime(2030, 10, 27, 0, 30,
                                                                                   tzinfo=timezone.utc)
    with pytest.raises(DomainError) as error:
        schedule.to_utc(date(2030, 3, 31), time(2, 30), AMSTERDAM)
    assert error.value.field == "time"
    assert schedule.to_utc(date(2030, 3, 31), time(2, 30), "America/New_York").hour == 6


def test_a_time_the_clocks_skip_is_refused_beside_the_time_and_what_was_typed_stays(client, world):
    day = _spring_gap_day(today())
    if day > today() + timedelta(days=schedule.FUTURE_DAYS):
        pytest.skip("no spring change within the window")
    response = _post(client, world["assignment_id"], day=day.isoformat(), time="02:30", location="Room 9¾")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = html.split('id="time-error"')[1].split("</p>")[0]
    assert "does not exist" in error and "Room 9¾" in html and 'value="02:30"' in html
    assert _assignment(world["assignment_id"]).scheduled_for is None and _messages() == []


@pytest.mark.parametrize("field, value", [
    ("duration_minutes", "4"), ("duration_minutes", "481"), ("duration_minutes", "sixty"),
    ("duration_minutes", "9" * 40), ("time_zone", "Mars/Olympus_Mons"), ("time_zone", "../../etc/passwd"),
    ("time_zone", ""), ("video_link", "http://meet.example.com/x"), ("video_link", "javascript:alert(1)"),
    ("video_link", "https://"), ("video_link", "https://user:pw@meet.example.com/"),
    ("video_link", "https://meet.example.com/" + "x" * 500), ("location", "x" * 201), ("day", "2026-02-30"),
    ("day", "1999-01-01"), ("day", ""), ("time", "25:00"), ("time", ""),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(client, world, field, value):
    response = _post(client, world["assignment_id"], **{field: value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html, html
    assert _assignment(world["assignment_id"]).scheduled_for is None and _messages() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.entity_type == "interview_assignment")) == 0


def test_a_place_or_a_link_is_needed(client, world):
    response = _post(client, world["assignment_id"], location="", video_link="")
    assert response.status_code == 400 and 'id="location-error"' in response.get_data(as_text=True)


def test_a_video_link_alone_will_do_and_is_kept_with_its_scheme_in_lower_case(client, world):
    assert _post(client, world["assignment_id"], location="", video_link="HTTPS://Meet.example.com/A").status_code == 302
    assignment = _assignment(world["assignment_id"])
    assert assignment.location is None and assignment.video_link == "https://Meet.example.com/A"


def test_the_form_starts_in_the_company_zone_and_shows_a_scheduled_time_in_its_own(client, world):
    html = client.get(f"/interviews/{world['assignment_id']}/schedule").get_data(as_text=True)
    assert f'value="{AMSTERDAM}"' in html and 'name="send_invitations" type="checkbox" value="y"' in html
    assert "checked" in html.split('name="send_invitations"')[0].rsplit("<input", 1)[1] + \
        html.split('name="send_invitations"')[1].split(">")[0]
    assert _post(client, world["assignment_id"], time_zone="America/New_York", time="09:15").status_code == 302
    html = client.get(f"/interviews/{world['assignment_id']}/schedule").get_data(as_text=True)
    assert 'value="America/New_York"' in html and 'value="09:15"' in html


def test_only_open_applications_are_scheduled(client, world):
    assignment = _assignment(world["assignment_id"])
    assignment.application.stage = Stage.REJECTED
    db.session.commit()
    assert _post(client, world["assignment_id"]).status_code == 409
    assert _assignment(world["assignment_id"]).scheduled_for is None and _messages() == []


def test_cancelling_what_is_not_scheduled_is_a_conflict(client, world):
    response = client.post(f"/interviews/{world['assignment_id']}/schedule/cancel", data={"send_cancellations": "y"})
    assert response.status_code == 409 and _assignment(world["assignment_id"]).calendar_sequence == 0


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_the_recruiting_roles_schedule(client, auth, world, role):
    _post(client, world["assignment_id"])
    auth.logout()
    user = factories.user(role)
    db.session.commit()
    auth.login(user.email)
    url = f"/interviews/{world['assignment_id']}"
    assert client.get(f"{url}/schedule").status_code == 403
    assert client.post(f"{url}/schedule", data=_form(time="16:00")).status_code == 403
    assert client.post(f"{url}/schedule/cancel", data={"send_cancellations": "y"}).status_code == 403
    assert _assignment(world["assignment_id"]).calendar_sequence == 0 and len(_messages()) == 2


def test_the_assigned_interviewer_may_not_schedule_either(client, auth, world):
    auth.logout()
    auth.login(world["interviewer"].email)
    assert client.get(f"/interviews/{world['assignment_id']}/schedule").status_code == 403


def test_unknown_assignments_are_404(client, world):
    assert client.get("/interviews/999999/schedule").status_code == 404
    assert client.post("/interviews/999999/schedule", data=_form()).status_code == 404
    assert client.post("/interviews/999999/schedule/cancel", data={}).status_code == 404


def test_an_anonymised_candidate_gets_nothing_and_the_interviewer_still_does(client, world):
    candidate = world["candidate"]
    db.session.get(type(candidate), candidate.id).anonymised_at = datetime.now(timezone.utc)
    db.session.commit()
    assert _post(client, world["assignment_id"]).status_code == 302
    assert [m.kind for m in _messages()] == ["interview_invitation_interviewer"]


def test_the_candidate_page_links_to_scheduling(client, world):
    html = client.get(f"/pipeline/candidates/{world['candidate'].id}").get_data(as_text=True)
    assert f'href="/interviews/{world["assignment_id"]}/schedule"' in html


def test_the_invitation_arrives_at_a_real_smtp_server_with_a_calendar_part(client, world, app, monkeypatch):
    from hiring.mail import sending
    from tests.mail_helpers import SmtpServer

    server = SmtpServer()
    for key, value in server.settings().items():
        monkeypatch.setitem(app.config, key, value)
    server.start()
    try:
        assert _post(client, world["assignment_id"]).status_code == 302
        message_ids = [m.id for m in _messages()]
        db.session.rollback()  # no read left open while the sender writes
        assert [sending.send(message_id) for message_id in message_ids] == [sending.SENT_NOW] * 2
    finally:
        server.stop()
    to_candidate, to_interviewer = server.handler.messages()
    assert to_candidate["To"] == "zoe.candidate@example.test" and "Customer loyalty lead" in to_candidate["Subject"]
    (part,) = list(to_candidate.iter_attachments())
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert event.start == _expected_start(_in_ten_days(), "10:30") and event["SEQUENCE"] == 0
    assert to_interviewer["To"] == world["interviewer"].email
    assert "/pipeline/applications/" in to_interviewer.get_body(("html",)).get_content()


@pytest.mark.parametrize("column, value", [("duration_minutes", 4), ("duration_minutes", 481),
                                           ("video_link", "http://meet.example.com/x"), ("calendar_sequence", -1),
                                           ("location", "   ")])
def test_the_database_refuses_what_the_form_refuses(app, column, value):
    from sqlalchemy.exc import IntegrityError

    assignment = factories.assignment()
    db.session.commit()
    setattr(assignment, column, value)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
