"""The values-fit hiring pipeline: create_app() builds the Flask application."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled_dir(name: str) -> Path:
    """templates/ and migrations/ sit beside the package when installed, at the checkout's top otherwise."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


TEMPLATES_DIR = _bundled_dir("templates")
MIGRATIONS_DIR = _bundled_dir("migrations")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; settings come from the environment, overridden by `config` (tests)."""
    from hiring.config import from_environment

    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        instance_path=os.environ.get("HIRING_INSTANCE_PATH") or None,
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(from_environment(instance, config or {}))
    register_proxies(app)
    register_extensions(app)
    register_tasks(app)
    register_converters(app)
    register_blueprints(app)
    register_limits(app)
    register_api(app)
    register_errorhandlers(app)
    register_template_context(app)
    register_commands(app)
    return app


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme, host and path prefix from
    their X-Forwarded-* headers (the sign-in limits count per client address, HSTS follows https); with 0,
    the headers are ignored, since anyone could send them."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)


def register_extensions(app: Flask) -> None:
    """Bind the extensions created in extensions.py to this app."""
    from hiring import auth
    from hiring.extensions import babel, csrf, db, login_manager, migrate
    from hiring import i18n, snapshots
    from hiring.i18n import select_locale
    from hiring.models import search

    db.init_app(app)
    snapshots.install(app)  # every commit raises the data versions of what it changed; writes ask for refreshes
    # include_name: autogenerate must not propose dropping the name search's index (hiring/models/search.py).
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True,
                     include_name=search.include_name)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    i18n.init_app(app)
    auth.init_app(app, login_manager)


def register_tasks(app: Flask) -> None:
    """The task runner: what this app asks for is handed on when the asking transaction commits."""
    from hiring import tasks

    tasks.init_app(app)


def register_converters(app: Flask) -> None:
    """URL converters, before any route: `<int:...>` stops at the largest id (a larger one is a 404)."""
    from hiring import bounds

    bounds.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Each feature's blueprint lives in its own package."""
    from hiring.admin.views import bp as admin_bp
    from hiring.analytics.views import bp as analytics_bp
    from hiring.auth.views import bp as auth_bp
    from hiring.dashboard.views import bp as dashboard_bp
    from hiring.interviews.views import bp as interviews_bp
    from hiring.jobs.views import bp as jobs_bp
    from hiring.offer.views import bp as offer_bp
    from hiring.onboarding.programme_views import bp as programme_bp
    from hiring.onboarding.views import bp as onboarding_bp
    from hiring.pipeline.views import bp as pipeline_bp
    from hiring.reports.views import bp as reports_bp
    from hiring.scoring.views import bp as scoring_bp
    from hiring.values.views import bp as values_bp

    for blueprint in (auth_bp, dashboard_bp, pipeline_bp, interviews_bp, jobs_bp, values_bp, onboarding_bp, programme_bp,
                      offer_bp, analytics_bp, scoring_bp, reports_bp, admin_bp):
        app.register_blueprint(blueprint)
    from hiring.privacy.views import bp as privacy_bp
    app.register_blueprint(privacy_bp)
    from hiring.careers.views import bp as careers_bp
    app.register_blueprint(careers_bp)
    from hiring.pipeline.duplicate_views import bp as duplicates_bp
    app.register_blueprint(duplicates_bp)
    from hiring.mail.views import bp as mail_bp
    app.register_blueprint(mail_bp)
    from hiring.mail.template_views import bp as message_templates_bp
    app.register_blueprint(message_templates_bp)
    from hiring.interviews.calendar_views import bp as calendar_bp
    app.register_blueprint(calendar_bp)
    from hiring.pipeline.rejection_reason_views import bp as rejection_reasons_bp
    app.register_blueprint(rejection_reasons_bp)
    from hiring.mail.notification_views import bp as notifications_bp
    app.register_blueprint(notifications_bp)  # and `flask send-reminders`; loads the reminder sources
    from hiring.webhooks.views import bp as webhooks_bp
    app.register_blueprint(webhooks_bp)  # and `flask deliver-webhooks`
    from hiring.auth.sso_views import bp as sso_bp
    app.register_blueprint(sso_bp)  # single sign-on: /auth/sso/login, /auth/sso/callback, /admin/sso


def register_limits(app: Flask) -> None:
    """Sign-in attempt limits; after the blueprints, because they wrap the sign-in views."""
    from hiring.auth.limits import init_app

    init_app(app)


def register_api(app: Flask) -> None:
    """The JSON API under /api/v1 with its OpenAPI document; after the limits (it is limited per token) and
    before the error handlers (ours answer its errors as problem details, not flask-smorest's)."""
    from hiring import api

    api.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """One error page renderer for every status, in the site's layout."""
    from hiring.errorpages import init_app

    init_app(app)


def register_template_context(app: Flask) -> None:
    """What every template may use: the navigation for the user's role, labels, locale helpers."""
    from hiring import labels, navigation, security

    navigation.init_app(app)
    labels.init_app(app)
    security.init_app(app)


def register_commands(app: Flask) -> None:
    """flask commands: create-user, seed-demo, ..."""
    from hiring.cli import init_app

    init_app(app)
