"""Files kept in the database: written and streamed a chunk at a time, limited in size, deleted when expired.

In the database rather than the instance folder so that a file written by a worker on one machine is
downloaded from a web process on another (the same PostgreSQL). Chunks of 1 MiB, one row each, so that
neither writing nor streaming ever holds a whole file in memory.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.errors import DomainError
from hiring.extensions import db
from hiring.models import FileChunk, StoredFile, utcnow

CHUNK = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# File names are chosen by the app (a report's file name, an id), never typed by a person: safe in a
# Content-Disposition header and free of personal data.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class FileTooLarge(DomainError):
    """A file beyond FILE_MAX_MB: refused whole."""

    status = 413


def max_bytes() -> int:
    """The largest file stored, in bytes (FILE_MAX_MB)."""
    return int(current_app.config.get("FILE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def _pieces(content: bytes | Iterable[bytes]) -> Iterator[bytes]:
    """The content in pieces of exactly CHUNK bytes (the last one shorter), whatever sizes it came in."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        view = memoryview(content)  # sliced, not copied whole
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start:start + CHUNK])
        return
    buffer = bytearray()
    for part in content:
        buffer += part
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    if buffer:
        yield bytes(buffer)


def store(session: Session, name: str, content_type: str, content: bytes | Iterable[bytes], *,
          expires_at: datetime | None, owner_id: int | None = None) -> StoredFile:
    """Write a file into the caller's transaction, chunk by chunk; the caller commits.

    Past the size limit nothing is left of it (the rows written so far are deleted) and FileTooLarge says so.
    """
    if not SAFE_NAME.fullmatch(name):
        raise ValueError(f"not a safe file name: {name!r}")
    limit = max_bytes()
    stored = StoredFile(name=name, content_type=content_type, size=0, sha256="0" * 64, expires_at=expires_at,
                        owner_id=owner_id)
    session.add(stored)
    session.flush()
    digest, size = hashlib.sha256(), 0
    for seq, piece in enumerate(_pieces(content)):
        size += len(piece)
        if size > limit:
            session.delete(stored)  # its chunks go with it (ON DELETE CASCADE)
            session.flush()
            raise FileTooLarge(_("The file is larger than the %(mb)d MB allowed.", mb=limit // (1024 * 1024)))
        digest.update(piece)
        # A Core insert: the chunk is not kept in the session's identity map, so memory stays at one chunk.
        session.execute(sa.insert(FileChunk).values(file_id=stored.id, seq=seq, data=piece))
    stored.size, stored.sha256 = size, digest.hexdigest()
    session.flush()
    return stored


class Stream:
    """A stored file's content as a response body: a chunk at a time, each read by a small query in a session
    of its own, so that the response goes on streaming after its request's session has ended. The server
    calls `close` when the response ends, sent whole or not; with `delete_when_closed` the file goes then."""

    def __init__(self, file_id: int, *, delete_when_closed: bool = False):
        self.file_id, self._delete = file_id, delete_when_closed
        self._engine = db.engine  # taken now: the body is read after the app context has gone
        with Session(self._engine) as session:
            self._seqs = list(session.scalars(sa.select(FileChunk.seq).where(FileChunk.file_id == file_id)
                                              .order_by(FileChunk.seq)))

    def __iter__(self) -> Iterator[bytes]:
        for seq in self._seqs:
            with Session(self._engine) as session:
                data = session.scalar(sa.select(FileChunk.data).where(FileChunk.file_id == self.file_id,
                                                                      FileChunk.seq == seq))
            if data is None:  # deleted meanwhile (expired): the response ends short, its length says so
                return
            yield bytes(data)

    def close(self) -> None:
        if self._delete:
            self._delete = False
            with Session(self._engine) as session:
                delete(session, self.file_id)
                session.commit()


def stream(file_id: int, *, delete_when_closed: bool = False) -> Stream:
    """The file's content as an iterable of chunks (see Stream); empty for an unknown file."""
    return Stream(file_id, delete_when_closed=delete_when_closed)


def delete(session: Session, file_id: int) -> None:
    """Delete a file in the caller's transaction; its chunks go with it (ON DELETE CASCADE)."""
    session.execute(sa.delete(StoredFile).where(StoredFile.id == file_id))


def delete_now(file_id: int) -> None:
    """Delete a file in a transaction of its own (what a task produced for nobody: it was given up on)."""
    engine = db.engine
    with Session(engine) as session:
        delete(session, file_id)
        session.commit()


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete every file past its expiry time in the caller's transaction; returns how many."""
    now = now or utcnow()
    return session.execute(sa.delete(StoredFile).where(StoredFile.expires_at < now)).rowcount
