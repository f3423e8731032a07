"""The demo's rejection reasons: the usual list, and a coded reason on every rejected application, weighted as
a company that hires on values and requirements would see them (most for the requirements or the values)."""
from __future__ import annotations

import random

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.models import Application, GateResult, RejectionReason, Stage
from hiring.pipeline.rejection_reasons import add_defaults

WEIGHTS = {"requirements": 35, "values_fit": 30, "stronger_candidates": 20, "position_filled": 5, "terms": 5,
           "no_show": 3, "work_permit": 2}

VALUES_CODES = {"values_below_threshold", "value_below_floor", "culture_veto"}
REQUIREMENT_CODES = {"requirements_below_threshold", "must_have_below_floor"}


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
    rows = session.execute(sa.select(Application.id, Application.gate_result, Application.gate_reasons)
                           .where(Application.stage == Stage.REJECTED, Application.rejection_reason_id.is_(None))
                           .order_by(Application.id)).all()
    rejected = [aid for aid, _, _ in rows]
    chosen = rng.choices(codes, weights=weights, k=len(rejected))
    # Turned away by the gate: the reason says which side it failed on, as the recruiter would choose it.
    for n, (_, result, reasons) in enumerate(rows):
        failed = {r.get("code") for r in reasons or []} if result is GateResult.FAILS else set()
        side = ("values_fit" if failed & VALUES_CODES else "requirements" if failed & REQUIREMENT_CODES else None)
        if side in ids:
            chosen[n] = side
    if rejected:
        table = Application.__table__
        session.connection().execute(
            sa.update(table).where(table.c.id == sa.bindparam("aid")).values(rejection_reason_id=sa.bindparam("rid")),
            [{"aid": aid, "rid": ids[code]} for aid, code in zip(rejected, chosen, strict=True)])
    return len(rejected)
