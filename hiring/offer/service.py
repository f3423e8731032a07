"""Making The Offer, recording the decision, and correcting a wrong entry.

A deadline that passes without a decision counts as staying: the offer reads as "expired" from then on, and
`flask --app hiring expire-offers` writes that down for good.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from hiring.audit import record
from hiring.errors import Conflict, DomainError, Forbidden, NotFound
from hiring.models import (
    EndReason,
    Enrollment,
    Hire,
    OfferDecision,
    OfferPolicy,
    OfferTiming,
    QuitOffer,
    Role,
    User,
)
from hiring.offer.policy import current_policy
from hiring.onboarding.progress import due_on
from hiring.webhooks import events as webhook_events

STAFF = (Role.HR, Role.ADMIN)


def effective_decision(offer: QuitOffer, now: datetime) -> OfferDecision | None:
    """The decision as it stands: an undecided offer past its deadline is expired (it counts as staying)."""
    if offer.decision is None and now > offer.deadline:
        return OfferDecision.EXPIRED
    return offer.decision


def _eligible(today: date, policy: OfferPolicy) -> sa.Select:
    """The statement of the hires still employed, without an offer, who reached the point the policy makes it at
    (the one rule: the list and the check of one hire both use it)."""
    reached = Enrollment.completed_on.is_not(None)
    if policy.timing is not OfferTiming.GRADUATION:
        # Past the policy's week: today > due_on(started_on, week), i.e. started_on < today - (7 * week - 1)
        # days. Said as a bound on started_on so that the database filters (one indexed comparison), and only
        # the few eligible hires become objects, not every active hire without an offer.
        latest_start = today - (due_on(today, policy.after_week) - today)
        reached = sa.or_(reached, Enrollment.started_on < latest_start)
    # The hire's enrolment asked per hire, by its unique index, as a correlated scalar subquery: as a join (or
    # EXISTS, which it turns into one) PostgreSQL estimated most hires awaiting an offer to have graduated, as
    # most enrolments ever made have, and hashed every enrolment to find the 197 who had (41 ms at a million
    # candidates, growing with the company's history). A scalar subquery it runs for each row of the small
    # index of hires awaiting an offer, and stops at a page's worth.
    enrolment_reached = sa.select(sa.literal(1)).where(Enrollment.hire_id == Hire.id, reached).scalar_subquery()
    # Said as the partial index ix_hires_awaiting_offer says it, so that both databases read that index.
    stmt = sa.select(Hire).where(Hire.end_date.is_(None), sa.text("NOT hires.offer_made"),
                                 enrolment_reached.is_not(None))
    return stmt if policy.timing is OfferTiming.GRADUATION else stmt.where(Hire.start_date <= today)


def eligible_statement(today: date, policy: OfferPolicy) -> sa.Select:
    """The eligible hires with their login and enrolment, who started first, first (HR's list)."""
    return (_eligible(today, policy).options(joinedload(Hire.user), joinedload(Hire.enrollment))
            .order_by(Hire.start_date, Hire.id))


def eligible_hires(session: Session, today: date, policy: OfferPolicy | None = None) -> list[Hire]:
    """Hires still employed, without an offer, who reached the point the policy makes it at."""
    return list(session.scalars(eligible_statement(today, policy or current_policy(session))))


def is_eligible(session: Session, hire_id: int, today: date, policy: OfferPolicy | None = None) -> bool:
    """Whether one hire is eligible: the list's rule asked of one row (reading the whole list to find it took
    half a second at a million candidates)."""
    stmt = _eligible(today, policy or current_policy(session)).where(Hire.id == hire_id)
    return session.scalar(sa.select(stmt.with_only_columns(Hire.id).exists())) is True


def make_offer(session: Session, hire_id: int, *, actor_id: int, now: datetime, today: date) -> QuitOffer:
    """Make the offer to an eligible hire, its amount and deadline fixed now from the policy in force."""
    hire = session.get(Hire, hire_id)
    if hire is None:
        raise NotFound(_("There is no such hire."))
    if session.scalar(sa.select(QuitOffer.id).where(QuitOffer.hire_id == hire_id)) is not None:
        raise Conflict(_("%(name)s has already been made The Offer; there is one per hire.", name=_name(hire)))
    if not is_eligible(session, hire.id, today):
        raise Conflict(_("%(name)s is not eligible for The Offer yet.", name=_name(hire)))
    policy = current_policy(session)
    offer = QuitOffer(hire_id=hire.id, amount_minor=policy.amount_minor, currency=policy.currency,
                      offered_at=now, offered_by_id=actor_id, deadline=now + timedelta(days=policy.decision_days))
    session.add(offer)
    session.flush()
    record(session, actor_id=actor_id, action="offer_made", entity_type="quit_offer", entity_id=offer.id,
           hire_id=hire.id, amount_minor=offer.amount_minor, currency=offer.currency,
           deadline=offer.deadline.isoformat())
    return offer


def _name(hire: Hire) -> str:
    return hire.user.name if hire.user is not None else _("This hire")


def load_offer(session: Session, offer_id: int) -> QuitOffer:
    """The offer with its hire and login, or NotFound."""
    offer = session.scalar(sa.select(QuitOffer).options(joinedload(QuitOffer.hire).joinedload(Hire.user))
                           .where(QuitOffer.id == offer_id))
    if offer is None:
        raise NotFound(_("There is no such offer."))
    return offer


def may_decide(user: User, offer: QuitOffer) -> bool:
    """The hire decides; HR or an admin may record it on their behalf."""
    return user.role in STAFF or offer.hire.user_id == user.id


def decide(session: Session, offer_id: int, decision: OfferDecision, *, actor: User, now: datetime,
           today: date) -> QuitOffer:
    """Record the hire's decision. Taking the money ends the employment today and closes the login."""
    offer = load_offer(session, offer_id)
    if not may_decide(actor, offer):
        raise Forbidden(_("Only the new hire, HR or an admin may decide on this offer."))
    if decision not in (OfferDecision.TAKEN, OfferDecision.STAYED):
        raise DomainError(_("Choose to take the money and leave, or to stay."), field="choice")
    if offer.decision is not None:
        raise Conflict(_("This offer was decided already; a decision is final."))
    if now > offer.deadline:
        raise Conflict(_("The deadline of this offer has passed; it counts as staying."))
    offer.decision, offer.decided_at, offer.recorded_by_id = decision, now, actor.id
    if decision is OfferDecision.TAKEN:
        _leave(offer, today)
    record(session, actor_id=actor.id, action="offer_decided", entity_type="quit_offer", entity_id=offer.id,
           hire_id=offer.hire_id, decision=decision.value, on_behalf=actor.id != offer.hire.user_id)
    webhook_events.emit(session, webhook_events.OFFER_DECIDED, {
        "offer_id": offer.id, "hire_id": offer.hire_id, "decision": decision.value,
        "decided_at": now.isoformat().replace("+00:00", "Z")})
    return offer


def _leave(offer: QuitOffer, day: date) -> None:
    hire = offer.hire
    hire.end_date, hire.end_reason = max(day, hire.start_date), EndReason.OFFER_ACCEPTED
    offer.paid_minor = offer.amount_minor
    if hire.user is not None:
        hire.user.active = False


def correct(session: Session, offer_id: int, decision: OfferDecision, *, reason: str, actor: User,
            now: datetime) -> QuitOffer:
    """An admin corrects a wrongly recorded decision, with a reason; the earlier value stays in the audit log."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only an admin may correct a decision."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the correction."), field="reason")
    offer = load_offer(session, offer_id)
    before = {"decision": offer.decision.value if offer.decision else None,
              "decided_at": offer.decided_at.isoformat() if offer.decided_at else None,
              "paid_minor": offer.paid_minor, "end_date": offer.hire.end_date.isoformat() if offer.hire.end_date
              else None, "end_reason": offer.hire.end_reason.value if offer.hire.end_reason else None}
    if decision is effective_decision(offer, now):
        raise Conflict(_("That is already the recorded decision."), field="decision")
    hire = offer.hire
    if offer.decision is OfferDecision.TAKEN:
        # Undo the departure the wrong entry caused.
        hire.end_date = hire.end_reason = offer.paid_minor = None
        if hire.user is not None:
            hire.user.active = True
    offer.decision = decision
    offer.decided_at = offer.decided_at or min(now, offer.deadline)
    offer.recorded_by_id = actor.id
    if decision is OfferDecision.TAKEN:
        _leave(offer, offer.decided_at.date())
    record(session, actor_id=actor.id, action="offer_corrected", entity_type="quit_offer", entity_id=offer.id,
           reason=reason.strip(), before=before, after=decision.value)
    return offer


def expire_overdue(session: Session, now: datetime) -> int:
    """Write down "expired" for offers whose deadline passed without a decision; returns how many."""
    offers = session.scalars(sa.select(QuitOffer).where(QuitOffer.lapsed(now))).all()
    for offer in offers:
        offer.decision, offer.decided_at = OfferDecision.EXPIRED, offer.deadline
        record(session, actor_id=None, action="offer_expired", entity_type="quit_offer", entity_id=offer.id,
               hire_id=offer.hire_id)
    return len(offers)


def open_offer_for(session: Session, user_id: int) -> QuitOffer | None:
    """The signed-in new hire's offer, decided or not."""
    return session.scalar(sa.select(QuitOffer).join(Hire, QuitOffer.hire_id == Hire.id)
                          .where(Hire.user_id == user_id))
