"""PDFs with WeasyPrint: the app's own static files and data: URLs only, never file:, never the network.

Every PDF is tagged for accessibility (PDF/UA-1: a structure tree with headings, tables with header cells and
figures with their alternative text, the document's language and title, its headings as bookmarks), as
EN 301 549 asks of documents given to staff. A report kept for years can also be made as PDF/A-3 (archival:
fonts and colour profile embedded, XMP metadata naming the part) with the data behind its tables attached as
CSV files, so that an archive holds both the picture and the numbers.

The output is reproducible: the same data and the same moment give the same bytes. The moment is the one in the
footer, the PDF's creation date and, for PDF/A, the file identifier (a hash of the content), so an archived copy
can be checked by rendering it again at its recorded creation date.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import format_datetime

from hiring.models import utcnow
from hiring.reports.csvfile import BOM, csv_text

STATIC_PREFIX = "/static/"
BASE_HOST = "hiring.local"
# Tagged for accessibility; the variant also names PDF/UA-1 in the XMP metadata and shows the title, not the
# file name, in the viewer's title bar.
ACCESSIBLE = "pdf/ua-1"
# Archival: PDF/A-3 allows attached files of any type (PDF/A-2 only PDFs), conformance level B (the appearance
# is preserved); tagged as well, so the archived copy stays as accessible as the ordinary one.
ARCHIVAL = "pdf/a-3b"


class RefusedFetch(ValueError):
    """WeasyPrint asked for something a report may not load."""


@dataclass(frozen=True)
class DataTable:
    """A table's data attached as CSV to an archival PDF: the same header and rows as its CSV download."""

    filename: str          # never anything personal: it is read by every PDF viewer's attachment list
    description: str
    header: Sequence[str]
    rows: Sequence[Sequence]


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


def w3c_datetime(moment: datetime) -> str:
    """A moment as the W3C date-time WeasyPrint reads from `<meta name=dcterms.created>`, in UTC, to the second."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_pdf(template: str, title: str, *, archive: Sequence[DataTable] | None = None,
               now: datetime | None = None, **context) -> bytes:
    """Render a report template (extending reports/base.html) to PDF bytes: tagged PDF/UA-1, or PDF/A-3 with
    the `archive` tables attached as CSV when they are given (an empty list: PDF/A with nothing attached).
    `now` is the report's moment (its footer and creation date), the current time unless given."""
    from weasyprint import HTML, Attachment

    now = now or utcnow()
    html = render_template(template, report_title=title, generated=format_datetime(now),
                           created=w3c_datetime(now), **context)
    # A fixed, fake base URL: relative links resolve to it, and the fetcher serves only its /static/ part.
    fetcher = safe_fetcher(current_app.static_folder)
    document = HTML(string=html, base_url=f"https://{BASE_HOST}/", url_fetcher=fetcher)
    if archive is None:
        return document.write_pdf(pdf_variant=ACCESSIBLE)
    # Dated with the report (WeasyPrint would date them with the clock, and the bytes would differ); with the
    # byte-order mark of the CSV downloads, so that a spreadsheet reads the accents.
    moment = now.astimezone(timezone.utc)
    attachments = [Attachment(string=BOM + csv_text(table.header, table.rows), name=table.filename,
                              description=table.description, relationship="Data", created=moment, modified=moment)
                   for table in archive]
    return document.write_pdf(pdf_variant=ARCHIVAL, pdf_tags=True, attachments=attachments)
