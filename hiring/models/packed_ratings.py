"""Each submitted scorecard's ratings as first submitted, packed into one text value for the calibration.

The calibration (hiring/scoring/calibration_service.py) rests on every first submitted rating: two million at
100,000 candidates, where producing them as rows (0.42 s of SQLite) and joining the scorecards to their
interviewers and applications (0.15 s) was most of its read. Packed when a scorecard is first submitted
(hiring/interviews/service.py, in the same transaction) and never changed by an amendment (nor is a scorecard's
assignment, nor its status once submitted), they are read as one text per scorecard, ready to be joined by the
database and parsed by NumPy (hiring/columns.py): 0.05 s. The line holds its own scorecard's id and the
assignment's ids because building it in SQL from columns cost SQLite more than the join. A submitted scorecard without its row (written around the submit service: the
demo, the tests' factories, an import) is read from its ratings and revisions as before; `pack_missing` packs
those (migration 0019 for the scorecards already there, bench.generate after loading).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base


class PackedRatings(Base):
    """A submitted scorecard's first submitted ratings as one `line` of comma-separated integers: minus the
    scorecard's id, its interviewer's id, its application's id, then each rating's `rating_code`, ascending."""

    __tablename__ = "packed_ratings"
    __data_topic__ = "scorecards"  # the aggregates resting on this table (hiring/snapshots.py)

    scorecard_id: Mapped[int] = mapped_column(sa.ForeignKey("scorecards.id", ondelete="CASCADE"), primary_key=True)
    line: Mapped[str] = mapped_column(sa.Text)


def rating_code(requirement_id: int | None, core_value_id: int | None, score: int | None,
                no_evidence: bool) -> int:
    """One rating as one integer: the item (requirement id * 2, or core value id * 2 + 1) * 8 + the score,
    0 for no evidence or no score."""
    item = requirement_id * 2 if requirement_id else core_value_id * 2 + 1
    return item * 8 + (0 if no_evidence or score is None else int(score))


def rating_code_sql(ratings) -> sa.ColumnElement:
    """`rating_code` of the rows of `ratings` (the table or the model), in SQL: no score counts as no evidence
    (a CHECK constraint keeps scores off no-evidence ratings)."""
    item = sa.func.coalesce(ratings.requirement_id * 2, ratings.core_value_id * 2 + 1)
    return item * 8 + sa.func.coalesce(ratings.score, 0)


def pack(scorecard_id: int, interviewer_id: int, application_id: int,
         ratings: Iterable[tuple[int | None, int | None, int | None, bool]]) -> str:
    """The `line` of a scorecard with (requirement id, core value id, score, no evidence) ratings."""
    codes = sorted(rating_code(*r) for r in ratings)
    return ",".join(str(n) for n in (-scorecard_id, interviewer_id, application_id, *codes))


def pack_missing(connection: sa.Connection) -> int:
    """Pack every submitted scorecard that has no row yet (its first version: the oldest revision's ratings
    when it was amended, else its ratings); returns how many. The tables as of migration 0019, so that the
    migration may call it."""
    scorecards = sa.table("scorecards", sa.column("id", sa.Integer), sa.column("status", sa.String),
                          sa.column("assignment_id", sa.Integer))
    assignments = sa.table("interview_assignments", sa.column("id", sa.Integer),
                           sa.column("interviewer_id", sa.Integer), sa.column("application_id", sa.Integer))
    ratings = sa.table("ratings", sa.column("scorecard_id", sa.Integer), sa.column("requirement_id", sa.Integer),
                       sa.column("core_value_id", sa.Integer), sa.column("score", sa.Integer))
    revisions = sa.table("scorecard_revisions", sa.column("scorecard_id", sa.Integer),
                         sa.column("version", sa.Integer), sa.column("snapshot", sa.JSON))
    packed = sa.table("packed_ratings", sa.column("scorecard_id", sa.Integer), sa.column("line", sa.Text))
    missing = sa.and_(scorecards.c.status == "submitted",
                      ~sa.exists().where(packed.c.scorecard_id == scorecards.c.id))
    amended = sa.exists().where(revisions.c.scorecard_id == scorecards.c.id)
    cards = scorecards.join(assignments, scorecards.c.assignment_id == assignments.c.id)

    def text(value):
        return sa.cast(value, sa.Text)

    # Never amended: their ratings, grouped by the database (a line's codes need no order: the reader sorts).
    codes = sa.func.aggregate_strings(text(rating_code_sql(ratings.c)), ",")
    head = (text(-scorecards.c.id) + "," + text(assignments.c.interviewer_id) + ","
            + text(assignments.c.application_id))
    # Counted before, not by the insert's rowcount, which psycopg leaves at -1 for an INSERT ... SELECT.
    plain = connection.scalar(sa.select(sa.func.count()).select_from(scorecards).where(missing, ~amended))
    connection.execute(sa.insert(packed).from_select(
        ["scorecard_id", "line"],
        sa.select(scorecards.c.id, head + sa.func.coalesce("," + codes, ""))
        .select_from(cards.outerjoin(ratings, ratings.c.scorecard_id == scorecards.c.id))
        .where(missing, ~amended).group_by(scorecards.c.id, assignments.c.interviewer_id,
                                           assignments.c.application_id)))
    # Amended: the revision of the lowest version holds the content before the first amendment.
    first = sa.select(revisions.c.scorecard_id, sa.func.min(revisions.c.version).label("version")) \
        .group_by(revisions.c.scorecard_id).subquery()
    rows = connection.execute(
        sa.select(scorecards.c.id, assignments.c.interviewer_id, assignments.c.application_id, revisions.c.snapshot)
        .select_from(cards.join(revisions, revisions.c.scorecard_id == scorecards.c.id))
        .join(first, sa.and_(revisions.c.scorecard_id == first.c.scorecard_id,
                             revisions.c.version == first.c.version))
        .where(missing)).all()
    if rows:
        connection.execute(sa.insert(packed), [
            {"scorecard_id": card, "line": pack(card, interviewer, application, (
                (r.get("requirement_id"), r.get("core_value_id"), r.get("score"), bool(r.get("no_evidence")))
                for r in (snapshot or {}).get("ratings") or []))}
            for card, interviewer, application, snapshot in rows])
    return plain + len(rows)
