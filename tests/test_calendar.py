"""An interviewer's agenda ("My interviews") and their private calendar feed."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from hiring.clock import today
from hiring.extensions import db
from hiring.interviews import feeds
from hiring.models import CalendarFeed, InterviewKind, Role, ScorecardStatus, Stage, utcnow
from hiring.interviews import agenda
from tests import factories


def _at(days: int, hour: int = 10) -> datetime:
    """A moment `days` from the company's today at `hour` there, in UTC."""
    day = today() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(timezone.utc)


def _interview(interviewer, days: int, *, hour: int = 10, name: str | None = None, title: str | None = None,
               **values):
    application = factories.application(factories.job(title), factories.candidate(name), stage=Stage.INTERVIEWING)
    assignment = factories.assignment(application, interviewer, InterviewKind.SKILLS)
    assignment.scheduled_for, assignment.time_zone = _at(days, hour), "Europe/Amsterdam"
    assignment.location = values.pop("location", "Room 1")
    for key, value in values.items():
        setattr(assignment, key, value)
    db.session.flush()
    return assignment


def _rows(html: str) -> list[str]:
    section = html.split('id="upcoming-title"')[1].split("</section>")[0]
    return re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S) if "<tbody>" in section else []


def test_the_agenda_lists_coming_interviews_in_order_in_the_company_zone(client, login_as):
    me = login_as(Role.INTERVIEWER)
    other = factories.user(Role.INTERVIEWER)
    later = _interview(me, 5, name="Later Person", video_link="https://meet.example.com/later")
    sooner = _interview(me, 1, hour=14, name="Sooner Person")
    _interview(other, 2, name="Not Mine")
    factories.assignment(factories.application(stage=Stage.INTERVIEWING), me)  # not scheduled
    db.session.commit()
    html = client.get("/calendar/").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 2 and "Sooner Person" in rows[0] and "Later Person" in rows[1] and "Not Mine" not in html
    assert "14:00" in rows[0] or "2:00" in rows[0]  # 14:00 in Amsterdam, whatever the season
    assert 'href="https://meet.example.com/later"' in rows[1]
    assert f'href="/interviews/{sooner.id}/scorecard"' in rows[0] and f"/interviews/{later.id}/scorecard" in rows[1]


def test_earlier_interviews_without_a_submitted_scorecard_are_flagged(client, login_as):
    me = login_as(Role.INTERVIEWER)
    waiting = _interview(me, -3, name="Waiting Person")
    done = _interview(me, -2, name="Done Person")
    factories.scorecard(done).status = ScorecardStatus.SUBMITTED
    scorecard = done.scorecard
    scorecard.submitted_at, scorecard.recommendation = utcnow(), "yes"
    _interview(me, 3, name="Coming Person")
    db.session.commit()
    html = client.get("/calendar/").get_data(as_text=True)
    overdue = html.split('id="overdue-title"')[1].split("</section>")[0]
    assert "1 earlier interview without a submitted scorecard" in overdue
    assert "Waiting Person" in overdue and "Scorecard due" in overdue and "Done Person" not in html
    assert f"/interviews/{waiting.id}/scorecard" in overdue
    assert "Coming Person" in _rows(html)[0] and "Scorecard due" not in _rows(html)[0]


def test_scorecards_due_look_back_ninety_days_on_open_applications_only(client, login_as):
    """An interviewer's whole history is not walked: older interviews, and those of closed applications, are
    not "due" any more (bench/RESULTS.md: 436 ms at a million candidates before)."""
    me = login_as(Role.INTERVIEWER)
    _interview(me, -10, name="Recent Person")
    _interview(me, -(agenda.OVERDUE_DAYS + 5), name="Long Ago Person")
    closed = _interview(me, -4, name="Rejected Person")
    closed.application.stage = Stage.REJECTED
    db.session.commit()
    overdue = client.get("/calendar/").get_data(as_text=True).split('id="overdue-title"')[1].split("</section>")[0]
    assert "Recent Person" in overdue and "1 earlier interview without a submitted scorecard" in overdue
    assert "Long Ago Person" not in overdue and "Rejected Person" not in overdue


def test_the_agenda_reads_a_page_in_the_same_number_of_queries_however_many_rows(client, login_as, count_queries):
    me = login_as(Role.INTERVIEWER)
    _interview(me, 1)
    _interview(me, -1)
    db.session.commit()
    with count_queries() as few:
        assert client.get("/calendar/").status_code == 200
    for days in range(2, 14):
        _interview(me, days)
        _interview(me, -days)
    db.session.commit()
    with count_queries() as many:
        html = client.get("/calendar/").get_data(as_text=True)
    assert len(_rows(html)) == 13
    assert many.count == few.count, many.statements


def test_the_agenda_pages_by_cursor(client, login_as):
    me = login_as(Role.INTERVIEWER)
    for days in range(1, 31):
        _interview(me, days, name=f"Person {days:02d}")
    db.session.commit()
    html = client.get("/calendar/").get_data(as_text=True)
    assert len(_rows(html)) == 25 and "Person 01" in _rows(html)[0]
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "after=" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert [("Person 26" in r) for r in _rows(second)][0] and len(_rows(second)) == 5


def test_only_people_who_interview_have_an_agenda(client, auth, login_as):
    assert client.get("/calendar/").status_code == 302  # to sign in
    login_as(Role.NEW_HIRE)
    assert client.get("/calendar/").status_code == 403
    assert client.post("/calendar/feed").status_code == 403
    assert db.session.query(CalendarFeed).count() == 0


def _feed_url(html: str) -> str:
    return re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', html).group(1)


def test_the_feed_works_without_a_session_names_no_candidate_and_resets(app, client, auth, login_as):
    me = login_as(Role.INTERVIEWER)
    coming = _interview(me, 2, name="Private Candidate", title="Support hero", calendar_sequence=3,
                        video_link="https://meet.example.com/x")
    _interview(me, -60, name="Long Ago")  # outside the feed's window
    _interview(factories.user(Role.INTERVIEWER), 2, name="Someone Else")
    db.session.commit()
    assert "calendar/" not in client.get("/calendar/").get_data(as_text=True).split('id="feed"')[1].split("form")[0]
    assert client.post("/calendar/feed").status_code == 302
    url = _feed_url(client.get("/calendar/").get_data(as_text=True))
    assert _feed_url(client.get("/calendar/").get_data(as_text=True)) == url  # shown again, the same
    path = url.removeprefix("http://localhost")
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    body = response.get_data()
    unfolded = body.decode().replace("\r\n ", "")
    assert "Private Candidate" not in unfolded and "Someone Else" not in unfolded and "Long Ago" not in unfolded
    assert "@example.test" not in unfolded
    calendar = Calendar.from_ical(body)
    assert "METHOD" not in calendar
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"assignment-{coming.id}@localhost" and event["SEQUENCE"] == 3
    assert event.start == coming.scheduled_for and event.end == coming.scheduled_for + timedelta(minutes=60)
    assert "Support hero" in str(event["SUMMARY"]) and "meet.example.com/x" in str(event["LOCATION"])
    assert str(event["URL"]) == f"http://localhost/pipeline/applications/{coming.application_id}"
    # The database keeps only the digest of the secret.
    row = db.session.get(CalendarFeed, me.id)
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    assert secret not in (row.nonce, row.token_digest) and row.token_digest == feeds.digest(secret)
    # Reset: a new address; the old one is as unknown as one never made.
    assert client.post("/calendar/feed").status_code == 302
    new_url = _feed_url(client.get("/calendar/").get_data(as_text=True))
    assert new_url != url
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(new_url.removeprefix("http://localhost")).status_code == 200


@pytest.mark.parametrize("path", ["/calendar/nothing.ics", "/calendar/" + "A" * 43 + ".ics", "/calendar/x.ics", "/calendar/%C3%A9t%C3%A9.ics",
                                  "/calendar/" + "b" * 101 + ".ics"])
def test_an_unknown_feed_is_404(client, path):
    assert client.get(path).status_code == 404


def test_a_deactivated_users_feed_stops(app, client, login_as):
    me = login_as(Role.INTERVIEWER)
    client.post("/calendar/feed")
    path = _feed_url(client.get("/calendar/").get_data(as_text=True)).removeprefix("http://localhost")
    db.session.get(type(me), me.id).active = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_a_new_secret_key_stops_every_address_and_the_page_offers_a_new_one(app, client, login_as, monkeypatch):
    login_as(Role.INTERVIEWER)
    client.post("/calendar/feed")
    path = _feed_url(client.get("/calendar/").get_data(as_text=True)).removeprefix("http://localhost")
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key")
    assert app.test_client().get(path).status_code == 404
    with app.test_request_context():
        assert feeds.secret_of(db.session, db.session.query(CalendarFeed).one().user_id) is None


def test_the_feed_is_read_in_the_same_number_of_queries_however_many_interviews(app, login_as, client, count_queries):
    me = login_as(Role.INTERVIEWER)
    _interview(me, 1)
    db.session.commit()
    client.post("/calendar/feed")
    path = _feed_url(client.get("/calendar/").get_data(as_text=True)).removeprefix("http://localhost")
    anonymous = app.test_client()
    with count_queries() as few:
        assert anonymous.get(path).status_code == 200
    for days in range(2, 12):
        _interview(me, days)
    db.session.commit()
    with count_queries() as many:
        assert len(Calendar.from_ical(anonymous.get(path).get_data()).walk("VEVENT")) == 11
    assert many.count == few.count
