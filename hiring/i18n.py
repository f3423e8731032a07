"""Which language a request is answered in."""
from __future__ import annotations

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import refresh
from flask_login import current_user

SUPPORTED_LOCALES = ("en", "nl")
# Each language is named in itself, so that a reader finds their own whatever the page's language.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
# A visitor without an account (the careers site) chooses with ?lang=, remembered in this cookie for a year.
CHOICE_ARG = CHOICE_COOKIE = "lang"
CHOICE_SECONDS = 365 * 24 * 3600


def visitor_choice() -> str | None:
    """The language a visitor chose on this request (?lang=) or before (the cookie); None when neither is a
    supported one, so that anything else typed there is ignored."""
    for chosen in (request.args.get(CHOICE_ARG), request.cookies.get(CHOICE_COOKIE)):
        if chosen in SUPPORTED_LOCALES:
            return chosen
    return None


def remember_choice(response: Response) -> Response:
    """after_request of public pages: keep a language chosen with ?lang= for the visitor's next pages."""
    chosen = request.args.get(CHOICE_ARG)
    if chosen in SUPPORTED_LOCALES and request.cookies.get(CHOICE_COOKIE) != chosen:
        response.set_cookie(CHOICE_COOKIE, chosen, max_age=CHOICE_SECONDS, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def select_locale() -> str:
    """The user's chosen language, else the one a visitor chose (visitor_choice), else the browser's preferred
    supported one, else the site default.

    Outside a request (the CLI) it is the site default.
    """
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if not has_request_context():
        return default
    chosen = getattr(current_user, "locale", None) if current_user and current_user.is_authenticated else None
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return visitor_choice() or request.accept_languages.best_match(SUPPORTED_LOCALES) or default


def init_app(app: Flask) -> None:
    """Choose the language afresh for every request, even when one app context spans several (tests)."""
    app.before_request(refresh)
