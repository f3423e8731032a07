"""Users of the app and their single role."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


# Werkzeug's scrypt at its full cost (N=2**15, r=8, p=1). Only a TESTING configuration may choose a cheaper
# method (hiring/config.py), so that the suite does not spend its minutes hashing.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"


def password_hash_method() -> str:
    """The hashing method of the running app, or the production one outside an app."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)
    return PASSWORD_HASH_METHOD


class Role(enum.StrEnum):
    """What a user is allowed to do; each user has exactly one."""

    ADMIN = "admin"
    HR = "hr"
    RECRUITER = "recruiter"
    INTERVIEWER = "interviewer"
    NEW_HIRE = "new_hire"


class User(UserMixin, Base):
    """Someone who signs in: staff, interviewers and new hires."""

    __tablename__ = "users"
    __data_topic__ = "people"  # counted only when a name changes: signing in must not invalidate figures
    __data_topic_columns__ = ("name",)
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.CheckConstraint("(sso_issuer IS NULL) = (sso_subject IS NULL)", name="sso_identity_whole"),
        # One account per identity at the company's provider (hiring/auth/sso.py finds users by it). An index,
        # not a table constraint, so that migration 0032 adds it without rebuilding the table on SQLite.
        sa.Index("uq_users_sso_identity", "sso_issuer", "sso_subject", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), index=True)
    # Null until the user has set a password (a new hire's one-time link).
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the app speaks to this user (hiring.i18n.SUPPORTED_LOCALES); null follows the browser.
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    # The identity at the company's OpenID provider this account signs in as: the provider's issuer and its
    # "sub" for the person, never re-read from the e-mail address (which a person's account may change).
    sso_issuer: Mapped[str | None] = mapped_column(sa.String(500))
    sso_subject: Mapped[str | None] = mapped_column(sa.String(255))

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
