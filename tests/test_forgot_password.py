""""Forgot your password?" (issue 21): the same answer whether or not an account exists, a one-time link
valid for an hour that setting a password spends, limits per address and per e-mail, every session ended,
nobody signed in."""
from __future__ import annotations

import re

import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from hiring.auth import emails, reset
from hiring.models import AuditEvent, OutboxMessage, Role, User
from hiring.tasks import runner as task_runner
from tests.accounts_helpers import audit, count, database, link_in, make_users, messages, signed_in

NEW_PASSWORD = "a brand new sentence to remember"


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    monkeypatch.setattr(task_runner, "dispatch", lambda *args, **kwargs: None)


@pytest.fixture
def site(make_app):
    return make_app()


def _ask(client, email):
    return client.post("/forgot-password", data={"email": email})


def _reset_link(app, user) -> str:
    _ask(app.test_client(), user.email)
    return link_in(messages(app, kind="password_reset")[-1])


def test_the_sign_in_page_links_to_the_form(site):
    page = site.test_client().get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in page and "Forgot your password?" in page
    assert site.test_client().get("/forgot-password").status_code == 200


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_one_a_message(site, monkeypatch):
    [hanna] = make_users(site, Role.HR)
    [closed] = make_users(site, Role.RECRUITER, active=False)
    rendered = []
    real = emails.render_password_reset
    monkeypatch.setattr(emails, "render_password_reset",
                        lambda session, user: rendered.append(1) or real(session, user))

    answers = []
    for email in (hanna.email.upper(), "nobody@example.org", closed.email):
        client = site.test_client()
        response = _ask(client, email)
        follow = client.get(response.headers["Location"])
        # Each visitor's page holds its own CSRF token (the language switch's form): the same answer otherwise.
        page = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', follow.get_data(as_text=True))
        answers.append((response.status_code, response.headers["Location"], page))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:2] == (302, "/login")
    assert "If an account exists for the address you typed, we have sent it a link" in answers[0][2]
    # The same work for each (the message is written every time), kept only for the active account.
    assert len(rendered) == 3
    [message] = messages(site)
    assert (message.to, message.kind, message.user_id) == (hanna.email, "password_reset", hanna.id)
    assert "60 minutes" in message.text and "If you did not ask for this" in message.text
    assert link_in(message).startswith("/reset-password/")
    [event] = audit(site, "password_reset_requested")
    assert (event.actor_id, event.entity_id, event.details) == (None, hanna.id, {})


def test_an_empty_or_overlong_address_is_refused_beside_the_field(site):
    client = site.test_client()
    response = _ask(client, "")
    assert response.status_code == 400 and "Enter your e-mail address." in response.get_data(as_text=True)
    assert _ask(client, "a" * 300 + "@example.org").status_code == 400
    assert count(site, OutboxMessage) == 0


def test_the_link_sets_a_new_password_once_ends_every_session_and_signs_nobody_in(site):
    [hanna] = make_users(site, Role.HR)
    elsewhere = signed_in(site, hanna)
    link = _reset_link(site, hanna)

    visitor = site.test_client()
    assert visitor.get(link).status_code == 200
    weak = visitor.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 400 and "Use at least 12 characters." in weak.get_data(as_text=True)
    done = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert "Sign in with your new password" in visitor.get("/login").get_data(as_text=True)
    assert visitor.get("/").status_code == 302  # not signed in
    assert elsewhere.get("/").status_code == 302  # the session from before has ended

    spent = visitor.get(link)
    assert spent.status_code == 404
    assert 'href="/forgot-password"' in spent.get_data(as_text=True)
    assert visitor.post(link, data={"password": "another sentence to use", "confirm": "another sentence to use"}
                        ).status_code == 404
    assert signed_in(site, hanna, NEW_PASSWORD).get("/").status_code == 200
    [event] = audit(site, "password_reset")
    assert (event.actor_id, event.entity_type, event.entity_id, event.details) == (hanna.id, "user", hanna.id, {})


def test_a_signed_in_browser_that_resets_its_own_password_is_signed_out(site):
    [hanna] = make_users(site, Role.HR)
    client = signed_in(site, hanna)
    link = _reset_link(site, hanna)
    assert client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 302


def test_the_link_expires_after_an_hour(site, monkeypatch):
    [hanna] = make_users(site, Role.HR)
    link = _reset_link(site, hanna)
    now = time.time()
    clock = SimpleNamespace(time=lambda: now + 59 * 60)
    monkeypatch.setattr("itsdangerous.timed.time", clock)
    assert site.test_client().get(link).status_code == 200
    clock.time = lambda: now + 61 * 60
    response = site.test_client().get(link)
    assert response.status_code == 404 and "works for one hour" in response.get_data(as_text=True)


def test_a_password_changed_since_spends_the_link(site):
    [hanna] = make_users(site, Role.HR)
    link = _reset_link(site, hanna)
    client = signed_in(site, hanna)
    assert client.post("/account/password", data={"current": "correct horse battery staple",
                                                   "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
                       ).status_code == 302
    assert site.test_client().get(link).status_code == 404


def test_a_closed_account_s_link_stops_working(site):
    [hanna] = make_users(site, Role.HR)
    link = _reset_link(site, hanna)
    with database(site) as session:
        session.get(User, hanna.id).active = False
        session.commit()
    assert site.test_client().get(link).status_code == 404


def test_forged_and_other_kinds_of_links_do_not_work(site):
    [hanna] = make_users(site, Role.HR)
    link = _reset_link(site, hanna)
    token = link.rsplit("/", 1)[1]
    client = site.test_client()
    assert client.get("/reset-password/" + token[:-2] + "xx").status_code == 404
    assert client.get("/reset-password/forged").status_code == 404
    # A reset link is not a set-password link, nor the other way round: each has its own salt.
    assert client.get("/set-password/" + token).status_code == 404
    with database(site) as session:
        from hiring.auth.tokens import make_set_password_token

        invitation = make_set_password_token(session.get(User, hanna.id))
    assert client.get("/reset-password/" + invitation).status_code == 404


def test_the_message_is_in_the_user_s_language(site):
    [hanna] = make_users(site, Role.HR)
    with database(site) as session:
        session.get(User, hanna.id).locale = "nl"
        session.commit()
    _ask(site.test_client(), hanna.email)
    [message] = messages(site)
    assert message.language == "nl"


def test_links_are_built_on_the_public_base_url_when_it_is_set(make_app):
    site = make_app(PUBLIC_BASE_URL="https://jobs.example.com/")
    [hanna] = make_users(site, Role.HR)
    site.test_client().post("/forgot-password", data={"email": hanna.email}, headers={"Host": "evil.example.net"})
    [message] = messages(site)
    assert "https://jobs.example.com/reset-password/" in message.text and "evil" not in message.text


def test_requests_are_limited_per_e_mail(make_app):
    site = make_app(RATELIMIT_ENABLED=True, RESET_LIMIT_PER_EMAIL="2 per hour")
    [hanna] = make_users(site, Role.HR)
    client = site.test_client()
    assert _ask(client, hanna.email).status_code == 302
    assert _ask(client, hanna.email.upper()).status_code == 302
    refused = _ask(client, hanna.email)
    assert refused.status_code == 429
    assert "Too many links were asked for" in refused.get_data(as_text=True)
    assert len(messages(site)) == 2
    # An unknown address is counted alike (the limit tells nothing), and another address goes on.
    for _ in range(2):
        assert _ask(client, "nobody@example.org").status_code == 302
    assert _ask(client, "nobody@example.org").status_code == 429
    assert _ask(client, "someone@example.org").status_code == 302
    # The counters hold digests, never an address.
    keys = [str(key) for key in site.extensions["hiring.limiter"].storage.storage]
    assert any("reset-email" in key for key in keys)
    assert not any("example" in key for key in keys)


def test_requests_are_limited_per_client_address(make_app):
    site = make_app(RATELIMIT_ENABLED=True, RESET_LIMIT_PER_ADDRESS="3 per hour")
    client = site.test_client()
    for n in range(3):
        assert _ask(client, f"person{n}@example.org").status_code == 302
    assert _ask(client, "person9@example.org").status_code == 429
    other_machine = site.test_client()
    assert other_machine.post("/forgot-password", data={"email": "person9@example.org"},
                              environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 302


def test_the_form_needs_its_csrf_token(make_app):
    site = make_app(WTF_CSRF_ENABLED=True)
    [hanna] = make_users(site, Role.HR)
    assert _ask(site.test_client(), hanna.email).status_code == 400
    assert count(site, OutboxMessage) == 0 and count(site, AuditEvent) == 0


def test_the_stand_in_is_never_stored(site):
    with site.test_request_context(), database(site) as session:
        reset.request_reset(session, "nobody@example.org")
        assert not session.new
        session.commit()
    assert count(site, User) == 0 and count(site, OutboxMessage) == 0
    with database(site) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
