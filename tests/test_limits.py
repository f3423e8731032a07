"""Sign-in attempt limits: per account and per address, failures only, in Redis when REDIS_URL is set."""
from __future__ import annotations

import uuid

import pytest
from werkzeug.security import check_password_hash

from hiring.auth import service as auth_service
from hiring.extensions import db
from hiring.models import Role
from tests import factories
from tests.conftest import TEST_REDIS_URL as REDIS_URL


def _limited_app(make_app, **limits):
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
                "LOGIN_LIMIT_PER_ADDRESS": "100 per 15 minutes", **limits}
    return make_app(**settings)


def _login(client, email, password="a wrong password here", address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_an_account_is_limited_after_its_failures_whoever_tries(app, make_app):
    target = factories.user(Role.RECRUITER)
    other = factories.user(Role.RECRUITER)
    db.session.commit()
    client = _limited_app(make_app).test_client()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):  # from several places
        assert _login(client, target.email, address=address).status_code == 200
    # Even the right password waits now: the guesser cannot tell a hit from a miss.
    refused = _login(client, target.email, factories.PASSWORD, address="10.0.0.4")
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # Another account from the same address is not affected.
    assert _login(client, other.email, factories.PASSWORD, address="10.0.0.4").status_code == 302


def test_an_unknown_account_is_limited_like_a_known_one(app, make_app):
    client = _limited_app(make_app).test_client()
    answers = [_login(client, "nobody@example.test").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_an_address_is_limited_across_accounts(app, make_app):
    users = [factories.user(Role.INTERVIEWER) for _ in range(5)]
    db.session.commit()
    client = _limited_app(make_app, LOGIN_LIMIT_PER_ADDRESS="4 per 15 minutes").test_client()
    answers = [_login(client, u.email, address="10.9.9.9").status_code for u in users]
    assert answers == [200, 200, 200, 200, 429]
    # Someone at another address still signs in.
    assert _login(client, users[4].email, factories.PASSWORD, address="10.8.8.8").status_code == 302


def test_successful_sign_ins_do_not_count(app, make_app):
    me = factories.user(Role.HR)
    db.session.commit()
    client = _limited_app(make_app).test_client()
    for _ in range(6):
        assert _login(client, me.email, factories.PASSWORD).status_code == 302
        client.post("/logout")
    assert _login(client, me.email).status_code == 200  # a failure is still judged on its own


def test_the_sign_in_page_itself_is_never_limited(app, make_app):
    client = _limited_app(make_app).test_client()
    for _ in range(4):
        _login(client, "nobody@example.test")
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_guessing_the_current_password_on_the_change_form_is_limited(app, make_app):
    me = factories.user(Role.RECRUITER)
    db.session.commit()
    client = _limited_app(make_app).test_client()
    assert _login(client, me.email, factories.PASSWORD).status_code == 302
    form = {"current": "not my password", "password": "a brand new long passphrase", "confirm":
            "a brand new long passphrase"}
    answers = [client.post("/account/password", data=form, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
               for _ in range(4)]
    assert answers == [400, 400, 400, 429]


def test_a_wrong_password_and_an_unknown_account_cost_one_hash_check_each(client, auth, monkeypatch):
    """The same work, hence about the same time, whether or not the account exists."""
    me = factories.user(Role.RECRUITER)
    closed = factories.user(Role.RECRUITER, active=False)
    db.session.commit()
    calls = []
    monkeypatch.setattr(auth_service, "check_password_hash",
                        lambda stored, given: calls.append(1) or check_password_hash(stored, given))
    monkeypatch.setattr("hiring.models.people.check_password_hash",
                        lambda stored, given: calls.append(1) or check_password_hash(stored, given))
    per_attempt = []
    for email in (me.email, "nobody@example.test", closed.email):
        calls.clear()
        auth.login(email, "a wrong password here")
        per_attempt.append(len(calls))
    assert per_attempt == [1, 1, 1]


def test_with_redis_every_worker_counts_together(app, make_app, redis_db):
    """Two apps stand for two worker processes: failures at one count at the other."""
    me = factories.user(Role.RECRUITER)
    db.session.commit()
    first = _limited_app(make_app, RATELIMIT_STORAGE_URI=REDIS_URL).test_client()
    second = _limited_app(make_app, RATELIMIT_STORAGE_URI=REDIS_URL).test_client()
    assert _login(first, me.email).status_code == 200
    assert _login(second, me.email).status_code == 200
    assert _login(first, me.email).status_code == 200
    assert _login(second, me.email, factories.PASSWORD).status_code == 429
    assert any(b"login-account" in key for key in redis_db.keys("*"))


def test_redis_url_chooses_redis_storage(monkeypatch, tmp_path):
    from hiring.config import from_environment

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert from_environment(tmp_path, {"SECRET_KEY": "x"})["RATELIMIT_STORAGE_URI"] == REDIS_URL
    monkeypatch.delenv("REDIS_URL")
    assert from_environment(tmp_path, {"SECRET_KEY": "x"})["RATELIMIT_STORAGE_URI"] == "memory://"


def test_limits_in_memory_are_kept_per_app(app, make_app):
    """Each app has its own limiter: a test (or a second app in one process) never inherits another's counts."""
    name = f"x{uuid.uuid4().hex}@example.test"
    first = _limited_app(make_app).test_client()
    for _ in range(3):
        _login(first, name)
    assert _login(first, name).status_code == 429
    assert _login(_limited_app(make_app).test_client(), name).status_code == 200
