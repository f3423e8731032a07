"""The Offer's reminders to the new hire (hiring/offer/reminders.py): the offer is made (its window opens), and its
deadline nears; in their language, with a link to where they decide, and nothing for decided or expired offers or
people who left."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.mail import reminders
from hiring.models import (
    EndReason,
    Enrollment,
    NotificationOptOut,
    NotificationPreference,
    OfferDecision,
    OfferPolicy,
    OutboxMessage,
    Role,
    utcnow,
)
from hiring.offer import service
from hiring.offer.reminders import DEADLINE_NEARS, WINDOW_OPENS, deadline_nears, offer_made
from tests import factories

BASE = "http://hiring.test"
MADE = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)  # Monday 10:00 in Amsterdam; decide within 7 days
DEADLINE = "Monday, December 14, 2026, 10:00\u202fAM (Europe/Amsterdam)"  # CLDR: a narrow space before AM


@pytest.fixture
def site(app, monkeypatch):
    """Links built on PUBLIC_BASE_URL, as `flask send-reminders` builds them outside a request."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    return app


def _offer(made: datetime = MADE, locale: str | None = None, name: str | None = None, user=None):
    """A graduate with a login, made The Offer at `made` under the policy in force."""
    user = user or factories.user(Role.NEW_HIRE, name=name)
    user.locale = locale
    start = made.date() - timedelta(days=40)
    hire = factories.hire(start=start, user_id=user.id)
    db.session.add(Enrollment(hire=hire, started_on=start, completed_on=start + timedelta(days=34)))
    db.session.flush()
    offer = service.make_offer(db.session, hire.id, actor_id=factories.user(Role.HR).id, now=made,
                               today=made.date())
    db.session.commit()
    return user, offer


def _run(source, now):
    return list(source(db.session, now))


def test_neither_can_be_switched_off(app):
    assert reminders.SOURCES[WINDOW_OPENS].optional is False
    assert reminders.SOURCES[DEADLINE_NEARS].optional is False
    assert WINDOW_OPENS not in {s.kind for s in reminders.optional_sources()}


def test_the_new_hire_hears_when_the_offer_is_made(site):
    user, offer = _offer(name="Sam Jansen")
    [reminder] = _run(offer_made, MADE + timedelta(minutes=15))
    assert reminder.kind == WINDOW_OPENS and reminder.user_id == user.id and reminder.key == f"offer:{offer.id}:opens"
    assert reminder.context == {"name": "Sam Jansen", "amount": "€4,000.00",
                                "deadline": DEADLINE,
                                "offer_link": BASE + "/", "company_name": site.config["COMPANY_NAME"]}
    assert reminder.digest_line == f"The Offer: €4,000.00 to leave; decide by {DEADLINE}: {BASE}/"
    # Until the deadline: the engine sends the key once, whenever it first sees it.
    assert len(_run(offer_made, MADE + timedelta(days=6))) == 1
    assert _run(offer_made, MADE + timedelta(days=7, seconds=1)) == []  # expired: counts as staying


def test_dutch_for_a_dutch_new_hire(site):
    _offer(locale="nl")
    [reminder] = _run(offer_made, MADE + timedelta(hours=1))
    assert reminder.context["amount"] == "€\xa04.000,00"
    assert reminder.context["deadline"].startswith("maandag 14 december 2026")
    [near] = _run(deadline_nears, MADE + timedelta(days=5))
    assert near.context["deadline"] == reminder.context["deadline"] and "maandag 14 december" in near.digest_line


def test_the_deadline_reminder_goes_within_three_days_of_it(site):
    user, offer = _offer()
    assert _run(deadline_nears, MADE + timedelta(days=3, hours=23)) == []  # more than three days left
    [near] = _run(deadline_nears, MADE + timedelta(days=4, hours=1))
    assert near.kind == DEADLINE_NEARS and near.user_id == user.id and near.key == f"offer:{offer.id}:deadline"
    assert near.context["days"] == "2" and near.context["offer_link"] == BASE + "/"
    assert near.digest_line == f"The Offer: decide by {DEADLINE} (2 days left): {BASE}/"
    assert _run(deadline_nears, MADE + timedelta(days=7, seconds=1)) == []


def test_how_early_is_a_setting(site, monkeypatch):
    _offer()
    monkeypatch.setitem(site.config, "OFFER_REMINDER_DAYS", 5)
    assert len(_run(deadline_nears, MADE + timedelta(days=2, hours=1))) == 1


def test_no_deadline_reminder_when_the_offer_gave_less_time_than_that(site):
    db.session.add(OfferPolicy(amount_minor=400_000, currency="USD", decision_days=2, updated_at=MADE))
    db.session.commit()
    _offer()
    assert len(_run(offer_made, MADE + timedelta(hours=1))) == 1  # which already says the deadline
    assert _run(deadline_nears, MADE + timedelta(days=1)) == []


@pytest.mark.parametrize("closed", ["stayed", "taken", "expired", "resigned", "login_closed"])
def test_nothing_for_decided_or_expired_offers_or_people_who_left(site, closed):
    user, offer = _offer()
    if closed == "expired":  # written down by `flask expire-offers`
        service.expire_overdue(db.session, MADE + timedelta(days=8))
    elif closed in ("stayed", "taken"):
        service.decide(db.session, offer.id, OfferDecision(closed), actor=user, now=MADE + timedelta(days=1),
                       today=MADE.date())
    elif closed == "resigned":
        offer.hire.end_date, offer.hire.end_reason = MADE.date(), EndReason.RESIGNED
    else:
        user.active = False
    db.session.commit()
    now = MADE + timedelta(days=5)
    assert _run(offer_made, now) == [] and _run(deadline_nears, now) == []


def test_one_query_per_source(site, count_queries):
    for _ in range(4):
        _offer()
    db.session.expire_all()
    for source in (offer_made, deadline_nears):
        with count_queries() as counter:
            assert len(_run(source, MADE + timedelta(days=5))) == 4
        assert counter.count == 1, counter.statements


def test_the_link_leads_the_signed_in_new_hire_to_the_decision(site, client, auth):
    user, offer = _offer(made=utcnow() - timedelta(hours=1))
    [reminder] = _run(offer_made, utcnow())
    auth.login(user.email)
    home = client.get(urlsplit(reminder.context["offer_link"]).path)
    html = home.get_data(as_text=True)
    assert home.status_code == 200 and "Take the money and leave" in html
    assert f"/offer/{offer.id}/decide?choice=stayed" in html
    assert client.get(f"/offer/{offer.id}/decide?choice=stayed").status_code == 200


def test_end_to_end_immediately_and_through_the_mail_server(site, runner, monkeypatch):
    from tests.mail_helpers import SmtpServer

    # Made five days ago: both the offer and its near deadline are news to a first run.
    user, offer = _offer(made=utcnow() - timedelta(days=5), locale="nl")
    db.session.add(NotificationOptOut(user_id=user.id, kind=WINDOW_OPENS))  # cannot be switched off: ignored
    db.session.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "2 reminders queued." in result.output
    rows = {m.kind: m for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id))}
    assert set(rows) == {WINDOW_OPENS, DEADLINE_NEARS}
    assert all(m.recipient == user.email and m.language == "nl" for m in rows.values())
    assert "€\xa04.000,00" in rows[WINDOW_OPENS].text_body and f"{BASE}/" in rows[DEADLINE_NEARS].text_body
    assert f'<a href="{BASE}/">' in rows[WINDOW_OPENS].html_body
    assert "0 reminders queued." in runner.invoke(args=["send-reminders"]).output  # once
    server = SmtpServer()
    for key, value in server.settings().items():
        monkeypatch.setitem(site.config, key, value)
    server.start()
    try:
        assert "2 messages sent." in runner.invoke(args=["send-mail"]).output
        arrived = server.handler.messages()
    finally:
        server.stop()
    assert [str(m["To"]) for m in arrived] == [user.email] * 2
    assert {m["Content-Language"] for m in arrived} == {"nl"}


def test_in_the_daily_digest_for_who_chose_it(site, runner, monkeypatch):
    user, _offer_row = _offer(made=utcnow() - timedelta(hours=2))
    db.session.add(NotificationPreference(user_id=user.id, delivery="digest"))
    db.session.commit()
    monkeypatch.setitem(site.config, "REMINDER_DIGEST_HOUR", 0)  # the digest's hour has come, whenever it runs
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 daily digest queued, holding 1 reminders." in result.output
    [digest] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id)).all()
    assert "- The Offer: €4,000.00 to leave; decide by" in digest.text_body
    assert f'<a href="{BASE}/">' in digest.html_body

