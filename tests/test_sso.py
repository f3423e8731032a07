"""Single sign-on against a real OpenID provider in the test process (tests/oidc_provider.py, Authlib's server).

The test client is the browser at our app; `sign_in_at_provider` is the same browser at the provider. Every
refusal is a page with a status and a sentence, never a 500, and the log says a code, never who.
"""
from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from hiring.auth import sso_client
from hiring.extensions import db
from hiring.models import AuditEvent, Role, RolesFrom, SsoSettings, User, UserSession
from tests import factories
from tests.conftest import TEST_PASSWORD
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, RunningProvider, query, sign_in_at_provider


@pytest.fixture(scope="module")
def running_provider():
    with RunningProvider() as provider:
        yield provider


@pytest.fixture
def provider(running_provider, app, monkeypatch):
    """The provider, with nobody at it yet, and this app set up to sign in through it."""
    running_provider.reset()
    monkeypatch.setitem(app.config, "SSO_CLIENT_SECRET", CLIENT_SECRET)
    sso_client.forget()
    configure(running_provider)
    yield running_provider
    sso_client.forget()


def configure(provider, **changes) -> SsoSettings:
    values = dict(id=1, enabled=True, provider_name="Acme ID", issuer=provider.issuer, client_id=CLIENT_ID,
                  role_claim="roles", admin_values="hiring-admins", hr_values="hiring-hr",
                  recruiter_values="hiring-recruiters", interviewer_values="hiring-interviewers interviewers-2",
                  roles_from=RolesFrom.CLAIM, password_sign_in=True)
    values.update(changes)
    row = db.session.get(SsoSettings, 1)
    if row is None:
        row = SsoSettings(**values)
        db.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.session.commit()
    return row


def start(client) -> str:
    """Click "Sign in with ...": where our app sends the browser (the provider's authorization endpoint)."""
    response = client.get("/auth/sso/login")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sso_sign_in(client, sub: str | None):
    """The whole round trip: to the provider, sign in there as `sub`, back to our callback."""
    back = sign_in_at_provider(start(client), sub)
    assert back.startswith("http://localhost/auth/sso/callback?")
    return client.get(back)


def person(provider, sub="p-1", *, email="new.person@example.test", verified=True, roles=("hiring-recruiters",),
           **claims):
    provider.add_person(sub, email=email, email_verified=verified, name="New Person", roles=list(roles), **claims)
    return sub


def signed_in_as(client) -> str | None:
    home = client.get("/")
    return None if home.status_code == 302 else home.get_data(as_text=True)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def our_log(caplog) -> str:
    return "\n".join(logging.Formatter().format(r) for r in caplog.records if r.name.startswith("hiring"))


# --- the happy paths -------------------------------------------------------------------------------------


def test_a_new_staff_member_signs_in_and_gets_the_role_the_claim_gives(client, provider):
    sub = person(provider, roles=["everyone", "hiring-recruiters"])
    authorize_url = start(client)
    sent = query(authorize_url)
    assert authorize_url.startswith(provider.issuer + "/authorize?")
    assert sent["client_id"] == CLIENT_ID and sent["response_type"] == "code"
    assert set(sent["scope"].split()) == {"openid", "email", "profile"}
    assert sent["state"] and sent["nonce"] and sent["code_challenge"] and sent["code_challenge_method"] == "S256"
    assert sent["redirect_uri"] == "http://localhost/auth/sso/callback"

    back = sign_in_at_provider(authorize_url, sub)
    assert query(back)["state"] == sent["state"]
    response = client.get(back)
    assert response.status_code == 302 and response.headers["Location"] == "/"

    user = db.session.scalar(sa.select(User).where(User.email == "new.person@example.test"))
    assert (user.role, user.name, user.sso_issuer, user.sso_subject) == (Role.RECRUITER, "New Person",
                                                                         provider.issuer, sub)
    assert user.password_hash is None and user.last_login_at is not None
    assert "New Person" in signed_in_as(client)
    # The same server-side session as a password sign-in.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                             .where(UserSession.user_id == user.id)) == 1
    created, = events("sso_account_created")
    assert (created.actor_id, created.entity_id, created.details) == (user.id, user.id, {"role": "recruiter"})
    signed, = events("sso_signed_in")
    assert signed.details == {}
    # Signing out ends it like any session.
    client.post("/logout")
    assert signed_in_as(client) is None


def test_the_highest_role_the_claim_maps_to_wins_and_goes_on_to_the_next_page(client, provider):
    sub = person(provider, roles=["interviewers-2", "hiring-hr"])
    response = client.get("/auth/sso/login?next=/offer/")
    back = sign_in_at_provider(response.headers["Location"], sub)
    response = client.get(back)
    assert response.headers["Location"] == "/offer/"
    assert db.session.scalar(sa.select(User.role).where(User.sso_subject == sub)) == Role.HR


def test_an_existing_account_is_linked_by_its_verified_e_mail_and_then_found_by_its_subject(client, provider):
    configure(provider, roles_from=RolesFrom.ADMIN)
    existing = factories.user(Role.INTERVIEWER, email="ines@example.test")
    db.session.commit()
    sub = person(provider, "p-ines", email="Ines@Example.test", roles=["hiring-admins"])

    assert sso_sign_in(client, sub).status_code == 302
    db.session.refresh(existing)
    # Roles set by an admin: the claim does not make her an admin.
    assert (existing.sso_subject, existing.role) == ("p-ines", Role.INTERVIEWER)
    assert [e.entity_id for e in events("sso_linked")] == [existing.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1

    # Her address changes at the provider: the subject still finds her account.
    client.post("/logout")
    provider.people[sub]["email"] = "ines.new@example.test"
    assert sso_sign_in(client, sub).status_code == 302
    assert signed_in_as(client) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_with_roles_from_the_claim_every_sign_in_sets_the_role(client, provider):
    existing = factories.user(Role.INTERVIEWER, email="rob@example.test")
    factories.user(Role.ADMIN)
    db.session.commit()
    sub = person(provider, "p-rob", email="rob@example.test", roles=["hiring-hr"])
    assert sso_sign_in(client, sub).status_code == 302
    db.session.refresh(existing)
    assert existing.role == Role.HR
    applied, = events("sso_role_applied")
    assert applied.details == {"before": "interviewer", "after": "hr"}


def test_the_claim_never_demotes_the_last_active_admin(client, provider):
    admin = factories.user(Role.ADMIN, email="boss@example.test")
    db.session.commit()
    sub = person(provider, "p-boss", email="boss@example.test", roles=["hiring-recruiters"])
    assert sso_sign_in(client, sub).status_code == 302
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


# --- the provider's answer is checked --------------------------------------------------------------------


@pytest.mark.parametrize(("misbehaviour", "code"), [
    ("forged", "id_token_bad_signature"),        # signed with a key that is not in the provider's JWKS
    ("wrong_nonce", "id_token_claim:nonce"),
    ("wrong_audience", "id_token_claim:aud"),
    ("expired", "id_token_expired"),
])
def test_an_id_token_that_fails_a_check_signs_nobody_in(client, provider, caplog, misbehaviour, code):
    caplog.set_level(logging.WARNING)
    sub = person(provider)
    back = sign_in_at_provider(start(client), sub)
    provider.misbehave = misbehaviour
    response = client.get(back)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "You are not signed in" in page and "could not be verified" in page
    assert signed_in_as(client) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert events("sso_signed_in") == []
    log = our_log(caplog)
    assert code in log and "new.person" not in log and sub not in log


def test_a_forged_id_token_is_refused_even_when_its_claims_are_perfect(client, provider):
    # Everything right (issuer, audience, nonce, expiry, a known kid) but the signature.
    factories.user(Role.ADMIN, email="boss@example.test")
    db.session.commit()
    sub = person(provider, "p-boss", email="boss@example.test", roles=["hiring-admins"])
    back = sign_in_at_provider(start(client), sub)
    provider.misbehave = "forged"
    assert client.get(back).status_code == 400
    assert signed_in_as(client) is None
    assert db.session.scalar(sa.select(User.sso_subject).where(User.email == "boss@example.test")) is None


def test_a_state_that_does_not_match_is_refused(client, app, provider, caplog):
    caplog.set_level(logging.WARNING)
    sub = person(provider)
    back = sign_in_at_provider(start(client), sub)
    # The provider's answer arrives in another browser (login CSRF): its session holds no such state.
    other = app.test_client()
    response = other.get(back)
    assert response.status_code == 400 and "could not be verified" in response.get_data(as_text=True)
    # And in the right browser with the state changed.
    tampered = re.sub(r"state=[^&]+", "state=forged", back)
    assert client.get(tampered).status_code == 400
    assert "state_mismatch" in our_log(caplog)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    # The real answer was never used, so it still works once.
    assert client.get(back).status_code == 302
    assert client.get(back).status_code == 302  # signed in now: sent home, not a second sign-in
    assert len(events("sso_signed_in")) == 1


def test_a_code_used_twice_is_refused_by_the_provider(client, app, provider, caplog):
    caplog.set_level(logging.WARNING)
    sub = person(provider)
    back = sign_in_at_provider(start(client), sub)
    # A copy of the browser's cookie, state and all, taken before the code is used.
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert client.get(back).status_code == 302
    client.post("/logout")  # (the test's app context shares Flask-Login's user between clients)
    response = copy.get(back)
    assert response.status_code == 400
    assert "provider_error:invalid_grant" in our_log(caplog)


def test_cancelling_at_the_provider_says_so(client, provider):
    back = sign_in_at_provider(start(client), None)
    assert query(back)["error"] == "access_denied"
    response = client.get(back)
    assert response.status_code == 400 and "was cancelled" in response.get_data(as_text=True)


def test_a_provider_that_does_not_answer_gives_a_page_not_an_error(client, provider, caplog):
    caplog.set_level(logging.WARNING)
    sub = person(provider)
    back = sign_in_at_provider(start(client), sub)
    provider.misbehave = "down"
    response = client.get(back)
    assert response.status_code == 502 and "did not answer" in response.get_data(as_text=True)
    sso_client.forget()
    response = client.get("/auth/sso/login")
    assert response.status_code == 502 and "Acme ID did not answer" in response.get_data(as_text=True)
    assert "provider_down" in our_log(caplog)


# --- who may come in -------------------------------------------------------------------------------------


def test_an_unverified_e_mail_is_not_linked(client, provider):
    existing = factories.user(Role.HR, email="hanna@example.test")
    db.session.commit()
    sub = person(provider, "p-hanna", email="hanna@example.test", verified=False, roles=["hiring-hr"])
    response = sso_sign_in(client, sub)
    assert response.status_code == 403 and "has not verified your e-mail address" in response.get_data(as_text=True)
    db.session.refresh(existing)
    assert existing.sso_subject is None and signed_in_as(client) is None


def test_a_closed_account_is_refused_whether_linked_or_found_by_e_mail(client, provider):
    closed = factories.user(Role.RECRUITER, email="gone@example.test", active=False)
    db.session.commit()
    sub = person(provider, "p-gone", email="gone@example.test")
    response = sso_sign_in(client, sub)
    assert response.status_code == 403 and "Your account here is closed" in response.get_data(as_text=True)
    closed.sso_issuer, closed.sso_subject = provider.issuer, sub
    db.session.commit()
    assert sso_sign_in(client, sub).status_code == 403
    assert signed_in_as(client) is None


def test_someone_whose_claim_gives_no_role_gets_no_account(client, provider):
    sub = person(provider, roles=["cleaning-staff"])
    response = sso_sign_in(client, sub)
    assert response.status_code == 403 and "Ask an admin" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_new_hires_sign_in_with_their_password_not_through_the_provider(client, provider):
    factories.user(Role.NEW_HIRE, email="newbie@example.test")
    db.session.commit()
    sub = person(provider, "p-newbie", email="newbie@example.test")
    response = sso_sign_in(client, sub)
    assert response.status_code == 403 and "New hires sign in with" in response.get_data(as_text=True)


def test_an_account_linked_to_another_identity_is_not_taken_over(client, provider):
    factories.user(Role.RECRUITER, email="sam@example.test")
    db.session.execute(sa.update(User).values(sso_issuer=provider.issuer, sso_subject="p-sam-old"))
    db.session.commit()
    sub = person(provider, "p-sam-new", email="sam@example.test")
    assert sso_sign_in(client, sub).status_code == 403


def test_the_refusal_page_speaks_dutch_to_a_dutch_browser(client, provider):
    sub = person(provider, roles=["cleaning-staff"])
    back = sign_in_at_provider(start(client), sub)
    response = client.get(back, headers={"Accept-Language": "nl"})
    assert response.status_code == 403
    assert 'lang="nl"' in response.get_data(as_text=True)


# --- single sign-on switched off, and password sign-in ---------------------------------------------------


def test_without_single_sign_on_there_is_no_button_and_its_pages_send_to_the_sign_in_page(client, provider):
    configure(provider, enabled=False)
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
    for url in ("/auth/sso/login", "/auth/sso/callback?code=x&state=y"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_the_sign_in_page_offers_the_provider(client, provider):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Acme ID" in page and 'href="/auth/sso/login"' in page


def test_password_sign_in_switched_off_refuses_staff_but_not_admins_or_new_hires(client, auth, provider):
    configure(provider, password_sign_in=False)
    recruiter = factories.user(Role.RECRUITER)
    admin = factories.user(Role.ADMIN)
    new_hire = factories.user(Role.NEW_HIRE)
    db.session.commit()
    response = auth.login(recruiter.email)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your company signs in with Acme ID" in page
    assert recruiter.email in page  # what was typed is kept
    assert signed_in_as(client) is None
    db.session.refresh(recruiter)
    assert recruiter.last_login_at is None
    for user in (admin, new_hire):
        assert auth.login(user.email).status_code == 302
        auth.logout()
    # A wrong password still says only that.
    assert "do not match" in auth.login(recruiter.email, "wrong password").get_data(as_text=True)
    configure(provider, password_sign_in=True)
    assert auth.login(recruiter.email, TEST_PASSWORD).status_code == 302


# --- the admins' settings page ---------------------------------------------------------------------------

FORM = dict(enabled="y", provider_name="Okta", client_id=CLIENT_ID, role_claim="groups",
            admin_values="hiring-admins", hr_values="hr, people-team", recruiter_values="", interviewer_values="",
            roles_from="admin", password_sign_in="")


@pytest.mark.parametrize("role", [Role.HR, Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admins_change_the_settings(client, login_as, provider, role):
    login_as(role)
    assert client.post("/admin/sso", data={**FORM, "issuer": provider.issuer}).status_code == 403
    assert db.session.get(SsoSettings, 1).provider_name == "Acme ID"


def test_an_admin_saves_the_settings_after_the_provider_answered(client, login_as, provider):
    admin = login_as(Role.ADMIN)
    page = client.get("/admin/sso").get_data(as_text=True)
    assert "http://localhost/auth/sso/callback" in page and 'value="Acme ID"' in page
    response = client.post("/admin/sso", data={**FORM, "issuer": provider.issuer})
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.session.get(SsoSettings, 1)
    db.session.refresh(row)
    assert (row.provider_name, row.role_claim, row.hr_values, row.roles_from, row.password_sign_in,
            row.updated_by_id) == ("Okta", "groups", "hr people-team", RolesFrom.ADMIN, False, admin.id)
    changed, = events("sso_settings_changed")
    assert changed.details == {"enabled": True, "roles_from": "admin", "password_sign_in": False}
    assert "/.well-known/openid-configuration" in provider.requests


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"issuer": ""}, "issuer", "Type the provider's issuer address."),
    ({"issuer": "http://idp.example.com"}, "issuer", "beginning with https://"),
    ({"issuer": "http://127.0.0.1:9/nothing-here"}, "issuer", "No discovery document could be read"),
    ({"provider_name": ""}, "provider_name", "Type the provider's name"),
    ({"client_id": ""}, "client_id", "Type the client ID"),
    ({"role_claim": "not a claim"}, "role_claim", "letters, digits"),
    ({"role_claim": "", "roles_from": "claim"}, "role_claim", "Type the claim that carries roles"),
])
def test_a_setting_refused_is_said_next_to_its_field_and_what_was_typed_stays(client, login_as, provider, change,
                                                                              field, message):
    login_as(Role.ADMIN)
    data = {**FORM, "issuer": provider.issuer, "provider_name": "Typed Name", **change}
    response = client.post("/admin/sso", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1).replace("&#39;", "'"), page
    for name in ("provider_name", "issuer", "client_id", "role_claim"):
        if data[name]:
            assert f'value="{data[name]}"' in page, name
    assert db.session.get(SsoSettings, 1).provider_name == "Acme ID"
    assert events("sso_settings_changed") == []


def test_switching_on_without_the_client_secret_is_refused_next_to_the_switch(client, login_as, provider, app,
                                                                             monkeypatch):
    monkeypatch.setitem(app.config, "SSO_CLIENT_SECRET", None)
    login_as(Role.ADMIN)
    response = client.post("/admin/sso", data={**FORM, "issuer": provider.issuer})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="enabled-error">[^<]*SSO_CLIENT_SECRET', page)
    # Switched off, the rest may be saved without it.
    assert client.post("/admin/sso", data={**FORM, "issuer": provider.issuer, "enabled": ""}).status_code == 302


def test_the_settings_form_needs_its_csrf_token(make_app, running_provider):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        admin = factories.user(Role.ADMIN)
        db.session.commit()
        email = admin.email
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"email": email, "password": TEST_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    data = {**FORM, "issuer": running_provider.issuer, "enabled": ""}
    assert client.post("/admin/sso", data=data).status_code == 400
    with app.app_context():
        assert db.session.get(SsoSettings, 1) is None
    page = client.get("/admin/sso").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/admin/sso", data={**data, "csrf_token": token}).status_code == 302


def test_the_role_claim_may_be_a_path_into_nested_claims(client, provider):
    # Keycloak puts a client's roles under resource_access.<client>.roles when its mapper adds them to the ID token.
    configure(provider, role_claim="resource_access.hiring-app.roles")
    provider.add_person("p-kc", email="kc@example.test", email_verified=True, name="K C",
                        resource_access={"hiring-app": {"roles": ["hiring-interviewers"]}})
    assert sso_sign_in(client, "p-kc").status_code == 302
    assert db.session.scalar(sa.select(User.role).where(User.sso_subject == "p-kc")) == Role.INTERVIEWER
