"""Error pages in the site's layout; nothing is half-saved when a request fails."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort

from hiring.auth.roles import ANY_ROLE, roles_required
from hiring.errors import Conflict
from hiring.extensions import db
from hiring.models import Candidate, Role
from tests import factories


def test_unknown_address_gives_404_in_the_layout(client, login_as):
    login_as(Role.RECRUITER)
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Not found" in html and '<nav aria-label="Main"' in html


def test_404_for_anonymous_users_too(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def _app_with_failing_routes(make_app):
    app = make_app()
    failing = Blueprint("failing", __name__)

    @failing.route("/boom")
    @roles_required(*ANY_ROLE)
    def boom():
        db.session.add(Candidate(name="Half saved", email="half@example.test"))
        db.session.flush()
        raise RuntimeError("unexpected")

    @failing.route("/conflict")
    @roles_required(*ANY_ROLE)
    def conflict():
        raise Conflict("That application has moved on since you opened it.")

    @failing.route("/bad")
    @roles_required(*ANY_ROLE)
    def bad():
        abort(400)

    app.register_blueprint(failing)
    return app


def test_500_rolls_back_and_shows_the_error_page(make_app):
    app = _app_with_failing_routes(make_app)
    with app.app_context():
        user = factories.user(Role.HR)
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        response = client.get("/boom")
        assert response.status_code == 500
        assert "Nothing was saved" in response.get_data(as_text=True)
        db.session.remove()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0

        domain = client.get("/conflict")
        assert domain.status_code == 409
        assert "That application has moved on" in domain.get_data(as_text=True)
        assert client.get("/bad").status_code == 400
