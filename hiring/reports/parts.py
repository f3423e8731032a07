"""A report too big for one WeasyPrint document, rendered a part at a time and joined into one PDF with pypdf.

WeasyPrint lays a whole document out in memory before it writes a byte: the onboarding report of a large
company (everyone in the programme and a year of graduates, 789 KB of HTML at 100,000 candidates) took its
worker past 700 MB, and past 3 GB at 1,000,000. Rendered in parts of a few hundred table rows each, the peak
is that of one part, whatever the size of the company; the joined file only grows by each part's PDF.

A part starts on a new page. Page numbers run on across the parts (each part's first page counter is set to
where the previous one ended); "page X of Y" needs the whole document's page count while a part is laid out,
which is not known yet, so a report of several parts says "page X" only. A report that fits in one part is
rendered exactly as before, "of Y" included.
"""
from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

# Document-wide entries of a PDF's catalog that a part carries and the joined file must keep: the language
# (screen readers pick their voice by it), how a viewer opens it (the outline beside the pages), tagging.
CATALOG_KEYS = ("/Lang", "/PageMode", "/ViewerPreferences", "/MarkInfo")


@dataclass(frozen=True)
class Section:
    """A heading and the rows of the table under it. A section split between parts is `continued` in every
    part after its first; one without rows (an empty list says "nobody ...") still takes its place."""

    kind: str                # which of its template's sections this is ("cohort", "graduates", ...)
    rows: Sequence = ()
    key: Any = None          # what the heading names, such as a cohort's start date
    continued: bool = False


def split(sections: Iterable[Section], rows_per_part: int) -> list[list[Section]]:
    """The sections in order, cut into parts of at most `rows_per_part` table rows (a section without rows
    counts as one); a long section is cut across parts, a short one shares its part with its neighbours."""
    if rows_per_part < 1:
        raise ValueError("a part holds at least one row")
    parts: list[list[Section]] = [[]]
    room = rows_per_part

    def make_room() -> None:
        nonlocal room
        if room == 0:
            parts.append([])
            room = rows_per_part

    for section in sections:
        make_room()
        if not section.rows:
            parts[-1].append(section)
            room -= 1
            continue
        rows, continued = section.rows, False
        while rows:
            make_room()
            taken, rows = rows[:room], rows[room:]
            parts[-1].append(replace(section, rows=taken, continued=continued))
            room -= len(taken)
            continued = True
    return [part for part in parts if part] or [[]]


Renderer = Callable[..., bytes]


def render_joined(render: Renderer, template: str, title: str, parts: Sequence[list[Section]],
                  progress: Callable[[str], None], **context) -> bytes:
    """Render each part with `render(template, title, **context)` (reports/pdf.py's render_pdf) and join them.

    The template sees `sections` (its part's), `heading` (the title on the first part only), `first_page`
    and `count_pages` (reports/base.html numbers the pages with them). `progress` hears "rendering n/N"
    before each part of several.
    """
    if len(parts) == 1:
        progress("rendering")
        return render(template, title, sections=parts[0], heading=True, first_page=1, count_pages=True, **context)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    first_page = 1
    for number, sections in enumerate(parts, 1):
        progress(part_step(number, len(parts)))
        pdf = render(template, title, sections=sections, heading=number == 1, first_page=first_page,
                     count_pages=False, **context)
        reader = PdfReader(io.BytesIO(pdf))
        if number == 1:
            _keep_document_entries(reader, writer)
        writer.append(reader)  # copies the pages, their fonts and the part's outline (its headings)
        first_page += len(reader.pages)
        del pdf, reader
        gc.collect()  # the part's layout is garbage now: give its memory back before the next one is laid out
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _keep_document_entries(reader, writer) -> None:
    """The first part's title and producer, and its language and viewer settings, for the joined file."""
    from pypdf.generic import NameObject

    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    catalog = reader.trailer["/Root"]
    for key in CATALOG_KEYS:
        if key in catalog:
            writer.root_object[NameObject(key)] = catalog[key].clone(writer)


STEP_PREFIX = "rendering "


def part_step(number: int, parts: int) -> str:
    """The progress step of rendering part `number` of `parts`, as the task's row records it."""
    return f"{STEP_PREFIX}{number}/{parts}"


def read_step(step: str | None) -> tuple[str | None, tuple[int, int] | None]:
    """A recorded step as (step, (part, parts) or None): "rendering 2/5" is ("rendering", (2, 5))."""
    if step and step.startswith(STEP_PREFIX):
        number, _slash, parts = step[len(STEP_PREFIX):].partition("/")
        if number.isdigit() and parts.isdigit():
            return STEP_PREFIX.strip(), (int(number), int(parts))
    return step, None
