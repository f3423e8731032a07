"""Scorecards side by side: items in rows, interviewers in columns, disagreements marked."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload

from hiring.interviews.service import submitted_scorecards
from hiring.models import (
    Application,
    CoreValue,
    InterviewAssignment,
    Job,
    Rating,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
)

DISAGREEMENT = 2  # a spread of two points or more on an item is worth a conversation


@dataclass
class Row:
    """One item across the interviewers who rated it."""

    kind: str
    name: str
    must_have: bool = False
    cells: dict[int, Rating] = field(default_factory=dict)  # scorecard id -> rating

    @property
    def scores(self) -> list[int]:
        """The scores given, leaving out "no evidence"."""
        return [r.score for r in self.cells.values() if r.score is not None]

    @property
    def spread(self) -> int:
        """Highest minus lowest score; 0 with fewer than two scores."""
        return max(self.scores) - min(self.scores) if len(self.scores) > 1 else 0

    @property
    def disagreement(self) -> bool:
        """A spread worth discussing before deciding."""
        return self.spread >= DISAGREEMENT


@dataclass(frozen=True)
class Amendment:
    """A change to a submitted scorecard, and how many colleagues' scorecards were in when it was made."""

    version: int
    reason: str
    amended_at: datetime
    colleagues_before: int  # other interviewers' scorecards on the application submitted before the amendment


def amendments(session: Session, card_ids: list[int]) -> dict[int, list[Amendment]]:
    """Per scorecard, its amendments in order, each with the colleagues' scorecards submitted before it,
    counted over the whole application whoever may read them; one query."""
    if not card_ids:
        return {}
    own_card, own = aliased(Scorecard), aliased(InterviewAssignment)
    other_card, other = aliased(Scorecard), aliased(InterviewAssignment)
    before = (sa.select(sa.func.count(other_card.id))
              .join(other, other_card.assignment_id == other.id)
              .where(other.application_id == own.application_id, other.interviewer_id != own.interviewer_id,
                     other_card.status == ScorecardStatus.SUBMITTED,
                     other_card.submitted_at < ScorecardRevision.amended_at)
              .scalar_subquery())
    rows = session.execute(
        sa.select(ScorecardRevision.scorecard_id, ScorecardRevision.version, ScorecardRevision.reason,
                  ScorecardRevision.amended_at, before)
        .join(own_card, ScorecardRevision.scorecard_id == own_card.id)
        .join(own, own_card.assignment_id == own.id)
        .where(ScorecardRevision.scorecard_id.in_(card_ids))
        .order_by(ScorecardRevision.scorecard_id, ScorecardRevision.version))
    found: dict[int, list[Amendment]] = {}
    for card_id, version, reason, amended_at, colleagues in rows:
        found.setdefault(card_id, []).append(Amendment(version, reason, amended_at, int(colleagues)))
    return found


def side_by_side(session: Session, application_id: int, cards: list[Scorecard] | None = None) -> dict | None:
    """The application, its submitted scorecards (or the `cards` given) as columns and its items as rows,
    and the scorecards' amendments; 6 queries whatever the number of scorecards and ratings."""
    application = session.scalar(
        sa.select(Application).options(joinedload(Application.candidate),
                                       joinedload(Application.job).selectinload(Job.requirements))
        .where(Application.id == application_id))
    if application is None:
        return None
    if cards is None:
        cards = submitted_scorecards(session, application_id)
    ratings = [r for c in cards for r in c.ratings]
    value_ids = {r.core_value_id for r in ratings if r.core_value_id is not None}
    values = session.scalars(sa.select(CoreValue).where(CoreValue.id.in_(value_ids))
                             .order_by(CoreValue.position, CoreValue.id)).all() if value_ids else []
    rows: dict[tuple[str, int], Row] = {}
    for r in application.job.requirements:
        rows[("r", r.id)] = Row("requirement", r.name, r.must_have)
    for v in values:
        rows[("v", v.id)] = Row("value", v.name)
    for card in cards:
        for rating in card.ratings:
            key = ("r", rating.requirement_id) if rating.requirement_id else ("v", rating.core_value_id)
            if key in rows:
                rows[key].cells[card.id] = rating
    visible = [row for row in rows.values() if row.cells]
    return {"application": application, "cards": cards, "rows": visible,
            "disagreements": [row for row in visible if row.disagreement],
            "vetoes": [c for c in cards if c.culture_veto],
            "amendments": amendments(session, [c.id for c in cards])}


