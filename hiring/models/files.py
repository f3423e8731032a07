"""Files kept in the database (prepared reports; later, uploads), so that every host reaches them.

A file is a row of facts about it and its content in chunks of at most 1 MiB, one row each, so that a big
file is written and streamed a chunk at a time on SQLite and PostgreSQL alike, never loaded whole
(hiring/files.py). Names are safe ASCII chosen by the app, never a person's name.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hiring.models.base import Base, UTCDateTime, utcnow


class StoredFile(Base):
    """A file's name, type, size and checksum; its content is in file_chunks."""

    __tablename__ = "stored_files"
    __table_args__ = (
        sa.CheckConstraint("size >= 0", name="size_not_negative"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_is_hex"),
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None: kept until deleted. Expired files are deleted by hiring.files.purge_expired.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Whose file it is: their files go with them when a user is deleted.
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.size} bytes>"


class FileChunk(Base):
    """One piece of a stored file's content, in order by seq."""

    __tablename__ = "file_chunks"
    __table_args__ = (sa.CheckConstraint("seq >= 0", name="seq_not_negative"),)

    # The primary key (file_id, seq) is the index on file_id that every foreign key has.
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
