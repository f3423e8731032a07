"""Bounds on typed dates, money and integers in URLs (issue 18, findings 2 and 8): a clear answer, never a 500.

Every case goes through the test client; a refused form saves nothing.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hiring.bounds import MAX_ID, start_date_window, to_int
from hiring.clock import today as company_date
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.models import Application, AuditEvent, GateResult, Hire, Job, OfferPolicy, Role, Stage, User
from hiring.offer.policy import to_minor
from hiring.pipeline.hire import make_hire
from tests import factories

# Ids are INTEGER columns: 32 bits on PostgreSQL (MAX_ID = 2**31 - 1), 64 on SQLite; OFFSET takes 64 bits.
PAST_THE_EDGE = MAX_ID + 1  # 2**31: the first number PostgreSQL's INTEGER cannot hold
PAST_BIGINT = 2**63  # what SQLite's driver cannot hold
BEYOND_64_BITS = 2**64


# --- finding 2: start dates -------------------------------------------------------------------------------------

def _decided_application() -> Application:
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    db.session.commit()
    return application


def _hire(client, application, start_date: str):
    prefix = f"a{application.id}-"
    return client.post(f"/pipeline/applications/{application.id}/move", data={
        prefix + "to_stage": "hired", prefix + "reason": "Passed both axes",
        prefix + "expected_stage": application.stage.value, prefix + "start_date": start_date})


def _nothing_hired(application) -> bool:
    db.session.expire_all()
    return (db.session.get(Application, application.id).stage is Stage.DECISION
            and db.session.scalar(sa.select(sa.func.count()).select_from(Hire)) == 0
            and db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
                User.role == Role.NEW_HIRE)) == 0)


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_a_start_date_far_from_today_is_refused_next_to_the_field_and_kept(client, login_as, typed):
    login_as(Role.HR)
    application = _decided_application()
    response = _hire(client, application, typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="a\d+-start_date-error"|class="error"', html)
    assert "Give a date between" in html
    assert f'value="{typed}"' in html  # what was typed is kept
    assert _nothing_hired(application)
    # and the pages that compute due dates from start dates still answer
    assert client.get("/onboarding/").status_code == 200
    assert client.get("/reports/onboarding").status_code == 200


def test_the_start_date_window_is_one_year_back_and_two_years_ahead_both_ends_included(app):
    today = company_date()
    earliest, latest = start_date_window(today)
    assert (today - earliest).days == 365 and (latest - today).days == 730
    for day, accepted in ((earliest, True), (earliest - timedelta(days=1), False),
                          (latest, True), (latest + timedelta(days=1), False)):
        application = _decided_application()
        if accepted:
            make_hire(db.session, application, start_date=day, mentor_id=None, actor_id=None, today=today)
            db.session.rollback()
        else:
            with pytest.raises(DomainError) as refused:
                make_hire(db.session, application, start_date=day, mentor_id=None, actor_id=None, today=today)
            assert refused.value.field == "start_date"
            db.session.rollback()


def test_the_last_start_date_in_the_window_is_hired_from_the_page(client, login_as):
    login_as(Role.HR)
    application = _decided_application()
    latest = start_date_window(company_date())[1]
    assert _hire(client, application, latest.isoformat()).status_code == 302
    assert db.session.scalar(sa.select(Hire.start_date)) == latest
    assert client.get("/onboarding/").status_code == 200


@pytest.mark.parametrize("query, field", [("to=9999-12-31", "to"), ("from=0001-01-01", "from"),
                                          ("to=1999-12-31", "to")])
def test_an_audit_filter_date_out_of_range_is_a_clear_400(client, login_as, query, field):
    login_as(Role.ADMIN)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and "Give a date between" in html
    assert 'value="' + query.split("=")[1] + '"' in html  # what was typed is kept


def test_an_audit_filter_date_in_range_still_filters(client, login_as):
    login_as(Role.ADMIN)
    today = company_date().isoformat()
    assert client.get(f"/admin/audit?from=2000-01-01&to={today}").status_code == 200
    assert client.get("/admin/audit?to=not-a-date").status_code == 400


# --- finding 8: money -------------------------------------------------------------------------------------------

def _policy(client, amount: str, currency: str = "USD"):
    return client.post("/offer/policy", data={"amount": amount, "currency": currency, "timing": "graduation",
                                              "decision_days": "7"})


@pytest.mark.parametrize("amount, currency, message", [
    ("0.004", "USD", "smallest unit"),
    ("0.4", "JPY", "smallest unit"),
    ("1e30", "USD", "That amount is too large"),
    ("10000000000.01", "USD", "That amount is too large"),
    ("99999999999999999999", "EUR", "That amount is too large"),
])
def test_an_amount_outside_the_column_is_a_field_error_and_nothing_is_saved(client, login_as, amount, currency,
                                                                           message):
    login_as(Role.HR)
    response = _policy(client, amount, currency)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and f'value="{amount}"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OfferPolicy)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_money_bounds_are_one_minor_unit_and_ten_billion_major_units():
    # Worked by hand: 0.005 dollars rounds half up to 1 cent; 10,000,000,000.00 dollars is 10**12 cents.
    assert to_minor("0.005", "USD") == 1
    assert to_minor("10000000000", "USD") == 10**12
    assert to_minor("1", "JPY") == 1
    for amount in ("0.004", "1e30", "10000000000.01"):
        with pytest.raises(DomainError) as refused:
            to_minor(amount, "USD")
        assert refused.value.field == "amount"


def test_the_smallest_and_largest_amounts_are_saved(client, login_as):
    login_as(Role.HR)
    assert _policy(client, "0.01").status_code == 302
    assert _policy(client, "10,000,000,000.00").status_code == 302
    assert sorted(db.session.scalars(sa.select(OfferPolicy.amount_minor))) == [1, 10**12]


# --- finding 8: integers in paths and query strings -------------------------------------------------------------

def _int_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]


@pytest.mark.parametrize("number", [PAST_THE_EDGE, PAST_BIGINT, BEYOND_64_BITS, 10**40])
def test_every_int_path_beyond_an_id_column_is_404(app, client, login_as, number):
    login_as(Role.ADMIN)
    rules = _int_rules(app)
    assert len(rules) >= 30  # every <int:...> route of every blueprint
    for rule in rules:
        path = re.sub(r"<int:[a-z_]+>", str(number), rule.rule)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(path, method=method)
        assert response.status_code == 404, (rule.rule, response.status_code)


def test_the_largest_id_is_a_plain_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get(f"/pipeline/candidates/{MAX_ID}").status_code == 404
    assert client.get(f"/pipeline/applications/{MAX_ID}").status_code == 404
    assert client.get(f"/interviews/{MAX_ID}/scorecard/view").status_code == 404


@pytest.mark.parametrize("role, url", [
    (Role.RECRUITER, "/pipeline/?job={n}"),
    (Role.RECRUITER, "/pipeline/?page={n}"),
    (Role.RECRUITER, "/pipeline/candidates/new?job={n}"),
    (Role.RECRUITER, "/jobs/?page={n}"),
    (Role.ADMIN, "/admin/users?page={n}"),
    (Role.HR, "/offer/?page={n}"),
    (Role.ADMIN, "/admin/audit?actor={n}"),
    (Role.ADMIN, "/admin/audit?entity=application&entity_id={n}"),
    (Role.ADMIN, "/admin/audit?before=2026-01-01T00:00:00.000000_{n}"),
    (Role.ADMIN, "/admin/audit?after=2026-01-01T00:00:00.000000_{n}"),
    (Role.ADMIN, "/onboarding/programme/?week={n}"),
])
@pytest.mark.parametrize("number", [BEYOND_64_BITS, PAST_BIGINT, PAST_THE_EDGE, MAX_ID, 2**62])
def test_query_integers_beyond_what_the_database_holds_are_ignored(client, login_as, role, url, number):
    login_as(role)
    response = client.get(url.format(n=number))
    assert response.status_code == 200, response.status_code


@pytest.mark.parametrize("url", ["/reports/fairness?job={n}", "/reports/fairness.csv?job={n}",
                                 "/reports/fairness.pdf?job={n}"])
@pytest.mark.parametrize("number", [BEYOND_64_BITS, PAST_BIGINT, PAST_THE_EDGE, MAX_ID])
def test_the_fairness_job_filter_beyond_an_id_column_is_an_unknown_job(client, login_as, url, number):
    login_as(Role.HR)
    assert client.get(url.format(n=number)).status_code == 404  # as for any job that does not exist
    assert client.get(url.format(n="abc")).status_code == 200  # not a number: the report of all jobs


def test_a_report_job_for_a_fairness_job_beyond_an_id_column_is_refused(client, login_as):
    login_as(Role.HR)
    response = client.post("/reports/jobs", data={"report": "fairness", "job": str(BEYOND_64_BITS)})
    assert response.status_code == 404


def test_a_job_page_with_a_huge_page_number_answers(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    db.session.commit()
    for number in (BEYOND_64_BITS, PAST_BIGINT, 2**62, MAX_ID):
        assert client.get(f"/jobs/{job.id}?page={number}").status_code == 200


def test_to_int_bounds():
    assert MAX_ID == 2_147_483_647  # PostgreSQL's INTEGER, the type of the id columns
    assert to_int(str(MAX_ID)) == MAX_ID
    assert to_int(str(MAX_ID + 1)) is None
    assert to_int(str(-MAX_ID)) == -MAX_ID
    assert to_int("12abc", 7) == 7 and to_int(None) is None and to_int(" 42 ") == 42
    assert to_int("0", 1, low=1) == 1


@pytest.mark.parametrize("number", [PAST_THE_EDGE, BEYOND_64_BITS])
def test_a_hiring_manager_id_beyond_an_id_column_is_a_field_error(client, login_as, number):
    login_as(Role.HR)
    response = client.post("/jobs/new", data={
        "title": "Engineer", "requirements_threshold": "60", "values_threshold": "60", "status": "open",
        "requirements-0-name": "Python", "requirements-0-weight": "1", "hiring_manager_id": str(number)})
    assert response.status_code == 400
    assert "Choose the hiring manager from the list." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_max_id_is_what_every_id_column_holds(app):
    # MAX_ID is PostgreSQL's INTEGER; were ids made BIGINT, the bound would refuse real ids and must move with them.
    columns = [c for table in db.metadata.tables.values() for c in table.columns
               if (c.primary_key or c.foreign_keys or c.name.endswith("_id")) and isinstance(c.type, sa.Integer)]
    assert len(columns) > 40
    assert [c for c in columns if isinstance(c.type, sa.BigInteger)] == []
