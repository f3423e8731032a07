"""Personal access tokens: scopes, making one (shown once, kept as its SHA-256), revoking, and the check every API
view makes: a valid token of an active user, the scope the view needs, and a role the page would allow."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.auth.roles import token_checked
from hiring.errors import DomainError, NotFound
from hiring.extensions import db
from hiring.models import ApiToken, Role, User, utcnow

PREFIX = "hpat_"  # "hiring personal access token": recognisable in a leaked log, for secret scanners
SCOPES = {
    "jobs:read": _l("Read job openings and their requirements"),
    "candidates:read": _l("Read candidates and their applications"),
    "candidates:write": _l("Add candidates and applications, and move applications between stages"),
    "interviews:read": _l("Read interview assignments and submitted scorecards, as the pages show them"),
    "hires:read": _l("Read hires and their onboarding progress"),
    "offers:read": _l("Read The Offer's offers and decisions"),
    "reports:read": _l("Read the figures behind the reports"),
}
# How often a token's last use is written: not on every request (a write per call), but often enough to see
# which tokens are still used.
LAST_USED_EVERY = timedelta(minutes=5)


class AuthProblem(Exception):
    """An API request refused before its view: 401 (no valid token) or 403 (scope or role)."""

    def __init__(self, status: int, title: str, detail: str, challenge: str | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.challenge = status, title, detail, challenge


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str, scopes: Iterable[str],
                 expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself, which is shown once and kept nowhere."""
    name = (name or "").strip()
    chosen = sorted(set(scopes))
    if not name:
        raise DomainError(_("Give the token a name, so that you know later what it is for."), field="name")
    if len(name) > 100:
        raise DomainError(_("Keep the name to 100 characters."), field="name")
    if not chosen or not set(chosen) <= set(SCOPES):
        raise DomainError(_("Choose at least one thing the token may do."), field="scopes")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, prefix=token[:len(PREFIX) + 4], token_hash=digest(token),
                   scopes=" ".join(chosen), expires_at=expires_at)
    session.add(row)
    session.flush()
    record(session, actor_id=user.id, action="api_token_created", entity_type="api_token", entity_id=row.id,
           scopes=row.scopes)
    return row, token


def revoke_token(session: Session, token_id: int, user: User) -> ApiToken:
    """Revoke one of the user's tokens (an admin may revoke anyone's); NotFound otherwise."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and user.role is not Role.ADMIN):
        raise NotFound(_("There is no such token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record(session, actor_id=user.id, action="api_token_revoked", entity_type="api_token", entity_id=row.id,
               owner_id=row.user_id)
    return row


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    kind, _space, value = header.partition(" ")
    return value.strip() if kind.lower() == "bearer" and value.strip() else None


def authenticate(scope: str, roles: Iterable[Role]) -> User:
    """The token's user, if the token is valid and grants `scope` and the user's role is one of `roles`."""
    token = _bearer()
    invalid = AuthProblem(401, "Unauthorized", _("Send a valid personal access token: Authorization: Bearer hpat_..."),
                          'Bearer realm="api", error="invalid_token"')
    if token is None:
        raise AuthProblem(401, "Unauthorized", invalid.detail, 'Bearer realm="api"')
    if not token.startswith(PREFIX) or len(token) > 200:
        raise invalid
    now = utcnow()
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise invalid
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        raise invalid
    if scope not in row.scope_set:
        raise AuthProblem(403, "Forbidden", _("This token may not do that: it needs the scope %(scope)s.", scope=scope),
                          f'Bearer realm="api", error="insufficient_scope", scope="{scope}"')
    if user.role not in set(roles):
        raise AuthProblem(403, "Forbidden", _("Your account may not do that."))
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        db.session.commit()
    g.api_token_id = row.id
    return user


def requires(scope: str, *roles: Role) -> Callable:
    """An API view's rule: the token's scope and the roles the matching page allows. The view gets `user`."""
    if scope not in SCOPES or not roles:
        raise ValueError(f"unknown scope {scope!r} or no roles")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            user = authenticate(scope, roles)
            return view(*args, user=user, **kwargs)

        # Not the session-based role check (hiring/auth/roles.py): no cookie authenticates an API call.
        return token_checked(checked)

    return decorate
