"""The Offer: money to leave after training, its policy, and each hire's one offer and decision."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class OfferTiming(enum.StrEnum):
    """When The Offer is made: at graduation, or after a given week of the programme."""

    GRADUATION = "graduation"
    AFTER_WEEK = "after_week"


class OfferDecision(enum.StrEnum):
    """What became of an offer. Expired counts as staying."""

    TAKEN = "taken"
    STAYED = "stayed"
    EXPIRED = "expired"


class OfferPolicy(Base):
    """The company's policy for The Offer; the newest row is the one in force."""

    __tablename__ = "offer_policies"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint("length(currency) = 3 AND currency = upper(currency)", name="currency_iso"),
        sa.CheckConstraint("decision_days BETWEEN 1 AND 90", name="decision_days_range"),
        sa.CheckConstraint(
            "(timing = 'after_week') = (after_week IS NOT NULL)", name="after_week_with_timing"
        ),
        sa.CheckConstraint("after_week IS NULL OR after_week BETWEEN 1 AND 5", name="after_week_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=400_000)
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    timing: Mapped[OfferTiming] = mapped_column(
        enum_column(OfferTiming, "offer_timing"), default=OfferTiming.GRADUATION
    )
    after_week: Mapped[int | None]
    decision_days: Mapped[int] = mapped_column(default=7)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class QuitOffer(Base):
    """The one offer made to a hire, its amount fixed when made, and the hire's decision."""

    __tablename__ = "quit_offers"
    __data_topic__ = "hires"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint("length(currency) = 3 AND currency = upper(currency)", name="currency_iso"),
        sa.CheckConstraint("deadline > offered_at", name="deadline_after_offer"),
        sa.CheckConstraint("(decision IS NULL) = (decided_at IS NULL)", name="decision_has_time"),
        # HR's lists: offers decided, newest first (migration 0005), and offers without a decision, the few
        # waiting or lapsed, by deadline (migration 0035).
        sa.Index("ix_quit_offers_decided_at", "decided_at"),
        sa.Index("ix_quit_offers_open", "deadline", "id",
                 sqlite_where=sa.text("decision IS NULL"), postgresql_where=sa.text("decision IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hire_id: Mapped[int] = mapped_column(sa.ForeignKey("hires.id", ondelete="CASCADE"), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    offered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # No index of its own: the lists ask for offers without a decision (ix_quit_offers_open), and an index of
    # every offer by decision made SQLite read all the undecided ones and sort them, for a page of 50.
    decision: Mapped[OfferDecision | None] = mapped_column(enum_column(OfferDecision, "offer_decision"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who recorded the decision: the hire, or HR on their behalf.
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    paid_minor: Mapped[int | None] = mapped_column(sa.BigInteger)

    hire = relationship("Hire", back_populates="quit_offer")

    @classmethod
    def lapsed(cls, now: datetime) -> sa.ColumnElement[bool]:
        """SQL: the deadline passed without a decision; such an offer counts as staying ("expired")."""
        return sa.and_(cls.decision.is_(None), cls.deadline < now)
