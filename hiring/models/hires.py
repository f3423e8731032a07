"""Employment: a hire made from an application, from start date to any end."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class EndReason(enum.StrEnum):
    """Why an employment ended; 'offer accepted' is The Offer taken."""

    OFFER_ACCEPTED = "offer_accepted"
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    OTHER = "other"


class Hire(Base):
    """A person hired through an application; the start of onboarding, The Offer and retention."""

    __tablename__ = "hires"
    __data_topic__ = "hires"  # the aggregates resting on this table (hiring/snapshots.py)
    __table_args__ = (
        sa.CheckConstraint("(end_date IS NULL) = (end_reason IS NULL)", name="end_has_reason"),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        # HR's list of hires The Offer may still go to: employed, no offer yet, who started first, first
        # (migration 0026). At a million candidates it was an anti-join of 154,000 employed hires with 192,000
        # offers to find 4,500; this index holds just those, so the list and its count read their own size.
        sa.Index("ix_hires_awaiting_offer", "start_date", "id",
                 sqlite_where=sa.text("end_date IS NULL AND NOT offer_made"),
                 postgresql_where=sa.text("end_date IS NULL AND NOT offer_made")),
        # Those who left, latest first: the departure reviews' list (migration 0030). Partial, so that no
        # "end_date IS NULL" question (the many still employed) is ever tempted by it.
        sa.Index("ix_hires_ended", "end_date", "id",
                 sqlite_where=sa.text("end_date IS NOT NULL"), postgresql_where=sa.text("end_date IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="RESTRICT"), unique=True
    )
    # The new hire's own login; null only for hires made before the app held logins.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    mentor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    start_date: Mapped[date] = mapped_column(sa.Date, index=True)
    # Not indexed (its index went in migration 0026): it is only ever asked "IS NULL", true of most hires, and
    # SQLite without statistics chose that index over ix_hires_awaiting_offer, then sorted.
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    end_reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason, "end_reason"))
    # Whether The Offer has been made: kept by the database (triggers on quit_offers, migration 0026), so that
    # every writer, the ORM, bulk loads and the tests' own rows alike, keeps it true; only for
    # ix_hires_awaiting_offer (the unique quit_offers.hire_id is what allows one offer per hire).
    offer_made: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application")
    user = relationship("User", foreign_keys=[user_id])
    mentor = relationship("User", foreign_keys=[mentor_id])
    enrollment = relationship("Enrollment", back_populates="hire", uselist=False)
    quit_offer = relationship("QuitOffer", back_populates="hire", uselist=False)
