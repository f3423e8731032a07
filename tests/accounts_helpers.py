"""Helpers for the team-account and password-reset tests: requests run outside the test's app context, each
in its own (as in production: Flask-Login keeps the signed-in user in `g`), and the outbox is read directly."""
from __future__ import annotations

import re
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import urlsplit

import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import AuditEvent, OutboxMessage, User
from tests import factories

LINK = re.compile(r"https?://[^\s<>\"]+")


@contextmanager
def database(app):
    """The database, between requests."""
    with app.app_context():
        yield db.session
        db.session.remove()


def make_users(app, *roles, **kwargs) -> list[SimpleNamespace]:
    with database(app) as session:
        made = [factories.user(role, **kwargs) for role in roles]
        session.commit()
        return [SimpleNamespace(id=u.id, email=u.email, name=u.name) for u in made]


def signed_in(app, user, password: str = factories.PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def count(app, model, *where) -> int:
    with database(app) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def messages(app, **where) -> list[SimpleNamespace]:
    """The outbox's messages, oldest first, as plain values."""
    with database(app) as session:
        rows = session.scalars(sa.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)).all()
        return [SimpleNamespace(id=m.id, to=m.recipient, kind=m.kind, language=m.language, subject=m.subject,
                                text=m.text_body, html=m.html_body, user_id=m.user_id) for m in rows]


def link_in(message) -> str:
    """The path of the one link in a message (the same in its text and its HTML)."""
    [text_link] = LINK.findall(message.text)
    assert f'href="{text_link}"' in message.html
    return urlsplit(text_link).path


def audit(app, action: str | None = None) -> list[SimpleNamespace]:
    with database(app) as session:
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return [SimpleNamespace(actor_id=e.actor_id, action=e.action, entity_type=e.entity_type,
                                entity_id=e.entity_id, details=dict(e.details or {})) for e in session.scalars(query)]


def user_row(app, user_id: int) -> SimpleNamespace | None:
    with database(app) as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        return SimpleNamespace(id=user.id, email=user.email, name=user.name, role=user.role, active=user.active,
                               password_hash=user.password_hash, locale=user.locale)
