"""The JSON API under /api/v1 (issue 24, item 1): flask-smorest routes on the app's own services, described by an
OpenAPI 3.1 document generated from them (/api/v1/openapi.json).

Requests carry a personal access token (`Authorization: Bearer hpat_...`, tokens.py) and never a session
cookie: the API's views are public to the session-based role check (hiring/auth/roles.py) and check the token,
its scopes and its user's role themselves (auth.py), through the same services and object-level rules as the
pages. Errors are RFC 9457 problem details (hiring/problems.py); lists are paged by an opaque cursor (paging.py).
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from hiring.problems import API_PREFIX


def init_app(app: Flask) -> Api:
    """Register the API's blueprints and its OpenAPI document; CSRF does not apply (no cookie authenticates)."""
    from hiring.api import applications, hires, jobs, reports
    from hiring.api.auth import SCOPES
    from hiring.extensions import csrf

    app.config.setdefault("API_TITLE", "Values-fit hiring")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "The hiring pipeline's JSON API. Authenticate with a personal access token "
                                "(Profile → API tokens): `Authorization: Bearer hpat_...`. See docs/api.md."},
        "components": {"securitySchemes": {"token": {
            "type": "http", "scheme": "bearer",
            "description": "A personal access token; its scopes: " + ", ".join(sorted(SCOPES))}}},
        "security": [{"token": []}],
    })
    from hiring.api.token_views import bp as tokens_bp

    app.register_blueprint(tokens_bp)  # the tokens page, from the profile
    from hiring.api.auth import AuthProblem
    from hiring.problems import problem

    @app.errorhandler(AuthProblem)
    def refused(error: AuthProblem):
        from hiring.extensions import db

        db.session.rollback()
        return problem(error.status, error.title, error.detail,
                       headers={"WWW-Authenticate": error.challenge} if error.challenge else None)

    api = Api(app)
    for module in (jobs, applications, hires, reports):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    # The OpenAPI document is for anyone who may read the guide: it names no data.
    from hiring.auth.roles import public

    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api-docs."):
            app.view_functions[endpoint] = public(_plain(view))
    _limit(app)
    return api


def _plain(view):
    """A function around a bound method (flask-smorest's document views), which can carry the role rule."""
    def document(*args, **kwargs):
        return view(*args, **kwargs)

    document.__doc__ = view.__doc__
    return document


def _token_key() -> str:
    """The rate limit's counter: the token's digest (never the token), else the client's address."""
    from flask import request
    from flask_limiter.util import get_remote_address

    from hiring.api.auth import digest

    header = request.headers.get("Authorization", "")
    return "api-token:" + digest(header)[:32] if header else "api-address:" + get_remote_address()


def _limit(app: Flask) -> None:
    """Every API route limited per token (API_LIMIT_PER_TOKEN); past it, a 429 problem with Retry-After."""
    from flask import current_app

    limiter = app.extensions["hiring.limiter"]
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api_"):
            limited = limiter.limit(lambda: current_app.config["API_LIMIT_PER_TOKEN"], key_func=_token_key,
                                    scope="api")(view)
            limited.allowed_roles = getattr(view, "allowed_roles", None)
            app.view_functions[endpoint] = limited
