"""Team accounts, kept by admins: invite, resend an invitation, change a role, close and reopen.

Every change is audited with ids and role codes only. The company always keeps an active admin: each change
locks the active admins' rows first (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE queues
writers), so that two admins demoting or closing each other at the same moment are decided one after the
other, and the second sees what the first did. The acting admin is checked in the same locked read: one
just demoted (or closed) by another admin can no longer change accounts, even in a request that began
before.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.auth import emails
from hiring.auth.service import create_user
from hiring.errors import Conflict, DomainError, Forbidden, NotFound
from hiring.mail import outbox
from hiring.models import Role, User
from hiring.postgres import once_more_after_race

# The roles an admin gives: a new hire's account comes from hiring them (hiring/pipeline/hire.py).
STAFF_ROLES = (Role.ADMIN, Role.HR, Role.RECRUITER, Role.INTERVIEWER)


def _locked_admins(session: Session, actor_id: int) -> set[int]:
    """Lock the active admins' rows (in id order, so that concurrent changes queue rather than deadlock) and
    return their ids; Forbidden unless the actor is still one of them."""
    admins = set(session.scalars(sa.select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))
                                 .order_by(User.id).with_for_update()))
    if actor_id not in admins:
        raise Forbidden(_("Only an active admin can change accounts."))
    return admins


def _locked_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id, with_for_update=True, populate_existing=True)
    if user is None:
        raise NotFound(_("There is no such user."))
    return user


def _staff_role(value) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role not in STAFF_ROLES:
        raise DomainError(_("Choose a role from the list."), field="role")
    return role


def _keeps_an_admin(admins: set[int], user: User) -> None:
    if user.role == Role.ADMIN and user.active and not admins - {user.id}:
        raise Conflict(_("%(name)s is the last active admin. Make someone else an admin first.", name=user.name))


def invite(session: Session, *, actor_id: int, name: str, email: str, role) -> User:
    """Add an active account without a password and queue its invitation with a set-password link (flushes;
    the caller commits). A taken e-mail address, whatever its case, is refused next to the field."""
    role = _staff_role(role)
    email = email.strip().lower()

    def add() -> User:
        if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            raise Conflict(_("There is already an account with this e-mail address."), field="email")
        return create_user(session, email=email, name=name, role=role, password=None)

    _locked_admins(session, actor_id)
    user = once_more_after_race(session, add)  # two invitations of one address at once: one account
    try:
        emails.queue_invitation(session, user)
    except outbox.AddressRefused:  # an address the form let through but no mail server would take
        raise DomainError(_("This address cannot receive e-mail. Check it."), field="email") from None
    record(session, actor_id=actor_id, action="account_invited", entity_type="user", entity_id=user.id,
           role=role.value)
    return user


def resend_invitation(session: Session, *, actor_id: int, user_id: int) -> User:
    """Queue a new invitation (a new link) to an active account whose password is not set yet."""
    _locked_admins(session, actor_id)
    user = _locked_user(session, user_id)
    if not user.active:
        raise Conflict(_("This account is closed. Reopen it first."))
    if user.password_hash:
        raise Conflict(_("%(name)s has set a password already.", name=user.name))
    emails.queue_invitation(session, user)
    record(session, actor_id=actor_id, action="invitation_resent", entity_type="user", entity_id=user.id)
    return user


def change_role(session: Session, *, actor_id: int, user_id: int, role) -> bool:
    """Give a staff account another staff role; False when it has that role already.

    The role is read from the database on every request (hiring.auth.sessions.load_user), so a demoted user's
    next request already has only the new role's powers: their sessions go on."""
    role = _staff_role(role)
    admins = _locked_admins(session, actor_id)
    user = _locked_user(session, user_id)
    if user.role not in STAFF_ROLES:
        raise Conflict(_("A new hire's account follows their hire; its role cannot be changed here."))
    if user.role == role:
        return False
    if role != Role.ADMIN:
        _keeps_an_admin(admins, user)
    record(session, actor_id=actor_id, action="role_changed", entity_type="user", entity_id=user.id,
           before=user.role.value, after=role.value)
    user.role = role
    session.flush()
    return True


def set_active(session: Session, *, actor_id: int, user_id: int, active: bool | None = None) -> User:
    """Close or reopen an account (None: the other of what it is); a closed account's sessions end at once
    (hiring.auth.sessions). Nobody closes their own account, nor the last active admin's."""
    admins = _locked_admins(session, actor_id)
    user = _locked_user(session, user_id)
    if user.id == actor_id:
        raise Conflict(_("You cannot close your own account."))
    active = (not user.active) if active is None else active
    if active == user.active:
        return user
    if not active:
        _keeps_an_admin(admins, user)
    user.active = active
    record(session, actor_id=actor_id, action="account_reopened" if active else "account_closed",
           entity_type="user", entity_id=user.id)
    session.flush()
    return user
