"""The pipeline's messages (hiring/mail/messages.py): the welcome for a new hire, with the link that sets their
password, queued in the hire's transaction (hiring/pipeline/hire.py).

The link is the one HR and admins see on the candidate page (hiring/auth/tokens.py, two weeks, spent once a
password is set); the page keeps showing it, for a new hire whose mail went astray. It goes to the address of
the new hire's login (the candidate's), in the company's language: a new login has no language chosen yet.
"""
from __future__ import annotations

import logging

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.auth.tokens import MAX_AGE, make_set_password_token
from hiring.mail import messages
from hiring.models import Hire, User

log = logging.getLogger(__name__)

NEW_HIRE_WELCOME = "new_hire_welcome"

messages.register(
    NEW_HIRE_WELCOME, label=_l("Welcome for a new hire"), audience="staff",
    placeholders={"name": _l("The new hire's name"), "company_name": _l("The company's name"),
                  "start_date": _l("The new hire's first day"),
                  "set_password_link": _l("The link that sets the new hire's password (once)"),
                  "link_days": _l("How many days the link works")},
    subject=_l("Welcome to {{ company_name }}"),
    body=_l("Dear {{ name }},\n\n"
            "Welcome to {{ company_name }}! Your first day is {{ start_date }}. The first five weeks are our "
            "onboarding programme, the same for everyone: your checklist is waiting for you.\n\n"
            "Choose your password with this link (it works once, for {{ link_days }} days):\n"
            "{{ set_password_link }}\n\n"
            "See you soon,\n"
            "{{ company_name }}\n"),
    sample={"name": "Sam Jansen", "company_name": "Zappos", "start_date": "5 January 2027",
            "set_password_link": "https://hiring.example.com/set-password/sample-link", "link_days": "14"})


def send_welcome(session: Session, hire: Hire, user: User) -> None:
    """Queue the new hire's welcome with their set-password link, in the caller's transaction. An address the
    outbox refuses, or no address of the site to link to, sends nothing (the candidate page still shows the
    link to HR): the hire stands."""
    language = messages.language_for(user.locale)
    with force_locale(language):
        start = format_date(hire.start_date, "long")
    link = messages.absolute_url("auth.set_password", token=make_set_password_token(user))
    if link is None:  # a hire made outside a request (a command) without PUBLIC_BASE_URL: no address to give
        log.warning("hire %s: welcome not queued (no site address)", hire.id)
        return
    messages.send_unless_refused(
        session, NEW_HIRE_WELCOME, about=f"hire {hire.id}", to=user.email, language=language, user_id=user.id,
        context={"name": user.name, "company_name": current_app.config["COMPANY_NAME"], "start_date": start,
                 "set_password_link": link, "link_days": str(MAX_AGE // (24 * 3600))})
