"""Voluntary self-identification: a candidate answers (or declines) on a form of their own, reached by a signed
link. The answers are never shown to anyone one by one: the fairness report uses them in aggregates only.

The link works once: after an answer (or a refusal) is stored, it only says so. Whoever else holds the link (it
passes through staff until the outbox of issue 21 sends it) can therefore not replace the candidate's answers.
The audit log records that an answer was given, never what it was, nor whether it was a refusal."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from hiring.audit import record as audit
from hiring.errors import Conflict
from hiring.models import Candidate, SelfIdentification, utcnow

SALT = "self-identification"
# A link that leads to the questions but stores nothing: what the careers site shows when the e-mail typed
# belongs to a candidate already (or the sender is a bot), so that the confirmation reveals nothing and a
# stranger cannot answer for someone else. Its payload has the same shape as a real one (a plausible id);
# only the signature's salt, which needs the secret key, tells them apart.
VOID_SALT = "self-identification-void"
MAX_AGE = 90 * 24 * 3600
GENDERS = ("woman", "man", "non-binary", "another")
AGE_BANDS = ("under 25", "25-39", "40-54", "55 and over")


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(candidate_id: int) -> str:
    """The signed token of a candidate's self-identification link (ids in URLs are never personal data)."""
    return _serializer().dumps({"c": candidate_id})


def make_void_token(session: Session) -> str:
    """A link like a candidate's, for nobody (VOID_SALT): the id in it is random among the ids in use."""
    top = session.scalar(sa.select(sa.func.max(Candidate.id))) or 0
    return _serializer(VOID_SALT).dumps({"c": secrets.randbelow(top + 50) + 1})


def is_void(token: str) -> bool:
    """Whether the token is a void link (make_void_token), signed and not expired."""
    try:
        _serializer(VOID_SALT).loads(token, max_age=MAX_AGE)
    except (BadSignature, SignatureExpired):
        return False
    return True


def read_token(session: Session, token: str) -> Candidate | None:
    """The candidate the token is for, or None when it is forged or expired."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    return session.get(Candidate, data["c"])


class AlreadyAnswered(Conflict):
    """The candidate has answered (or declined) already: the link is spent."""

    def __init__(self):
        super().__init__("already answered")


def answered(session: Session, candidate_id: int) -> bool:
    return session.scalar(sa.select(sa.exists().where(SelfIdentification.candidate_id == candidate_id)))


def record(session: Session, candidate: Candidate, *, declined: bool, gender: str | None,
           age_band: str | None) -> SelfIdentification:
    """Store the answers once; declining stores nothing but the choice to decline.

    A second submission raises AlreadyAnswered; two submissions at the same moment meet the unique constraint on
    candidate_id, and the loser gets the same answer from the error handler (409)."""
    if answered(session, candidate.id):
        raise AlreadyAnswered()
    row = SelfIdentification(candidate_id=candidate.id)
    session.add(row)
    row.declined = declined
    row.gender = None if declined or gender not in GENDERS else gender
    row.age_band = None if declined or age_band not in AGE_BANDS else age_band
    row.ethnicity = row.disability = None
    row.recorded_at = utcnow()
    audit(session, actor_id=None, action="self_identification_given", entity_type="candidate",
          entity_id=candidate.id)
    return row


def status(session: Session, candidate_id: int) -> str:
    """'answered', 'declined' or 'not answered': the only thing recruiters see of it."""
    row = session.execute(sa.select(SelfIdentification.declined).where(
        SelfIdentification.candidate_id == candidate_id)).first()
    if row is None:
        return "not answered"
    return "declined" if row.declined else "answered"
