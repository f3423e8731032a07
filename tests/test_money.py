"""The company's currency (COMPANY_CURRENCY) and money shown by Babel in the reader's language."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale

from hiring.extensions import db
from hiring.models import OfferPolicy, OfferTiming, Role, utcnow
from tests import factories


def test_the_company_currency_is_read_checked_and_euro_by_default(tmp_path, monkeypatch):
    from hiring.config import from_environment

    monkeypatch.delenv("COMPANY_CURRENCY", raising=False)
    assert from_environment(tmp_path, {"SECRET_KEY": "x"})["COMPANY_CURRENCY"] == "EUR"
    monkeypatch.setenv("COMPANY_CURRENCY", " gbp ")
    assert from_environment(tmp_path, {"SECRET_KEY": "x"})["COMPANY_CURRENCY"] == "GBP"
    for wrong in ("EURO", "XYZ", "€", "12"):
        monkeypatch.setenv("COMPANY_CURRENCY", wrong)
        with pytest.raises(ValueError, match="COMPANY_CURRENCY must be a three-letter ISO 4217 currency code"):
            from_environment(tmp_path, {"SECRET_KEY": "x"})


def test_an_unknown_currency_stops_the_app_at_start_up(tmp_path, monkeypatch):
    from hiring import create_app

    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("COMPANY_CURRENCY", "DOLLARS")
    with pytest.raises(ValueError, match="not 'DOLLARS'"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_money_is_formatted_by_babel_in_the_readers_language(app):
    from hiring.labels import money

    with app.test_request_context():
        with force_locale("nl"):
            assert money(400_000, "EUR") == "€\xa04.000,00"
            assert render_template_string("{{ 400000|money('EUR') }}") == "€\xa04.000,00"
        with force_locale("en"):
            assert money(400_000, "EUR") == "€4,000.00"
            assert money(400_000, "USD") == "$4,000.00"
            assert money(4000, "JPY") == "¥4,000"  # no minor unit
            assert render_template_string("{{ money(250, 'EUR') }}") == "€2.50"


def test_the_default_policy_is_in_the_company_currency(make_app):
    from hiring.offer.policy import current_policy

    for currency, minor in (("EUR", 400_000), ("GBP", 400_000), ("JPY", 4000)):
        app = make_app(COMPANY_CURRENCY=currency)
        with app.app_context():
            policy = current_policy(db.session)
            assert (policy.currency, policy.amount_minor, policy.timing) == (currency, minor, OfferTiming.GRADUATION)


def test_the_policy_form_starts_in_the_company_currency_and_a_saved_policy_keeps_its_own(make_app):
    app = make_app(COMPANY_CURRENCY="GBP")
    with app.app_context():
        hr = factories.user(Role.HR)
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": hr.email, "password": factories.PASSWORD})
        form = client.get("/offer/policy").get_data(as_text=True)
        assert re.search(r'id="currency"[^>]*value="GBP"|value="GBP"[^>]*id="currency"', form), form
        db.session.add(OfferPolicy(amount_minor=250_000, currency="USD", updated_at=utcnow() - timedelta(days=1)))
        db.session.commit()
        form = client.get("/offer/policy").get_data(as_text=True)
        assert re.search(r'id="currency"[^>]*value="USD"|value="USD"[^>]*id="currency"', form)


def test_an_offer_shows_its_own_currency_in_the_readers_language(client, login_as):
    from hiring.models import Enrollment
    from hiring.offer import service

    me = login_as(Role.NEW_HIRE)
    start = utcnow().date() - timedelta(days=40)
    hire = factories.hire(start=start, user_id=me.id)
    db.session.add(Enrollment(hire=hire, started_on=start, completed_on=start + timedelta(days=34)))
    db.session.flush()
    service.make_offer(db.session, hire.id, actor_id=factories.user(Role.HR).id, now=utcnow(),
                       today=utcnow().date())
    db.session.commit()
    assert "€4,000.00" in client.get("/").get_data(as_text=True)
    me.locale = "nl"
    db.session.commit()
    assert "€\xa04.000,00" in client.get("/").get_data(as_text=True)
