"""Data versions and stored snapshots of expensive aggregates (calibration, fairness).

Every write transaction bumps the version of the topics it touched (see hiring/snapshots.py; each model names its topic in `__data_topic__`); a snapshot
records the versions it was computed at, so it is served only while nothing it depends on has changed.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow


class DataVersion(Base):
    """A counter per topic of data, raised in the same transaction as every change to that topic."""

    __tablename__ = "data_versions"
    __table_args__ = (sa.CheckConstraint("version >= 0", name="version_not_negative"),)

    topic: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Snapshot(Base):
    """The stored result of an aggregate, signed, with the data versions it was computed at."""

    __tablename__ = "snapshots"

    name: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    versions: Mapped[str] = mapped_column(sa.String(400))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(sa.Float)  # how long computing it took, shown to admins
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # How it was made (hiring/snapshots.py's registered makers), so that a refresh can make it again.
    maker: Mapped[str | None] = mapped_column(sa.String(40))
    params: Mapped[dict | None] = mapped_column(sa.JSON)
