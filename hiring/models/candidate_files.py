"""A candidate's documents (a CV, a cover letter, others a recruiter adds): facts about each upload, with its
content a stored file (hiring/models/files.py).

The stored file has no expiry (files.purge_expired leaves it alone) and no owner (a staff member's account
being deleted must not take a candidate's CV with it); deleting the stored file deletes this row (ON DELETE
CASCADE), which is how erasure removes both (hiring/privacy/anonymise.py). A candidate with files cannot be
deleted as a row (RESTRICT): their files would be left behind, nobody's.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, enum_column, utcnow


class FileKind(enum.StrEnum):
    """What a candidate's document is."""

    CV = "cv"
    COVER_LETTER = "cover_letter"
    OTHER = "other"


class CandidateFile(Base):
    """One uploaded document of a candidate, maybe for one of their applications."""

    __tablename__ = "candidate_files"
    __table_args__ = (
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("length(display_name) > 0", name="display_name_not_empty"),
        # The candidate page lists a candidate's files, newest first.
        sa.Index("ix_candidate_files_candidate_id_uploaded_at", "candidate_id", "uploaded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id", ondelete="RESTRICT"))
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id", ondelete="SET NULL"),
                                                       index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[FileKind] = mapped_column(enum_column(FileKind, "candidate_file_kind"))
    # The uploaded file's own name made safe to show (hiring/attachments.display_name): personal data, shown
    # escaped, never a path or a download name.
    display_name: Mapped[str] = mapped_column(sa.String(200))
    # As detected from the content (hiring/attachments.py), never as the browser said.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None when the candidate uploaded it themselves (the careers site), or the uploader's account is gone.
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    def __repr__(self) -> str:
        return f"<CandidateFile {self.id} {self.kind} of candidate {self.candidate_id}>"


class TextStatus(enum.StrEnum):
    """What reading a document's text came to (hiring/filetext.py)."""

    FOUND = "found"
    NONE = "none"  # read, without a word in it: a scanned image, most likely
    UNREADABLE = "unreadable"  # damaged, encrypted or too large to read safely


class CandidateFileText(Base):
    """What the candidate search keeps of one document: its distinct words, folded (hiring/filetext.py).

    A row of its own, tied to the document: deleting the document (or its stored file, as erasure does)
    deletes it (ON DELETE CASCADE). Only the words are kept, not the text: the search needs no more, and a
    bag of words tells less about a person than their sentences. The full-text index over `words` is made by
    migration 0016 outside the metadata (hiring/models/search.py): FTS5 on SQLite, a GIN index on PostgreSQL.
    """

    __tablename__ = "candidate_file_texts"
    __table_args__ = (
        sa.CheckConstraint("status = 'found' OR words = ''", name="words_only_when_found"),
    )

    candidate_file_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_files.id", ondelete="CASCADE"),
                                                   primary_key=True, autoincrement=False)
    # The candidate's id again, so that a search maps matching documents to candidates without a join.
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    status: Mapped[TextStatus] = mapped_column(enum_column(TextStatus, "candidate_file_text_status"))
    # A code for logs and the hint on the candidate page (hiring/filetext.py), never words of the document.
    reason: Mapped[str | None] = mapped_column(sa.String(20))
    truncated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    words: Mapped[str] = mapped_column(sa.Text, default="")
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<CandidateFileText of file {self.candidate_file_id}: {self.status}>"
