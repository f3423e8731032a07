"""A candidate's documents: listing, adding (checked by content), deleting and handing one over for download.

Functions take a session and plain values, flush but never commit, and raise hiring.errors. The careers
site's application form (issue 20, item 2) adds a CV through `add_file` with no uploader.

Every document kept is read for the candidate search (issue 20, item 4): `ask_for_text` asks the task runner
(kind "files.text") once the upload's transaction commits, so that no web request parses a stranger's PDF;
the task keeps the document's words in a row of their own (CandidateFileText), which goes with the document.
With FILE_TEXT_BACKGROUND off (the tests, as SNAPSHOT_BACKGROUND_REFRESH) it is read at once, in the upload's
transaction.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring import attachments, filetext, files, tasks
from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.extensions import db
from hiring.models import Application, Candidate, CandidateFile, FileChunk, FileKind, StoredFile, User, utcnow
from hiring.models.candidate_files import CandidateFileText, TextStatus
from hiring.models.search import drop_deleted_words

log = logging.getLogger(__name__)

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
    # What reading its text for the search came to; None while it has not been read yet.
    text_status: TextStatus | None = None

    @property
    def text_hint(self) -> str | None:
        """Why the search cannot find the candidate by this document, when it cannot."""
        if self.text_status == TextStatus.NONE:
            return _("No text found (a scanned image?): the search cannot find words in it.")
        if self.text_status == TextStatus.UNREADABLE:
            return _("Its text could not be read: the search cannot find words in it.")
        return None


def list_files(session: Session, candidate_id: int) -> list[FileRow]:
    """The candidate's files, newest first, with who uploaded each and whether their text was read; one query."""
    rows = session.execute(
        sa.select(CandidateFile, User.name, CandidateFileText.status)
        .outerjoin(User, CandidateFile.uploaded_by_id == User.id)
        .outerjoin(CandidateFileText, CandidateFileText.candidate_file_id == CandidateFile.id)
        .where(CandidateFile.candidate_id == candidate_id)
        .order_by(CandidateFile.uploaded_at.desc(), CandidateFile.id.desc())).all()
    return [FileRow(f.id, f.kind, f.display_name, TYPE_LABELS.get(EXTENSIONS.get(f.content_type, ""), "?"),
                    f.size, f.uploaded_at, name, status) for f, name, status in rows]


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
    ask_for_text(session, document, stream)
    return document


# --- the documents' text, for the candidate search -----------------------------------------------------------

TEXT_TASK = "files.text"
_STATUS = {None: TextStatus.FOUND, filetext.NO_TEXT: TextStatus.NONE}


def ask_for_text(session: Session, document: CandidateFile, content: bytes | BinaryIO) -> None:
    """Have a new document's words read for the search: by the task runner once the caller's transaction
    commits (FILE_TEXT_BACKGROUND, the default), else now, from `content` (its bytes, or the seekable upload
    they came from), in it. One statement either way: the task's row, or the words' row."""
    if current_app.config.get("FILE_TEXT_BACKGROUND", True):
        # A new document: no task for it can be pending, so no look for one (dedupe) either.
        tasks.enqueue(session, TEXT_TASK, {"file": document.id}, dedupe=False)
        return
    if not isinstance(content, bytes):
        content.seek(0)
        content = content.read()
    keep_words(session, read_words(document.id, document.candidate_id, document.content_type, content))


def load_document(session: Session, candidate_file_id: int) -> tuple[int, str, bytes] | None:
    """A document's candidate, content type and content (at most ATTACHMENT_MAX_BYTES, checked on the way
    in); None when it is gone. Two queries."""
    row = session.execute(sa.select(CandidateFile.candidate_id, CandidateFile.content_type, CandidateFile.file_id)
                          .where(CandidateFile.id == candidate_file_id)).first()
    if row is None:
        return None
    content = b"".join(session.scalars(sa.select(FileChunk.data).where(FileChunk.file_id == row.file_id)
                                       .order_by(FileChunk.seq)))
    return row.candidate_id, row.content_type, content


def read_words(candidate_file_id: int, candidate_id: int, content_type: str, content: bytes) -> dict:
    """The words' row of a document, as values: its text read (hiring/filetext.py) and kept as search words.
    No database. Logs ids and codes only, never a word of the document."""
    extracted = filetext.extract(content, content_type)
    words = filetext.search_words(extracted.text)
    reason = extracted.reason or (None if words else filetext.NO_TEXT)  # text, but not one word of it
    status = _STATUS.get(reason, TextStatus.UNREADABLE)
    log.info("candidate file %s: text %s (%s%s)", candidate_file_id, status.value, reason or "ok",
             ", truncated" if extracted.truncated else "")
    return {"candidate_file_id": candidate_file_id, "candidate_id": candidate_id, "status": status,
            "reason": reason, "truncated": extracted.truncated, "read_at": utcnow(),
            "words": words if status == TextStatus.FOUND else ""}


def keep_words(session: Session, values: dict, *, replace: bool = False) -> None:
    """Write a document's words' row in the caller's transaction, replacing the one kept before (`replace`).
    IntegrityError when the document is gone meanwhile."""
    if replace:
        session.execute(sa.delete(CandidateFileText)
                        .where(CandidateFileText.candidate_file_id == values["candidate_file_id"])
                        .execution_options(synchronize_session=False))
    session.execute(sa.insert(CandidateFileText).values(**values))


def _read_text_task(task, progress) -> None:
    """The task: read one document's text; "missing" when the document went before (or while) it ran.

    Reading and writing are two transactions, and the one that writes begins with a write: on SQLite a
    transaction that read first could not write once another connection had written meanwhile (a busy
    snapshot, refused at once rather than waited for), and parsing takes long enough for that to happen."""
    candidate_file_id = int(task.params["file"])
    loaded = load_document(db.session, candidate_file_id)
    db.session.rollback()  # nothing written: the read ends here
    if loaded is None:
        raise tasks.Failed("missing")
    values = read_words(candidate_file_id, *loaded)
    try:
        keep_words(db.session, values, replace=True)
        db.session.commit()
    except sa.exc.IntegrityError:  # deleted meanwhile: its row would point at nothing
        db.session.rollback()
        raise tasks.Failed("missing") from None


# Minutes at most for a document of 10 MB; one more attempt after an unexpected failure (a database that
# was busy), half a minute later.
tasks.register(TEXT_TASK, _read_text_task, retries=1, backoff=30.0, timeout=5 * 60, give_up_after=30 * 60)


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
    # The row, the chunks and the words kept for the search go with it (ON DELETE CASCADE).
    files.delete(session, document.file_id)
    session.expunge(document)
    drop_deleted_words(session)  # and the search's index forgets them now, not at some later merge
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
