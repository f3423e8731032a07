"""Background tasks: what the task runner (hiring/tasks/) is asked to do, and how far it got.

The state lives here rather than in a queue or a process, so that web processes and workers on different
machines all see the same thing, and Redis holds nothing but ids to run.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow

QUEUED, RUNNING, DONE, FAILED, DOWNLOADED = "queued", "running", "done", "failed", "downloaded"
STATES = (QUEUED, RUNNING, DONE, FAILED, DOWNLOADED)
PENDING = (QUEUED, RUNNING)
# One pending task per dedupe key: the same work asked for twice while it waits or runs is done once.
PENDING_SQL = "state IN ('queued', 'running')"


class Task(Base):
    """One piece of background work: its kind, JSON-able parameters (ids and codes, nothing personal),
    the language it runs in, its state and progress, and a coded error when it failed."""

    __tablename__ = "tasks"
    __table_args__ = (
        sa.CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name="state_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_tasks_user_id_kind_state", "user_id", "kind", "state"),
        sa.Index("ix_tasks_state_created_at", "state", "created_at"),
        sa.Index("uq_tasks_pending_dedupe_key", "dedupe_key", unique=True,
                 sqlite_where=sa.text(PENDING_SQL), postgresql_where=sa.text(PENDING_SQL)),
    )

    # secrets.token_urlsafe(24): random, so that ids cannot be guessed, and carrying nothing personal.
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # SHA-256 of kind, parameters and user: the same work for the same person. None: never deduplicated.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(12), default=QUEUED)
    step: Mapped[str | None] = mapped_column(sa.String(40))
    # A code ("error", "missing", "interrupted", ...), never a message or a traceback: those go to the log.
    error: Mapped[str | None] = mapped_column(sa.String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not before this time: a retry waits out its backoff.
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the task produced (a prepared report); the file may expire before the task row goes.
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="SET NULL"), index=True)

    def __repr__(self) -> str:
        return f"<Task {self.id[:6]} {self.kind} {self.state}>"
