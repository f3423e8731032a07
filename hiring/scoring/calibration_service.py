"""The thin service of the calibration page: each submitted scorecard's first submitted ratings as arrays, read
in a fixed number of queries, handed to the pure maths of calibration.py and rater_effects.py."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring import snapshots
from hiring.models import (
    CoreValue,
    InterviewAssignment,
    Job,
    Rating,
    Requirement,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
    User,
)


def calibration_data(session: Session) -> dict:
    """Each submitted scorecard's first submitted ratings as arrays, with interviewer names and item names, for
    the calibration page; 6 queries."""
    import numpy as np

    from hiring.columns import int_columns
    from hiring.scoring.calibration import calibrate, reliability

    requirements = session.execute(
        sa.select(Requirement.id, Requirement.name, Job.title).join(Job, Requirement.job_id == Job.id)).all()
    values = session.execute(sa.select(CoreValue.id, CoreValue.name)).all()
    item_names = {f"r{i}": f"{t}: {n}" for i, n, t in requirements}
    item_names.update({f"v{i}": n for i, n in values})
    # An item as one integer: requirement id * 2, or core value id * 2 + 1; `span` is above every such code.
    span = 2 * (max([i for i, *_ in requirements] + [i for i, _ in values], default=0) + 1)
    cards = int_columns(session, sa.select(Scorecard.id, InterviewAssignment.interviewer_id,
                                           InterviewAssignment.application_id)
                        .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
                        .where(Scorecard.status == ScorecardStatus.SUBMITTED))
    cards = cards[np.argsort(cards[:, 0])]
    ids, per_card = np.unique(cards[:, 1], return_counts=True)
    card_counts = dict(zip(ids.tolist(), per_card.tolist()))
    # Each rating as a single integer, (scorecard * span + item) * 8 + score with 0 for no evidence, read as
    # columns (hiring/columns.py). Every rating, drafts' too: the table alone is a plain scan, and NumPy drops
    # the drafts' below faster than a join with scorecards would.
    item = sa.func.coalesce(Rating.requirement_id * 2, Rating.core_value_id * 2 + 1)
    # No score is 0: "no evidence" has none (a CHECK constraint), and a missing one counts as no evidence.
    score = sa.func.coalesce(Rating.score, 0)
    packed = int_columns(session, sa.select((sa.cast(Rating.scorecard_id, sa.BigInteger) * span + item) * 8
                                            + score))[:, 0]
    packed = packed[_positions(cards[:, 0], packed // 8 // span) >= 0]
    # An amended scorecard counts as first submitted: only ratings given before seeing colleagues' scorecards
    # are independent, and agreement and leniency are about independent ratings.
    first = _first_versions(session, span)
    if first:
        amended = np.array(sorted(first), dtype=np.int64)
        packed = np.concatenate([packed[~np.isin(packed // 8 // span, amended)],
                                 np.array([code for card in amended.tolist() for code in first[card]],
                                          dtype=np.int64)])
    # In the order of scorecard and item, whatever order the database gave: float sums depend on order, and a
    # rater's later scorecard wins where one rated the same item of the same candidate twice. The rows come
    # nearly in that order, which a stable sort finds quickly.
    packed.sort(kind="stable")
    # Small integer types where the values allow: at two million ratings every byte per rating is 2 MB.
    scores = (packed % 8).astype(np.int8)
    packed //= 8
    items = (packed % span).astype(np.int32)
    card = _positions(cards[:, 0], packed // span)
    del packed
    raters, applications = cards[:, 1].astype(np.int32)[card], cards[:, 2].astype(np.int32)[card]
    del card, cards
    # Then by candidate, item and interviewer (stable: a scorecard's order is kept among equals), the order
    # the rater-offset model and the reliability sort into: their sorts then find the work done.
    order = _by_candidate_item_rater(applications, items, raters)
    raters, applications, items, scores = raters[order], applications[order], items[order], scores[order]
    del order
    no_evidence = scores == 0
    result = calibrate(card_counts, raters, applications, items, scores, no_evidence)
    rated = ~no_evidence
    by_code = reliability(items[rated], applications[rated], raters[rated], scores[rated])
    # Back to the keys the templates know ("r12", "v3"), in their order as text, as before.
    items_alpha = sorted((dataclasses.replace(r, item=f"{'rv'[r.item % 2]}{r.item // 2}") for r in by_code),
                         key=lambda r: r.item)
    names = dict(session.execute(
        sa.select(User.id, User.name).where(User.id.in_([p.interviewer_id for p in result.people]))).all())
    return {"people": result.people, "between": result.between, "within": result.within,
            "first_versions": len(first), "names": names, "items": items_alpha, "item_names": item_names}


def _by_candidate_item_rater(applications: "np.ndarray", items: "np.ndarray", raters: "np.ndarray") -> "np.ndarray":
    """The stable order of the ratings by (application, item, rater)."""
    import numpy as np

    from hiring.scoring.rater_effects import codes

    if len(raters) == 0:
        return np.zeros(0, dtype=np.intp)
    (app, apps), (item, item_codes), (who, people) = codes(applications), codes(items), codes(raters)
    n_item, n_who = len(item_codes), len(people)
    if len(apps) * n_item * n_who >= 2 ** 62:
        return np.lexsort((who, item, app))
    return np.argsort((app * n_item + item) * n_who + who, kind="stable")


def _positions(ids: "np.ndarray", wanted: "np.ndarray") -> "np.ndarray":
    """Where each wanted id is in the sorted array `ids`, -1 where it is not there: a table lookup when the
    ids are dense enough (they are row ids), else a binary search."""
    import numpy as np

    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    top = int(max(ids[-1], wanted.max() if len(wanted) else 0))
    if ids[0] >= 0 and top <= 4 * (len(ids) + len(wanted)) + 1024:
        table = np.full(top + 1, -1, dtype=np.int64)
        table[ids] = np.arange(len(ids))
        return table[wanted]
    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return np.where(ids[at] == wanted, at, -1)


def _first_versions(session: Session, span: int) -> dict[int, list[int]]:
    """Per amended submitted scorecard, its first submitted ratings packed as in calibration_data (the
    revision of the lowest version holds the content before the first amendment); one query."""
    first = sa.select(ScorecardRevision.scorecard_id, sa.func.min(ScorecardRevision.version).label("version")) \
        .group_by(ScorecardRevision.scorecard_id).subquery()
    rows = session.execute(
        sa.select(ScorecardRevision.scorecard_id, ScorecardRevision.snapshot)
        .join(first, sa.and_(ScorecardRevision.scorecard_id == first.c.scorecard_id,
                             ScorecardRevision.version == first.c.version))
        .join(Scorecard, ScorecardRevision.scorecard_id == Scorecard.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED))
    packed: dict[int, list[int]] = {}
    for card_id, snapshot in rows:
        codes = packed.setdefault(card_id, [])
        for r in (snapshot or {}).get("ratings") or []:
            code = r["requirement_id"] * 2 if r.get("requirement_id") else r["core_value_id"] * 2 + 1
            if code >= span:  # an item deleted since: nothing left to name it by, and no colleague rates it now
                continue
            score = 0 if r.get("no_evidence") or r.get("score") is None else int(r["score"])
            codes.append((card_id * span + code) * 8 + score)
    return packed


@snapshots.maker("calibration", warm=({},))
def _calibration_recipe() -> snapshots.Recipe[dict]:
    # The format is in the name (v2: the fixed-effects model on first submitted versions, a Calibration's
    # fields): a stale snapshot may be served while its successor is computed, one of the older shape never.
    return snapshots.Recipe("calibration:v2", ("catalogue", "people", "scorecards"), calibration_data)


def calibration(*, wait: bool = False) -> snapshots.Cached[dict]:
    """Interviewer calibration and item reliability, from its snapshot (hiring/snapshots.py: in a request it
    may be an older one while the runner computes the new, or none yet); it rests on ratings, and on the names
    of people and items shown."""
    return snapshots.snapshot("calibration", wait=wait)
