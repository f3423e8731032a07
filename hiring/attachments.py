"""What an uploaded document is, decided by its content: a PDF, a Word (DOCX) or an OpenDocument text (ODT).

Pure: a seekable binary file in, a `Detected` or a `Refused` with a reason code out; no Flask, no database,
no new dependency. Neither the file's name nor the browser's Content-Type is believed: a page of HTML called
cv.pdf is refused, and DOCX bytes called cv.pdf are a DOCX.

DOCX and ODT are zip files, and a zip can be a bomb (a few kilobytes that inflate to gigabytes) or hold
hundreds of thousands of entries. So nothing is ever extracted: the end-of-central-directory record is read
and checked by hand first (the number of entries, the directory's size within the file), then the standard
library's zipfile reads the central directory (names and sizes, no content), and the only content ever
inflated is ODT's `mimetype` entry, and only when it declares itself stored, uncompressed and exactly as long
as the expected text.
"""
from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

PDF = "pdf"
DOCX = "docx"
ODT = "odt"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = CONTENT_TYPES[ODT].encode("ascii")
DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
# A real CV of a few pages has a few dozen entries (images included); far more is not a document we want.
MAX_ENTRIES = 1000
DISPLAY_NAME_MAX = 200

# Reason codes of a refusal; the service says each in words beside the field.
EMPTY = "empty"
TOO_LARGE = "too_large"
UNSUPPORTED = "unsupported"
DAMAGED = "damaged"
TOO_MANY_ENTRIES = "too_many_entries"
OTHER_OPENDOCUMENT = "other_opendocument"

_EOCD = b"PK\x05\x06"
_EOCD_FORMAT = "<4s4H2LH"
_EOCD_SIZE = struct.calcsize(_EOCD_FORMAT)  # 22
_ZIP_COMMENT_MAX = 0xFFFF


class Refused(Exception):
    """The upload is not accepted; `reason` is one of the codes above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Detected:
    """What the content is: its type code (pdf, docx, odt: also its file name extension), content type and size."""

    kind: str
    content_type: str
    size: int


def _size(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _zip_entry_count(stream: BinaryIO, size: int) -> int:
    """The number of entries the end-of-central-directory record declares, checked against the file before
    zipfile is asked to read the directory; Refused for a damaged record or a zip64 archive (a document of
    a few megabytes needs none)."""
    tail_size = min(size, _EOCD_SIZE + _ZIP_COMMENT_MAX)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise Refused(DAMAGED)
    (_sig, disk, cd_disk, on_disk, total, cd_size, cd_offset,
     _comment) = struct.unpack(_EOCD_FORMAT, tail[at:at + _EOCD_SIZE])
    if disk or cd_disk or on_disk != total or total in (0, 0xFFFF) or 0xFFFFFFFF in (cd_size, cd_offset):
        raise Refused(DAMAGED)
    if total > MAX_ENTRIES:
        raise Refused(TOO_MANY_ENTRIES)
    if cd_offset + cd_size > size:
        raise Refused(DAMAGED)
    return total


def _zip_kind(stream: BinaryIO, size: int) -> str:
    _zip_entry_count(stream, size)
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:  # the record above undercounted its own directory
            raise Refused(TOO_MANY_ENTRIES)
        first = entries[0] if entries else None
        if first is not None and first.filename == "mimetype":
            # OpenDocument: the first entry, stored uncompressed. Anything else is refused without inflating
            # a byte of it, whatever size it declares.
            if (first.compress_type != zipfile.ZIP_STORED or first.file_size != len(ODT_MIMETYPE)
                    or first.compress_size != first.file_size):
                raise Refused(OTHER_OPENDOCUMENT if first.file_size < 100 else DAMAGED)
            with archive.open(first) as entry:
                content = entry.read(len(ODT_MIMETYPE) + 1)
            if content != ODT_MIMETYPE:
                raise Refused(OTHER_OPENDOCUMENT)
            return ODT
        names = {entry.filename for entry in entries}
        if all(part in names for part in DOCX_PARTS):
            return DOCX
    raise Refused(UNSUPPORTED)


def inspect(stream: BinaryIO, max_bytes: int) -> Detected:
    """What the stream holds, by its content; Refused (with a reason code) when it is empty, larger than
    `max_bytes`, of another type, or a damaged or suspicious zip. Leaves the stream at its start."""
    if not stream.seekable():
        raise ValueError("inspect needs a seekable stream")
    size = _size(stream)
    if size == 0:
        raise Refused(EMPTY)
    if size > max_bytes:
        raise Refused(TOO_LARGE)
    head = stream.read(8)
    try:
        if head.startswith(b"%PDF-"):
            kind = PDF
        elif head.startswith(b"PK\x03\x04"):
            kind = _zip_kind(stream, size)
        else:
            raise Refused(UNSUPPORTED)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError,
            ValueError, struct.error, UnicodeDecodeError):
        # A truncated or malformed zip, an encrypted entry, an unknown compression: not a document we read.
        raise Refused(DAMAGED) from None
    finally:
        stream.seek(0)
    return Detected(kind, CONTENT_TYPES[kind], size)


def display_name(filename: str | None, fallback: str = "file") -> str:
    """The uploaded file's own name, made safe to show: the last path segment, NFC, without control, format
    (direction) or unassigned characters, white space (tabs, line ends) as single spaces, at most 200
    characters with its extension kept. Shown escaped on pages; never a storage path or a download name."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(" " if ch.isspace() else ch for ch in name
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split())
    if len(name) > DISPLAY_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10 and stem:
            name = stem[:DISPLAY_NAME_MAX - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:DISPLAY_NAME_MAX].rstrip()
    return name or fallback
