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
# (screen readers pick their voice by it), how a viewer opens it (the title, the outline beside the pages),
# tagging, the XMP metadata (title, dates, the PDF/UA or PDF/A part it declares), the colour profile PDF/A needs,
# and the files attached to an archival PDF (`/AF`; their names are kept under /Names below).
CATALOG_KEYS = ("/Lang", "/PageMode", "/ViewerPreferences", "/MarkInfo", "/Metadata", "/OutputIntents", "/AF")


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
                  progress: Callable[[str], None], *, archive=None, now=None, **context) -> bytes:
    """Render each part with `render(template, title, **context)` (reports/pdf.py's render_pdf) and join them.

    The template sees `sections` (its part's), `heading` (the title on the first part only), `first_page`
    and `count_pages` (reports/base.html numbers the pages with them). `progress` hears "rendering n/N"
    before each part of several. `archive`: the tables of an archival PDF/A (render_pdf's), attached by the
    first part; every part is then PDF/A. All parts share one moment (`now`, else the current time).
    """
    from hiring.models import utcnow

    now = now or utcnow()
    if len(parts) == 1:
        progress("rendering")
        return render(template, title, sections=parts[0], heading=True, first_page=1, count_pages=True,
                      archive=archive, now=now, **context)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    tree = StructureTree(writer)
    first_page = 1
    for number, sections in enumerate(parts, 1):
        progress(part_step(number, len(parts)))
        attached = archive if number == 1 or archive is None else []  # PDF/A, its tables attached once
        pdf = render(template, title, sections=sections, heading=number == 1, first_page=first_page,
                     count_pages=False, archive=attached, now=now, **context)
        reader = PdfReader(io.BytesIO(pdf))
        if number == 1:
            _keep_document_entries(reader, writer)
        before = len(writer.pages)
        writer.append(reader)  # copies the pages, their fonts and the part's outline (its headings)
        tree.add(reader, list(writer.pages)[before:])
        first_page += len(reader.pages)
        del pdf, reader
        gc.collect()  # the part's layout is garbage now: give its memory back before the next one is laid out
    tree.finish()
    out = io.BytesIO()
    writer.write(out)
    return compact(out.getvalue())


def compact(pdf: bytes) -> bytes:
    """The joined file saved again by qpdf (pikepdf) with its objects in compressed object streams, as
    WeasyPrint writes a part: pypdf writes every object plainly, and a tagged report's thousands of structure
    elements made the joined file six times the size of its parts (3.5 MB for one cohort of 1,018 people).
    The file identifier is a hash of the content (qpdf's deterministic id), so the same parts give the same
    bytes, and PDF/A has the identifier it needs; unreferenced objects are left out. The metadata stays as
    WeasyPrint wrote it (pikepdf would otherwise rewrite the XMP packet's PDF version)."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                      deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _keep_document_entries(reader, writer) -> None:
    """The first part's title and producer, its language, viewer settings and metadata, and its attached
    files, for the joined file."""
    from pypdf.generic import DictionaryObject, NameObject

    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    catalog = reader.trailer["/Root"]
    # raw_get: an entry that is a reference stays one (the XMP metadata is a stream, which may only be an
    # indirect object; cloned as what it points to, it would sit inside the catalog, and qpdf rejects that).
    for key in CATALOG_KEYS:
        if key in catalog:
            writer.root_object[NameObject(key)] = catalog.raw_get(key).clone(writer)
    names = catalog.get("/Names")
    if names is not None and "/EmbeddedFiles" in names:
        joined = writer.root_object.setdefault(NameObject("/Names"), DictionaryObject())
        joined.get_object()[NameObject("/EmbeddedFiles")] = names.raw_get("/EmbeddedFiles").clone(writer)


class StructureTree:
    """The joined file's structure tree (what makes a PDF tagged): the parts' trees under one Document.

    pypdf copies a part's pages but neither its structure tree nor the pages' keys into it (/StructParents),
    so a joined file would claim to be tagged with no tags. Each part's tree is copied (its elements point to
    the copied pages, as pypdf maps every object of a part once), its keys into the parent tree are moved past
    the previous parts' (pages and link annotations alike), and the elements under each part's Document
    element become children of one Document element for the whole file.
    """

    def __init__(self, writer):
        self.writer = writer
        self.children: list = []  # the elements under the joined Document, in reading order
        self.nums: list = []      # the parent tree: key, value, key, value ...
        self.next_key = 0
        self.role_map = None

    def add(self, reader, pages) -> None:
        """Take in a part's tree; `pages` are its pages as copied into the writer, in order."""
        from pypdf.generic import NameObject, NumberObject

        root = reader.trailer["/Root"].get("/StructTreeRoot")
        if root is None:
            return
        root = root.get_object()
        offset = self.next_key
        highest = -1
        for key, value in _number_tree(root["/ParentTree"].get_object()):
            self.nums += [NumberObject(key + offset), value.clone(self.writer)]
            highest = max(highest, key)
        for original, copied in zip(reader.pages, pages):
            copied = copied.get_object()
            if "/StructParents" in original:
                copied[NameObject("/StructParents")] = NumberObject(original["/StructParents"] + offset)
            for annotation in copied.get("/Annots", []) or []:
                annotation = annotation.get_object()
                if "/StructParent" in annotation:
                    annotation[NameObject("/StructParent")] = NumberObject(annotation["/StructParent"] + offset)
        self.next_key = offset + highest + 1
        if self.role_map is None and "/RoleMap" in root:
            self.role_map = root["/RoleMap"].clone(self.writer)
        for document in _as_list(root["/K"]):
            element = document.clone(self.writer).get_object()
            self.children += [kid for kid in _as_list(element.get("/K")) if _is_element(kid)]

    def finish(self) -> None:
        """Write the joined tree into the writer's catalog (nothing when no part was tagged)."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

        if not self.children:
            return
        w = self.writer
        parent_tree = w._add_object(DictionaryObject({NameObject("/Nums"): ArrayObject(self.nums)}))
        root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot"),
                                 NameObject("/ParentTree"): parent_tree,
                                 NameObject("/ParentTreeNextKey"): NumberObject(self.next_key)})
        if self.role_map is not None:
            root[NameObject("/RoleMap")] = self.role_map
        root_ref = w._add_object(root)
        document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                     NameObject("/S"): NameObject("/Document"), NameObject("/P"): root_ref,
                                     NameObject("/K"): ArrayObject(self.children)})
        document_ref = w._add_object(document)
        for child in self.children:
            child.get_object()[NameObject("/P")] = document_ref
        root[NameObject("/K")] = ArrayObject([document_ref])
        w.root_object[NameObject("/StructTreeRoot")] = root_ref


def _as_list(value) -> list:
    if value is None:
        return []
    value = value.get_object() if hasattr(value, "get_object") else value
    return list(value) if isinstance(value, list) else [value]


def _is_element(kid) -> bool:
    """A structure element (an indirect dictionary with /S), not a marked-content id or reference."""
    obj = kid.get_object() if hasattr(kid, "get_object") else kid
    return isinstance(obj, dict) and "/S" in obj and hasattr(kid, "idnum")


def _number_tree(node) -> list[tuple[int, object]]:
    """A number tree's (key, value) pairs in order, flat /Nums and /Kids alike (ISO 32000-1, 7.9.7)."""
    pairs = []
    nums = node.get("/Nums")
    if nums is not None:
        nums = nums.get_object()
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []) or []:
        pairs += _number_tree(kid.get_object())
    return pairs


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
