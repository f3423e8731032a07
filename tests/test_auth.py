"""Signing in and out; failures never reveal whether an account exists."""
from __future__ import annotations

import re

import pytest

from hiring.extensions import db
from hiring.models import Role
from tests import factories

FAILURE = "That e-mail and password do not match an active account."


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_reaches_its_home_page(client, auth, role):
    user = factories.user(role)
    db.session.commit()
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert user.name in page.get_data(as_text=True)


def test_login_page_renders(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label for="email">' in html and '<label for="password">' in html


def test_email_is_matched_case_insensitively(client, auth):
    user = factories.user(Role.HR, email="ada@example.test")
    db.session.commit()
    assert auth.login("  Ada@Example.TEST ").status_code == 302
    assert client.get("/").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


def _failure_page(response) -> str:
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert FAILURE in html
    return html


def test_wrong_password_unknown_account_and_closed_account_look_the_same(client, auth):
    known = factories.user(Role.RECRUITER, email="known@example.test")
    factories.user(Role.RECRUITER, email="closed@example.test", active=False)
    db.session.commit()
    wrong = _failure_page(auth.login(known.email, "not the password at all"))
    unknown = _failure_page(auth.login("nobody@example.test", "not the password at all"))
    closed = _failure_page(auth.login("closed@example.test"))

    def strip(html: str) -> str:
        return re.sub(r'value="[^"]*"', "", html)

    assert strip(wrong) == strip(unknown) == strip(closed)
    assert client.get("/").status_code == 302  # still signed out


def test_failed_login_keeps_the_email_and_never_echoes_the_password(auth):
    html = _failure_page(auth.login("typed@example.test", "secret-typed-password"))
    assert 'value="typed@example.test"' in html
    assert "secret-typed-password" not in html


def test_empty_fields_get_messages_next_to_them(client):
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your e-mail address." in html
    assert "Enter your password." in html
    assert 'aria-invalid="true"' in html


def test_user_without_password_cannot_sign_in(auth):
    user = factories.user(Role.NEW_HIRE, password=None)
    db.session.commit()
    assert "Enter your password." in auth.login(user.email, "").get_data(as_text=True)
    _failure_page(auth.login(user.email, "anything at all here"))


def test_anonymous_user_is_sent_to_login_and_back(client, auth):
    user = factories.user(Role.ADMIN)
    db.session.commit()
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = auth.login(user.email, query_string={"next": "/admin/users"})
    assert response.headers["Location"] == "/admin/users"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_next_never_leaves_the_site(auth, target):
    user = factories.user(Role.ADMIN)
    db.session.commit()
    response = auth.login(user.email, query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_logout_is_a_post_and_ends_the_session(client, auth):
    user = factories.user(Role.HR)
    db.session.commit()
    auth.login(user.email)
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_sign_in_starts_a_fresh_session(client, auth):
    user = factories.user(Role.HR)
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login(user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.permanent


def test_deactivated_user_loses_their_session(client, auth):
    user = factories.user(Role.HR)
    db.session.commit()
    auth.login(user.email)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_csrf_token_is_required_on_every_form(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = factories.user(Role.HR)
        db.session.commit()
        client = app.test_client()
        refused = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert refused.status_code == 400
        assert "did not come from this site" in refused.get_data(as_text=True)

        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        accepted = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                               "csrf_token": token})
        assert accepted.status_code == 302
        assert client.post("/logout").status_code == 400  # sign-out is a form too
