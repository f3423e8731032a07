"""Errors of the JSON API as RFC 9457 problem details (application/problem+json): a type, a title, the status,
a detail in the reader's language, and for invalid input the messages per field. Infrastructure, beside
errorpages.py, which answers every error of an API request with one (hiring/api/ is the feature)."""
from __future__ import annotations

from flask import Response, json, request

API_PREFIX = "/api/v1"

PROBLEM = "application/problem+json"


def is_api_request() -> bool:
    """Whether the request is one of the API's (its errors are problem details, not pages)."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def problem(status: int, title: str, detail: str | None = None, *, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    """A problem details response."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
