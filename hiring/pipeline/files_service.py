"""A candidate's documents: listing, adding (checked by content), deleting and handing one over for download.

Functions take a session and plain values, flush but never commit, and raise hiring.errors. The careers
site's application form (issue 20, item 2) adds a CV through `add_file` with no uploader.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring import attachments, files
from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.models import Application, Candidate, CandidateFile, FileKind, StoredFile, User, utcnow

KIND_LABELS = {FileKind.CV: _l("CV"), FileKind.COVER_LETTER: _l("Cover letter"), FileKind.OTHER: _l("Other")}
# A letter typed into the careers site's form is kept as text among the documents (never an upload type).
TEXT_PLAIN = "text/plain; charset=utf-8"
TYPE_LABELS = {attachments.PDF: "PDF", attachments.DOCX: "Word (DOCX)", attachments.ODT: "OpenDocument (ODT)",
               "txt": "Text"}
# The first part of a download's name: fixed words and ids only, never the candidate's name nor the name the
# file was uploaded with (those are personal data, and a header is no place for them).
DOWNLOAD_STEMS = {FileKind.CV: "cv", FileKind.COVER_LETTER: "cover-letter", FileKind.OTHER: "file"}
EXTENSIONS = {content_type: kind for kind, content_type in attachments.CONTENT_TYPES.items()} | {TEXT_PLAIN: "txt"}
READ = 64 * 1024


def _refusal(reason: str, max_bytes: int) -> str:
    """A refusal's reason in words, for beside the file field."""
    mb = max_bytes // (1024 * 1024)
    return {
        attachments.EMPTY: _("The file is empty. Choose the document itself."),
        attachments.TOO_LARGE: _("The file is larger than the %(mb)d MB allowed. Save a smaller version, for "
                                 "example without large images.", mb=mb),
        attachments.UNSUPPORTED: _("This is not a PDF, Word (DOCX) or OpenDocument text (ODT) document, "
                                   "whatever its name says. Save it in one of those formats."),
        attachments.DAMAGED: _("The document is damaged or cannot be read safely. Save it again and upload "
                               "the new copy."),
        attachments.TOO_MANY_ENTRIES: _("The document has too many parts to be read safely. Save it as a PDF."),
        attachments.OTHER_OPENDOCUMENT: _("This OpenDocument file is not a text document (ODT). Save it as a "
                                          "text document or as a PDF."),
    }.get(reason, _("The file could not be accepted."))


@dataclass(frozen=True)
class FileRow:
    """A candidate's file as the candidate page lists it."""

    id: int
    kind: FileKind
    display_name: str
    type_label: str
    size: int
    uploaded_at: datetime
    uploaded_by: str | None  # None: the candidate, or an account since deleted


def list_files(session: Session, candidate_id: int) -> list[FileRow]:
    """The candidate's files, newest first, with who uploaded each; one query."""
    rows = session.execute(
        sa.select(CandidateFile, User.name).outerjoin(User, CandidateFile.uploaded_by_id == User.id)
        .where(CandidateFile.candidate_id == candidate_id)
        .order_by(CandidateFile.uploaded_at.desc(), CandidateFile.id.desc())).all()
    return [FileRow(f.id, f.kind, f.display_name, TYPE_LABELS.get(EXTENSIONS.get(f.content_type, ""), "?"),
                    f.size, f.uploaded_at, name) for f, name in rows]


def _chunks(stream: BinaryIO):
    while piece := stream.read(READ):
        yield piece


def add_file(session: Session, candidate_id: int, *, stream: BinaryIO, filename: str | None, kind: FileKind,
             actor_id: int | None, application_id: int | None = None,
             now: datetime | None = None) -> CandidateFile:
    """Keep a document of the candidate's, checked by its content (hiring/attachments.py); audited with ids
    and codes. A refusal names the field `file`; nothing of a refused file stays."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("There is no such candidate."))
    if candidate.anonymised_at is not None:
        raise Conflict(_("This candidate has been anonymised; no documents can be added."))
    if application_id is not None:
        owner = session.scalar(sa.select(Application.candidate_id).where(Application.id == application_id))
        if owner != candidate_id:
            raise NotFound(_("There is no such application."))
    limit = int(current_app.config["ATTACHMENT_MAX_BYTES"])
    try:
        detected = attachments.inspect(stream, limit)
    except attachments.Refused as refused:
        raise DomainError(_refusal(refused.reason, limit), field="file") from None
    name = f"{DOWNLOAD_STEMS[kind]}-candidate-{candidate_id}.{detected.kind}"
    # No expiry (the purge of expired files leaves it) and no owner (a staff account's deletion must not take
    # a candidate's CV with it).
    stored = files.store(session, name, detected.content_type, _chunks(stream), expires_at=None, owner_id=None)
    if stored.size != detected.size:  # the upload changed under us: keep nothing
        files.delete(session, stored.id)
        raise DomainError(_refusal(attachments.DAMAGED, limit), field="file")
    document = CandidateFile(candidate_id=candidate_id, application_id=application_id, file_id=stored.id,
                             kind=kind, display_name=attachments.display_name(filename),
                             content_type=detected.content_type, size=detected.size,
                             uploaded_at=now or utcnow(), uploaded_by_id=actor_id)
    session.add(document)
    session.flush()
    record(session, actor_id=actor_id, action="candidate_file_added", entity_type="candidate",
           entity_id=candidate_id, file_id=document.id, kind=kind.value, type=detected.kind)
    return document


def _document(session: Session, candidate_id: int, file_id: int) -> CandidateFile:
    # A file id under another candidate is as unknown as a file id that names nothing.
    document = session.scalar(sa.select(CandidateFile).where(CandidateFile.id == file_id,
                                                             CandidateFile.candidate_id == candidate_id))
    if document is None:
        raise NotFound(_("There is no such file."))
    return document


def delete_file(session: Session, candidate_id: int, file_id: int, *, actor_id: int) -> None:
    """Delete one of the candidate's files, its content with it; audited with ids and codes."""
    document = _document(session, candidate_id, file_id)
    kind = document.kind
    files.delete(session, document.file_id)  # the row and the chunks go with it (ON DELETE CASCADE)
    session.expunge(document)
    record(session, actor_id=actor_id, action="candidate_file_deleted", entity_type="candidate",
           entity_id=candidate_id, file_id=file_id, kind=kind.value)
    session.flush()


@dataclass(frozen=True)
class Download:
    """What a download sends: the safe file name, the detected content type, the stored file and its size."""

    filename: str
    content_type: str
    stored_file_id: int
    size: int


def download(session: Session, candidate_id: int, file_id: int) -> Download:
    """The candidate's file for a download; NotFound for an unknown file or one of another candidate."""
    row = session.execute(
        sa.select(StoredFile.name, CandidateFile.content_type, CandidateFile.file_id, StoredFile.size)
        .join(StoredFile, StoredFile.id == CandidateFile.file_id)
        .where(CandidateFile.id == file_id, CandidateFile.candidate_id == candidate_id)).first()
    if row is None:
        raise NotFound(_("There is no such file."))
    return Download(*row)
