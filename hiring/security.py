"""Response headers that keep browsers safe: a strict Content-Security-Policy, no sniffing, no framing, and
no caching of pages with personal data."""
from __future__ import annotations

from flask import Flask, request

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        # HTTPS as the browser sees it: behind a proxy that ends TLS, the proxy's X-Forwarded-Proto, believed
        # only with TRUSTED_PROXIES set (ProxyFix, hiring/__init__.py); otherwise a client could ask for it.
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Pages and downloads hold personal data: never keep them in a shared or browser cache. Static
        # files (CSS, the charts' own endpoint sets its own) may be cached.
        if request.endpoint != "static" and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response

