"""The JSON API (issue 24, item 1): personal access tokens (made on the profile's page, shown once, stored as a
digest, scoped, revocable, audited), the token check before every API view (401, 403 for a scope or a role),
the same object-level rules as the pages, cursor paging, problem details, validation as the form's, the rate
limit, and the OpenAPI 3.1 document. tests/test_api_schema.py runs Schemathesis against that document."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hiring.api.auth import create_token, digest
from hiring.extensions import db
from hiring.models import (
    ApiToken,
    Application,
    AuditEvent,
    GateResult,
    InterviewKind,
    JobStatus,
    Role,
    Stage,
    utcnow,
)
from tests import factories

ALL = ("jobs:read", "candidates:read", "candidates:write", "interviews:read", "hires:read", "offers:read",
       "reports:read")


def token_for(user, scopes=ALL, **kw) -> str:
    _row, token = create_token(db.session, user, "test", scopes, **kw)
    db.session.commit()
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_tokens_page_makes_a_token_shown_once_and_kept_as_a_digest(client, login_as):
    user = login_as(Role.RECRUITER)
    page = client.get("/account/tokens")
    assert page.status_code == 200 and "You have no tokens." in page.get_data(as_text=True)
    made = client.post("/account/tokens", data={"name": "Payroll sync", "scopes": ["jobs:read", "hires:read"],
                                               "expires": "30"})
    html = made.get_data(as_text=True)
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="new-token">(hpat_[\w-]+)<', html).group(1)
    row = db.session.scalar(sa.select(ApiToken))
    assert row.user_id == user.id and row.token_hash == digest(token) and row.scopes == "hires:read jobs:read"
    assert token not in str(db.session.execute(sa.select(ApiToken.__table__)).all())
    assert row.expires_at > utcnow() + timedelta(days=29)
    again = client.get("/account/tokens").get_data(as_text=True)
    assert token not in again and row.prefix in again and "Payroll sync" in again
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "api_token_created")).all()
    assert len(events) == 1 and token not in str(events[0].details)


def test_a_token_form_with_mistakes_says_so_next_to_the_fields_and_keeps_the_name(client, login_as):
    login_as(Role.HR)
    response = client.post("/account/tokens", data={"name": "Chat bot", "expires": "90"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="scopes-error"' in html and 'value="Chat bot"' in html
    response = client.post("/account/tokens", data={"name": " ", "scopes": ["jobs:read"], "expires": "90"})
    assert response.status_code == 400 and "Give the token a name" in response.get_data(as_text=True)
    response = client.post("/account/tokens", data={"name": "x", "scopes": ["root:everything"], "expires": "90"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_revoked_token_stops_at_once_and_only_its_owner_may_revoke_it(client, login_as, auth):
    owner = login_as(Role.RECRUITER)
    token = token_for(owner)
    row = db.session.scalar(sa.select(ApiToken))
    assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 200
    auth.logout()
    login_as(Role.RECRUITER)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404  # someone else's
    auth.logout()
    auth.login(owner.email)
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    refused = client.get("/api/v1/jobs", headers=bearer(token))
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert client.post("/account/tokens/999999/revoke").status_code == 404


def test_a_new_hire_has_no_tokens_page(client, login_as):
    login_as(Role.NEW_HIRE)
    assert client.get("/account/tokens").status_code == 403


# --- the token check ----------------------------------------------------------------------------------------------

def test_no_token_a_forged_one_an_expired_one_and_a_closed_account_are_401_problems(client, app):
    user = factories.user(Role.RECRUITER)
    expired = token_for(user, expires_at=utcnow() - timedelta(minutes=1))
    for headers in ({}, bearer("hpat_forged"), bearer(expired), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/jobs", headers=headers)
        body = response.get_json()
        assert response.status_code == 401 and response.mimetype == "application/problem+json", headers
        assert body["status"] == 401 and body["title"] == "Unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    good = token_for(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/jobs", headers=bearer(good)).status_code == 401


def test_a_token_without_the_scope_is_refused_with_what_it_needs(client, app):
    user = factories.user(Role.RECRUITER)
    token = token_for(user, ("jobs:read",))
    response = client.get("/api/v1/applications", headers=bearer(token))
    assert response.status_code == 403 and "candidates:read" in response.get_json()["detail"]
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 200


def test_a_scope_never_opens_more_than_the_role_may(client, app):
    interviewer = factories.user(Role.INTERVIEWER)
    token = token_for(interviewer)
    for path in ("/api/v1/jobs", "/api/v1/applications", "/api/v1/offers", "/api/v1/reports/fairness"):
        assert client.get(path, headers=bearer(token)).status_code == 403, path


def test_a_session_cookie_opens_nothing(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/api/v1/jobs").status_code == 401


# --- object-level rules ------------------------------------------------------------------------------------------

def test_an_interviewers_token_reads_only_the_scorecards_the_pages_would_show(client, app):
    value = factories.core_value()
    me, other = factories.user(Role.INTERVIEWER), factories.user(Role.INTERVIEWER)
    application = factories.application(stage=Stage.INTERVIEWING)
    mine = factories.assignment(application, me, InterviewKind.VALUES)
    factories.submitted_scorecard(factories.assignment(application, other, InterviewKind.HIRING_MANAGER),
                                  {value: 2}, evidence="Their view.")
    elsewhere = factories.application(stage=Stage.INTERVIEWING)
    factories.submitted_scorecard(factories.assignment(elsewhere, other), {value: 5})
    db.session.commit()
    token = token_for(me, ("interviews:read",))
    url = f"/api/v1/applications/{application.id}/scorecards"
    before = client.get(url, headers=bearer(token))
    assert before.status_code == 200 and before.get_json() == []  # theirs is not in yet: nobody else's
    assert client.get(f"/api/v1/applications/{elsewhere.id}/scorecards", headers=bearer(token)).status_code == 404
    factories.submitted_scorecard(mine, {value: 4}, evidence="Mine.")
    db.session.commit()
    after = client.get(url, headers=bearer(token)).get_json()
    assert sorted(card["interviewer_id"] for card in after) == sorted([me.id, other.id])
    recruiter = token_for(factories.user(Role.RECRUITER), ("interviews:read",))
    assert len(client.get(url, headers=bearer(recruiter)).get_json()) == 2
    # Assignments: an interviewer's own, everyone's for a recruiter.
    own = client.get("/api/v1/assignments", headers=bearer(token)).get_json()["items"]
    assert [(a["interviewer_id"], a["scorecard_status"]) for a in own] == [(me.id, "submitted")]
    assert len(client.get("/api/v1/assignments", headers=bearer(recruiter)).get_json()["items"]) == 3
    assert len(client.get("/api/v1/assignments", query_string={"application_id": elsewhere.id},
                          headers=bearer(recruiter)).get_json()["items"]) == 1


def test_a_mentor_reads_their_own_new_hires_only(client, app):
    mentor = factories.user(Role.INTERVIEWER)
    own = factories.hire(start=date.today() - timedelta(days=3), mentor_id=mentor.id)
    someone_elses = factories.hire(start=date.today() - timedelta(days=3))
    db.session.commit()
    token = token_for(mentor, ("hires:read",))
    listed = client.get("/api/v1/hires", headers=bearer(token)).get_json()
    assert [h["id"] for h in listed["items"]] == [own.id]
    assert client.get(f"/api/v1/hires/{someone_elses.id}", headers=bearer(token)).status_code == 404
    hr = token_for(factories.user(Role.HR), ("hires:read",))
    assert len(client.get("/api/v1/hires", headers=bearer(hr)).get_json()["items"]) == 2


# --- lists, creating and moving ------------------------------------------------------------------------------------

def test_lists_are_paged_by_cursor_in_a_fixed_number_of_statements(client, app, count_queries):
    for i in range(7):
        factories.job(title=f"Job {i}")
    db.session.commit()
    token = token_for(factories.user(Role.RECRUITER))
    client.get("/api/v1/jobs", headers=bearer(token))  # the first use writes the token's last use, once
    seen, after, statements = [], None, set()
    while True:
        with count_queries() as counted:
            page = client.get("/api/v1/jobs", query_string={"limit": 3, **({"after": after} if after else {})},
                              headers=bearer(token)).get_json()
        statements.add(counted.count)
        seen += [job["id"] for job in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert len(seen) == 7 == len(set(seen)) and seen == sorted(seen)
    assert len(statements) == 1  # a page of three costs what a page of one does
    bad = client.get("/api/v1/jobs", query_string={"after": "nonsense!"}, headers=bearer(token))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json" and "after" in str(bad.get_json())
    assert client.get("/api/v1/jobs", query_string={"limit": 0}, headers=bearer(token)).status_code == 422
    assert client.get("/api/v1/jobs/999999", headers=bearer(token)).status_code == 404


def test_creating_an_application_checks_it_as_the_form_does(client, app):
    job = factories.job(title="Agent")
    closed = factories.job(title="Closed", status=JobStatus.CLOSED)
    db.session.commit()
    token = token_for(factories.user(Role.RECRUITER))
    good = {"name": "Ann Api", "email": "Ann.Api@Example.org", "job_id": job.id, "source": "Referral"}
    made = client.post("/api/v1/applications", json=good, headers=bearer(token))
    assert made.status_code == 201 and made.get_json()["stage"] == "applied"
    application = db.session.get(Application, made.get_json()["id"])
    assert application.candidate.email == "ann.api@example.org"  # stored as the form stores it
    again = client.post("/api/v1/applications", json=good, headers=bearer(token))
    assert again.status_code == 409 and "job_id" in again.get_json()["errors"]
    wrong = client.post("/api/v1/applications", json={**good, "email": "not an address"}, headers=bearer(token))
    assert wrong.status_code == 422 and "email" in wrong.get_json()["errors"]
    shut = client.post("/api/v1/applications", json={**good, "email": "b@example.org", "job_id": closed.id},
                       headers=bearer(token))
    assert shut.status_code == 422 and "job_id" in shut.get_json()["errors"]
    nul = client.post("/api/v1/applications", json={**good, "name": "Ann\u0000"}, headers=bearer(token))
    assert nul.status_code == 400 and nul.mimetype == "application/problem+json"  # PostgreSQL cannot store one
    huge = client.get("/api/v1/applications", query_string={"job_id": 377576351990}, headers=bearer(token))
    assert huge.status_code == 422  # above PostgreSQL's INTEGER: names nothing, never reaches the database
    missing = client.post("/api/v1/applications", json={"name": "No mail"}, headers=bearer(token))
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    reader = token_for(factories.user(Role.RECRUITER), ("candidates:read",))
    assert client.post("/api/v1/applications", json=good, headers=bearer(reader)).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1


def test_moves_follow_the_candidate_pages_rules(client, app):
    application = factories.application(stage=Stage.APPLIED)
    db.session.commit()
    token = token_for(factories.user(Role.RECRUITER))
    url = f"/api/v1/applications/{application.id}/moves"
    moved = client.post(url, json={"to_stage": "screening", "expected_stage": "applied"}, headers=bearer(token))
    assert moved.status_code == 200 and moved.get_json()["stage"] == "screening"
    stale = client.post(url, json={"to_stage": "interviewing", "expected_stage": "applied"}, headers=bearer(token))
    assert stale.status_code == 409
    hire = client.post(url, json={"to_stage": "hired"}, headers=bearer(token))
    assert hire.status_code in (400, 409) and application.gate_result is not GateResult.PASSES
    assert client.post("/api/v1/applications/999999/moves", json={"to_stage": "screening"},
                       headers=bearer(token)).status_code == 404
    assert client.post(url, json={"to_stage": "nowhere"}, headers=bearer(token)).status_code == 422


def test_the_rate_limit_answers_429_as_a_problem(make_app):
    app = make_app(API_LIMIT_PER_TOKEN="3 per minute", RATELIMIT_ENABLED=True)
    with app.app_context():
        token = token_for(factories.user(Role.RECRUITER))
        client = app.test_client()
        codes = [client.get("/api/v1/jobs", headers=bearer(token)).status_code for _ in range(4)]
        limited = client.get("/api/v1/jobs", headers=bearer(token))
    assert codes[:3] == [200, 200, 200] and limited.status_code == 429
    assert limited.mimetype == "application/problem+json"


def test_the_openapi_document_is_3_1_and_every_operation_needs_a_token(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0" and spec["security"] == [{"token": []}]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    operations = [op for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert len(operations) >= 13 and all(op.get("summary") or op.get("description") for op in operations)
