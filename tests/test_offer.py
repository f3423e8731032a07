"""The Offer: policy, eligibility, one offer per hire, the decision and its deadline, who may decide, and
an admin's correction."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from hiring.errors import Conflict, Forbidden
from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    EndReason,
    Enrollment,
    OfferDecision,
    OfferPolicy,
    OfferTiming,
    QuitOffer,
    Role,
    User,
    utcnow,
)
from hiring.offer import service
from hiring.offer.policy import current_policy, to_minor
from tests import factories

TODAY = date.today()


def _graduate(start_days_ago: int = 40, graduated: bool = True, user=None):
    """A hire with a login whose enrolment is complete (or not)."""
    user = user or factories.user(Role.NEW_HIRE)
    hire = factories.hire(start=TODAY - timedelta(days=start_days_ago), user_id=user.id)
    db.session.add(Enrollment(hire=hire, started_on=hire.start_date,
                              completed_on=hire.start_date + timedelta(days=34) if graduated else None))
    db.session.commit()
    return hire


def _offer(hire, hr=None, days_ago: float = 0) -> QuitOffer:
    hr = hr or factories.user(Role.HR)
    offer = service.make_offer(db.session, hire.id, actor_id=hr.id, now=utcnow() - timedelta(days=days_ago),
                               today=TODAY)
    db.session.commit()
    return offer


def test_default_policy_and_money_in_minor_units(app):
    policy = current_policy(db.session)
    assert (policy.amount_minor, policy.currency, policy.timing, policy.decision_days) == (
        400_000, "EUR", OfferTiming.GRADUATION, 7)  # COMPANY_CURRENCY, EUR unless set
    assert to_minor("4,000.50", "USD") == 400_050
    assert to_minor("4000", "JPY") == 4000  # no minor unit


def test_only_graduates_are_eligible_and_one_offer_per_hire(app):
    graduate, trainee = _graduate(), _graduate(graduated=False)
    eligible = service.eligible_hires(db.session, TODAY)
    assert [h.id for h in eligible] == [graduate.id]
    offer = _offer(graduate)
    assert offer.amount_minor == 400_000 and offer.deadline - offer.offered_at == timedelta(days=7)
    with pytest.raises(Conflict):
        service.make_offer(db.session, graduate.id, actor_id=None, now=utcnow(), today=TODAY)
    with pytest.raises(Conflict):
        service.make_offer(db.session, trainee.id, actor_id=None, now=utcnow(), today=TODAY)


def test_after_week_policy(app):
    db.session.add(OfferPolicy(amount_minor=100_000, currency="EUR", timing=OfferTiming.AFTER_WEEK, after_week=2,
                               decision_days=3))
    in_week_3 = _graduate(start_days_ago=15, graduated=False)
    in_week_2 = _graduate(start_days_ago=10, graduated=False)
    assert [h.id for h in service.eligible_hires(db.session, TODAY)] == [in_week_3.id]
    offer = _offer(in_week_3)
    assert (offer.amount_minor, offer.currency) == (100_000, "EUR")
    assert in_week_2.id


def test_after_week_policy_at_the_boundary_and_in_few_queries(app):
    """Eligible the day after the week's last day (due_on), not on it; a graduate in week 1 is eligible too.
    Decided in SQL: the active hires who are not eligible never become objects."""
    from hiring.models import Hire

    db.session.add(OfferPolicy(amount_minor=100_000, currency="EUR", timing=OfferTiming.AFTER_WEEK, after_week=2,
                               decision_days=3))
    on_the_last_day = _graduate(start_days_ago=13, graduated=False)  # week 2 ends today: due today
    the_day_after = _graduate(start_days_ago=14, graduated=False)
    early_graduate = _graduate(start_days_ago=3)
    for days in range(5):
        _graduate(start_days_ago=days, graduated=False)
    ids = (on_the_last_day.id, the_day_after.id, early_graduate.id)
    db.session.remove()  # a new session: what it holds afterwards is what the query loaded
    eligible = service.eligible_hires(db.session, TODAY)
    assert {h.id for h in eligible} == {ids[1], ids[2]}
    loaded = [o for o in db.session.identity_map.values() if isinstance(o, Hire)]
    assert len(loaded) == 2  # the eight others stayed in the database


def test_one_hire_is_checked_by_the_lists_rule_without_reading_the_list(app, count_queries):
    """Making The Offer asks whether that one hire is eligible (the list's statement for one row): the same
    answer as the list for every hire, in one statement whatever the number of eligible hires."""
    db.session.add(OfferPolicy(amount_minor=100_000, currency="EUR", timing=OfferTiming.AFTER_WEEK, after_week=2,
                               decision_days=3))
    hires = [_graduate(start_days_ago=days, graduated=days == 3) for days in (3, 10, 13, 14, 30)]
    _offer(hires[-1])
    listed = {h.id for h in service.eligible_hires(db.session, TODAY)}
    assert listed == {hires[0].id, hires[3].id}
    assert {h.id for h in hires if service.is_eligible(db.session, h.id, TODAY)} == listed
    policy = current_policy(db.session)
    with count_queries() as counter:
        service.is_eligible(db.session, hires[0].id, TODAY, policy)
    assert counter.count == 1


def test_the_amount_is_fixed_when_the_offer_is_made(app):
    hire = _graduate()
    offer = _offer(hire)
    db.session.add(OfferPolicy(amount_minor=999_900, currency="USD"))
    db.session.commit()
    assert db.session.get(QuitOffer, offer.id).amount_minor == 400_000


def test_taking_the_money_ends_the_employment_and_the_login(app):
    user = factories.user(Role.NEW_HIRE)
    hire = _graduate(user=user)
    offer = _offer(hire)
    service.decide(db.session, offer.id, OfferDecision.TAKEN, actor=user, now=utcnow(), today=TODAY)
    db.session.commit()
    assert (hire.end_date, hire.end_reason) == (TODAY, EndReason.OFFER_ACCEPTED)
    assert offer.paid_minor == 400_000 and not user.active
    with pytest.raises(Conflict):
        service.decide(db.session, offer.id, OfferDecision.STAYED, actor=user, now=utcnow(), today=TODAY)


def test_a_decision_after_the_deadline_is_refused_and_counts_as_staying(app):
    user = factories.user(Role.NEW_HIRE)
    offer = _offer(_graduate(user=user), days_ago=8)
    with pytest.raises(Conflict) as refused:
        service.decide(db.session, offer.id, OfferDecision.TAKEN, actor=user, now=utcnow(), today=TODAY)
    assert "deadline" in refused.value.message
    assert service.effective_decision(offer, utcnow()) is OfferDecision.EXPIRED
    assert service.expire_overdue(db.session, utcnow()) == 1
    assert offer.decision is OfferDecision.EXPIRED and offer.decided_at == offer.deadline


def test_only_the_hire_hr_or_an_admin_may_decide(app):
    hire = _graduate()
    offer = _offer(hire)
    for role in (Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE):
        with pytest.raises(Forbidden):
            service.decide(db.session, offer.id, OfferDecision.STAYED, actor=factories.user(role), now=utcnow(),
                           today=TODAY)
    hr = factories.user(Role.HR)
    service.decide(db.session, offer.id, OfferDecision.STAYED, actor=hr, now=utcnow(), today=TODAY)
    assert offer.recorded_by_id == hr.id


def test_admin_corrects_a_wrong_entry_with_a_reason(client, login_as):
    admin = login_as(Role.ADMIN)
    user = factories.user(Role.NEW_HIRE)
    hire = _graduate(user=user)
    offer = _offer(hire)
    service.decide(db.session, offer.id, OfferDecision.TAKEN, actor=factories.user(Role.HR), now=utcnow(),
                   today=TODAY)
    db.session.commit()
    no_reason = client.post(f"/offer/{offer.id}/correct", data={"decision": "stayed", "reason": ""})
    assert no_reason.status_code == 400
    assert "Give the reason for the correction." in no_reason.get_data(as_text=True)
    ok = client.post(f"/offer/{offer.id}/correct", data={"decision": "stayed", "reason": "Clicked the wrong one"})
    assert ok.status_code == 302
    db.session.expire_all()
    offer, hire = db.session.get(QuitOffer, offer.id), db.session.get(type(hire), hire.id)
    assert offer.decision is OfferDecision.STAYED and offer.paid_minor is None
    assert hire.end_date is None and db.session.get(User, user.id).active
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "offer_corrected"))
    assert event.actor_id == admin.id and event.details["before"]["decision"] == "taken"
    assert event.details["reason"] == "Clicked the wrong one"


def test_hr_cannot_correct(client, login_as):
    login_as(Role.HR)
    offer = _offer(_graduate())
    assert client.get(f"/offer/{offer.id}/correct").status_code == 403


def test_new_hire_sees_the_offer_and_confirms_staying(client, login_as):
    me = login_as(Role.NEW_HIRE)
    offer = _offer(_graduate(user=me))
    home = client.get("/").get_data(as_text=True)
    assert "€4,000.00" in home and "Take the money and leave" in home
    confirm = client.get(f"/offer/{offer.id}/decide?choice=stayed").get_data(as_text=True)
    assert "You are choosing to stay." in confirm
    assert client.post(f"/offer/{offer.id}/decide", data={"choice": "stayed"}).status_code == 302
    assert "You chose to stay." in client.get("/").get_data(as_text=True)
    assert db.session.get(QuitOffer, offer.id).decision is OfferDecision.STAYED


def test_new_hire_takes_the_money_and_is_signed_out(client, login_as, auth):
    me = login_as(Role.NEW_HIRE)
    offer = _offer(_graduate(user=me))
    response = client.post(f"/offer/{offer.id}/decide", data={"choice": "taken"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/").status_code == 302  # signed out
    assert auth.login(me.email).status_code == 200  # and cannot sign in again


def test_someone_elses_offer_is_403_and_unknown_is_404(client, login_as):
    login_as(Role.NEW_HIRE)
    offer = _offer(_graduate())
    assert client.get(f"/offer/{offer.id}/decide?choice=stayed").status_code == 403
    assert client.post(f"/offer/{offer.id}/decide", data={"choice": "taken"}).status_code == 403
    assert client.get("/offer/424242/decide?choice=stayed").status_code == 404
    assert client.get("/offer/").status_code == 403


def test_hr_list_makes_offers_and_records_on_behalf(client, login_as, count_queries):
    login_as(Role.HR)
    hire = _graduate()
    html = client.get("/offer/").get_data(as_text=True)
    assert f"Make The Offer to {hire.user.name}" in html
    assert client.post(f"/offer/hires/{hire.id}/make").status_code == 302
    again = client.post(f"/offer/hires/{hire.id}/make", follow_redirects=True).get_data(as_text=True)
    assert "there is one per hire" in again
    offer = db.session.scalar(sa.select(QuitOffer))
    assert client.post(f"/offer/{offer.id}/decide", data={"choice": "stayed"}).status_code == 302
    assert db.session.get(QuitOffer, offer.id).recorded_by_id is not None
    db.session.expire_all()  # every request then loads what it needs, as in production
    with count_queries() as few:
        client.get("/offer/")
    for _ in range(10):
        _offer(_graduate())
    db.session.expire_all()
    with count_queries() as many:
        client.get("/offer/")
    assert many.count == few.count


def test_policy_form(client, login_as):
    login_as(Role.HR)
    bad = client.post("/offer/policy", data={"amount": "lots", "currency": "XYZ", "timing": "after_week",
                                             "decision_days": "0"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert 'value="lots"' in html and re.search(r'id="decision_days-error"', html)
    ok = client.post("/offer/policy", data={"amount": "2500", "currency": "eur", "timing": "after_week",
                                            "after_week": "3", "decision_days": "10"})
    assert ok.status_code == 302
    policy = current_policy(db.session)
    assert (policy.amount_minor, policy.currency, policy.after_week, policy.decision_days) == (250_000, "EUR", 3, 10)
    no_week = client.post("/offer/policy", data={"amount": "2500", "currency": "EUR", "timing": "after_week",
                                                 "decision_days": "10"})
    assert "Choose the week after which the offer is made" in no_week.get_data(as_text=True)


def test_expire_offers_command(runner):
    offer = _offer(_graduate(), days_ago=10)
    result = runner.invoke(args=["expire-offers"])
    assert "1 offer expired." in result.output
    assert db.session.get(QuitOffer, offer.id).decision is OfferDecision.EXPIRED


def test_times_are_utc(app):
    offer = _offer(_graduate())
    assert offer.offered_at.tzinfo is not None and offer.deadline > datetime.now(timezone.utc)


def test_decided_list_merges_decisions_and_expiries_newest_first_and_pages(app, monkeypatch):
    from hiring.offer import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    now = utcnow()
    closed = []  # (name, closed_at): decided ones close when decided, undecided ones at their deadline
    for i, (decided_days_ago, deadline_days_ago) in enumerate([(5, None), (None, 3), (1, None), (None, 8),
                                                               (None, -2)]):
        user = factories.user(Role.NEW_HIRE, name=f"Hire {i}")
        offer = QuitOffer(hire=_graduate(user=user), amount_minor=400_000, currency="USD",
                          offered_at=now - timedelta(days=20), deadline=now - timedelta(days=deadline_days_ago or 0))
        if decided_days_ago is not None:
            offer.decision, offer.decided_at = OfferDecision.STAYED, now - timedelta(days=decided_days_ago)
        db.session.add(offer)
        if deadline_days_ago is None or deadline_days_ago > 0:
            closed.append((user.name, now - timedelta(days=decided_days_ago or deadline_days_ago)))
    db.session.commit()
    expected = [name for name, _at in sorted(closed, key=lambda c: c[1], reverse=True)]
    shown = []
    for page in (1, 2, 3):
        decided = queries.offer_lists(db.session, TODAY, now, page=page)["decided"]
        assert decided.total == 4 and decided.pages == 2
        shown.append([o.hire.user.name for o in decided.items])
    assert shown == [expected[:2], expected[2:], []]
    assert expected == ["Hire 2", "Hire 1", "Hire 0", "Hire 3"]
    assert not queries.offer_lists(db.session, TODAY, now)["decided"].capped

    # Counted only up to a cap (each kind up to one more than it): past it the list says "Page N", without a
    # total, and a full page offers the next; the rows are the same.
    monkeypatch.setattr(queries, "CLOSED_COUNT_CAP", 2)
    for page, rows, more in ((1, expected[:2], True), (2, expected[2:], True), (3, [], False)):
        decided = queries.offer_lists(db.session, TODAY, now, page=page)["decided"]
        assert decided.capped and decided.total == 4  # 2 decided + 2 expired, each counted up to cap + 1 = 3
        assert [o.hire.user.name for o in decided.items] == rows and decided.has_next is more


def test_the_eligible_and_waiting_lists_page_apart_in_a_fixed_number_of_statements(client, login_as, monkeypatch,
                                                                                  count_queries):
    """At a million candidates a week's hires wait at once (622 offers): each list is paged on its own
    (?eligible_page=, ?waiting_page=), keeping the other's page, and more rows cost no more statements."""
    from hiring.offer import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    hr = factories.user(Role.HR)
    eligible = [_graduate(start_days_ago=40 + i, user=factories.user(Role.NEW_HIRE, name=f"Eligible {i}"))
                for i in range(3)]
    for i in range(3):
        _offer(_graduate(user=factories.user(Role.NEW_HIRE, name=f"Waiting {i}")), hr)
    login_as("hr")
    client.get("/offer/")
    with count_queries() as few:
        html = client.get("/offer/").get_data(as_text=True)
    # Who started first, first: Eligible 2 started 42 days ago.
    assert html.count("Make The Offer to") == 2 and "Eligible 2" in html and "Eligible 0" not in html
    assert html.count("Takes the money") == 2
    links = re.findall(r'href="(/offer/\?[^"]+)" rel="next"', html)
    assert sorted(links) == ["/offer/?eligible_page=2", "/offer/?waiting_page=2"], links
    html = client.get("/offer/?eligible_page=2&waiting_page=2").get_data(as_text=True)
    assert html.count("Make The Offer to") == 1 and "Eligible 0" in html and html.count("Takes the money") == 1
    assert 'href="/offer/?waiting_page=2&amp;eligible_page=1" rel="prev"' in html or \
        'href="/offer/?eligible_page=1&amp;waiting_page=2" rel="prev"' in html
    for i in range(3, 6):
        _graduate(start_days_ago=40 + i, user=factories.user(Role.NEW_HIRE, name=f"Eligible {i}"))
        _offer(_graduate(user=factories.user(Role.NEW_HIRE, name=f"Waiting {i}")), hr)
    client.get("/offer/")
    with count_queries() as more:
        client.get("/offer/")
    assert more.count == few.count, (few.statements, more.statements)
    assert client.get("/offer/?eligible_page=abc&waiting_page=-3").status_code == 200
    assert len(eligible) == 3


def _marks(*hires) -> list[bool]:
    """hires.offer_made as the database holds it, of hires or hire ids."""
    return [bool(db.session.scalar(sa.text("SELECT offer_made FROM hires WHERE id = :id"), {"id": getattr(h, "id", h)}))
            for h in hires]


def test_the_database_keeps_the_offer_made_mark_whoever_writes_the_offer(app):
    """hires.offer_made (migration 0026) is what HR's eligible list reads, through its own partial index: the
    triggers on quit_offers keep it for the app's offers, for rows written without the ORM, for a deletion (the
    benchmark's clean-up) and for an offer moved to another hire."""
    made_by_app, written_by_hand, untouched = _graduate(), _graduate(), _graduate()
    assert _marks(made_by_app, written_by_hand, untouched) == [False, False, False]
    _offer(made_by_app)
    db.session.execute(sa.insert(QuitOffer).values(
        hire_id=written_by_hand.id, amount_minor=1, currency="EUR", offered_at=utcnow(),
        deadline=utcnow() + timedelta(days=7)))
    db.session.commit()
    assert _marks(made_by_app, written_by_hand, untouched) == [True, True, False]
    assert [h.id for h in service.eligible_hires(db.session, TODAY)] == [untouched.id]
    by_hand = db.session.scalar(sa.select(QuitOffer.id).where(QuitOffer.hire_id == written_by_hand.id))
    db.session.execute(sa.update(QuitOffer).where(QuitOffer.id == by_hand).values(hire_id=untouched.id))
    db.session.commit()
    assert _marks(made_by_app, written_by_hand, untouched) == [True, False, True]
    db.session.execute(sa.delete(QuitOffer).where(QuitOffer.id == by_hand))
    db.session.commit()
    assert _marks(made_by_app, written_by_hand, untouched) == [True, False, False]
    assert {h.id for h in service.eligible_hires(db.session, TODAY)} == {written_by_hand.id, untouched.id}


def test_the_migration_marks_the_offers_already_made(app):
    from flask_migrate import downgrade, upgrade

    with_offer, without = _graduate(), _graduate()
    _offer(with_offer)
    with_offer, without = with_offer.id, without.id
    db.session.remove()
    downgrade(revision="0025")
    upgrade()
    assert _marks(with_offer, without) == [True, False]
    assert [h.id for h in service.eligible_hires(db.session, TODAY)] == [without]
