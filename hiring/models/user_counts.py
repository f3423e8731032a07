"""How many active users hold each role, kept by the database itself.

The admin's home shows the accounts by role. Counting them read every user: every new hire has an account, so
at a million candidates that was 200,000 rows and 28 ms on every visit, growing with each year's hires. This
table answers from a row per role. Triggers on `users` (migration 0037) keep it in the same transaction as every
insert, delete, role change and closing or reopening of an account, whatever makes it; code only reads it.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, enum_column
from hiring.models.people import Role


class UserCount(Base):
    """The number of active users with one role (a row appears with the role's first user; missing is 0)."""

    __tablename__ = "user_counts"
    __table_args__ = (sa.CheckConstraint("n >= 0", name="n_not_negative"),)

    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)
    n: Mapped[int] = mapped_column(sa.Integer, default=0)
