"""Reminders (hiring/mail/reminders.py, reminder_engine.py) and the scorecard reminder (hiring/interviews/
reminders.py): due after SCORECARD_REMINDER_HOURS, once, in the recipient's language and chosen delivery (at
once or in a daily digest), never to deactivated users, never twice when two runs overlap."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hiring.extensions import db
from hiring.interviews.reminders import SCORECARD_REMINDER
from hiring.mail import reminder_engine, reminders
from hiring.mail.reminder_engine import DIGEST_KIND
from hiring.models import (
    MessageTemplate,
    NotificationOptOut,
    NotificationPreference,
    OutboxMessage,
    ReminderSent,
    Role,
    ScorecardStatus,
    Stage,
    utcnow,
)
from tests import factories

BASE = "http://localhost"
# 10:00 in Amsterdam (CEST, UTC+2): after the default digest hour (08:00).
NOW = datetime(2026, 6, 15, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _scorecards_only(app, monkeypatch):
    """Only the scorecard source runs (other features' sources have tests of their own), and links are built
    on PUBLIC_BASE_URL as for a command run by cron."""
    reminder_engine.load_sources()
    monkeypatch.setattr(reminders, "SOURCES", {SCORECARD_REMINDER: reminders.SOURCES[SCORECARD_REMINDER]})
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    monkeypatch.setitem(app.config, "SCORECARD_REMINDER_HOURS", 24)
    monkeypatch.setitem(app.config, "REMINDER_DIGEST_HOUR", 8)


def overdue(interviewer=None, *, ended_hours_ago: float = 30, now: datetime | None = None,
            stage: Stage = Stage.INTERVIEWING, duration: int = 60, job_title: str | None = None):
    """An assignment whose interview ended `ended_hours_ago` before `now`, without a scorecard."""
    now = now or utcnow()
    job = factories.job(title=job_title) if job_title else None
    assignment = factories.assignment(factories.application(job, stage=stage), interviewer)
    assignment.duration_minutes = duration
    assignment.scheduled_for = now - timedelta(hours=ended_hours_ago, minutes=duration)
    db.session.flush()
    return assignment


def queued(kind: str = SCORECARD_REMINDER) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def run(now: datetime = NOW) -> reminder_engine.Summary:
    db.session.commit()
    return reminder_engine.run(db.session, now)


def prefer(user, delivery: str = "immediate", off: tuple[str, ...] = ()) -> None:
    db.session.add(NotificationPreference(user_id=user.id, delivery=delivery))
    db.session.add_all(NotificationOptOut(user_id=user.id, kind=kind) for kind in off)
    db.session.flush()


# --- the scorecard reminder --------------------------------------------------------------------------------

def test_the_reminder_arrives_over_smtp_and_its_link_opens_the_scorecard(app, client, auth, runner, monkeypatch):
    from hiring.mail import sending
    from tests.mail_helpers import SmtpServer

    interviewer = factories.user(Role.INTERVIEWER, name="Iris Interviewer")
    assignment = overdue(interviewer, job_title="Night shift lead")
    db.session.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminder queued." in result.output
    assert "Iris" not in result.output and interviewer.email not in result.output  # counts only

    (message,) = queued()
    assert (message.recipient, message.user_id, message.language) == (interviewer.email, interviewer.id, "en")
    message_id = message.id
    server = SmtpServer()
    for key, value in server.settings().items():
        monkeypatch.setitem(app.config, key, value)
    server.start()
    try:
        db.session.rollback()  # no read left open while the sender writes
        assert sending.send(message_id) == sending.SENT_NOW
    finally:
        server.stop()
    (mail,) = server.handler.messages()
    assert mail["To"] == interviewer.email
    assert mail["Subject"] == "Your scorecard is overdue: Values interview for Night shift lead"
    text = mail.get_body(("plain",)).get_content()
    link = f"{BASE}/interviews/{assignment.id}/scorecard"
    assert "Hello Iris Interviewer," in text and link in text
    assert f'href="{link}"' in mail.get_body(("html",)).get_content()

    assert auth.login(interviewer.email).status_code == 302
    page = client.get(link.removeprefix(BASE))
    assert page.status_code == 200 and "Night shift lead" in page.get_data(as_text=True)


def test_in_the_recipients_language_with_the_companys_dutch_wording(app):
    dutch = factories.user(Role.INTERVIEWER, name="Daan")
    dutch.locale = "nl"
    english = factories.user(Role.INTERVIEWER, name="Emma")
    english.locale = "en"
    overdue(dutch, now=NOW, job_title="Nachtploeg")
    overdue(english, now=NOW, job_title="Night shift")
    db.session.add(MessageTemplate(kind=SCORECARD_REMINDER, language="nl",
                                   subject="Scorekaart te laat: {{ interview }} voor {{ job }}",
                                   body="Hoi {{ interviewer }}, vul je scorekaart in ({{ when }}): {{ scorecard_link }}"))
    assert run().sent == 2
    by_user = {m.user_id: m for m in queued()}
    nl, en = by_user[dutch.id], by_user[english.id]
    assert nl.language == "nl" and nl.subject == "Scorekaart te laat: Waarden voor Nachtploeg"
    # The interview began on Sunday 14 June 2026 at 03:00 in Amsterdam.
    assert "Hoi Daan" in nl.text_body and "zondag" in nl.text_body and "/scorecard" in nl.text_body
    assert en.language == "en" and "Sunday" in en.text_body
    assert en.subject.startswith("Your scorecard is overdue")


def test_sent_once_only(app, runner):
    overdue()
    db.session.commit()
    assert "1 reminder queued." in runner.invoke(args=["send-reminders"]).output
    assert "0 reminders queued." in runner.invoke(args=["send-reminders"]).output
    assert len(queued()) == 1
    assert db.session.scalar(sa.select(ReminderSent.key)).startswith("assignment:")


def test_not_before_the_configured_hours_after_the_interview_ended(app, monkeypatch):
    interviewer = factories.user(Role.INTERVIEWER)
    overdue(interviewer, ended_hours_ago=23, now=NOW)
    assert run().sent == 0
    monkeypatch.setitem(app.config, "SCORECARD_REMINDER_HOURS", 2)
    assert run().sent == 1


@pytest.mark.parametrize("case", ["submitted", "closed", "older than the window", "not scheduled", "draft"])
def test_only_for_open_applications_of_the_window_without_a_submitted_scorecard(app, case):
    from hiring.interviews.agenda import OVERDUE_DAYS

    assignment = overdue(now=NOW, stage=Stage.REJECTED if case == "closed" else Stage.INTERVIEWING)
    if case in ("submitted", "draft"):
        card = factories.scorecard(assignment)
        if case == "submitted":
            card.status, card.submitted_at, card.recommendation = ScorecardStatus.SUBMITTED, NOW, "yes"
    elif case == "older than the window":
        assignment.scheduled_for = NOW - timedelta(days=OVERDUE_DAYS, hours=1)
    elif case == "not scheduled":
        assignment.scheduled_for = None
    assert run().sent == (1 if case == "draft" else 0)


def test_switched_off_is_not_sent_and_switched_on_again_is(app):
    interviewer = factories.user(Role.INTERVIEWER)
    prefer(interviewer, off=(SCORECARD_REMINDER,))
    overdue(interviewer, now=NOW)
    summary = run()
    assert (summary.sent, summary.switched_off) == (0, 1) and queued() == []
    db.session.execute(sa.delete(NotificationOptOut))
    assert run().sent == 1


def test_a_reminder_that_cannot_be_switched_off_is_sent_anyway(app, monkeypatch):
    source = reminders.SOURCES[SCORECARD_REMINDER]
    monkeypatch.setitem(reminders.SOURCES, SCORECARD_REMINDER,
                        reminders.Source(source.kind, source.label, False, source.produce))
    interviewer = factories.user(Role.INTERVIEWER)
    prefer(interviewer, off=(SCORECARD_REMINDER,))
    overdue(interviewer, now=NOW)
    assert run().sent == 1


def test_deactivated_users_and_users_without_an_address_get_nothing(app):
    gone = factories.user(Role.INTERVIEWER, active=False)
    nowhere = factories.user(Role.INTERVIEWER)
    nowhere.email = ""
    overdue(gone, now=NOW)
    overdue(nowhere, now=NOW)
    summary = run()
    assert summary.sent == 0 and summary.unreachable == 1  # the deactivated one is not even produced
    assert queued() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 0


def test_the_source_reads_in_a_bounded_number_of_queries(app, count_queries):
    def counted(n: int) -> int:
        for _ in range(n):
            overdue(now=NOW)
        db.session.commit()
        with count_queries() as counter:
            produced = list(reminders.SOURCES[SCORECARD_REMINDER].produce(db.session, NOW))
        db.session.rollback()
        return len(produced), counter.count

    assert counted(2) == (2, 1) and counted(4) == (6, 1)


def test_a_run_reads_in_a_bounded_number_of_queries(app, count_queries):
    def counted(n: int) -> tuple[int, int]:
        for _ in range(n):
            overdue(now=NOW)
        db.session.commit()
        with count_queries() as counter:
            plan = reminder_engine.collect(db.session, NOW)
        return sum(len(v) for v in plan.due.values()), counter.count

    (two, fewer), (seven, more) = counted(2), counted(5)
    assert (two, seven) == (2, 7) and fewer == more


# --- the daily digest --------------------------------------------------------------------------------------

def test_the_digest_collects_the_reminders_into_one_message_once_a_day(app):
    interviewer = factories.user(Role.INTERVIEWER, name="Dina")
    prefer(interviewer, "digest")
    early = NOW.replace(hour=5)  # 07:00 in Amsterdam: before the digest hour
    overdue(interviewer, now=early, job_title="Cashier")
    overdue(interviewer, now=early, job_title="Baker")

    summary = run(early)
    assert (summary.sent, summary.digests, summary.waiting) == (0, 0, 2) and queued(DIGEST_KIND) == []

    summary = run(NOW)
    assert (summary.digests, summary.in_digests) == (1, 2)
    (digest,) = queued(DIGEST_KIND)
    assert digest.recipient == interviewer.email and queued() == []
    assert digest.subject == "Your reminders for today (2)"
    assert "Hello Dina," in digest.text_body
    lines = [line for line in digest.text_body.splitlines() if line.startswith("- Scorecard overdue")]
    assert len(lines) == 2 and "Cashier" in "".join(lines) and "Baker" in "".join(lines)
    assert f"{BASE}/interviews/" in digest.html_body and f'href="{BASE}/interviews/' in digest.html_body
    assert f"{BASE}/account/notifications" in digest.text_body

    # Later that day: a new reminder waits for tomorrow's digest; the sent ones never come again.
    overdue(interviewer, now=NOW, job_title="Driver")
    summary = run(NOW + timedelta(hours=3))
    assert (summary.digests, summary.waiting) == (0, 1) and len(queued(DIGEST_KIND)) == 1
    summary = run(NOW + timedelta(days=1))
    assert (summary.digests, summary.in_digests) == (1, 1)
    assert "Driver" in queued(DIGEST_KIND)[1].text_body and "Cashier" not in queued(DIGEST_KIND)[1].text_body


def test_the_digest_hour_is_the_companys(app, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_DIGEST_HOUR", 11)
    interviewer = factories.user(Role.INTERVIEWER)
    prefer(interviewer, "digest")
    overdue(interviewer, now=NOW)
    assert run(NOW).digests == 0  # 10:00 in Amsterdam
    assert run(NOW + timedelta(hours=1)).digests == 1


def test_a_digest_in_dutch(app):
    interviewer = factories.user(Role.INTERVIEWER)
    interviewer.locale = "nl"
    prefer(interviewer, "digest")
    overdue(interviewer, now=NOW)
    assert run().digests == 1
    (digest,) = queued(DIGEST_KIND)
    assert digest.language == "nl" and "Waarden" in digest.text_body and "zondag" in digest.text_body


# --- at most once, even when two runs overlap --------------------------------------------------------------

def test_the_database_refuses_a_second_row_for_the_same_reminder(app):
    user = factories.user(Role.INTERVIEWER)
    db.session.add(ReminderSent(kind=SCORECARD_REMINDER, user_id=user.id, key="assignment:1", delivery="immediate"))
    db.session.commit()
    db.session.add(ReminderSent(kind=SCORECARD_REMINDER, user_id=user.id, key="assignment:1", delivery="digest"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("delivery", ["immediate", "digest"])
def test_a_run_that_loses_the_race_queues_nothing(app, delivery):
    interviewer = factories.user(Role.INTERVIEWER)
    prefer(interviewer, delivery)
    overdue(interviewer, now=NOW)
    db.session.commit()
    late = reminder_engine.collect(db.session, NOW)  # this run has read, then another one does it all
    first = reminder_engine.run(db.session, NOW)
    assert first.sent + first.digests == 1
    second = reminder_engine.deliver(db.session, late)
    assert (second.sent, second.digests) == (0, 0)
    assert second.taken == (1 if delivery == "immediate" else 0)  # a digest user: today's went out, seen first
    assert len(queued()) + len(queued(DIGEST_KIND)) == 1


def test_after_a_lost_race_the_reminders_nobody_sent_still_go(app):
    interviewer = factories.user(Role.INTERVIEWER)
    overdue(interviewer, now=NOW)
    db.session.commit()
    first = reminder_engine.collect(db.session, NOW)
    overdue(interviewer, now=NOW)  # due only for the later run
    db.session.commit()
    second = reminder_engine.collect(db.session, NOW)
    reminder_engine.deliver(db.session, first)
    assert reminder_engine.deliver(db.session, second).sent == 1
    assert len(queued()) == 2


def test_two_runs_at_the_same_moment_send_each_reminder_once(app):
    from tests.test_pg_races import holding

    interviewers = [factories.user(Role.INTERVIEWER) for _ in range(3)]
    for interviewer in interviewers:
        overdue(interviewer, now=NOW)
    db.session.commit()
    barrier = threading.Barrier(2)
    summaries, errors = [], []

    def one_run() -> None:
        try:
            with app.app_context():
                plan = reminder_engine.collect(db.session, NOW)
                barrier.wait(timeout=30)
                summaries.append(reminder_engine.deliver(db.session, plan))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
            barrier.abort()

    # On PostgreSQL both runs are held at their first insert until both wait there, so that they collide.
    with holding("reminders_sent", "SHARE") as waiting_for:
        threads = [threading.Thread(target=one_run) for _ in range(2)]
        for thread in threads:
            thread.start()
        waiting_for(2, give_up=lambda: bool(errors))
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(s.sent for s in summaries)[1] >= 1 and sum(s.sent for s in summaries) == 3
    assert sorted(m.user_id for m in queued()) == sorted(u.id for u in interviewers)


# --- the preferences page ----------------------------------------------------------------------------------

def _audit(user_id: int) -> list:
    from hiring.models import AuditEvent

    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "notification_preferences_changed",
                                                               AuditEvent.entity_id == user_id)))


def test_the_profile_leads_to_the_preferences_which_default_to_everything_at_once(client, login_as):
    login_as(Role.INTERVIEWER)
    assert 'href="/account/notifications"' in client.get("/account/profile").get_data(as_text=True)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert f'value="{SCORECARD_REMINDER}" checked' in page.replace('checked type="checkbox"', "")\
        or f'checked id="kinds-0" name="kinds" type="checkbox" value="{SCORECARD_REMINDER}"' in page
    assert 'value="immediate" checked' in page or 'checked id="delivery-0"' in page


def test_saving_preferences_switches_off_chooses_the_digest_and_audits_codes_only(client, login_as):
    user = login_as(Role.INTERVIEWER, name="Private Person")
    response = client.post("/account/notifications", data={"delivery": "digest"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(NotificationPreference, user.id).delivery == "digest"
    assert list(db.session.scalars(sa.select(NotificationOptOut.kind))) == [SCORECARD_REMINDER]
    (event,) = _audit(user.id)
    assert event.details == {"before": {"delivery": "immediate", "off": []},
                             "after": {"delivery": "digest", "off": [SCORECARD_REMINDER]}}
    assert "Private" not in str(event.details)

    assert client.post("/account/notifications", data={"delivery": "immediate",
                                                       "kinds": [SCORECARD_REMINDER]}).status_code == 302
    db.session.expire_all()
    assert db.session.get(NotificationPreference, user.id).delivery == "immediate"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationOptOut)) == 0
    assert len(_audit(user.id)) == 2
    client.post("/account/notifications", data={"delivery": "immediate", "kinds": [SCORECARD_REMINDER]})
    assert len(_audit(user.id)) == 2  # nothing changed, nothing audited


@pytest.mark.parametrize("data", [{"delivery": "weekly"}, {}, {"delivery": "digest", "kinds": ["no_such_kind"]},
                                  {"delivery": "digest", "kinds": [SCORECARD_REMINDER, "x" * 500]}])
def test_bad_values_are_refused_next_to_the_field_and_nothing_is_saved(client, login_as, data):
    user = login_as(Role.RECRUITER)
    response = client.post("/account/notifications", data=data)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.get(NotificationPreference, user.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationOptOut)) == 0


def test_only_ones_own_preferences_can_be_changed(client, login_as):
    other = factories.user(Role.INTERVIEWER)
    prefer(other, "digest")
    db.session.commit()
    me = login_as(Role.INTERVIEWER)
    assert client.post(f"/account/notifications/{other.id}", data={"delivery": "immediate"}).status_code in (404, 405)
    client.post("/account/notifications", data={"delivery": "immediate", "user_id": str(other.id)})
    db.session.expire_all()
    assert db.session.get(NotificationPreference, other.id).delivery == "digest"
    assert db.session.get(NotificationPreference, me.id).delivery == "immediate"


def test_signed_out_nobody_sees_or_changes_preferences(client):
    assert "/login" in client.get("/account/notifications").headers["Location"]
    assert "/login" in client.post("/account/notifications", data={"delivery": "digest"}).headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationPreference)) == 0


def test_the_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = factories.user(Role.INTERVIEWER)
        db.session.commit()
        user_id, email = user.id, user.email
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert client.post("/account/notifications", data={"delivery": "digest"}).status_code == 400
    with app.app_context():
        assert db.session.get(NotificationPreference, user_id) is None
