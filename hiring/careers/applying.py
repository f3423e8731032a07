"""Applying on the careers site: the form's time check, and an application saved whole or not at all.

`submit` adds the candidate (or recognises them by e-mail, hiring/pipeline/service.add_candidate), their
application with the source "careers site" and the version of the privacy notice they agreed to, their CV
(checked by content, pipeline/files_service.add_file), the typed cover letter and the answers to the job's own
questions (hiring/jobs/questions.py; blank ones are not stored), in the caller's transaction:
the view commits once at the end or rolls everything back, files included (they are rows, hiring/files.py).

What the visitor sees never depends on what we already knew: a known e-mail adds the application to the same
candidate, and a second application to the same job saves nothing, yet both answer with the same confirmation
(no enumeration of who applied). The audit log gets ids and codes only. A new application queues the
message "application received" to the candidate's address in the same transaction (careers/messages.py).

The typed cover letter is kept as a text file among the candidate's documents rather than as a column: the
candidate page lists and downloads it like an uploaded one (as an attachment, never inline), and erasure
(privacy/anonymise.py deletes a candidate's stored files) removes it with no new column to remember.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from hiring import files
from hiring.audit import record
from hiring.careers.messages import send_received
from hiring.errors import Conflict
from hiring.jobs.questions import save_answers
from hiring.models import Application, Candidate, CandidateFile, FileKind, Job, JobQuestion, utcnow
from hiring.pipeline import files_service
from hiring.pipeline.files_service import TEXT_PLAIN
from hiring.pipeline.service import add_candidate, normalise_email

SOURCE = "careers site"
# The version of templates/privacy/notice.html: change it whenever the notice changes what it says, so that
# each application records which text its candidate agreed to. PRIVACY_NOTICE_VERSION in the settings wins.
PRIVACY_NOTICE_VERSION = "2026-12"
STAMP_SALT = "careers-apply-form"
TOO_FAST_SECONDS = 3  # nobody reads a job and fills in their name, e-mail and CV in less
TOO_OLD_SECONDS = 2 * 3600  # a form left open longer is sent again, so that a stamp cannot be farmed for days

FAST, OLD = "fast", "old"


def notice_version() -> str:
    """The version of the privacy notice shown with the form."""
    return current_app.config.get("PRIVACY_NOTICE_VERSION") or PRIVACY_NOTICE_VERSION


def _stamps() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def make_stamp(job_id: int, at: float | None = None) -> str:
    """The signed time the form for this job was shown (`at`, seconds since the epoch; now by default)."""
    return _stamps().dumps({"j": job_id, "t": int(time.time() if at is None else at)})


def stamp_problem(token: str | None, job_id: int, now: float | None = None) -> str | None:
    """None when the form was shown for this job between TOO_OLD and TOO_FAST seconds ago; FAST when it came
    back sooner, OLD when later (a stamp that is missing, forged or for another job counts as old: the form is
    simply shown again)."""
    try:
        data = _stamps().loads(token or "")
    except BadSignature:
        return OLD
    if not isinstance(data, dict) or data.get("j") != job_id or not isinstance(data.get("t"), int):
        return OLD
    age = (time.time() if now is None else now) - data["t"]
    if age < TOO_FAST_SECONDS:
        return FAST
    if age > TOO_OLD_SECONDS:
        return OLD
    return None


def stamp_message(problem: str) -> str:
    """What the visitor is told about a refused stamp, above the form (what they typed is kept)."""
    if problem == FAST:
        return _("The form came back faster than a person can fill it in, so it was not sent. Check your "
                 "answers, choose your CV again and send the form once more.")
    return _("This form was open for more than two hours, so it was not sent. Check your answers, choose your "
             "CV again and send the form once more.")


@dataclass(frozen=True)
class Received:
    """What became of an application: the candidate it is for (None when nothing was saved, as for a bot)
    and the new application (None when the candidate had applied to this job already)."""

    candidate_id: int | None
    application_id: int | None
    new_candidate: bool = False  # the e-mail was not known: only then may the visitor self-identify


def _already_applied(session: Session, email: str, job_id: int) -> int | None:
    """The candidate's id when this e-mail has applied to this job already, in one query."""
    return session.scalar(sa.select(Candidate.id).join(Application, Application.candidate_id == Candidate.id)
                          .where(Candidate.email == normalise_email(email), Application.job_id == job_id))


def _store_cover_letter(session: Session, application: Application, text: str) -> CandidateFile:
    """The typed letter as a UTF-8 text file among the candidate's documents (its name made of ids only)."""
    content = text.replace("\r\n", "\n").encode("utf-8")
    candidate_id = application.candidate_id
    stored = files.store(session, f"cover-letter-candidate-{candidate_id}.txt", TEXT_PLAIN, content,
                         expires_at=None, owner_id=None)
    document = CandidateFile(candidate_id=candidate_id, application_id=application.id, file_id=stored.id,
                             kind=FileKind.COVER_LETTER, display_name="cover-letter.txt",
                             content_type=TEXT_PLAIN, size=len(content), uploaded_at=utcnow(),
                             uploaded_by_id=None)
    session.add(document)
    session.flush()
    record(session, actor_id=None, action="candidate_file_added", entity_type="candidate",
           entity_id=candidate_id, file_id=document.id, kind=FileKind.COVER_LETTER.value, type="txt")
    files_service.ask_for_text(session, document, content)  # the letter's words for the candidate search
    return document


def submit(session: Session, job: Job, *, name: str, email: str, phone: str | None, cv: BinaryIO,
           cv_filename: str | None, cover_letter: str | None, questions: Sequence[JobQuestion] = (),
           answers: dict[int, str] | None = None, language: str | None = None) -> Received:
    """Save an application to a public job in the caller's transaction (flushed, not committed).

    `answers` (by question id) are stored for `questions`, the job's questions the form asked; empty ones and
    any for another question are not. `language`, the one the visitor applied in, becomes the candidate's (the
    language of their messages) when none was known: a known one is kept, as add_candidate keeps what we knew,
    so that whoever types someone's address cannot change the language of their mail. Raises DomainError
    (field "file" for the CV, "answer_<id>" for an answer)
    when something typed or sent is refused; the caller rolls back, so nothing of the application stays."""
    known = _already_applied(session, email, job.id)
    if known is not None:
        return Received(known, None)
    new_candidate = session.scalar(sa.select(Candidate.id).where(Candidate.email == normalise_email(email))) is None
    try:
        application = add_candidate(session, name=name, email=email, phone=phone, source=SOURCE, job_id=job.id,
                                    actor_id=None, reason=_("Applied on the careers site"), language=language)
    except Conflict as conflict:
        if conflict.field != "job_id":
            raise
        # Another request of the same person for the same job got in first (or the job closed meanwhile):
        # nothing more to save, and the visitor is told what any applicant is told.
        return Received(_already_applied(session, email, job.id), None)
    application.source = SOURCE
    application.privacy_notice_version = notice_version()
    session.flush()
    files_service.add_file(session, application.candidate_id, stream=cv, filename=cv_filename, kind=FileKind.CV,
                           actor_id=None, application_id=application.id)
    if cover_letter:
        _store_cover_letter(session, application, cover_letter)
    answered = save_answers(session, application, list(questions), answers or {})
    record(session, actor_id=None, action="application_received", entity_type="application",
           entity_id=application.id, candidate_id=application.candidate_id, job_id=job.id, source="careers_site",
           answers=answered)
    # Last, once everything is saved: "application received", in this transaction (see careers/messages.py).
    send_received(session, application, job)
    return Received(application.candidate_id, application.id, new_candidate)
