"""Team accounts in the web (issue 21): admins invite colleagues by e-mail with a role, resend an invitation,
change roles and close accounts; the company always keeps an active admin; every change is audited with ids
and codes only."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import AuditEvent, OutboxMessage, Role, User, UserSession
from hiring.tasks import runner as task_runner
from tests import factories
from tests.accounts_helpers import (
    audit,
    count,
    database,
    link_in,
    make_users,
    messages,
    signed_in,
    user_row,
)

NEW_PASSWORD = "a long sentence to remember"


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    """Messages stay queued in the outbox, where the tests read them; no thread sends them."""
    monkeypatch.setattr(task_runner, "dispatch", lambda *args, **kwargs: None)


@pytest.fixture
def site(make_app):
    return make_app()


def _invite(client, **over):
    form = {"name": "Rita Recruiter", "email": "Rita@Example.org", "role": "recruiter", **over}
    return client.post("/admin/users/invite", data=form)


def _user_id(app, email: str) -> int | None:
    with database(app) as session:
        return session.scalar(sa.select(User.id).where(User.email == email))


# --- inviting ------------------------------------------------------------------------------------------------

def test_an_invited_colleague_sets_a_password_from_the_mail_and_signs_in(site):
    [admin] = make_users(site, Role.ADMIN)
    boss = signed_in(site, admin)
    response = _invite(boss)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"

    rita = user_row(site, _user_id(site, "rita@example.org"))  # stored lower-case
    assert rita.role == Role.RECRUITER and rita.active and rita.password_hash is None
    [message] = messages(site)
    assert (message.to, message.kind, message.user_id, message.language) == (
        "rita@example.org", "invitation", rita.id, "en")
    assert "invited" in message.subject
    assert "as Recruiter" in message.text and "14 days" in message.text and "Rita Recruiter" in message.text
    link = link_in(message)
    assert link.startswith("/set-password/")
    assert "http://localhost/set-password/" in message.text  # absolute: it is read in a mail program

    page = boss.get("/admin/users").get_data(as_text=True)
    assert "Invited, password not set yet" in page and "Send Rita Recruiter a new invitation" in page

    newcomer = site.test_client()
    assert newcomer.get(link).status_code == 200
    assert newcomer.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert newcomer.post("/login", data={"email": "rita@example.org", "password": NEW_PASSWORD}).status_code == 302
    assert newcomer.get("/").status_code == 200
    assert newcomer.get(link).status_code == 404  # spent

    [event] = audit(site, "account_invited")
    assert (event.actor_id, event.entity_type, event.entity_id, event.details) == (
        admin.id, "user", rita.id, {"role": "recruiter"})


def test_a_taken_address_in_any_case_is_refused_beside_the_field_and_nothing_is_saved(site):
    [admin] = make_users(site, Role.ADMIN)
    make_users(site, Role.HR, email="taken@example.org")
    boss = signed_in(site, admin)
    before = (count(site, User), count(site, OutboxMessage), count(site, AuditEvent))
    response = _invite(boss, name="Second Person", email="TAKEN@example.org", role="hr")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is already an account with this e-mail address." in page
    assert 'value="Second Person"' in page and 'value="TAKEN@example.org"' in page
    assert '<option selected value="hr">' in page or 'value="hr" selected' in page
    assert (count(site, User), count(site, OutboxMessage), count(site, AuditEvent)) == before


@pytest.mark.parametrize("role", ["new_hire", "owner", "", "ADMIN"])
def test_only_a_staff_role_can_be_given(site, role):
    [admin] = make_users(site, Role.ADMIN)
    boss = signed_in(site, admin)
    response = _invite(boss, role=role)
    assert response.status_code == 400
    assert "Choose a role" in response.get_data(as_text=True)
    assert count(site, User) == 1 and count(site, OutboxMessage) == 0


def test_a_bad_address_or_a_missing_name_is_refused(site):
    [admin] = make_users(site, Role.ADMIN)
    boss = signed_in(site, admin)
    assert _invite(boss, email="not an address").status_code == 400
    assert _invite(boss, name="  ").status_code == 400
    assert count(site, User) == 1 and count(site, OutboxMessage) == 0


def test_the_invitation_is_written_in_the_company_language(make_app):
    site = make_app(BABEL_DEFAULT_LOCALE="nl")
    [admin] = make_users(site, Role.ADMIN)
    assert _invite(signed_in(site, admin)).status_code == 302
    [message] = messages(site)
    assert message.language == "nl"


def test_a_new_invitation_is_a_new_link_while_no_password_is_set(site):
    [admin] = make_users(site, Role.ADMIN)
    boss = signed_in(site, admin)
    _invite(boss)
    rita_id = _user_id(site, "rita@example.org")
    assert boss.post(f"/admin/users/{rita_id}/invitation").status_code == 302
    first, second = messages(site)
    # Signed afresh: it works for 14 days from now (within one second the two links are alike).
    assert second.kind == "invitation" and second.to == "rita@example.org"
    assert site.test_client().get(link_in(second)).status_code == 200
    [event] = audit(site, "invitation_resent")
    assert (event.actor_id, event.entity_id, event.details) == (admin.id, rita_id, {})
    # Once a password is set, there is nothing to invite to: refused, nothing queued.
    site.test_client().post(link_in(second), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = boss.post(f"/admin/users/{rita_id}/invitation")
    assert response.status_code == 409 and "has set a password already" in response.get_data(as_text=True)
    assert len(messages(site)) == 2
    assert boss.post("/admin/users/999999/invitation").status_code == 404


def test_the_invitation_form_needs_its_csrf_token(make_app):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    [admin] = make_users(guarded, Role.ADMIN)
    boss = signed_in_with_csrf(guarded, admin)
    assert _invite(boss).status_code == 400
    assert count(guarded, User) == 1 and count(guarded, OutboxMessage) == 0


def signed_in_with_csrf(app, user):
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


# --- who may ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.HR, Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admins_keep_accounts(site, role):
    someone, other = make_users(site, role, Role.RECRUITER)
    client = signed_in(site, someone)
    assert client.get("/admin/users/invite").status_code == 403
    assert _invite(client).status_code == 403
    assert client.post(f"/admin/users/{other.id}/role", data={"role": "admin"}).status_code == 403
    assert client.post(f"/admin/users/{other.id}/invitation").status_code == 403
    assert client.post(f"/admin/users/{other.id}/active").status_code == 403
    assert user_row(site, other.id).role == Role.RECRUITER and user_row(site, other.id).active
    assert count(site, OutboxMessage) == 0 and count(site, AuditEvent) == 0


def test_ids_that_name_nobody_are_404(site):
    [admin] = make_users(site, Role.ADMIN)
    boss = signed_in(site, admin)
    for data in ({"role": "hr"}, {"role": "bogus"}):
        assert boss.post("/admin/users/999999/role", data=data).status_code == 404
    assert boss.post("/admin/users/999999/active").status_code == 404
    assert boss.post("/admin/users/999999/invitation").status_code == 404


# --- roles ----------------------------------------------------------------------------------------------------

def test_a_role_change_is_audited_with_codes_and_no_personal_data(site):
    admin, rita = make_users(site, Role.ADMIN, Role.RECRUITER)
    boss = signed_in(site, admin)
    assert boss.post(f"/admin/users/{rita.id}/role", data={"role": "hr"}).status_code == 302
    assert user_row(site, rita.id).role == Role.HR
    [event] = audit(site, "role_changed")
    assert (event.actor_id, event.entity_type, event.entity_id, event.details) == (
        admin.id, "user", rita.id, {"before": "recruiter", "after": "hr"})
    # The same role again changes nothing and records nothing.
    assert boss.post(f"/admin/users/{rita.id}/role", data={"role": "hr"}).status_code == 302
    assert len(audit(site, "role_changed")) == 1
    _invite(boss, name="Nina Newcomer", email="nina@example.org")
    everything = json.dumps([vars(e) for e in audit(site)])
    for personal in (rita.name, rita.email, "Nina", "nina@example.org"):
        assert personal not in everything


def test_a_bad_role_value_changes_nothing(site):
    admin, rita = make_users(site, Role.ADMIN, Role.RECRUITER)
    boss = signed_in(site, admin)
    for role in ("new_hire", "superuser", ""):
        response = boss.post(f"/admin/users/{rita.id}/role", data={"role": role})
        assert response.status_code == 400
    assert user_row(site, rita.id).role == Role.RECRUITER and audit(site) == []


def test_a_new_hire_role_is_not_changed_here(site):
    admin, newbie = make_users(site, Role.ADMIN, Role.NEW_HIRE)
    response = signed_in(site, admin).post(f"/admin/users/{newbie.id}/role", data={"role": "admin"})
    assert response.status_code == 409
    assert user_row(site, newbie.id).role == Role.NEW_HIRE and audit(site) == []


def test_the_last_active_admin_cannot_step_down(site):
    admin, closed_admin = make_users(site, Role.ADMIN, Role.ADMIN)
    with database(site) as session:
        session.get(User, closed_admin.id).active = False  # a closed admin does not count
        session.commit()
    boss = signed_in(site, admin)
    response = boss.post(f"/admin/users/{admin.id}/role", data={"role": "hr"})
    assert response.status_code == 409
    assert "is the last active admin" in response.get_data(as_text=True)
    assert user_row(site, admin.id).role == Role.ADMIN and audit(site) == []
    # With another active admin, stepping down is allowed; the admin pages close at once.
    assert boss.post(f"/admin/users/{closed_admin.id}/active").status_code == 302  # reopened
    response = boss.post(f"/admin/users/{admin.id}/role", data={"role": "hr"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert boss.get("/admin/users").status_code == 403


def test_a_demoted_admin_loses_the_powers_at_their_next_request(site):
    """The role is read from the database on every request, so the sessions of a demoted user go on with the
    new role's powers only: no sign-in again is needed for the change to hold."""
    one, two = make_users(site, Role.ADMIN, Role.ADMIN)
    first, second = signed_in(site, one), signed_in(site, two)
    assert second.get("/admin/users").status_code == 200
    assert first.post(f"/admin/users/{two.id}/role", data={"role": "interviewer"}).status_code == 302
    assert second.get("/admin/users").status_code == 403
    assert second.post(f"/admin/users/{one.id}/role", data={"role": "hr"}).status_code == 403
    assert second.get("/").status_code == 200  # still signed in, as an interviewer
    assert user_row(site, one.id).role == Role.ADMIN


def test_closing_an_admin_keeps_one_and_ends_their_sessions(site):
    one, two = make_users(site, Role.ADMIN, Role.ADMIN)
    first, second = signed_in(site, one), signed_in(site, two)
    assert first.post(f"/admin/users/{two.id}/active").status_code == 302
    assert second.get("/").status_code == 302  # sent to sign in: the session ended
    with database(site) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
            UserSession.user_id == two.id, UserSession.ended_at.is_(None))) == 0
    own = first.post(f"/admin/users/{one.id}/active")
    assert own.status_code == 409 and "You cannot close your own account." in own.get_data(as_text=True)
    assert user_row(site, one.id).active


# --- the list --------------------------------------------------------------------------------------------------

def test_the_users_list_shows_role_state_and_last_sign_in_without_a_query_per_row(app, client, login_as,
                                                                                  count_queries):
    login_as(Role.ADMIN)
    factories.user(Role.HR, name="Hanna Invited", password=None)
    factories.user(Role.RECRUITER, name="Carl Closed", active=False)
    db.session.commit()
    with count_queries() as few:
        page = client.get("/admin/users").get_data(as_text=True)
    assert "Invited, password not set yet" in page and "Send Hanna Invited a new invitation" in page
    assert "Closed" in page and "Never" in page
    assert page.count('name="role"') == 3  # a role form per staff account
    for _ in range(40):
        factories.user(Role.INTERVIEWER)
    factories.user(Role.NEW_HIRE)
    db.session.commit()
    with count_queries() as many:
        assert client.get("/admin/users").status_code == 200
    assert many.count == few.count
