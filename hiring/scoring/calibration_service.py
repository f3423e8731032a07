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
    InterviewKind,
    Job,
    PackedRatings,
    Rating,
    Requirement,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
    User,
)
from hiring.models.packed_ratings import rating_code, rating_code_sql


def calibration_data(session: Session) -> dict:
    """Each submitted scorecard's first submitted ratings as arrays, with interviewer names and item names, for
    the calibration page; 4 queries, 7 when some submitted scorecard has no packed ratings."""
    import numpy as np

    from hiring.scoring.calibration import calibrate, reliability

    requirements = session.execute(
        sa.select(Requirement.id, Requirement.name, Job.title).join(Job, Requirement.job_id == Job.id)).all()
    values = session.execute(sa.select(CoreValue.id, CoreValue.name)).all()
    item_names = {f"r{i}": f"{t}: {n}" for i, n, t in requirements}
    item_names.update({f"v{i}": n for i, n in values})
    # An item as one integer: requirement id * 2, or core value id * 2 + 1; `span` is above every such code.
    span = 2 * (max([i for i, *_ in requirements] + [i for i, _ in values], default=0) + 1)
    cards, packed, unpacked, first_versions = _packed_cards(session, span)
    if unpacked:
        more_cards, more = _unpacked_cards(session, span)
        cards = np.concatenate([cards, more_cards])
        cards = cards[np.argsort(cards[:, 0])]
        packed = np.concatenate([packed, more])
    ids, per_card = np.unique(cards[:, 1], return_counts=True)
    card_counts = dict(zip(ids.tolist(), per_card.tolist()))
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
            "first_versions": first_versions, "names": names, "items": items_alpha, "item_names": item_names}


def _packed_cards(session: Session, span: int) -> tuple["np.ndarray", "np.ndarray", bool, int]:
    """(every packed scorecard as (id, interviewer, application), sorted by id; their first-version ratings,
    each as (scorecard * span + item) * 8 + score, in no order; whether some submitted scorecard is not
    packed; how many submitted scorecards were amended); one statement, so that all are read from the same
    data (hiring/models/packed_ratings.py: a line per scorecard)."""
    import numpy as np

    from hiring.columns import int_lists

    submitted = sa.select(sa.func.count()).select_from(Scorecard) \
        .where(Scorecard.status == ScorecardStatus.SUBMITTED).scalar_subquery()
    amended = sa.select(sa.func.count(sa.distinct(ScorecardRevision.scorecard_id))) \
        .join(Scorecard, ScorecardRevision.scorecard_id == Scorecard.id) \
        .where(Scorecard.status == ScorecardStatus.SUBMITTED).scalar_subquery()
    count, values, total, first_versions = int_lists(session, PackedRatings.line, submitted, amended)
    head = np.flatnonzero(values < 0)
    if len(head) != count:
        raise ValueError(f"expected {count} packed scorecards, read {len(head)}")
    cards = np.stack([-values[head], values[head + 1], values[head + 2]], axis=1)
    # Each line's codes follow its three head numbers: the codes in order, each scorecard's part repeated
    # over its own codes.
    per_line = np.diff(np.append(head, len(values))) - 3
    body = np.ones(len(values), dtype=bool)
    body[head], body[head + 1], body[head + 2] = False, False, False
    codes = values[body]
    del values, body
    packed = np.repeat(cards[:, 0] * (span * 8), per_line) + codes
    if len(codes) and codes.max() >= span * 8:
        # An item deleted since the first version (amended away): nothing left to name it by, and no
        # colleague rates it now.
        packed = packed[codes < span * 8]
    return cards[np.argsort(cards[:, 0])], packed, total != count, first_versions


def _unpacked_cards(session: Session, span: int) -> tuple["np.ndarray", "np.ndarray"]:
    """The submitted scorecards without packed ratings (written around the submit service, see
    hiring/models/packed_ratings.py) as _packed_cards gives them: their ratings, or their oldest revision's
    where amended; 3 queries."""
    import numpy as np

    from hiring.columns import int_columns

    unpacked = sa.and_(Scorecard.status == ScorecardStatus.SUBMITTED,
                       ~sa.exists().where(PackedRatings.scorecard_id == Scorecard.id))
    cards = int_columns(session, sa.select(Scorecard.id, InterviewAssignment.interviewer_id,
                                           InterviewAssignment.application_id)
                        .join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
                        .where(unpacked))
    packed = int_columns(session, sa.select(sa.cast(Rating.scorecard_id, sa.BigInteger) * (span * 8)
                                            + rating_code_sql(Rating))
                         .join(Scorecard, Rating.scorecard_id == Scorecard.id).where(unpacked))[:, 0]
    # An amended scorecard counts as first submitted: only ratings given before seeing colleagues' scorecards
    # are independent, and agreement and leniency are about independent ratings.
    first = _first_versions(session, span, unpacked)
    if first:
        amended = np.array(sorted(first), dtype=np.int64)
        packed = np.concatenate([packed[~np.isin(packed // 8 // span, amended)],
                                 np.array([code for card in amended.tolist() for code in first[card]],
                                          dtype=np.int64)])
    return cards, packed


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


def _first_versions(session: Session, span: int, which: sa.ColumnElement) -> dict[int, list[int]]:
    """Per amended scorecard of `which`, its first submitted ratings packed as in _packed_cards (the revision
    of the lowest version holds the content before the first amendment); one query."""
    first = sa.select(ScorecardRevision.scorecard_id, sa.func.min(ScorecardRevision.version).label("version")) \
        .group_by(ScorecardRevision.scorecard_id).subquery()
    rows = session.execute(
        sa.select(ScorecardRevision.scorecard_id, ScorecardRevision.snapshot)
        .join(first, sa.and_(ScorecardRevision.scorecard_id == first.c.scorecard_id,
                             ScorecardRevision.version == first.c.version))
        .join(Scorecard, ScorecardRevision.scorecard_id == Scorecard.id)
        .where(which))
    packed: dict[int, list[int]] = {}
    for card_id, snapshot in rows:
        codes = packed.setdefault(card_id, [])
        for r in (snapshot or {}).get("ratings") or []:
            code = rating_code(r.get("requirement_id"), r.get("core_value_id"), r.get("score"),
                               bool(r.get("no_evidence")))
            if code // 8 >= span:  # an item deleted since: nothing left to name it by, and no colleague rates it now
                continue
            codes.append(card_id * span * 8 + code)
    return packed


@snapshots.maker("calibration", warm=({},))
def _calibration_recipe() -> snapshots.Recipe[dict]:
    # The format is in the name (v2: the fixed-effects model on first submitted versions, a Calibration's
    # fields): a stale snapshot may be served while its successor is computed, one of the older shape never.
    return snapshots.Recipe("calibration:v2", ("catalogue", "people", "scorecards"), calibration_data)


def similarity_data(session: Session) -> dict:
    """Per interviewer, their submitted scorecards that rate core values (values and hiring manager's
    interviews) and how many of them use similarity language (scorecards.similarity_flags, kept by
    hiring/values/similarity_service.py), with the exact interval of the share; one query, a GROUP BY."""
    from hiring.analytics.validity import exact_binomial
    from hiring.scoring.calibration_page import SimilarityRate

    rows = session.execute(
        sa.select(InterviewAssignment.interviewer_id, User.name, sa.func.count(),
                  sa.func.sum(sa.case((Scorecard.similarity_flags > 0, 1), else_=0)))
        .select_from(Scorecard).join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
        .join(User, InterviewAssignment.interviewer_id == User.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED,
               InterviewAssignment.kind.in_([InterviewKind.VALUES, InterviewKind.HIRING_MANAGER]))
        .group_by(InterviewAssignment.interviewer_id, User.name)).all()
    people = [SimilarityRate(who, exact_binomial(int(flagged or 0), int(n))) for who, _, n, flagged in rows]
    return {"people": people, "names": {who: name for who, name, *_ in rows},
            "overall": exact_binomial(sum(p.share.k for p in people), sum(p.share.n for p in people))}


@snapshots.maker("similarity", warm=({},))
def _similarity_recipe() -> snapshots.Recipe[dict]:
    # Its own snapshot, not a part of the calibration's (whose stored format then stays): one GROUP BY, cheap
    # beside the rater model, made again when scorecards change (a recount after the phrases changed too).
    return snapshots.Recipe("similarity:v1", ("people", "scorecards"), similarity_data)


def similarity(*, wait: bool = False) -> snapshots.Cached[dict]:
    """Similarity language per interviewer, from its snapshot (as calibration())."""
    return snapshots.snapshot("similarity", wait=wait)


def calibration(*, wait: bool = False) -> snapshots.Cached[dict]:
    """Interviewer calibration and item reliability, from its snapshot (hiring/snapshots.py: in a request it
    may be an older one while the runner computes the new, or none yet); it rests on ratings, and on the names
    of people and items shown."""
    return snapshots.snapshot("calibration", wait=wait)
