"""The account e-mails: an invitation and a password-reset link, in the company's wording (hiring/mail/messages.py,
which admins edit per language), in the recipient's language, put in the outbox in the caller's transaction."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.auth import tokens
from hiring.labels import ROLE_LABELS
from hiring.mail import messages, outbox
from hiring.models import User

INVITATION, PASSWORD_RESET = "invitation", "password_reset"

messages.register(
    INVITATION, label=_l("Invitation to a colleague"), audience="staff",
    placeholders={"name": _l("The invited person's name"), "company_name": _l("The company's name"),
                  "role": _l("The role they are invited to"), "email": _l("Their e-mail address, to sign in with"),
                  "set_password_link": _l("The link that sets their password (once)"),
                  "link_days": _l("How many days the link works")},
    subject=_l("You are invited to {{ company_name }}"),
    body=_l("Hello {{ name }},\n\n"
            "You are invited to {{ company_name }} as {{ role }}.\n\n"
            "Choose your password with this link, then sign in with your e-mail address {{ email }}:\n\n"
            "{{ set_password_link }}\n\n"
            "The link works for {{ link_days }} days and only once.\n"
            "If you did not expect this invitation, you can ignore this message.\n"),
    sample={"name": "Sam Jansen", "company_name": "Zappos", "role": "Recruiter", "email": "sam@example.com",
            "set_password_link": "https://hiring.example.com/set-password/sample-link", "link_days": "14"})

messages.register(
    PASSWORD_RESET, label=_l("Password reset"), audience="staff",
    placeholders={"name": _l("The person's name"), "company_name": _l("The company's name"),
                  "reset_link": _l("The link that sets a new password (once)"),
                  "link_minutes": _l("How many minutes the link works")},
    subject=_l("Choose a new password for {{ company_name }}"),
    body=_l("Hello {{ name }},\n\n"
            "Someone asked to choose a new password for your account at {{ company_name }}. Choose it with this "
            "link:\n\n"
            "{{ reset_link }}\n\n"
            "The link works for {{ link_minutes }} minutes and only once.\n"
            "If you did not ask for this, ignore this message: your password stays as it is.\n"),
    sample={"name": "Sam Jansen", "company_name": "Zappos",
            "reset_link": "https://hiring.example.com/reset-password/sample-link", "link_minutes": "60"})


def _link(endpoint: str, **values) -> str:
    link = messages.absolute_url(endpoint, **values)
    if link is None:  # these are sent from a request, which always has an address
        raise RuntimeError("no site address to link to: set PUBLIC_BASE_URL")
    return link


def _invitation_context(user: User, language: str) -> dict[str, str]:
    with force_locale(language):
        role = str(ROLE_LABELS[user.role])
    return {"name": user.name, "company_name": current_app.config["COMPANY_NAME"], "role": role,
            "email": user.email, "link_days": str(tokens.MAX_AGE // (24 * 3600)),
            "set_password_link": _link("auth.set_password", token=tokens.make_set_password_token(user))}


def queue_invitation(session: Session, user: User) -> None:
    """Queue the invitation: the role, the company and a set-password link (flushes; the caller commits)."""
    language = messages.language_for(user.locale)
    messages.send(session, INVITATION, to=user.email, language=language, user_id=user.id,
                  context=_invitation_context(user, language))


def _reset_context(user: User) -> dict[str, str]:
    return {"name": user.name, "company_name": current_app.config["COMPANY_NAME"],
            "reset_link": _link("auth.reset_password", token=tokens.make_reset_token(user)),
            "link_minutes": str(tokens.RESET_MAX_AGE // 60)}


def render_password_reset(session: Session, user: User) -> messages.Rendered:
    """The password-reset message to this user, rendered (and its link signed) but not queued."""
    language = messages.language_for(user.locale)
    return messages.compose(session, messages.kind_of(PASSWORD_RESET), language, _reset_context(user))


def queue_password_reset(session: Session, user: User) -> None:
    """Queue a password-reset link to this user (flushes; the caller commits): rendered as for a stand-in
    (hiring/auth/reset.py), so that a known address costs about what an unknown one does."""
    rendered = render_password_reset(session, user)
    outbox.queue(session, to=user.email, subject=rendered.subject, text=rendered.text, html=rendered.html,
                 kind=PASSWORD_RESET, language=messages.language_for(user.locale), user_id=user.id)
