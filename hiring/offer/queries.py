"""Loading HR's offer lists in a fixed number of queries."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from hiring.extensions import db
from hiring.models import Hire, QuitOffer
from hiring.offer.policy import current_policy
from hiring.offer.service import eligible_hires

PER_PAGE = 50


def offer_lists(session: Session, today: date, now: datetime, page: int = 1) -> dict:
    """Eligible hires, offers waiting for a decision, and decided (or expired) offers, newest first."""
    with_person = joinedload(QuitOffer.hire).joinedload(Hire.user)
    with_application = joinedload(QuitOffer.hire).joinedload(Hire.application)
    waiting = session.scalars(
        sa.select(QuitOffer).options(with_person, with_application)
        .where(QuitOffer.decision.is_(None), QuitOffer.deadline >= now).order_by(QuitOffer.deadline)
    ).all()
    decided = db.paginate(
        sa.select(QuitOffer).options(with_person)
        .where(sa.or_(QuitOffer.decision.is_not(None), QuitOffer.deadline < now))
        .order_by(sa.func.coalesce(QuitOffer.decided_at, QuitOffer.deadline).desc(), QuitOffer.id.desc()),
        page=page, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
    policy = current_policy(session)
    return {"eligible": eligible_hires(session, today, policy), "waiting": waiting, "decided": decided,
            "now": now, "policy": policy}
