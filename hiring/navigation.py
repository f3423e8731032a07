"""The site's navigation: each role sees only the entries whose endpoint it may use."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hiring.auth.roles import may_use


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation."""

    label: object
    endpoint: str


# Later features add their entries here; the role rules of each endpoint decide who sees it.
NAV_ITEMS = (
    NavItem(_l("Home"), "dashboard.home"),
    NavItem(_l("Candidates"), "pipeline.candidates"),
    NavItem(_l("My interviews"), "calendar.agenda_page"),
    NavItem(_l("Jobs"), "jobs.index"),
    NavItem(_l("Core values"), "values.index"),
    NavItem(_l("Rejection reasons"), "rejection_reasons.index"),
    NavItem(_l("Onboarding"), "onboarding.cohorts"),
    NavItem(_l("Programme"), "programme.index"),
    NavItem(_l("The Offer"), "offer.index"),
    NavItem(_l("Retention"), "analytics.offers"),
    NavItem(_l("Calibration"), "scoring.calibration"),
    NavItem(_l("Fairness"), "reports.fairness"),
    NavItem(_l("Model"), "scoring.retention_model"),
    NavItem(_l("Erasure requests"), "privacy.erasure_requests"),
    NavItem(_l("Users"), "admin.users"),
    NavItem(_l("Audit log"), "admin.audit_log"),
    NavItem(_l("Sent mail"), "mail.index"),
    NavItem(_l("Messages"), "messages.index"),
    NavItem(_l("Profile"), "auth.profile"),
)


def items_for(role) -> list[NavItem]:
    """The navigation entries a user with this role may follow."""
    return [item for item in NAV_ITEMS if may_use(item.endpoint, role)]


def init_app(app: Flask) -> None:
    """Make `nav_items` available to every template."""

    @app.context_processor
    def inject_navigation():
        role = current_user.role if current_user.is_authenticated else None
        return {"nav_items": items_for(role) if role else []}
