"""Plain text out of a candidate's document, and the words the candidate search keeps of it.

Pure: bytes and the stored content type in, an `Extracted` out; no Flask, no database. A PDF is read with
pypdf, a Word document (DOCX) with python-docx, an OpenDocument text (ODT) with zipfile and the standard
library's XML parser (content.xml), a letter typed on the careers site as UTF-8. The type is decided again by
the content (hiring/attachments.inspect), never by the stored content type alone.

Documents come from strangers, so nothing here raises on a broken or hostile file: the text is None and
`reason` says why, as a code fit for logs (never a word of the document). The work is bounded: the first
MAX_PAGES pages of a PDF (each stream's inflation capped by pypdf itself, at 75 MB), at most MAX_CHARS
characters, and a zip's members are inflated only when the sizes their directory declares add up to at most
MAX_INFLATED (zipfile stops at the declared size and fails the CRC past it, so a member cannot lie its way
beyond). XML with a document type declaration (the door to entity expansion) is refused unparsed; neither
DOCX nor ODT ever carries one.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from hiring import attachments

MAX_PAGES = 50
MAX_CHARS = 200_000
MAX_INFLATED = 50 * 1024 * 1024  # every member of a DOCX together (python-docx loads them all), ODT's content.xml
TEXT_PLAIN = "text/plain"

# What the search keeps: each distinct word once, folded, at most MAX_WORD characters (longer runs are encoded
# data or garbage, never a term anybody types), at most MAX_WORDS of them (a real CV has a few thousand).
MAX_WORD = 40
MAX_WORDS = 10_000
# A word: a run of letters and digits. FTS5's unicode61 tokenizer takes letters, numbers and private-use
# characters as word characters; every word here is made of characters it takes too, so that it reads each
# stored or searched word as exactly one token.
WORD = re.compile(r"[^\W_]+")

# Reason codes (logs and the candidate page's hint).
NO_TEXT = "no_text"  # read, but without a word: a scanned image, most likely
DAMAGED = "damaged"
ENCRYPTED = "encrypted"
UNSUPPORTED = "unsupported"
TOO_LARGE = "too_large"

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
# Elements after which ODT text goes on as a new word: paragraphs, headings, breaks, tabs, spaces, cells.
_ODF_BREAKS = frozenset(f"{{{_ODF_TEXT}}}{name}" for name in ("p", "h", "line-break", "tab", "s", "list-item")) | {
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell"}


@dataclass(frozen=True)
class Extracted:
    """A document's text (whitespace normalised, at most MAX_CHARS characters), or None and the reason code;
    `truncated` when pages or characters were left unread."""

    text: str | None
    reason: str | None = None
    truncated: bool = False


class _Stop(Exception):
    """Enough characters: stop reading."""


class _Collector:
    """Pieces of text gathered up to MAX_CHARS characters (counted before normalising: a bound, not a size)."""

    def __init__(self):
        self.pieces: list[str] = []
        self.size = 0
        self.truncated = False

    def add(self, piece: str | None) -> None:
        if not piece:
            return
        room = MAX_CHARS - self.size
        if len(piece) >= room:
            self.pieces.append(piece[:room])
            self.size = MAX_CHARS
            self.truncated = True
            raise _Stop
        self.pieces.append(piece)
        self.size += len(piece)

    def result(self) -> Extracted:
        text = normalise(" ".join(self.pieces))
        return Extracted(text, None, self.truncated) if text else Extracted(None, NO_TEXT, self.truncated)


def normalise(text: str) -> str:
    """NFC, without control, format, surrogate or private-use characters (PostgreSQL cannot store a NUL, and
    a lone surrogate is no UTF-8), every run of white space one space, at most MAX_CHARS characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    return " ".join(text.split())[:MAX_CHARS]


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            # Many PDFs are "encrypted" with an empty password only, to forbid copying: those are read.
            if not reader.decrypt(""):
                return Extracted(None, ENCRYPTED)
        except Exception:  # noqa: BLE001 - an unknown scheme is as unreadable as a wrong password
            return Extracted(None, ENCRYPTED)
    collected = _Collector()
    pages = reader.pages
    try:
        count = len(pages)
        for number in range(min(count, MAX_PAGES)):
            collected.add(pages[number].extract_text())
            collected.add(" ")
        collected.truncated = collected.truncated or count > MAX_PAGES
    except _Stop:
        pass
    except FileNotDecryptedError:
        return Extracted(None, ENCRYPTED)
    return collected.result()


def _declared_sizes_fit(archive: zipfile.ZipFile, names: list[str] | None = None) -> bool:
    entries = archive.infolist() if names is None else [archive.getinfo(name) for name in names]
    return sum(entry.file_size for entry in entries) <= MAX_INFLATED


def _no_doctype(xml: bytes) -> bool:
    return b"<!DOCTYPE" not in xml and b"<!ENTITY" not in xml


def _docx(data: bytes) -> Extracted:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not _declared_sizes_fit(archive):
            return Extracted(None, TOO_LARGE)
        for entry in archive.infolist():
            if entry.filename.endswith(".xml") or entry.filename.endswith(".rels"):
                with archive.open(entry) as member:
                    if not _no_doctype(member.read()):
                        return Extracted(None, DAMAGED)
    import docx
    from docx.oxml.ns import qn

    body = docx.Document(io.BytesIO(data)).element.body
    collected = _Collector()
    paragraph, text = qn("w:p"), qn("w:t")
    breaks = (qn("w:tab"), qn("w:br"), qn("w:cr"))  # a word ends there too
    try:
        # Paragraphs anywhere in the body: tables' cells and text boxes included, in reading order.
        for element in body.iter(paragraph):
            collected.add("".join((t.text or "") if t.tag == text else " " for t in element.iter(text, *breaks)))
            collected.add(" ")
    except _Stop:
        pass
    return collected.result()


def _odt(data: bytes) -> Extracted:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "content.xml" not in archive.namelist():
            return Extracted(None, DAMAGED)
        if not _declared_sizes_fit(archive, ["content.xml"]):
            return Extracted(None, TOO_LARGE)
        xml = archive.read("content.xml")
    if not _no_doctype(xml):
        return Extracted(None, DAMAGED)
    root = ElementTree.fromstring(xml)
    body = root.find(f"{{{_ODF_OFFICE}}}body")
    collected = _Collector()
    if body is None:
        return collected.result()
    # An explicit stack rather than recursion: a hostile file may nest elements deeper than Python recurses.
    stack: list[tuple[ElementTree.Element, bool]] = [(body, False)]
    try:
        while stack:
            element, closing = stack.pop()
            if closing:
                if element.tag in _ODF_BREAKS:
                    collected.add(" ")
                collected.add(element.tail)
                continue
            collected.add(element.text)
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
    except _Stop:
        pass
    return collected.result()


def _plain(data: bytes) -> Extracted:
    collected = _Collector()
    try:
        collected.add(data[:MAX_CHARS * 4].decode("utf-8", errors="replace"))
    except _Stop:
        pass
    return collected.result()


def extract(data: bytes, content_type: str) -> Extracted:
    """The document's text; never raises for what the bytes hold (see the module's docstring)."""
    try:
        if content_type.split(";")[0].strip() == TEXT_PLAIN:
            return _plain(data)
        try:
            kind = attachments.inspect(io.BytesIO(data), max(len(data), 1)).kind
        except attachments.Refused as refused:
            return Extracted(None, UNSUPPORTED if refused.reason == attachments.UNSUPPORTED else DAMAGED)
        return {attachments.PDF: _pdf, attachments.DOCX: _docx, attachments.ODT: _odt}[kind](data)
    except MemoryError:
        return Extracted(None, TOO_LARGE)
    except Exception:  # noqa: BLE001 - whatever a hostile file makes a parser do, it is only unreadable
        return Extracted(None, DAMAGED)


def fold(text: str) -> str:
    """Text as the search compares it: without case (Unicode case folding: "ẞ" and "ß" are "ss") and without
    accents ("coördinator" is "coordinator", "Élodie" is "elodie")."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_words(text: str | None) -> str:
    """What the search keeps of a text: its distinct folded words in order of first appearance, separated by
    single spaces; words longer than MAX_WORD left out, at most MAX_WORDS of them."""
    if not text:
        return ""
    words = dict.fromkeys(word for word in WORD.findall(fold(text)) if len(word) <= MAX_WORD)
    return " ".join(list(words)[:MAX_WORDS])


def query_words(text: str, *, shortest: int = 2, most: int = 8) -> list[str]:
    """The words of a search, folded as `search_words` folds a document: distinct, in order, at least
    `shortest` characters (a single letter or digit finds everyone), at most `most` of them."""
    words = dict.fromkeys(word for word in WORD.findall(fold(text)) if shortest <= len(word) <= MAX_WORD)
    return list(words)[:most]
