"""Who may use which endpoint: every view states its roles, and anything unstated is refused."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, request
from flask_login import current_user

from hiring.models import Role

PUBLIC = "public"
# The JSON API's views (hiring/api/): no session cookie opens them; each checks its bearer token, the token's
# scope and its user's role itself (hiring/api/auth.requires).
TOKEN = "token"
ANY_ROLE = frozenset(Role)


def roles_required(*roles: Role) -> Callable:
    """Allow only signed-in users with one of these roles; others get 403, anonymous users the login page."""
    allowed = frozenset(roles)
    if not allowed or not allowed <= ANY_ROLE:
        raise ValueError(f"roles_required needs roles from {sorted(ANY_ROLE)}")

    def decorate(view: Callable) -> Callable:
        # Only a mark: enforce_roles() checks it before every request.
        view.allowed_roles = allowed
        return view

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, signed in or not (the login page, static files)."""
    view.allowed_roles = PUBLIC
    return view


def token_checked(view: Callable) -> Callable:
    """Mark an API view as checked by its token, not by the signed-in session."""
    view.allowed_roles = TOKEN
    return view


def allowed_roles(endpoint: str | None) -> frozenset[Role] | str | None:
    """The roles an endpoint states, PUBLIC, or None when it states nothing."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def enforce_roles() -> None:
    """before_request hook: default deny.

    Runs for every request, so an endpoint that forgot its rule is refused rather than left open.
    """
    if request.endpoint is None:  # no route matched: let the 404/405 handlers answer
        return
    rule = allowed_roles(request.endpoint)
    if rule in (PUBLIC, TOKEN):
        return
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if rule is None or current_user.role not in rule:
        abort(403)


def may_use(endpoint: str, role: Role | None) -> bool:
    """True when a user with this role may open this endpoint (the navigation asks)."""
    if endpoint not in current_app.view_functions:
        return False
    rule = allowed_roles(endpoint)
    if rule == PUBLIC:
        return True
    if rule == TOKEN:  # the API's views: a program's, never a page to link to
        return False
    return role is not None and rule is not None and role in rule



# The roles that run recruiting: they see every candidate and every scorecard.
RECRUITING = (Role.ADMIN, Role.HR, Role.RECRUITER)
