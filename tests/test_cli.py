"""flask create-user."""
from __future__ import annotations

import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import Role, User


def _create(runner, *extra, password="a long enough password"):
    return runner.invoke(args=["create-user", *extra, "--password", password])


def test_create_user(runner):
    result = _create(runner, "--email", "Grace@Example.test", "--name", "Grace Hopper", "--role", "hr")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "grace@example.test"))
    assert user.role is Role.HR and user.check_password("a long enough password")
    assert "Created hr grace@example.test" in result.output


def test_create_user_refuses_a_duplicate(runner):
    args = ("--email", "twice@example.test", "--name", "Twice", "--role", "recruiter")
    assert _create(runner, *args).exit_code == 0
    again = _create(runner, *args)
    assert again.exit_code != 0 and "already exists" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_create_user_refuses_bad_input(runner):
    short = _create(runner, "--email", "a@example.test", "--name", "A", "--role", "hr", password="short")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    role = _create(runner, "--email", "a@example.test", "--name", "A", "--role", "boss")
    assert role.exit_code != 0
    email = _create(runner, "--email", "not-an-address", "--name", "A", "--role", "hr")
    assert email.exit_code != 0 and "e-mail" in email.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
