"""A candidate's status page (issue 20, item 5): the signed link, their applications in plain words, withdrawing
one, a copy of their data, and a request to be erased that the privacy officer acts on.

The link carries the candidate's id signed with the secret key (a salt of its own, so that no other signed
value of the app can stand in for it) and stops working after CAREERS_STATUS_LINK_DAYS (180 by default).
As for the self-identification link (pipeline/selfid.py), the confirmation page shows a working link only
for a new candidate's application: for an e-mail known already, whoever typed it may not be that person, so
their link is "void" (signed with another salt) and leads to a neutral page, as does the link of a
candidate erased since. A link forged or out of date answers as a missing page, telling nothing.

What a candidate sees of their applications is the job's title and the stage in plain words: never scores,
gate results, notes or who interviewed them (the query reads nothing else). Erasure is asked for rather than
done at once: a hire's record or a dispute may hold it, and the privacy officer decides (hiring/privacy/).

Functions take a session and plain values, flush but never commit, and raise hiring.errors.
"""
from __future__ import annotations

import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from tempfile import SpooledTemporaryFile

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, NotFound
from hiring.models import (
    Application,
    Candidate,
    CandidateFile,
    ErasureRequest,
    FileChunk,
    FileKind,
    Job,
    Stage,
    StoredFile,
)
from hiring.pipeline.service import move_application
from hiring.pipeline.stages import OPEN_STAGES
from hiring.privacy.service import export_data

SALT = "careers-status"
VOID_SALT = "careers-status-void"  # a link like a candidate's that opens the neutral page (see the docstring)
DEFAULT_LINK_DAYS = 180
VALID, NEUTRAL, INVALID = "valid", "neutral", "invalid"

# The stage in the candidate's words, and a sentence on what it means for them.
PLAIN_STAGES = {
    Stage.APPLIED: (_l("Received"), _l("We have your application and will read it soon.")),
    Stage.SCREENING: (_l("Being considered"), _l("We are reading your application.")),
    Stage.INTERVIEWING: (_l("Interviews"), _l("We would like to get to know you and will contact you about "
                                             "the interviews.")),
    Stage.DECISION: (_l("Decision coming"), _l("The interviews are done; we are making our decision.")),
    Stage.HIRED: (_l("Hired"), _l("Welcome! We are in touch with you about your start.")),
    Stage.REJECTED: (_l("Not selected"), _l("We decided not to go further with this application. Thank you "
                                            "for your interest.")),
    Stage.WITHDRAWN: (_l("Withdrawn"), _l("This application was withdrawn.")),
}

# What of the staff export (privacy/service.export_data) a candidate downloads themselves: what they gave and
# where their applications stand. Assessments (scores, the gate, scorecards, the reasons staff wrote for moves)
# also hold interviewers' words and may concern a procedure still running, so the privacy officer hands them
# over on request, from the full export; the download says so.
ASSESSMENT_KEYS = ("requirements_fit", "values_fit", "gate_result", "gate_reasons", "scored_at", "scorecards")
# Audit actions a candidate sees in their copy (a list of what is shown rather than of what is hidden, so that
# a future action about assessments stays out until someone decides otherwise).
OWN_ACTIONS = frozenset({"application_received", "candidate_file_added", "candidate_file_deleted",
                         "candidate_exported", "retention_consent_changed", "self_identification_given",
                         "stage_changed", "hired", "erasure_requested"})
OWN_FILE_KINDS = (FileKind.CV, FileKind.COVER_LETTER)  # the candidate's own documents, not staff uploads


# --- the link ---------------------------------------------------------------------------------------------------

def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def link_days() -> int:
    """How many days a status link works (CAREERS_STATUS_LINK_DAYS)."""
    return int(current_app.config.get("CAREERS_STATUS_LINK_DAYS") or DEFAULT_LINK_DAYS)


def make_token(candidate_id: int) -> str:
    """The signed token of a candidate's status link (an id in a URL is never personal data)."""
    return _serializer().dumps({"c": candidate_id})


def make_void_token(session: Session) -> str:
    """A token shaped like a candidate's (a plausible id) that opens only the neutral page."""
    top = session.scalar(sa.select(sa.func.max(Candidate.id))) or 0
    return _serializer(VOID_SALT).dumps({"c": secrets.randbelow(top + 50) + 1})


def read_token(session: Session, token: str) -> tuple[str, Candidate | None]:
    """(VALID, the candidate), (NEUTRAL, None) for a void link or an erased candidate, or (INVALID, None) for a
    link forged, damaged or out of date."""
    max_age = link_days() * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return INVALID, None
    except BadSignature:
        try:
            _serializer(VOID_SALT).loads(token, max_age=max_age)
        except BadSignature:  # SignatureExpired included
            return INVALID, None
        return NEUTRAL, None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return INVALID, None
    candidate = session.get(Candidate, data["c"])
    # A candidate merged into another (hiring/pipeline/merging.py) is shown nothing: until the merge is
    # confirmed a recruiter may still undo it, and following it would show this link another person's
    # applications if the two were not the same after all.
    if candidate is None or candidate.anonymised_at is not None or candidate.merged_into_id is not None:
        return NEUTRAL, None
    return VALID, candidate


# --- the applications -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OwnApplication:
    """One application as its candidate sees it: no score, note or name of anyone else."""

    id: int
    job_title: str
    applied_at: datetime
    stage: Stage
    stage_changed_at: datetime

    @property
    def words(self):
        """The stage in plain words."""
        return PLAIN_STAGES[self.stage][0]

    @property
    def meaning(self):
        """What the stage means for the candidate."""
        return PLAIN_STAGES[self.stage][1]

    @property
    def open(self) -> bool:
        """Whether it may still be withdrawn."""
        return self.stage in OPEN_STAGES


def applications(session: Session, candidate_id: int) -> list[OwnApplication]:
    """The candidate's applications, newest first; one query that reads nothing of the assessments."""
    rows = session.execute(
        sa.select(Application.id, Job.title, Application.applied_at, Application.stage,
                  Application.stage_changed_at)
        .join(Job, Application.job_id == Job.id)
        .where(Application.candidate_id == candidate_id)
        .order_by(Application.applied_at.desc(), Application.id.desc())).all()
    return [OwnApplication(*row) for row in rows]


def own_application(session: Session, candidate_id: int, application_id: int) -> OwnApplication:
    """One of the candidate's applications; NotFound for an unknown id or another candidate's."""
    for found in applications(session, candidate_id):
        if found.id == application_id:
            return found
    raise NotFound(_("There is no such application."))


def closed_message(stage: Stage) -> str:
    """Why an application cannot be withdrawn, in the candidate's words."""
    return _("This application cannot be withdrawn: it is closed already (%(stage)s).",
             stage=PLAIN_STAGES[stage][0])


def withdrawn_text() -> str:
    """The reason a candidate's withdrawal carries: fixed (a code in words), in the company's language, so that
    nothing a visitor types reaches the history."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        return _("Withdrawn by the candidate on the careers site's status page.")


def withdraw(session: Session, candidate_id: int, application_id: int) -> Application:
    """Withdraw one of the candidate's open applications through the pipeline's move (a stage change with no
    user, audited); NotFound for another candidate's, Conflict when it is closed already."""
    application = session.scalar(
        sa.select(Application).where(Application.id == application_id, Application.candidate_id == candidate_id)
        .with_for_update().execution_options(populate_existing=True))
    if application is None:
        raise NotFound(_("There is no such application."))
    if application.stage not in OPEN_STAGES:
        raise Conflict(closed_message(application.stage))
    return move_application(session, application.id, expected_stage=application.stage, to_stage=Stage.WITHDRAWN,
                            reason=withdrawn_text(), actor_id=None)


# --- a copy of the candidate's data -----------------------------------------------------------------------------

def own_data(session: Session, candidate_id: int, now: datetime) -> dict:
    """The staff export without the assessments (see ASSESSMENT_KEYS), audited as an export by nobody."""
    data = export_data(session, candidate_id, actor_id=None, now=now)
    for application in data["applications"]:
        for key in ASSESSMENT_KEYS:
            application.pop(key, None)
        for change in application["stage_history"]:
            change.pop("reason", None)
    data["audit_events"] = [e for e in data["audit_events"] if e["action"] in OWN_ACTIONS]
    data["not_included"] = _("Interview assessments (scores and interviewers' notes) are not in this download. "
                             "To receive them, ask our privacy officer, who will send you a complete copy.")
    return data


def data_archive(session: Session, candidate_id: int, now: datetime) -> SpooledTemporaryFile:
    """A zip of data.json and the candidate's own documents (CV, cover letter), under names of ids only;
    kept in memory up to 1 MiB and on disk beyond. The caller sends it and closes it."""
    data = own_data(session, candidate_id, now)
    documents = session.execute(
        sa.select(CandidateFile.id, CandidateFile.file_id, StoredFile.name)
        .join(StoredFile, StoredFile.id == CandidateFile.file_id)
        .where(CandidateFile.candidate_id == candidate_id, CandidateFile.kind.in_(OWN_FILE_KINDS))
        .order_by(CandidateFile.id)).all()
    archive = SpooledTemporaryFile(max_size=1024 * 1024)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for document_id, file_id, stored_name in documents:
            # The stored name is made of fixed words and ids (pipeline/files_service.py); the document's id
            # keeps two CVs apart.
            with zipped.open(f"documents/{document_id}-{stored_name}", "w") as member:
                for chunk in session.scalars(sa.select(FileChunk.data).where(FileChunk.file_id == file_id)
                                             .order_by(FileChunk.seq)):
                    member.write(bytes(chunk))
    archive.seek(0, io.SEEK_SET)
    return archive


# --- erasure requests -------------------------------------------------------------------------------------------

def open_request_at(session: Session, candidate_id: int) -> datetime | None:
    """When the candidate's open erasure request was made, or None."""
    return session.scalar(sa.select(sa.func.min(ErasureRequest.requested_at)).where(
        ErasureRequest.candidate_id == candidate_id, ErasureRequest.handled_at.is_(None)))


def request_erasure(session: Session, candidate_id: int, now: datetime) -> bool:
    """Record the candidate's request to be erased, for the privacy officer; audited by ids. Asking again while
    a request is open adds nothing. Returns whether a request was recorded."""
    candidate = session.get(Candidate, candidate_id, with_for_update=True, populate_existing=True)
    if candidate is None or candidate.anonymised_at is not None:
        raise NotFound(_("There is no such candidate."))
    if open_request_at(session, candidate_id) is not None:
        return False
    request = ErasureRequest(candidate_id=candidate_id, requested_at=now)
    session.add(request)
    session.flush()
    record(session, actor_id=None, action="erasure_requested", entity_type="candidate", entity_id=candidate_id,
           erasure_request_id=request.id)
    return True


@dataclass(frozen=True)
class PendingRequest:
    """An open erasure request as the privacy officer's list shows it."""

    id: int
    requested_at: datetime
    candidate_id: int
    candidate_name: str
    anonymised: bool
    hired: bool


def pending_requests(session: Session) -> list[PendingRequest]:
    """The open erasure requests, oldest first, with what decides them (erased since, hired); one query."""
    hired = sa.exists().where(Application.candidate_id == Candidate.id, Application.stage == Stage.HIRED)
    rows = session.execute(
        sa.select(ErasureRequest.id, ErasureRequest.requested_at, Candidate.id, Candidate.name,
                  Candidate.anonymised_at.is_not(None), hired)
        .join(Candidate, Candidate.id == ErasureRequest.candidate_id)
        .where(ErasureRequest.handled_at.is_(None))
        .order_by(ErasureRequest.requested_at, ErasureRequest.id)).all()
    return [PendingRequest(*row) for row in rows]


def close_request(session: Session, request_id: int, *, actor_id: int, now: datetime) -> None:
    """Mark an open request handled without an erasure here (refused under a legal hold, or erased already);
    audited by ids."""
    request = session.get(ErasureRequest, request_id, with_for_update=True, populate_existing=True)
    if request is None:
        raise NotFound(_("There is no such erasure request."))
    if request.handled_at is not None:
        raise Conflict(_("This erasure request was handled already."))
    request.handled_at, request.handled_by_id = now, actor_id
    record(session, actor_id=actor_id, action="erasure_request_closed", entity_type="candidate",
           entity_id=request.candidate_id, erasure_request_id=request.id)
    session.flush()


def resolve_requests(session: Session, candidate_id: int, *, actor_id: int, now: datetime) -> None:
    """Mark the candidate's open requests handled: they were just erased (the erasure is audited itself)."""
    session.execute(sa.update(ErasureRequest).where(ErasureRequest.candidate_id == candidate_id,
                                                    ErasureRequest.handled_at.is_(None))
                    .values(handled_at=now, handled_by_id=actor_id))
