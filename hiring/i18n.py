"""Which language a request is answered in."""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import refresh
from flask_login import current_user

SUPPORTED_LOCALES = ("en", "nl")
# Each language is named in itself, so that a reader finds their own whatever the page's language.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}


def select_locale() -> str:
    """The user's chosen language, else the browser's preferred supported one, else the site default.

    Outside a request (the CLI) it is the site default.
    """
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if not has_request_context():
        return default
    chosen = getattr(current_user, "locale", None) if current_user and current_user.is_authenticated else None
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or default


def init_app(app: Flask) -> None:
    """Choose the language afresh for every request, even when one app context spans several (tests)."""
    app.before_request(refresh)
