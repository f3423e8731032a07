"""Reading a PDF's accessibility and archival parts back with pypdf, for the tests (hiring/reports/pdf.py)."""
from __future__ import annotations

import csv
import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def elements(pdf: PdfReader) -> list[DictionaryObject]:
    """Every structure element of the tagged PDF, in reading order."""
    found = []

    def walk(node):
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(pdf.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def tags(pdf: PdfReader) -> list[str]:
    """The structure types, in reading order ("/H1", "/Table", "/TH", "/Figure" ...)."""
    return [str(e["/S"]) for e in elements(pdf)]


def figure_alts(pdf: PdfReader) -> list[str | None]:
    """Each figure's alternative text (None where it has none)."""
    return [None if e.get("/Alt") is None else str(e["/Alt"]) for e in elements(pdf) if e["/S"] == "/Figure"]


def outline_titles(pdf: PdfReader) -> list[str]:
    """The bookmarks' titles, depth first."""
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))

    walk(pdf.outline)
    return titles


def xmp(pdf: PdfReader) -> str:
    """The XMP metadata packet as text ("" when there is none)."""
    metadata = pdf.trailer["/Root"].get("/Metadata")
    return metadata.get_object().get_data().decode("utf-8") if metadata is not None else ""


def pdfa_part(pdf: PdfReader) -> tuple[str, str] | None:
    """The PDF/A part and conformance the XMP metadata declares, such as ("3", "B")."""
    text = xmp(pdf)
    part, conformance = re.search(r'pdfaid:part="(\d)"', text), re.search(r'pdfaid:conformance="(\w)"', text)
    return (part.group(1), conformance.group(1)) if part and conformance else None


def attached_csv(pdf: PdfReader, name: str) -> list[list[str]]:
    """An attached CSV file's rows (its byte-order mark dropped)."""
    (data,) = pdf.attachments[name]
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def structure_is_whole(pdf: PdfReader) -> list[str]:
    """What is wrong with the structure tree's links to the pages ([] when nothing): every page has its own key
    in the parent tree, and every element that names a page names one of the document's."""
    problems = []
    root = pdf.trailer["/Root"]["/StructTreeRoot"]
    nums = root["/ParentTree"]["/Nums"]
    keys = {int(nums[i]) for i in range(0, len(nums), 2)}
    page_ids = {page.indirect_reference.idnum for page in pdf.pages}
    seen = []
    for number, page in enumerate(pdf.pages, 1):
        key = page.get("/StructParents")
        if key is None or int(key) not in keys:
            problems.append(f"page {number} has no key in the parent tree")
        seen.append(key)
    if len(set(seen)) != len(seen):
        problems.append(f"pages share keys: {seen}")
    strays = {e.raw_get("/Pg").idnum for e in elements(pdf) if "/Pg" in e} - page_ids
    if strays:
        problems.append(f"elements name pages that are not the document's: {sorted(strays)}")
    if int(root.get("/ParentTreeNextKey", max(keys) + 1)) <= max(keys):
        problems.append("ParentTreeNextKey is not past the keys")
    return problems
