"""The company's core values: the same bar for every job."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow


class AnchoredItem:
    """Shared columns of anything rated 1-5 with behavioural anchors: core values and requirements."""

    def anchors(self) -> list[tuple[int, str | None]]:
        """The anchor text of each rating level, 1 to 5."""
        return [(level, getattr(self, f"anchor_{level}")) for level in range(1, 6)]

    def question_list(self) -> list[str]:
        """Suggested interview questions, one per line in storage."""
        return [q.strip() for q in (self.questions or "").splitlines() if q.strip()]


class CoreValue(AnchoredItem, Base):
    """A core value with what each rating 1-5 looks like; retired rather than deleted once rated."""

    __tablename__ = "core_values"
    __data_topic__ = "catalogue"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    anchor_1: Mapped[str] = mapped_column(sa.Text)
    anchor_2: Mapped[str] = mapped_column(sa.Text)
    anchor_3: Mapped[str] = mapped_column(sa.Text)
    anchor_4: Mapped[str] = mapped_column(sa.Text)
    anchor_5: Mapped[str] = mapped_column(sa.Text)
    questions: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0, index=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        """False once retired."""
        return self.retired_at is None
