"""Security headers on every response."""
from __future__ import annotations

from hiring.models import Role


def test_pages_carry_a_strict_policy_and_are_not_cached(client, login_as):
    login_as(Role.RECRUITER)
    response = client.get("/pipeline/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # only over HTTPS


def test_hsts_over_https_and_static_files_may_be_cached(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with client.get("/static/style.css") as static:
        assert static.headers.get("Cache-Control") != "no-store"
        assert static.headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_too(client):
    assert "Content-Security-Policy" in client.get("/no-such-page").headers
