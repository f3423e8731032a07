"""schema.org JobPosting for search engines, serialised so that it cannot leave its <script> element.

The JSON goes into `<script type="application/ld+json">`, where the HTML parser ends the element at the first
`</script` whatever JSON thinks of it: every <, > and & is written as a \\u escape (still the same JSON), so
that no text a recruiter typed can close the element or open a comment. U+2028 and U+2029 too, for readers
that treat the block as JavaScript.
"""
from __future__ import annotations

import json
from datetime import date

from markupsafe import Markup

from hiring.models import Job

ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def job_posting(job: Job, *, company: str, posted: date) -> dict:
    """The posting's fields that we know; employmentType and validThrough are left out rather than guessed."""
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.public_description,
        "datePosted": posted.isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": company},
    }
    if job.location:
        posting["jobLocation"] = {"@type": "Place",
                                  "address": {"@type": "PostalAddress", "addressLocality": job.location}}
    return posting


def script_json(data: dict) -> Markup:
    """JSON safe to place between <script type="application/ld+json"> and </script>."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in ESCAPES.items():
        text = text.replace(character, escape)
    return Markup(text)  # noqa: S704 - every character that could end the element is escaped above
