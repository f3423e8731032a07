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
