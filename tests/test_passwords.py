"""The password policy, changing one's password, and what that does to other sessions."""
from __future__ import annotations

import pytest

from hiring.auth.passwords import problems
from hiring.extensions import db
from hiring.models import Role
from tests import factories


@pytest.mark.parametrize("password", ["short", "password1234", "Password 1234", "aaaaaaaaaaaaaa", "abababababab",
                                      "abcdefghijklmn", "qwertyuiopas", "wachtwoord123", "grace.hopper-secret!"])
def test_weak_passwords_are_refused(password):
    assert problems(password, email="grace.hopper@example.org", name="Grace Hopper") is not None


def test_a_sentence_is_fine():
    assert problems("the kettle sings at seven", email="grace@example.org", name="Grace") is None


def test_change_password_ends_other_sessions(make_app):
    app = make_app()
    with app.app_context():
        email = factories.user(Role.RECRUITER, name="Pat Password").email
        db.session.commit()
        db.session.remove()
    # The requests run outside the setup's app context, each in its own, as in production.
    new = "a new sentence to remember"
    me, other = app.test_client(), app.test_client()
    for client in (me, other):
        client.post("/login", data={"email": email, "password": factories.PASSWORD})
        assert client.get("/").status_code == 200
    wrong = me.post("/account/password", data={"current": "nope", "password": new, "confirm": new})
    assert wrong.status_code == 400 and "That is not your current password." in wrong.get_data(as_text=True)
    weak = me.post("/account/password", data={"current": factories.PASSWORD, "password": "password1234",
                                              "confirm": "password1234"})
    assert weak.status_code == 400 and "first that attackers try" in weak.get_data(as_text=True)
    assert me.post("/account/password", data={"current": factories.PASSWORD, "password": new,
                                              "confirm": new}).status_code == 302
    assert me.get("/").status_code == 200
    assert other.get("/").status_code == 302  # the other session has ended
    other.post("/login", data={"email": email, "password": new})
    assert other.get("/").status_code == 200


def test_create_user_applies_the_policy(runner):
    result = runner.invoke(args=["create-user", "--email", "x@example.org", "--name", "X", "--role", "hr",
                                 "--password", "password1234"])
    assert result.exit_code != 0 and "first that attackers try" in result.output


def test_production_hashes_with_scrypt_at_full_cost():
    from hiring import create_app
    from hiring.models import User

    # Even a configuration that asks for a cheap method gets the full cost unless it is a test configuration.
    for app in (create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"}),
                create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})):
        with app.app_context():
            user = User(email="full@example.org", name="Full Cost", role=Role.HR)
            user.set_password("a sentence long enough")
            assert user.password_hash.startswith("scrypt:32768:8:1$")
            assert user.check_password("a sentence long enough") and not user.check_password("another one")
    outside_an_app = User(email="x@example.org", name="X", role=Role.HR)
    outside_an_app.set_password("a sentence long enough")
    assert outside_an_app.password_hash.startswith("scrypt:32768:8:1$")


def test_the_test_configuration_hashes_cheaply(app):
    user = factories.user(Role.HR)
    assert user.password_hash.startswith("pbkdf2:sha256:1$")
    assert user.check_password(factories.PASSWORD)
