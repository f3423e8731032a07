"""Two admins demoting or closing each other at the same moment cannot leave the company without an admin.

Each change locks the active admins' rows first (hiring.auth.accounts). To make the race happen every time on
PostgreSQL, the test holds a SHARE lock on `users` while both requests run: the first takes the admins' row
locks (FOR UPDATE passes a SHARE lock) and waits at its UPDATE; the second waits for those row locks. The
test lets them go once both wait. Without the row locks both would read "two admins", both wait at their
UPDATE, and both go through: no admin left. On SQLite the race runs unforced (BEGIN IMMEDIATE queues them).
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import Role, User
from hiring.tasks import runner as task_runner
from tests.accounts_helpers import audit, database, make_users, signed_in


# The first request waits at its UPDATE until the second comes to wait too; on a busy machine that can take
# longer than the 5 s lock timeout, which would answer it 503 and end the race early (the test's own
# deadlines and the threads' joins still stop a request that hangs).
NO_LOCK_TIMEOUT = {"DATABASE_LOCK_TIMEOUT_MS": 0}


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    monkeypatch.setattr(task_runner, "dispatch", lambda *args, **kwargs: None)


@contextmanager
def holding_users(app):
    """Hold `LOCK TABLE users IN SHARE MODE`; yields a function that waits until `n` requests of this
    database wait for a lock (of the table or of its rows). A no-op on SQLite."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            yield lambda n, give_up=None: None
            return
        with db.engine.connect() as holder:
            holder.execute(sa.text("LOCK TABLE users IN SHARE MODE"))

            def waiting_for(n: int, give_up=lambda: False) -> None:
                deadline = time.monotonic() + 30
                while holder.scalar(sa.text(
                        "SELECT count(DISTINCT l.pid) FROM pg_locks l WHERE NOT l.granted AND l.pid IN "
                        "(SELECT pid FROM pg_stat_activity WHERE datname = current_database())")) < n:
                    if give_up():
                        return
                    assert time.monotonic() < deadline, f"fewer than {n} requests came to wait"
                    time.sleep(0.02)

            yield waiting_for
            holder.rollback()


def race(app, sends) -> list[int | str]:
    """Each send(client) on a signed-in client of its own, at the same moment; their answers in order: the
    status, or "login" for a request sent to sign in (its session had ended)."""
    barrier = threading.Barrier(len(sends))
    results: list[int | None] = [None] * len(sends)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client, send = sends[i]
            barrier.wait(timeout=30)
            response = send(client)
            login = response.status_code == 302 and "/login" in response.headers["Location"]
            results[i] = "login" if login else response.status_code
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)
            barrier.abort()

    with holding_users(app) as waiting_for:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
        for thread in threads:
            thread.start()
        waiting_for(len(sends), give_up=lambda: bool(errors))
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(r is not None for r in results), "a request did not finish"
    return results


def _active_admins(app) -> list[int]:
    with database(app) as session:
        return list(session.scalars(sa.select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))))


def test_two_admins_demoting_each_other_at_once_leave_one_admin(make_app):
    site = make_app(**NO_LOCK_TIMEOUT)
    one, two = make_users(site, Role.ADMIN, Role.ADMIN)
    first, second = signed_in(site, one), signed_in(site, two)

    statuses = race(site, [(first, lambda c: c.post(f"/admin/users/{two.id}/role", data={"role": "hr"})),
                           (second, lambda c: c.post(f"/admin/users/{one.id}/role", data={"role": "hr"}))])

    # The second to go is no longer an admin when its turn comes: refused, nothing of it kept.
    assert sorted(statuses) == [302, 403], statuses
    assert len(_active_admins(site)) == 1
    assert len(audit(site, "role_changed")) == 1


def test_two_admins_closing_each_other_at_once_leave_one_admin(make_app):
    site = make_app(**NO_LOCK_TIMEOUT)
    one, two = make_users(site, Role.ADMIN, Role.ADMIN)
    first, second = signed_in(site, one), signed_in(site, two)

    statuses = race(site, [(first, lambda c: c.post(f"/admin/users/{two.id}/active")),
                           (second, lambda c: c.post(f"/admin/users/{one.id}/active"))])

    # The second to go is either refused (no longer an admin) or, when its request begins after the first
    # committed, finds its session ended with its account (SQLite's queue makes that the usual order).
    assert statuses in ([302, 403], [403, 302], [302, "login"], ["login", 302]), statuses
    assert len(_active_admins(site)) == 1
    assert len(audit(site, "account_closed")) == 1


def test_the_last_admin_demoting_themselves_while_another_is_demoted_keeps_one(make_app):
    """Three admins: one demotes the second while the second steps down and the third is demoted by the first:
    whatever the order, at least one active admin remains."""
    site = make_app(**NO_LOCK_TIMEOUT)
    one, two, three = make_users(site, Role.ADMIN, Role.ADMIN, Role.ADMIN)
    clients = [signed_in(site, u) for u in (one, two, three)]

    statuses = race(site, [
        (clients[0], lambda c: c.post(f"/admin/users/{three.id}/role", data={"role": "hr"})),
        (clients[1], lambda c: c.post(f"/admin/users/{two.id}/role", data={"role": "hr"})),
        (clients[2], lambda c: c.post(f"/admin/users/{one.id}/role", data={"role": "hr"})),
    ])

    assert all(s in (302, 403, 409) for s in statuses), statuses
    assert len(_active_admins(site)) >= 1
    assert len(audit(site, "role_changed")) == sum(s == 302 for s in statuses)
