"""Single sign-on with OpenID Connect: the company's one row of settings (issue 24, item 3).

The client secret is not here: it comes from the environment (SSO_CLIENT_SECRET, hiring/config.py), so that the
database, its backups and whoever reads them never hold a credential for the company's identity provider.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class RolesFrom(enum.StrEnum):
    """Who decides a staff member's role once they have an account."""

    CLAIM = "claim"  # the identity provider's claim, at every sign-in
    ADMIN = "admin"  # an admin, by hand; the claim gives only a new account's first role


class SsoSettings(Base):
    """The company's single sign-on settings: one row (id 1), written by admins on /admin/sso."""

    __tablename__ = "sso_settings"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("NOT enabled OR (length(issuer) > 0 AND length(client_id) > 0 "
                           "AND length(provider_name) > 0)", name="enabled_is_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Shown on the sign-in page: "Sign in with <provider_name>".
    provider_name: Mapped[str] = mapped_column(sa.String(80), default="", server_default="")
    # The issuer exactly as the provider names itself; its discovery document is at
    # <issuer>/.well-known/openid-configuration, and every ID token's "iss" must equal it.
    issuer: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    client_id: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    # The claim of the ID token that carries the person's groups or app roles, and which of its values make
    # which staff role (space- or comma-separated lists; the highest role matched wins).
    role_claim: Mapped[str] = mapped_column(sa.String(100), default="roles", server_default="roles")
    admin_values: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    hr_values: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    recruiter_values: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    interviewer_values: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    roles_from: Mapped[RolesFrom] = mapped_column(enum_column(RolesFrom, "sso_roles_from"), default=RolesFrom.CLAIM,
                                                  server_default=RolesFrom.CLAIM.value)
    # Off: staff other than admins sign in only through the provider (admins and new hires keep their password).
    password_sign_in: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
