"""PDFs with WeasyPrint: the app's own static files and data: URLs only, never file:, never the network."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import format_datetime

from hiring.models import utcnow

STATIC_PREFIX = "/static/"
BASE_HOST = "hiring.local"


class RefusedFetch(ValueError):
    """WeasyPrint asked for something a report may not load."""


def safe_fetcher(static_folder: str):
    """A WeasyPrint URL fetcher that serves data: URLs and the app's own static files, and refuses the rest.

    User-typed text is escaped before it reaches the renderer, but a report must stay safe even if some
    markup slipped through: no local files (file:///etc/passwd), no requests to other hosts, no redirects.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static = Path(static_folder).resolve()

    class SafeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if (parts.scheme, parts.netloc) == ("https", BASE_HOST) and parts.path.startswith(STATIC_PREFIX):
                path = (static / parts.path[len(STATIC_PREFIX):]).resolve()
                if static in path.parents and path.is_file():
                    mime = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(path.suffix,
                                                                                                 "application/octet-stream")
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            raise RefusedFetch(f"a report may not load {parts.scheme}://{parts.netloc}{parts.path}")

    return SafeFetcher(allowed_protocols={"data", "https"}, allow_redirects=False, timeout=5)


def render_pdf(template: str, title: str, **context) -> bytes:
    """Render a report template (extending reports/base.html) to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, report_title=title, generated=format_datetime(utcnow()), **context)
    # A fixed, fake base URL: relative links resolve to it, and the fetcher serves only its /static/ part.
    fetcher = safe_fetcher(current_app.static_folder)
    return HTML(string=html, base_url=f"https://{BASE_HOST}/", url_fetcher=fetcher).write_pdf()
