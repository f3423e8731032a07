"""The company's list of similarity phrases: words that speak of liking or sameness ("fits in", "one of us",
"klikte meteen") rather than of behaviour. Evidence using one gets a gentle prompt as it is typed, and each
submitted scorecard keeps how many of its core values' evidence used one (`scorecards.similarity_flags`,
hiring/values/similarity_service.py), counted per interviewer on the calibration page.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow
from hiring.values.similarity import PHRASE_MAX


class SimilarityPhrase(Base):
    """One phrase of the list, as the company wrote it, and folded (hiring/values/similarity.py: case and
    accents ignored, words single-spaced), which is what must be unique: "Fits in" and "fits  in" are one."""

    __tablename__ = "similarity_phrases"
    __table_args__ = (
        sa.CheckConstraint("length(trim(phrase)) > 0", name="phrase_not_blank"),
        sa.CheckConstraint("length(folded) > 0", name="folded_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(sa.String(PHRASE_MAX))
    folded: Mapped[str] = mapped_column(sa.String(PHRASE_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
