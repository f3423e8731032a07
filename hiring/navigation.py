"""The site's navigation, grouped by task: each role sees only the entries whose endpoint it may use, and only the
groups that keep at least one entry."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from hiring.auth.roles import may_use


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation."""

    label: object
    endpoint: str


@dataclass(frozen=True)
class NavGroup:
    """A task's entries, shown as one menu; `sections` are the endpoint prefixes of the pages that belong to the
    task without being an entry of their own (a candidate's page belongs to Hiring), so the group shows as
    current there."""

    label: object
    key: str
    items: tuple[NavItem, ...]
    sections: tuple[str, ...] = ()

    def is_current(self, endpoint: str | None) -> bool:
        """True when the page at `endpoint` belongs to this group."""
        if not endpoint:
            return False
        return any(item.endpoint == endpoint for item in self.items) or endpoint.startswith(self.sections)


# Later features add their entries here; the role rules of each endpoint decide who sees it.
HOME = NavItem(_l("Home"), "dashboard.home")
PROFILE = NavItem(_l("Profile"), "auth.profile")
NAV_GROUPS = (
    NavGroup(_l("Hiring"), "hiring", (
        NavItem(_l("Candidates"), "pipeline.candidates"),
        NavItem(_l("My interviews"), "calendar.agenda_page"),
        NavItem(_l("Jobs"), "jobs.index"),
        NavItem(_l("Core values"), "values.index"),
        NavItem(_l("Rejection reasons"), "rejection_reasons.index"),
    ), ("pipeline.", "calendar.", "jobs.", "values.", "rejection_reasons.", "interviews.", "duplicates.",
        "reports.dossier", "privacy.erase")),
    NavGroup(_l("Onboarding"), "onboarding", (
        NavItem(_l("Onboarding"), "onboarding.cohorts"),
        NavItem(_l("Programme"), "programme.index"),
    ), ("onboarding.", "programme.", "reports.onboarding", "reports.new_hire")),
    NavGroup(_l("The Offer"), "offer", (
        NavItem(_l("The Offer"), "offer.index"),
        NavItem(_l("Retention"), "analytics.offers"),
        NavItem(_l("Departure reviews"), "offer.departure_reviews"),
    ), ("offer.", "analytics.offers", "analytics.chart", "reports.retention")),
    NavGroup(_l("Insight"), "insight", (
        NavItem(_l("Calibration"), "scoring.calibration"),
        NavItem(_l("Fairness"), "reports.fairness"),
        NavItem(_l("Does it predict?"), "analytics.prediction"),
        NavItem(_l("Model"), "scoring.retention_model"),
    ), ("scoring.", "reports.fairness", "analytics.prediction")),
    # In context: the role is "Admin" too, which Dutch calls "Beheerder"; the menu is "Beheer".
    NavGroup(lazy_pgettext("navigation", "Admin"), "admin", (
        NavItem(_l("Users"), "admin.users"),
        NavItem(_l("Audit log"), "admin.audit_log"),
        NavItem(_l("Sent mail"), "mail.index"),
        NavItem(_l("Messages"), "messages.index"),
        NavItem(_l("Erasure requests"), "privacy.erasure_requests"),
        NavItem(_l("Single sign-on"), "sso.settings"),
        NavItem(_l("Webhooks"), "webhooks.index"),
    ), ("admin.", "mail.", "messages.", "privacy.erasure", "privacy.close_erasure", "sso.settings",
        "webhooks.")),
)
# Every entry in the order the navigation shows them.
NAV_ITEMS = (HOME, *(item for group in NAV_GROUPS for item in group.items), PROFILE)


def items_for(role) -> list[NavItem]:
    """The navigation entries a user with this role may follow, in the navigation's order."""
    return [item for item in NAV_ITEMS if may_use(item.endpoint, role)]


def groups_for(role) -> list[NavGroup]:
    """The groups this role sees, each holding only the entries it may follow; groups left empty are dropped."""
    groups = []
    for group in NAV_GROUPS:
        items = tuple(item for item in group.items if may_use(item.endpoint, role))
        if items:
            groups.append(NavGroup(group.label, group.key, items, group.sections))
    return groups


def init_app(app: Flask) -> None:
    """Make the navigation available to every template: `nav_home`, `nav_groups`, `nav_profile` (None or [] when
    signed out) and `nav_items`, the flat list of every entry the user may follow."""

    @app.context_processor
    def inject_navigation():
        role = current_user.role if current_user.is_authenticated else None
        if not role:
            return {"nav_items": [], "nav_groups": [], "nav_home": None, "nav_profile": None}
        return {
            "nav_items": items_for(role),
            "nav_groups": groups_for(role),
            "nav_home": HOME if may_use(HOME.endpoint, role) else None,
            "nav_profile": PROFILE if may_use(PROFILE.endpoint, role) else None,
        }
