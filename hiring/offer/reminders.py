"""The Offer's reminders to the new hire (hiring/mail/reminders.py): its window opens, and its deadline nears.

"The window opens" is the offer being made (a quit_offers row), not the hire becoming eligible: eligibility is
HR's list (who may be made The Offer); until HR makes it there is no amount fixed, no deadline and nothing the
new hire can decide (their home page shows the offer, with its Stay / Take the money buttons, only once made).
The deadline is the offer's own, fixed when made from the policy's decision_days.

"The deadline nears": DEADLINE_REMINDER_DAYS before it (app setting OFFER_REMINDER_DAYS), once, and only for
an offer whose decision time was longer than that: with a shorter one the first message, days before, already
says the deadline.

Neither can be switched off (optional=False): the offer is a one-time right with a deadline that passes in
silence (undecided counts as staying), and the new hire must know of it; the daily digest is still honoured.

Bounded: only offers without a decision and before their deadline (ix_quit_offers_open), of hires
still employed with an open login; decided, expired or taken offers and people who left get nothing. One query
per source.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.labels import money
from hiring.mail import messages, reminders
from hiring.models import Hire, QuitOffer, User
from hiring.onboarding.reminders import site_link

WINDOW_OPENS, DEADLINE_NEARS = "offer_window_opens", "offer_deadline_nears"
DEADLINE_REMINDER_DAYS = 3  # the default of the app setting OFFER_REMINDER_DAYS

_PLACEHOLDERS = {"name": _l("The new hire's name"), "amount": _l("The amount offered, with its currency"),
                 "deadline": _l("The date and time by which to decide"),
                 "offer_link": _l("The new hire's home page, where they decide"),
                 "company_name": _l("The company's name")}
_SAMPLE = {"name": "Sam Jansen", "amount": "$4,000.00", "deadline": "Monday, 14 December 2026, 10:00",
           "offer_link": "https://hiring.example.com/", "company_name": "Values-fit hiring"}

messages.register(
    WINDOW_OPENS, label=_l("The Offer is made (to the new hire)"), audience="staff",
    placeholders=_PLACEHOLDERS,
    subject=_l("The Offer: {{ amount }} to leave, if this is not the place for you"),
    body=_l("Hello {{ name }},\n\nYou have finished the training. As we do with everyone, we offer you "
            "{{ amount }} to leave, if this is not the place for you. Most people stay; whatever you choose, "
            "choose it freely.\n\nDecide by {{ deadline }} on your page:\n{{ offer_link }}\n\n"
            "If you do not decide by then, you stay.\n\n{{ company_name }}"),
    sample=_SAMPLE)
messages.register(
    DEADLINE_NEARS, label=_l("The Offer's deadline nears (to the new hire)"), audience="staff",
    placeholders={**_PLACEHOLDERS, "days": _l("How many days are left, rounded down")},
    subject=_l("The Offer: decide by {{ deadline }}"),
    body=_l("Hello {{ name }},\n\nA reminder: our offer of {{ amount }} to leave stands until {{ deadline }}. "
            "Decide on your page:\n{{ offer_link }}\n\nIf you do not decide by then, you stay.\n\n{{ company_name }}"),
    sample={**_SAMPLE, "days": "3"})


def reminder_days() -> int:
    """How many days before the deadline the reminder goes."""
    return int(current_app.config.get("OFFER_REMINDER_DAYS", DEADLINE_REMINDER_DAYS))


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)


def _open_offers(session: Session, now: datetime, *, deadline_before: datetime | None = None):
    """(offer, name, user id, locale) of offers without a decision whose deadline has not passed, made to hires
    still employed with an open login; one query."""
    stmt = (
        sa.select(QuitOffer, User.name, User.id, User.locale)
        .join(Hire, QuitOffer.hire_id == Hire.id).join(User, Hire.user_id == User.id)
        .where(QuitOffer.decision.is_(None), QuitOffer.deadline > now, Hire.end_date.is_(None), User.active)
        .order_by(QuitOffer.deadline, QuitOffer.id)
    )
    if deadline_before is not None:
        stmt = stmt.where(QuitOffer.deadline <= deadline_before)
    return session.execute(stmt).all()


def deadline_text(deadline: datetime) -> str:
    """The deadline as people read it, in the company's time zone and the forced language: "Monday, December
    14, 2026, 10:00 AM (Europe/Amsterdam)" (flask_babel converts to BABEL_DEFAULT_TIMEZONE, the company's)."""
    return _("%(date)s, %(time)s (%(zone)s)", date=format_date(deadline, "full"),
             time=format_time(deadline, "short"), zone=current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))


def _context(offer: QuitOffer, name: str, link: str) -> dict[str, str]:
    """The placeholders in the language forced by the caller."""
    return {"name": name, "amount": money(offer.amount_minor, offer.currency),
            "deadline": deadline_text(offer.deadline), "offer_link": link,
            "company_name": current_app.config["COMPANY_NAME"]}


@reminders.source(WINDOW_OPENS, label=_l("The Offer is made to you"), optional=False)
def offer_made(session: Session, now: datetime):
    """To the new hire, once, when The Offer is made to them and still open."""
    now = _aware(now)
    link = site_link("dashboard.home")
    for offer, name, user_id, locale in _open_offers(session, now):
        with force_locale(messages.language_for(locale)):
            context = _context(offer, name, link)
            yield reminders.Reminder(
                kind=WINDOW_OPENS, user_id=user_id, key=f"offer:{offer.id}:opens", context=context,
                digest_line=_("The Offer: %(amount)s to leave; decide by %(deadline)s: %(link)s",
                              amount=context["amount"], deadline=context["deadline"], link=link))


@reminders.source(DEADLINE_NEARS, label=_l("The Offer's deadline nears"), optional=False)
def deadline_nears(session: Session, now: datetime):
    """To the new hire, once, when their open offer's deadline is at most reminder_days() away (if the offer gave
    them longer than that to decide)."""
    now = _aware(now)
    lead = timedelta(days=reminder_days())
    link = site_link("dashboard.home")
    for offer, name, user_id, locale in _open_offers(session, now, deadline_before=now + lead):
        if offer.deadline - offer.offered_at <= lead:
            continue  # the opening message, at most `lead` before, said the deadline already
        days = (offer.deadline - now).days
        with force_locale(messages.language_for(locale)):
            context = {**_context(offer, name, link), "days": str(days)}
            yield reminders.Reminder(
                kind=DEADLINE_NEARS, user_id=user_id, key=f"offer:{offer.id}:deadline", context=context,
                digest_line=ngettext("The Offer: decide by %(deadline)s (%(num)d day left): %(link)s",
                                     "The Offer: decide by %(deadline)s (%(num)d days left): %(link)s", days,
                                     deadline=context["deadline"], link=link))
