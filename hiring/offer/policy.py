"""The Offer's policy: how much, when, and how long to decide. The newest row is the one in force."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from babel.numbers import get_currency_precision, list_currencies
from flask import current_app
from flask_babel import format_currency
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import DomainError
from hiring.models import WEEKS, OfferPolicy, OfferTiming

# Far inside the BIGINT column (2**63 - 1): ten billion dollars is not a payment to leave, it is a typing error.
MAX_MINOR = 10 ** 12

# Until a policy is saved: 4,000 in the company's currency (COMPANY_CURRENCY), at graduation, 7 days to decide.
DEFAULT_AMOUNT = 4000
DEFAULT = {"timing": OfferTiming.GRADUATION, "after_week": None, "decision_days": 7}


def default_policy(currency: str | None = None) -> OfferPolicy:
    """The policy in force when none was ever saved: DEFAULT_AMOUNT in `currency`, by default the company's."""
    currency = currency or current_app.config.get("COMPANY_CURRENCY") or "EUR"
    return OfferPolicy(amount_minor=DEFAULT_AMOUNT * 10 ** get_currency_precision(currency), currency=currency,
                       **DEFAULT)


def current_policy(session: Session) -> OfferPolicy:
    """The policy in force; the default (4,000 in the company's currency at graduation, 7 days) when none was
    ever saved. A saved policy keeps its own currency, and offers made keep theirs."""
    policy = session.scalar(sa.select(OfferPolicy).order_by(OfferPolicy.updated_at.desc(), OfferPolicy.id.desc())
                            .limit(1))
    return policy if policy is not None else default_policy()


def to_minor(amount: str, currency: str) -> int:
    """'4,000.50' in a currency's major unit to an integer of its minor unit (cents)."""
    try:
        value = Decimal(amount.replace(",", "").replace("_", "").strip())
    except (InvalidOperation, AttributeError):
        raise DomainError(_("Give the amount as a number, for example 4000 or 4000.00."), field="amount") from None
    if not value.is_finite() or value <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    digits = get_currency_precision(currency)
    # Compared before rounding: quantize() itself fails on 1e30 (more digits than the context holds).
    if value * (10 ** digits) > MAX_MINOR:
        raise DomainError(_("That amount is too large: at most %(amount)s.",
                            amount=format_currency(to_major(MAX_MINOR, currency), currency)), field="amount")
    minor = (value * (10 ** digits)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if minor < 1:  # 0.004 dollars is no cent: the column holds whole minor units, at least one
        raise DomainError(_("The amount is less than the currency's smallest unit (%(amount)s).",
                            amount=format_currency(to_major(1, currency), currency)), field="amount")
    return int(minor)


def to_major(amount_minor: int, currency: str) -> Decimal:
    """Minor units back to the major unit, for forms and formatting."""
    return Decimal(amount_minor) / (10 ** get_currency_precision(currency))


def save_policy(session: Session, *, amount: str, currency: str, timing: OfferTiming, after_week: int | None,
                decision_days: int, actor_id: int) -> OfferPolicy:
    """Put a new policy in force; offers already made keep the amount they were made with."""
    currency = (currency or "").strip().upper()
    if currency not in list_currencies():
        raise DomainError(_("Give a currency as its three-letter ISO code, for example USD or EUR."),
                          field="currency")
    amount_minor = to_minor(amount, currency)
    if timing is OfferTiming.AFTER_WEEK:
        if after_week is None or not 1 <= after_week <= WEEKS:
            raise DomainError(_("Choose the week after which the offer is made, 1 to %(n)d.", n=WEEKS),
                              field="after_week")
    else:
        after_week = None
    if not 1 <= decision_days <= 90:
        raise DomainError(_("Give the new hire between 1 and 90 days to decide."), field="decision_days")
    policy = OfferPolicy(amount_minor=amount_minor, currency=currency, timing=timing, after_week=after_week,
                         decision_days=decision_days, updated_by_id=actor_id)
    session.add(policy)
    session.flush()
    record(session, actor_id=actor_id, action="offer_policy_changed", entity_type="offer_policy",
           entity_id=policy.id, amount_minor=amount_minor, currency=currency, timing=timing.value,
           after_week=after_week, decision_days=decision_days)
    return policy
