"""The language switch: on the sign-in page and in the header, signed in or not, back to a page on this site."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import AuditEvent, Role, User
from tests import factories


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_the_sign_in_page_offers_both_languages_named_in_themselves(client):
    html = client.get("/login").get_data(as_text=True)
    form = re.search(r'<form class="language-switch" method="post" action="/language".*?</form>', html, re.S)
    assert form, html
    buttons = re.findall(r'<button type="submit" name="language" value="(\w+)" lang="(\w+)"[^>]*>([^<]+)</button>',
                         form.group(0))
    assert [(v, lang, name) for v, lang, name in buttons] == [("en", "en", "English"), ("nl", "nl", "Nederlands")]
    assert 'name="csrf_token"' in form.group(0) and 'name="next" value="/login"' in form.group(0)
    assert html.count('class="language-switch"') == 1  # the header's copy is left out on this page


def test_a_visitor_switches_and_the_choice_outlives_signing_in(client):
    switched = client.post("/language", data={"language": "nl", "next": "/login?next=/pipeline/"})
    assert switched.status_code == 303 and switched.headers["Location"] == "/login?next=/pipeline/"
    assert "lang=nl" in switched.headers["Set-Cookie"]
    page = client.get("/login").get_data(as_text=True)
    assert _lang(page) == "nl" and "Inloggen" in page
    user = factories.user(Role.HR)  # no language saved: the visitor's choice goes on after signing in
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    assert _lang(client.get("/account/profile").get_data(as_text=True)) == "nl"
    client.post("/language", data={"language": "en", "next": "/login"})
    assert _lang(client.get("/account/profile").get_data(as_text=True)) == "en"


def test_signed_in_the_choice_is_saved_on_the_profile_and_audited(client, login_as):
    user = login_as(Role.RECRUITER)
    response = client.post("/language", data={"language": "nl", "next": "/account/profile"})
    assert response.status_code == 303 and response.headers["Location"] == "/account/profile"
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "nl"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "locale_changed"))
    assert event.actor_id == user.id and event.details == {"before": None, "after": "nl"}
    assert _lang(client.get("/account/profile").get_data(as_text=True)) == "nl"
    # The same language again changes nothing and records nothing.
    client.post("/language", data={"language": "nl", "next": "/"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "\\\\evil.example", "javascript:alert(1)", "evil.example", "/\t/evil.example",
                                    "http:/evil.example", ""])
def test_the_switch_never_leads_to_another_site(client, target):
    response = client.post("/language", data={"language": "nl", "next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/login"


def test_signed_in_an_unsafe_next_leads_home(client, login_as):
    login_as(Role.HR)
    response = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client, login_as):
    user = login_as(Role.HR)
    response = client.post("/language", data={"language": "xx", "next": "/account/profile"}, follow_redirects=True)
    assert "Choose one of the languages offered." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale is None
    assert "lang=xx" not in (response.history[0].headers.get("Set-Cookie") or "")


def test_the_switch_is_a_form_with_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        assert client.post("/language", data={"language": "nl", "next": "/login"}).status_code == 400
        page = client.get("/login").get_data(as_text=True)
        form = re.search(r'<form class="language-switch".*?</form>', page, re.S).group(0)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        accepted = client.post("/language", data={"language": "nl", "next": "/login", "csrf_token": token})
        assert accepted.status_code == 303
        assert _lang(client.get("/login").get_data(as_text=True)) == "nl"


def test_a_get_is_not_allowed(client):
    assert client.get("/language?language=nl").status_code == 405
