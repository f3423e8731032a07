"""Default deny: every endpoint states its roles, and an endpoint that forgot is refused."""
from __future__ import annotations

import pytest
from flask import Blueprint

from hiring.auth.roles import TOKEN, PUBLIC, allowed_roles, roles_required
from hiring.extensions import db
from hiring.models import Role
from tests import factories


def test_every_endpoint_states_its_roles(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules() if allowed_roles(rule.endpoint) is None]
    assert missing == []


def test_only_login_set_password_the_careers_site_and_static_files_are_public(app):
    """Setting a password and the candidate's voluntary form are public: their signed tokens guard them.
    The privacy notice and the careers site are public because candidates have no account."""
    public = {rule.endpoint for rule in app.url_map.iter_rules() if allowed_roles(rule.endpoint) == PUBLIC}
    # auth.set_language: the language switch on the sign-in page (a cookie; CSRF like every POST).
    assert public == {"auth.login", "auth.set_password", "auth.set_language", "pipeline.self_identification",
                      "privacy.notice",
                      "careers.index", "careers.job", "careers.apply", "careers.applied", "careers.theme",
                      "careers.status.page", "careers.status.withdraw", "careers.status.download",
                      "careers.status.erasure",
                      "auth.forgot_password", "auth.reset_password",  # asking for a link, and the signed link
                      "calendar.feed",  # an interviewer's calendar feed: its secret address is its key
                      "sso.login", "sso.callback",  # single sign-on: the provider's signed ID token is the key
                      "api-docs.openapi_json",  # the API's description names no data
                      "static"}
    # The JSON API answers to a bearer token only, never to the session (tests/test_api.py).
    token = {rule.endpoint for rule in app.url_map.iter_rules() if allowed_roles(rule.endpoint) == TOKEN}
    assert token and all(endpoint.startswith("api_") for endpoint in token)


def test_an_endpoint_without_a_rule_is_refused_even_to_admins(make_app):
    app = make_app()
    forgotten = Blueprint("forgotten", __name__)

    @forgotten.route("/forgotten")
    def no_rule():
        return "should never be seen"

    app.register_blueprint(forgotten)
    with app.app_context():
        admin = factories.user(Role.ADMIN)
        db.session.commit()
        client = app.test_client()
        assert client.get("/forgotten").status_code == 302  # anonymous: sign in first
        client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
        response = client.get("/forgotten")
        assert response.status_code == 403
        assert "should never be seen" not in response.get_data(as_text=True)


def test_roles_required_needs_known_roles():
    with pytest.raises(ValueError):
        roles_required()
    with pytest.raises(ValueError):
        roles_required("superuser")


@pytest.mark.parametrize("role,status", [
    (Role.ADMIN, 200), (Role.HR, 403), (Role.RECRUITER, 403), (Role.INTERVIEWER, 403), (Role.NEW_HIRE, 403),
])
def test_user_list_is_for_admins_only(client, login_as, role, status):
    login_as(role)
    response = client.get("/admin/users")
    assert response.status_code == status
    if status == 403:
        assert "Your account may not open this page." in response.get_data(as_text=True)
