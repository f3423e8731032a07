"""Sessions kept on the server (issue 18, finding 4): a session ends when its user signs out, is closed,
changes their password elsewhere or signs out everywhere; a copied cookie is worth nothing after that.

Requests run outside the test's app context, each in its own, as in production: Flask-Login keeps the
signed-in user in `g`, which a shared context would carry from one request to the next."""
from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from hiring.auth import sessions
from hiring.extensions import db
from hiring.models import AuditEvent, Role, User, UserSession, utcnow
from tests import factories

NEW_PASSWORD = "a new sentence to remember"


@pytest.fixture
def site(make_app):
    return make_app()


@contextmanager
def database(app):
    """The database, between requests."""
    with app.app_context():
        yield db.session
        db.session.remove()


def _users(app, *roles: Role) -> list[SimpleNamespace]:
    with database(app) as session:
        made = [factories.user(role) for role in roles]
        session.commit()
        return [SimpleNamespace(id=u.id, email=u.email) for u in made]


def _sign_in(client, user, password: str = factories.PASSWORD) -> None:
    assert client.post("/login", data={"email": user.email, "password": password}).status_code == 302


def _signed_in(client, **kwargs) -> bool:
    """The home page answers (200) rather than sending to the sign-in page (302)."""
    status = client.get("/", **kwargs).status_code
    assert status in (200, 302)
    return status == 200


def _copy(client, app):
    """Another browser holding a copy of this one's session cookie (stolen, or left behind)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _rows(app, user_id: int) -> list[tuple]:
    with database(app) as session:
        return session.execute(sa.select(UserSession.key_hash, UserSession.ended_at)
                               .where(UserSession.user_id == user_id).order_by(UserSession.id)).all()


def _update(app, statement) -> None:
    with database(app) as session:
        session.execute(statement)
        session.commit()


def test_a_cookie_copied_before_sign_out_is_refused_after_it(site):
    [me] = _users(site, Role.HR)
    client = site.test_client()
    _sign_in(client, me)
    copy = _copy(client, site)
    assert _signed_in(copy)  # the copy works while the session lives: it is the same session
    assert client.post("/logout").status_code == 302
    assert not _signed_in(copy)
    assert not _signed_in(client)
    [(_key, ended)] = _rows(site, me.id)
    assert ended is not None


@pytest.mark.parametrize("elsewhere", [{"environ_base": {"REMOTE_ADDR": "203.0.113.5"}},
                                       {"headers": {"User-Agent": "Another/1.0"}}])
def test_a_cookie_used_from_another_address_or_browser_ends_the_session(site, elsewhere):
    [me] = _users(site, Role.HR)
    client = site.test_client()
    _sign_in(client, me)
    assert not _signed_in(_copy(client, site), **elsewhere)
    # The session was seen in two places: it ends for both, and the owner signs in again.
    assert not _signed_in(client)
    assert all(ended is not None for _key, ended in _rows(site, me.id))


def test_the_database_holds_a_hash_of_the_session_key_never_the_key(site):
    [me] = _users(site, Role.HR)
    client = site.test_client()
    _sign_in(client, me)
    with client.session_transaction() as cookie:
        raw = cookie[sessions.KEY]
        assert cookie["_user_id"] == str(me.id)  # the id alone: the row, not a password fingerprint, decides
    [(key_hash, ended)] = _rows(site, me.id)
    assert ended is None and len(raw) >= 40
    assert key_hash == hashlib.sha256(raw.encode()).hexdigest() != raw
    with database(site) as session:
        everything = " ".join(str(v) for row in session.execute(sa.select(UserSession.__table__)).all() for v in row)
    assert raw not in everything


def test_closing_an_account_ends_its_sessions_and_reopening_does_not_bring_them_back(site):
    admin, them = _users(site, Role.ADMIN, Role.RECRUITER)
    boss, theirs = site.test_client(), site.test_client()
    _sign_in(theirs, them)
    _sign_in(boss, admin)
    assert boss.post(f"/admin/users/{them.id}/active").status_code == 302
    assert all(ended is not None for _key, ended in _rows(site, them.id))
    assert not _signed_in(theirs)
    assert boss.post(f"/admin/users/{them.id}/active").status_code == 302  # reopened
    assert not _signed_in(theirs)  # the old cookie stays dead; signing in again works
    _sign_in(theirs, them)
    assert _signed_in(theirs)


def test_any_way_of_closing_an_account_ends_its_sessions(site):
    """The Offer taken closes the new hire's account in hiring.offer: every path counts, not only the admin's."""
    [me] = _users(site, Role.NEW_HIRE)
    client = site.test_client()
    _sign_in(client, me)
    for active in (False, True):
        with database(site) as session:
            session.get(User, me.id).active = active
            session.commit()
    assert not _signed_in(client)


def test_sign_out_everywhere_ends_every_session_of_the_account_only(site):
    me, colleague = _users(site, Role.HR, Role.HR)
    laptop, phone, theirs = site.test_client(), site.test_client(), site.test_client()
    _sign_in(laptop, me)
    _sign_in(phone, me)
    _sign_in(theirs, colleague)
    profile = laptop.get("/account/profile").get_data(as_text=True)
    assert 'action="/account/sign-out-everywhere"' in profile and "Sign out everywhere" in profile
    assert laptop.get("/account/sign-out-everywhere").status_code == 405  # never a link
    response = laptop.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _signed_in(laptop) and not _signed_in(phone)
    assert _signed_in(theirs)
    with database(site) as session:
        event = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "signed_out_everywhere")).one()
        assert (event.actor_id, event.entity_type, event.entity_id, event.details) == (me.id, "user", me.id, {})


def test_sign_out_everywhere_needs_the_forms_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    [me] = _users(app, Role.HR)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": me.email, "password": factories.PASSWORD, "csrf_token": token})
    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert _signed_in(client)
    profile = client.get("/account/profile").get_data(as_text=True)
    form = profile[profile.index('action="/account/sign-out-everywhere"'):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/account/sign-out-everywhere", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(client)


def test_a_password_change_ends_the_other_sessions_but_not_this_one(site):
    [me] = _users(site, Role.RECRUITER)
    this, other = site.test_client(), site.test_client()
    _sign_in(this, me)
    _sign_in(other, me)
    assert this.post("/account/password", data={"current": factories.PASSWORD, "password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD}).status_code == 302
    assert _signed_in(this) and not _signed_in(other)
    assert [ended is None for _key, ended in _rows(site, me.id)] == [True, False]
    _sign_in(other, me, NEW_PASSWORD)
    assert _signed_in(other)


def test_idle_and_too_old_sessions_are_refused(site):
    [me] = _users(site, Role.HR)
    client = site.test_client()
    _sign_in(client, me)
    now = utcnow()
    idle = site.permanent_session_lifetime + timedelta(minutes=1)
    _update(site, sa.update(UserSession).values(last_seen_at=now - idle, created_at=now - idle))
    assert not _signed_in(client)
    _sign_in(client, me)
    old = timedelta(seconds=site.config["SESSION_ABSOLUTE_LIFETIME"]) + timedelta(minutes=1)
    # Busy all along, but on for too long.
    _update(site, sa.update(UserSession).where(UserSession.ended_at.is_(None))
            .values(created_at=now - old, last_seen_at=now))
    assert not _signed_in(client)


def test_last_seen_moves_now_and_then_not_on_every_request(site):
    [me] = _users(site, Role.HR)
    client = site.test_client()
    _sign_in(client, me)
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement.lstrip().upper())

    with site.app_context():
        interval = sessions.touch_interval()  # a minute at least; 1% of the idle lifetime (about 5 minutes)
        sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert _signed_in(client) and _signed_in(client)
        assert not [s for s in statements if s.startswith("UPDATE")]
        earlier = utcnow() - interval - timedelta(seconds=5)
        _update(site, sa.update(UserSession).values(last_seen_at=earlier, created_at=earlier))
        statements.clear()
        assert _signed_in(client)
        assert len([s for s in statements if s.startswith("UPDATE USER_SESSIONS")]) == 1
    finally:
        with site.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    with database(site) as session:
        assert session.scalar(sa.select(UserSession.last_seen_at)) > earlier + interval


def test_signing_in_clears_away_the_users_ended_and_expired_sessions(site):
    me, other = _users(site, Role.HR, Role.HR)
    browsers = [site.test_client() for _ in range(4)]
    for browser in browsers:
        _sign_in(browser, me)
    browsers[0].post("/logout")
    browsers[1].post("/logout")
    long_ago = utcnow() - site.permanent_session_lifetime - timedelta(hours=1)
    [_, _, idle, live] = [key for key, _ended in _rows(site, me.id)]
    _update(site, sa.update(UserSession).where(UserSession.key_hash == idle)
            .values(created_at=long_ago, last_seen_at=long_ago))
    theirs = site.test_client()
    _sign_in(theirs, other)
    theirs.post("/logout")
    assert len(_rows(site, me.id)) == 4
    _sign_in(site.test_client(), me)
    left = _rows(site, me.id)
    assert [ended for _key, ended in left] == [None, None] and left[0][0] == live
    assert _signed_in(browsers[3])
    assert len(_rows(site, other.id)) == 1  # someone else's rows wait for their own next sign-in


def test_deleting_a_user_deletes_their_sessions(site):
    [me] = _users(site, Role.HR)
    _sign_in(site.test_client(), me)
    _update(site, sa.delete(User).where(User.id == me.id))
    with database(site) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_a_cookie_without_a_session_key_is_refused(site):
    """Such as the cookies of before this release, which held a password fingerprint instead."""
    [me] = _users(site, Role.HR)
    client = site.test_client()
    _sign_in(client, me)
    with client.session_transaction() as cookie:
        del cookie[sessions.KEY]
    assert not _signed_in(client)
