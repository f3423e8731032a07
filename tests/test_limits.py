"""Sign-in attempt limits (issue 18, finding 3): per address, and per account and address, failures only;
per account from anywhere only a slow-down for browsers the account has not signed in from; in Redis when
REDIS_URL is set; the client's address behind TRUSTED_PROXIES proxies."""
from __future__ import annotations

import time
import uuid

import pytest
from werkzeug.security import check_password_hash

from hiring.auth import device
from hiring.auth import service as auth_service
from hiring.extensions import db
from hiring.models import Role
from tests import factories
from tests.conftest import TEST_REDIS_URL as REDIS_URL

NEW_PASSWORD = "a brand new long passphrase"


def _limited_app(make_app, **limits):
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": "3 per 15 minutes",
                "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes", "LOGIN_LIMIT_PER_ADDRESS": "100 per 15 minutes",
                "LOGIN_SLOWDOWN_PER_ACCOUNT": "1 per 15 minutes", **limits}
    return make_app(**settings)


def _login(client, email, password="a wrong password here", address="10.0.0.1", **kwargs):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, **kwargs)


def _attack(client, email, addresses):
    """One wrong password from each address; the answers."""
    return [_login(client, email, address=address).status_code for address in addresses]


def test_an_account_is_limited_from_one_address_after_its_failures(app, make_app):
    target = factories.user(Role.RECRUITER)
    other = factories.user(Role.RECRUITER)
    db.session.commit()
    client = _limited_app(make_app).test_client()
    assert _attack(client, target.email, ["10.0.0.1"] * 3) == [200, 200, 200]
    # Even the right password waits now, from that address: the guesser cannot tell a hit from a miss.
    refused = _login(client, target.email, factories.PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # Another account from the same address is not affected, nor this account from another address.
    assert _login(client, other.email, factories.PASSWORD).status_code == 302
    assert _login(client, target.email, factories.PASSWORD, address="10.0.0.2").status_code == 302


def test_thirty_failures_from_one_address_do_not_keep_the_owner_out(app, make_app):
    """The review's attack, with the shipped limits: ten wrong passwords (here thirty) from anywhere used to
    lock the owner out for 15 minutes."""
    victim = factories.user(Role.HR)
    db.session.commit()
    limited = make_app(RATELIMIT_ENABLED=True)  # the shipped limits
    answers = _attack(limited.test_client(), victim.email, ["203.0.113.9"] * 30)
    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}
    # The owner, elsewhere and even in a browser never used for this account before, signs in at once.
    assert _login(limited.test_client(), victim.email, factories.PASSWORD, address="198.51.100.7").status_code == 302


def test_a_known_device_signs_in_while_the_account_is_attacked_from_everywhere(app, make_app):
    victim = factories.user(Role.HR)
    db.session.commit()
    limited = _limited_app(make_app)
    own_browser = limited.test_client()
    assert _login(own_browser, victim.email, factories.PASSWORD, address="198.51.100.7").status_code == 302
    own_browser.post("/logout", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    # A botnet: every address new, so neither the address limit nor the pair limit ever fires.
    attacker = limited.test_client()
    answers = _attack(attacker, victim.email, [f"10.1.0.{i}" for i in range(1, 12)])
    assert answers[:5] == [200] * 5  # the account's limit of failures from anywhere is reached here
    assert answers[5] == 200 and set(answers[6:]) == {429}  # then one attempt per pace, for unknown browsers
    # The owner's browser is known: no waiting, from any address.
    assert _login(own_browser, victim.email, factories.PASSWORD, address="192.0.2.44").status_code == 302
    # A browser the account has never signed in from waits, and is told so without learning anything.
    stranger = _login(limited.test_client(), victim.email, factories.PASSWORD, address="192.0.2.45")
    assert stranger.status_code == 429
    assert "Wait" in stranger.get_data(as_text=True) and int(stranger.headers["Retry-After"]) > 0


def test_an_unknown_device_is_slowed_not_locked(app, make_app):
    victim = factories.user(Role.HR)
    db.session.commit()
    limited = _limited_app(make_app, LOGIN_SLOWDOWN_PER_ACCOUNT="1 per 1 second")
    attacker = limited.test_client()
    _attack(attacker, victim.email, [f"10.2.0.{i}" for i in range(1, 8)])
    new_laptop = limited.test_client()
    waiting = _login(new_laptop, victim.email, factories.PASSWORD, address="192.0.2.50")
    assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) <= 2
    time.sleep(1.1)  # the pace, not a timing being measured: what "try again in a second" means
    assert _login(new_laptop, victim.email, factories.PASSWORD, address="192.0.2.50").status_code == 302


def test_an_unknown_account_is_limited_and_slowed_like_a_known_one(app, make_app):
    known = factories.user(Role.RECRUITER)
    db.session.commit()
    limited = _limited_app(make_app)
    client = limited.test_client()
    for email in (known.email, "nobody@example.test"):
        assert _attack(client, email, ["10.0.0.1"] * 4) == [200, 200, 200, 429]
        assert _attack(client, email, ["10.3.0.1", "10.3.0.2", "10.3.0.3", "10.3.0.4"]) == [200, 200, 200, 429]


def test_a_device_cookie_counts_only_for_its_own_account_and_cannot_be_forged(app, make_app):
    victim, attacker_account = factories.user(Role.HR), factories.user(Role.RECRUITER)
    db.session.commit()
    limited = _limited_app(make_app)
    attacker = limited.test_client()
    assert _login(attacker, attacker_account.email, factories.PASSWORD).status_code == 302
    attacker.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert attacker.get_cookie(device.COOKIE_NAME, path="/login") is not None
    assert _attack(attacker, victim.email, [f"10.4.0.{i}" for i in range(1, 9)])[-1] == 429
    forged = limited.test_client()
    forged.set_cookie(device.COOKIE_NAME, "eyJ1aWQiOjF9.forged.signature", path="/login")
    assert _login(forged, victim.email, address="10.4.1.1").status_code == 429


def test_the_device_cookie_is_http_only_lax_long_lived_and_secure_over_https(app, make_app):
    me = factories.user(Role.HR)
    db.session.commit()
    client = _limited_app(make_app).test_client()
    plain = _login(client, me.email, factories.PASSWORD)
    cookie = next(c for c in plain.headers.getlist("Set-Cookie") if c.startswith(device.COOKIE_NAME + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/login" in cookie
    assert "Secure" not in cookie and f"Max-Age={device.MAX_AGE_SECONDS}" in cookie
    client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    secure = _login(client, me.email, factories.PASSWORD, base_url="https://localhost")
    assert any(c.startswith(device.COOKIE_NAME + "=") and "Secure" in c for c in secure.headers.getlist("Set-Cookie"))


def test_successful_sign_ins_do_not_count(app, make_app):
    me = factories.user(Role.HR)
    db.session.commit()
    client = _limited_app(make_app).test_client()
    for _ in range(6):
        assert _login(client, me.email, factories.PASSWORD).status_code == 302
        client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert _login(client, me.email).status_code == 200  # a failure is still judged on its own


def test_an_address_is_limited_across_accounts(app, make_app):
    users = [factories.user(Role.INTERVIEWER) for _ in range(5)]
    db.session.commit()
    client = _limited_app(make_app, LOGIN_LIMIT_PER_ADDRESS="4 per 15 minutes").test_client()
    answers = [_login(client, u.email, address="10.9.9.9").status_code for u in users]
    assert answers == [200, 200, 200, 200, 429]
    # Someone at another address still signs in.
    assert _login(client, users[4].email, factories.PASSWORD, address="10.8.8.8").status_code == 302


def test_the_sign_in_page_itself_is_never_limited(app, make_app):
    client = _limited_app(make_app).test_client()
    for _ in range(4):
        _login(client, "nobody@example.test")
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def _signed_in(make_app, **limits):
    me = factories.user(Role.RECRUITER)
    db.session.commit()
    client = _limited_app(make_app, **limits).test_client()
    assert _login(client, me.email, factories.PASSWORD).status_code == 302
    return client


def _change(client, current, new=NEW_PASSWORD):
    return client.post("/account/password", data={"current": current, "password": new, "confirm": new},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code


def test_guessing_the_current_password_on_the_change_form_is_limited(app, make_app):
    client = _signed_in(make_app, LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    assert [_change(client, "not my password") for _ in range(4)] == [400, 400, 400, 429]


def test_a_new_password_the_policy_refuses_is_not_a_guess(app, make_app):
    """Only a wrong current password counts: someone struggling with the policy is not locked out of it."""
    client = _signed_in(make_app, LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    assert [_change(client, factories.PASSWORD, "password1234") for _ in range(5)] == [400] * 5
    assert [_change(client, "not my password") for _ in range(4)] == [400, 400, 400, 429]


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


# Behind a reverse proxy every request comes from the proxy's address: only TRUSTED_PROXIES tells the app
# to take the client's from X-Forwarded-For (and the scheme from X-Forwarded-Proto).

def _through_proxy(client, email, forwarded_for):
    return client.post("/login", data={"email": email, "password": "a wrong password here"},
                       headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": "10.10.0.1"})


def test_behind_a_trusted_proxy_each_client_address_counts_apart(app, make_app):
    client = _limited_app(make_app, TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_ADDRESS="2 per 15 minutes").test_client()
    answers = [_through_proxy(client, f"u{i}@example.test", "198.51.100.1").status_code for i in range(3)]
    assert answers == [200, 200, 429]
    assert _through_proxy(client, "u9@example.test", "198.51.100.2").status_code == 200


def test_without_trusted_proxies_the_forwarded_header_is_ignored(app, make_app):
    client = _limited_app(make_app, LOGIN_LIMIT_PER_ADDRESS="2 per 15 minutes").test_client()
    answers = [_through_proxy(client, f"u{i}@example.test", f"198.51.100.{i}").status_code for i in range(3)]
    assert answers == [200, 200, 429]  # a client cannot pick a fresh address per attempt


def test_hsts_follows_the_scheme_the_trusted_proxy_reports(app, make_app):
    https = {"X-Forwarded-Proto": "https"}
    trusted = make_app(TRUSTED_PROXIES=1).test_client()
    assert trusted.get("/login", headers=https).headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in trusted.get("/login").headers
    untrusted = make_app().test_client()
    assert "Strict-Transport-Security" not in untrusted.get("/login", headers=https).headers


def test_trusted_proxies_is_read_from_the_environment(monkeypatch, tmp_path):
    from hiring.config import from_environment

    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert from_environment(tmp_path, {"SECRET_KEY": "x"})["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert from_environment(tmp_path, {"SECRET_KEY": "x"})["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        from_environment(tmp_path, {"SECRET_KEY": "x"})


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
    # The account-wide count is shared too: two more failures elsewhere, and unknown browsers are paced.
    assert _attack(first, me.email, ["10.5.0.1", "10.5.0.2"]) == [200, 200]
    assert _attack(second, me.email, ["10.5.0.3", "10.5.0.4"]) == [200, 429]
    keys = redis_db.keys("*")
    assert any(b"login-account-address" in key for key in keys)
    assert any(b"login-account-pace" in key for key in keys)
    assert not any(me.email.encode() in key for key in keys)  # a digest of what was typed, never the address


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
