"""Voluntary self-identification: a candidate answers (or declines) on a form of their own, reached by a signed
link. The answers are never shown to anyone one by one: the fairness report uses them in aggregates only.

The link reaches only the candidate: the careers site's confirmation page shows it to them, and staff ask for
it to be e-mailed (`send_request`, through the outbox) and see only whether and when it was sent, never the link.
It works once: after an answer (or a refusal) is stored, it only says so, so nobody else can replace the
candidate's answers. The audit log records that the form was sent and that an answer was given, never what it
was, nor whether it was a refusal."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from hiring.audit import record as audit
from hiring.errors import Conflict
from hiring.mail import messages, outbox
from hiring.models import Candidate, OutboxMessage, SelfIdentification, utcnow

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


REQUEST = "self_identification_request"

messages.register(
    REQUEST, label=_l("Voluntary self-identification form"), audience="candidate",
    placeholders={"name": _l("The candidate's name"), "company_name": _l("The company's name"),
                  "form_link": _l("The link to the form (it works once)"),
                  "link_days": _l("How many days the link works")},
    subject=_l("A voluntary question from {{ company_name }}"),
    body=_l("Dear {{ name }},\n\n"
            "To check that we treat every group of applicants fairly, we ask everyone who applies two voluntary "
            "questions. Answering is up to you and changes nothing in how we judge your application: the "
            "answers are kept apart from it, never shown to the people who interview you, and used only in "
            "counts of five people or more.\n\n"
            "The form (it works once, for {{ link_days }} days; you may also decline there):\n"
            "{{ form_link }}\n\n"
            "Kind regards,\n"
            "{{ company_name }}\n"),
    sample={"name": "Sam Jansen", "company_name": "Zappos",
            "form_link": "https://hiring.example.com/pipeline/self-identification/sample-link", "link_days": "90"})


class NotAsked(Conflict):
    """The form cannot be sent: the candidate answered already, or was anonymised, or has no site address."""


def send_request(session: Session, candidate: Candidate, *, actor_id: int) -> OutboxMessage:
    """E-mail the candidate their link to the form, in the caller's transaction; audited (ids only)."""
    if candidate.anonymised_at is not None:
        raise NotAsked(_("This candidate was anonymised: there is nobody to ask."))
    if answered(session, candidate.id):
        raise NotAsked(_("The candidate has answered already; the form works once."))
    link = messages.absolute_url("pipeline.self_identification", token=make_token(candidate.id))
    if link is None:
        raise NotAsked(_("The site's address is not known here: set PUBLIC_BASE_URL."))
    try:
        sent = messages.send(session, REQUEST, to=candidate.email, language=None, candidate_id=candidate.id,
                             context={"name": candidate.name, "company_name": current_app.config["COMPANY_NAME"],
                                      "form_link": link, "link_days": str(MAX_AGE // (24 * 3600))})
    except outbox.AddressRefused:
        raise NotAsked(_("The candidate's e-mail address cannot receive mail; correct it first.")) from None
    audit(session, actor_id=actor_id, action="self_identification_requested", entity_type="candidate",
          entity_id=candidate.id)
    return sent


def summary(session: Session, candidate_id: int) -> tuple[str, object]:
    """What staff see of it, in one statement: `status` and when the form was last e-mailed (or None)."""
    given = sa.select(SelfIdentification.declined).where(SelfIdentification.candidate_id == candidate_id)
    sent = (sa.select(sa.func.max(OutboxMessage.created_at))
            .where(OutboxMessage.candidate_id == candidate_id, OutboxMessage.kind == REQUEST))
    answered_, declined, last_sent = session.execute(sa.select(
        sa.exists(given), given.scalar_subquery(), sent.scalar_subquery())).one()
    return ("declined" if declined else "answered") if answered_ else "not answered", last_sent
