"""CSV in the reader's language: exports with translated headers, rounded numbers and money as number plus
currency; the candidates import takes Dutch column names as well as English ones."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import force_locale

from hiring import csv_tables
from hiring.analytics.fairness import GroupRate
from hiring.analytics.rates import Proportion
from hiring.analytics.service import OfferRow
from hiring.extensions import db
from hiring.models import Application, Candidate, Role
from tests import factories


def _stats():
    taken = Proportion(k=1, n=3, rate=1 / 3, low=0.0614919, high=0.7923403)
    return {"by_cohort": [OfferRow("2026-Q1", 3, taken, {"EUR": 400_000, "USD": 250_050})],
            "by_band": [OfferRow("75 to 90", 3, taken, {}), OfferRow("not scored", 1, Proportion(0, 1, 0.0, 0.0,
                                                                                                  0.79), {"EUR": 0})]}


def test_the_offer_export_rounds_and_keeps_money_as_a_number_with_its_currency(app):
    with app.test_request_context(), force_locale("en"):
        header, rows = csv_tables.retention_table(_stats())
    assert header == ["grouping", "group", "offers decided", "taken", "take rate", "95% low", "95% high", "paid",
                      "currency"]
    assert rows[0] == ["cohort", "2026-Q1", 3, 1, 0.3333, 0.0615, 0.7923, Decimal("4000.00"), "EUR"]
    assert rows[1] == ["cohort", "2026-Q1", None, None, None, None, None, Decimal("2500.50"), "USD"]  # no count twice
    assert rows[2] == ["values fit", "75 to 90", 3, 1, 0.3333, 0.0615, 0.7923, None, None]
    assert rows[3][1] == "not scored" and rows[3][-2:] == [Decimal("0.00"), "EUR"]
    assert not any(isinstance(cell, str) and "USD" in cell and any(ch.isdigit() for ch in cell)
                   for row in rows for cell in row)


def test_the_offer_export_in_dutch(app):
    with app.test_request_context(), force_locale("nl"):
        header, rows = csv_tables.retention_table(_stats())
    assert header[:3] == ["groepering", "groep", "beslist aanbod"]
    assert header[-2:] == ["uitbetaald", "valuta"]
    assert rows[0][0] == "cohort" and rows[2][:2] == ["waardenmatch", "75 tot 90"]
    assert rows[3][1] == "niet gescoord"
    assert rows[0][7] == Decimal("4000.00")  # a number, written with a point whatever the language


def _fairness():
    man = GroupRate("man", 20, 12, 0.6, Fraction(1), None, None)
    woman = GroupRate("woman", 20, 8, 0.4, Fraction(2, 3), 0.3427148, 0.6854296)
    return {"gate": {"gender": [man, woman]},
            "steps": [{"stage": "applied", "next": "screening", "groups": {"age_band": [
                GroupRate("25-39", 10, 5, 0.5, Fraction(1), None, None)]}}]}


def test_the_fairness_export_words_are_translated_and_numbers_rounded(app):
    with app.test_request_context(), force_locale("en"):
        header, rows = csv_tables.fairness_table(_fairness())
    assert header[:3] == ["step", "dimension", "group"] and header[-1] == "below four-fifths"
    assert rows[1] == ["values gate", "Gender", "Woman", 20, 8, 0.4, Decimal("0.6666"), 2, 3, 0.34271, 0.68543,
                       "yes"]
    assert rows[2][:3] == ["Applied → Screening", "Age", "25 to 39"]
    with app.test_request_context(), force_locale("nl"):
        header, rows = csv_tables.fairness_table(_fairness())
    assert header[:3] == ["stap", "dimensie", "groep"] and header[-1] == "onder vier vijfde"
    assert rows[1][:3] == ["waardenpoort", "Gender", "Vrouw"] and rows[1][-1] == "ja"
    assert rows[2][2] == "25 tot 39"


def test_the_onboarding_export_keeps_each_weeks_counts_as_numbers(app):
    class Person:
        name, mentor, weeks, done, total, overdue, waiting_for_me = "Nina", None, {1: (3, 5)}, 3, 25, 1, 0

    data = {"groups": [(date(2026, 1, 5), [Person()])]}
    with app.test_request_context(), force_locale("en"):
        header, rows = csv_tables.onboarding_table(data)
    assert header[:5] == ["cohort", "new hire", "mentor", "week 1 done", "week 1 tasks"]
    assert rows == [["2026-01-05", "Nina", "", 3, 5, 0, 0, 0, 0, 0, 0, 0, 0, 3, 25, 1, 0]]
    with app.test_request_context(), force_locale("nl"):
        header, _rows = csv_tables.onboarding_table(data)
    assert header[:5] == ["cohort", "nieuwe medewerker", "mentor", "week 1 klaar", "week 1 taken"]


def _post(client, text: str):
    return client.post("/pipeline/import", data={"file": (io.BytesIO(text.encode()), "kandidaten.csv")},
                       content_type="multipart/form-data")


def test_the_import_takes_dutch_column_names_and_ja_nee(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Klantenservice")
    db.session.commit()
    text = ("Naam;E-mailadres;Telefoon;Bron;Vacature;Toestemming\n"
            "Anna de Vries;anna@example.org;+31 6 12345678;Referentie;Klantenservice;ja\n"
            "Bram Jansen;bram@example.org;;;Klantenservice;nee\n")
    response = _post(client, text)
    assert response.status_code == 302, response.get_data(as_text=True)
    people = {c.name: c for c in db.session.scalars(sa.select(Candidate))}
    assert set(people) == {"Anna de Vries", "Bram Jansen"}
    assert people["Anna de Vries"].retention_consent and not people["Bram Jansen"].retention_consent
    assert people["Anna de Vries"].phone == "+31 6 12345678" and people["Anna de Vries"].source == "Referentie"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 2


def test_english_columns_still_work_and_a_missing_column_is_named_in_the_readers_language(client, login_as):
    user = login_as(Role.RECRUITER)
    factories.job(title="Klantenservice")
    db.session.commit()
    assert _post(client, "name,email,job\nAnna,anna@example.org,Klantenservice\n").status_code == 302
    english = _post(client, "naam,telefoon\nBram,+31 6 1\n").get_data(as_text=True)
    assert "missing: email, job." in english
    user.locale = "nl"
    db.session.commit()
    dutch = _post(client, "naam,telefoon\nBram,+31 6 1\n").get_data(as_text=True)
    assert "e-mail, vacature" in dutch
    bad = _post(client, "naam,e-mail,vacature,toestemming\nBram,bram@example.org,Klantenservice,misschien\n")
    assert bad.status_code == 400 and "<td>toestemming</td>" in bad.get_data(as_text=True)


def test_the_import_page_shows_the_example_in_the_readers_language(client, login_as):
    user = login_as(Role.RECRUITER)
    assert "name,email,phone,source,job,consent" in client.get("/pipeline/import").get_data(as_text=True)
    user.locale = "nl"
    db.session.commit()
    assert "naam,e-mail,telefoon,bron,vacature,toestemming" in client.get("/pipeline/import").get_data(as_text=True)
