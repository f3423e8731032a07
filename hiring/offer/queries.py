"""Loading HR's offer lists in a fixed number of queries."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from hiring.models import Hire, QuitOffer
from hiring.offer.policy import current_policy
from hiring.offer.service import eligible_statement
from hiring.paging import list_page

PER_PAGE = 50
CLOSED_COUNT_CAP = 1000  # the decided list is counted up to here (see _closed)


def _closed(now: datetime):
    """The decided (or expired) offers as `(rows, count)` for `hiring.paging.list_page`, newest first.

    An offer closes when it is decided (decided_at) or when its deadline passes undecided. Sorting all of them
    by "decided_at, else deadline" would sort every offer ever made for each page; instead each kind is read
    newest first from its own index (ix_quit_offers_decided_at, ix_quit_offers_open), only as far
    as the page needs, and the two short lists are merged."""
    decided = QuitOffer.decided_at.is_not(None)  # the same as a decision: see the check decision_has_time
    expired = QuitOffer.lapsed(now)

    def rows(limit: int, offset: int) -> sa.Select:
        enough = offset + limit
        parts = [sa.select(QuitOffer.id, column.label("closed_at")).where(where)
                 .order_by(column.desc(), QuitOffer.id.desc()).limit(enough).subquery()
                 for column, where in ((QuitOffer.decided_at, decided), (QuitOffer.deadline, expired))]
        closed = sa.union_all(*(sa.select(p.c.id, p.c.closed_at) for p in parts)).subquery()
        keys = (sa.select(closed.c.id).order_by(closed.c.closed_at.desc(), closed.c.id.desc())
                .limit(limit).offset(offset))
        return (sa.select(QuitOffer).options(joinedload(QuitOffer.hire).joinedload(Hire.user))
                .where(QuitOffer.id.in_(keys))
                .order_by(sa.func.coalesce(QuitOffer.decided_at, QuitOffer.deadline).desc(), QuitOffer.id.desc()))

    # Counted only up to the cap, each kind apart: counting every offer ever decided grew with the company's
    # history (19 ms at a million candidates) for a "Page N of M" nobody needs past a thousand.
    count = sa.select(sum(sa.select(sa.func.count()).select_from(
        sa.select(QuitOffer.id).where(where).limit(CLOSED_COUNT_CAP + 1).subquery()).scalar_subquery()
        for where in (decided, expired)))
    return rows, count


def _paged(statement: sa.Select, key: sa.ColumnElement):
    """`(rows, count)` for list_page of a short statement: the page by LIMIT and OFFSET, the count of its keys."""
    count = sa.select(sa.func.count()).select_from(statement.order_by(None).with_only_columns(key).subquery())
    return (lambda limit, offset: statement.limit(limit).offset(offset)), count


def offer_lists(session: Session, today: date, now: datetime, page: int = 1, *, eligible_page: int = 1,
                waiting_page: int = 1) -> dict:
    """Eligible hires (who started first, first), offers waiting for a decision (nearest deadline first), and
    decided (or expired) offers (newest first), each a page of PER_PAGE: at a million candidates a week's
    hires wait for a decision at once (622 offers, 177 eligible), and rendering them all took 300 ms."""
    with_person = joinedload(QuitOffer.hire).joinedload(Hire.user)
    with_application = joinedload(QuitOffer.hire).joinedload(Hire.application)
    waiting = (sa.select(QuitOffer).options(with_person, with_application)
               .where(QuitOffer.decision.is_(None), QuitOffer.deadline >= now)
               .order_by(QuitOffer.deadline, QuitOffer.id))
    policy = current_policy(session)
    rows, count = _closed(now)
    return {"eligible": list_page(session, *_paged(eligible_statement(today, policy), Hire.id),
                                  page=eligible_page, per_page=PER_PAGE),
            "waiting": list_page(session, *_paged(waiting, QuitOffer.id), page=waiting_page, per_page=PER_PAGE),
            "decided": list_page(session, rows, count, page=page, per_page=PER_PAGE, count_cap=CLOSED_COUNT_CAP),
            "now": now, "policy": policy}
