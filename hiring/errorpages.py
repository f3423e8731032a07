"""Error pages in the site's layout, and domain errors mapped to their HTTP status."""
from __future__ import annotations

import traceback

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge, SecurityError

from hiring.errors import DomainError
from hiring.postgres import is_timeout, is_unique_violation, sqlstate

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account may not open this page.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large for this site. Nothing was saved.")),
    429: (_l("Too many attempts"), _l("Too many failed attempts from here or for this account. Wait a few "
                                      "minutes, then try again.")),
    409: (_l("Conflict"), _l("That clashes with the current state. Reload the page and try again.")),
    503: (_l("Temporarily unavailable"), _l("The database is not answering just now. Nothing was saved; "
                                            "please try again in a minute.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Nothing was saved; please try again.")),
}


def render_error(status: int, detail: str | None = None, errors: dict | None = None):
    """Render the error page for a status, with an optional more precise message; for the JSON API, the same as
    problem details (hiring/problems.py), with the invalid fields' messages when there are any."""
    title, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    from hiring.problems import is_api_request, problem

    if is_api_request():
        return problem(status, str(title), detail or str(message), errors=errors), status
    return render_template("errors/error.html", status=status, title=title,
                           message=detail or message), status


def _api_details(error: HTTPException) -> tuple[str | None, dict | None]:
    """What flask-smorest's abort() and webargs' validation put on an HTTP error: a message, and the invalid
    fields' messages (by location, then field, for invalid query strings and bodies)."""
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    return data.get("message"), errors if isinstance(errors, dict) else None


def database_error_summary(error: Exception) -> str:
    """What the log says about a database error: its kind and code, never the statement or its values
    (a server's message may quote a row's values; a connection failure's first line names only the host)."""
    orig = getattr(error, "orig", None) or error
    code = sqlstate(error)
    if code:
        constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
        return f"{type(orig).__name__} (SQLSTATE {code}{', ' + constraint if constraint else ''})"
    first_line = (str(orig).strip().splitlines() or [""])[0][:200]
    return f"{type(orig).__name__}: {first_line}"


def too_large_message() -> str | None:
    """What the 413 page says when the whole request was too large: the limit, and what to do about it."""
    limit, length = current_app.config.get("MAX_CONTENT_LENGTH"), request.content_length
    # Otherwise a single typed field or the number of fields was over Flask's form limits: the generic text.
    if not limit or limit < 1024 * 1024 or length is None or length <= limit:
        return None
    return gettext("What you sent is larger than the %(mb)d MB this site accepts at a time. Nothing was saved: "
                   "send a smaller file, or split a CSV file into several.", mb=limit // (1024 * 1024))


def init_app(app: Flask) -> None:
    """Register one handler for HTTP errors, CSRF failures and domain errors."""
    from hiring.extensions import db

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, InternalServerError):
            db.session.rollback()
        if error.code is None or error.code < 400:
            return error
        if isinstance(error, RequestEntityTooLarge):
            return render_error(413, too_large_message())
        if isinstance(error, SecurityError):
            # A Host outside TRUSTED_HOSTS: the request has no URL adapter, so no page that links anywhere.
            return error.description or "Bad request", 400, {"Content-Type": "text/plain; charset=utf-8"}
        if getattr(error, "data", None):
            return render_error(error.code, *_api_details(error))
        return render_error(error.code)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        return render_error(400, str(_l("The form had expired or did not come from this site. "
                                        "Reload the page and send it again.")))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return render_error(error.status, error.message,
                            {error.field: [error.message]} if error.field else None)


    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        # The database is down, restarting, locked past SQLite's busy timeout, or a statement ran into
        # PostgreSQL's statement or lock timeout (hiring/postgres.py). Drop the session (its connection may
        # be dead; the pool's pre-ping replaces it once the database is back) and render the page as for an
        # anonymous visitor, since loading the signed-in user would ask the database again.
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001  (the connection may be gone; remove() below cleans up)
            pass
        db.session.remove()
        g._login_user = app.login_manager.anonymous_user()
        busy = is_timeout(error)
        app.logger.warning("Database %s: %s", "too slow to answer" if busy else "unavailable",
                           database_error_summary(error))
        response, status = render_error(503, str(_l("The database is too busy to answer just now. Nothing was "
                                                    "saved; please try again in a minute.")) if busy else None)
        return response, status, {"Retry-After": "30"}

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # A unique constraint refused a row that a check just before found missing: another request saved
        # the same thing at the same moment (PostgreSQL lets both check; services retry once, see
        # hiring/postgres.py). The loser is told, as a stale edit is. Any other refusal is a bug: 500.
        if not is_unique_violation(error):
            return unexpected_error(error)
        db.session.rollback()
        app.logger.warning("Concurrent duplicate refused: %s", database_error_summary(error))
        return render_error(409, str(_l("Someone else saved the same thing at the same moment, so nothing of "
                                        "yours was saved. Reload the page to see what is there now.")))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Whatever went wrong, nothing of the request is half-saved.
        db.session.rollback()
        if isinstance(error, DBAPIError):
            # Where it happened, but not the database's message: PostgreSQL's quotes the refused row
            # ("Failing row contains (..., ann@example.org, ...)").
            app.logger.error("Unhandled error: %s\n%s", database_error_summary(error),
                             "".join(traceback.format_tb(error.__traceback__)).rstrip())
        else:
            app.logger.exception("Unhandled error")
        return render_error(500)
