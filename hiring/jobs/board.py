"""A job's board: one column per open stage, the best applications of each first, and the move each card offers.

A column shows at most CARDS_PER_COLUMN cards (a busy job has thousands of applications in Applied); its count
comes from the counters the database keeps, and the rest is one link away in the job's list filtered by stage.
A fixed number of statements whatever the size of the job: one per column, one for the counts."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from hiring.jobs.service import job_applications, stage_counts
from hiring.models import Application, GateResult, Stage
from hiring.pipeline.stages import FORWARD, moves_offered

CARDS_PER_COLUMN = 25
COLUMNS = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION)


@dataclass
class Column:
    """One stage of the board: its best applications and how many there are in all."""

    stage: Stage
    total: int
    cards: list[Application] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.cards)


def next_step(application: Application) -> Stage | None:
    """The forward move a card offers as one button: the next stage, except Hired, which needs a start date and
    the gate's pass (the candidate page asks for both)."""
    target = FORWARD.get(application.stage)
    if target is None or target is Stage.HIRED:
        return None
    return target if target in moves_offered(application.stage, application.gate_result is GateResult.PASSES) \
        else None


def board(session: Session, job_id: int, per_column: int | None = None) -> list[Column]:
    """The job's open stages as columns, each with its best `per_column` applications (the job's ranking)."""
    per_column = per_column or CARDS_PER_COLUMN
    counts = stage_counts(session, [job_id])[job_id]
    columns = []
    for stage in COLUMNS:
        column = Column(stage, counts.get(stage, 0))
        if column.total:
            rows, _count = job_applications(job_id, stage)
            column.cards = list(session.scalars(rows(per_column, 0)).unique())
        columns.append(column)
    return columns
