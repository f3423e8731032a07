"""The demo's rejection reasons: the usual list, and a coded reason on every rejected application, weighted as
a company that hires on values and requirements would see them (most for the requirements or the values)."""
from __future__ import annotations

import random

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.models import Application, RejectionReason, Stage
from hiring.pipeline.rejection_reasons import add_defaults

WEIGHTS = {"requirements": 35, "values_fit": 30, "stronger_candidates": 20, "position_filled": 5, "terms": 5,
           "no_show": 3, "work_permit": 2}


def add_rejection_reasons(session: Session, rng: random.Random) -> int:
    """The usual reasons (when there are none) and one on each rejected application without; how many set.
    A generator of its own, so that the rest of the demo stays as it was."""
    add_defaults(session)
    ids = dict(session.execute(sa.select(RejectionReason.code, RejectionReason.id)
                               .where(RejectionReason.retired_at.is_(None))).all())
    codes = [code for code in WEIGHTS if code in ids] or list(ids)
    if not codes:
        return 0
    weights = [WEIGHTS.get(code, 1) for code in codes]
    rejected = session.scalars(sa.select(Application.id).where(Application.stage == Stage.REJECTED,
                                                               Application.rejection_reason_id.is_(None))
                               .order_by(Application.id)).all()
    chosen = rng.choices(codes, weights=weights, k=len(rejected))
    if rejected:
        table = Application.__table__
        session.connection().execute(
            sa.update(table).where(table.c.id == sa.bindparam("aid")).values(rejection_reason_id=sa.bindparam("rid")),
            [{"aid": aid, "rid": ids[code]} for aid, code in zip(rejected, chosen, strict=True)])
    return len(rejected)
