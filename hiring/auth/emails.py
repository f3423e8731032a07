"""The account e-mails: an invitation and a password-reset link, written in the recipient's language and put
in the outbox (hiring/mail/) in the caller's transaction."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.auth import tokens
from hiring.i18n import SUPPORTED_LOCALES
from hiring.labels import ROLE_LABELS
from hiring.mail import outbox
from hiring.models import User

INVITATION, PASSWORD_RESET = "invitation", "password_reset"


def absolute_url(endpoint: str, **values) -> str:
    """An address to put in an e-mail. With PUBLIC_BASE_URL set (the site's address as people reach it),
    built on it, so that a forged Host header cannot put another site into a reset link; else from this
    request's host, as url_for(_external=True) does."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def language_of(user: User) -> str:
    """The user's own language, else the company's default."""
    if user.locale in SUPPORTED_LOCALES:
        return user.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def _render(user: User, template: str, subject, **context) -> tuple[str, str, str, str]:
    """(language, subject, text, html) of a message to this user, written in their language."""
    language = language_of(user)
    context = {"user": user, "company": current_app.config["COMPANY_NAME"], **context}
    with force_locale(language):
        return (language, subject(), render_template(f"emails/{template}.txt", **context),
                render_template(f"emails/{template}.html", **context))


def queue_invitation(session: Session, user: User) -> None:
    """Queue the invitation: the role, the company and a set-password link (flushes; the caller commits)."""
    link = absolute_url("auth.set_password", token=tokens.make_set_password_token(user))
    company = current_app.config["COMPANY_NAME"]
    language, subject, text, html = _render(
        user, INVITATION, lambda: _("You are invited to %(company)s", company=company), link=link,
        role=ROLE_LABELS[user.role], days=tokens.MAX_AGE // (24 * 3600))
    outbox.queue(session, to=user.email, subject=subject, text=text, html=html, kind=INVITATION,
                 language=language, user_id=user.id)


def render_password_reset(user: User) -> tuple[str, str, str, str]:
    """(language, subject, text, html) of the password-reset message to this user."""
    link = absolute_url("auth.reset_password", token=tokens.make_reset_token(user))
    company = current_app.config["COMPANY_NAME"]
    return _render(user, PASSWORD_RESET, lambda: _("Choose a new password for %(company)s", company=company),
                   link=link, minutes=tokens.RESET_MAX_AGE // 60)


def queue_password_reset(session: Session, user: User) -> None:
    """Queue a password-reset link to this user (flushes; the caller commits)."""
    language, subject, text, html = render_password_reset(user)
    outbox.queue(session, to=user.email, subject=subject, text=text, html=html, kind=PASSWORD_RESET,
                 language=language, user_id=user.id)
