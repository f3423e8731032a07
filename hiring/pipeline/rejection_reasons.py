"""The company's coded rejection reasons: add, rename, reorder, retire, restore, and delete one never used.

A reason's code is short and stable (what reports and the audit log name); its labels and the words a candidate
may read can change. A reason in use is retired rather than deleted: the database refuses the delete too (the
foreign key from applications has no ON DELETE action). Audit events carry ids and codes only.

Functions take a session and plain values, flush but never commit, and raise hiring.errors.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.models import Application, RejectionReason, utcnow
from hiring.models.rejection_reasons import CANDIDATE_TEXT_LENGTH, CODE_LENGTH, LABEL_LENGTH
from hiring.postgres import once_more_after_race

CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")
TEXTS = ("label", "label_nl", "candidate_text", "candidate_text_nl")
# The usual list for a new company (seed-demo; migration 0024 holds its own copy for existing databases):
# code, label, Dutch label, the candidate's words, the candidate's words in Dutch.
DEFAULTS = (
    ("requirements", "Does not meet the job's requirements", "Voldoet niet aan de eisen van de functie",
     "Your experience does not match what this job asks for closely enough.",
     "Je ervaring sluit niet goed genoeg aan bij wat deze functie vraagt."),
    ("values_fit", "Not a fit with our core values", "Past niet bij onze kernwaarden", None, None),
    ("stronger_candidates", "Other candidates were a closer match", "Andere kandidaten pasten beter",
     "Other candidates matched the job more closely.", "Andere kandidaten sloten beter aan bij de functie."),
    ("position_filled", "The position was filled", "De vacature is vervuld",
     "The position has been filled.", "De vacature is inmiddels vervuld."),
    ("terms", "Salary or terms do not match", "Salaris of voorwaarden sluiten niet aan",
     "We could not agree on salary or terms.", "We konden het niet eens worden over salaris of voorwaarden."),
    ("no_show", "Did not come to the interview", "Niet op het gesprek verschenen", None, None),
    ("work_permit", "No permit to work here", "Geen werkvergunning", None, None),
)


def add_defaults(session: Session) -> int:
    """Add the usual list when the company has no reasons at all; how many were added."""
    if session.scalar(sa.select(RejectionReason.id).limit(1)) is not None:
        return 0
    for position, (code, label, label_nl, text, text_nl) in enumerate(DEFAULTS):
        session.add(RejectionReason(code=code, label=label, label_nl=label_nl, candidate_text=text,
                                    candidate_text_nl=text_nl, position=position))
    session.flush()
    return len(DEFAULTS)


def get(session: Session, reason_id: int) -> RejectionReason:
    reason = session.get(RejectionReason, reason_id)
    if reason is None:
        raise NotFound(_("There is no such rejection reason."))
    return reason


def staff_label(reason: RejectionReason) -> str:
    """The label in the reader's language."""
    return reason.label_in(str(get_locale() or "en"))


def active(session: Session) -> list[RejectionReason]:
    """The reasons a recruiter may choose, in the company's order (one query)."""
    return list(session.scalars(sa.select(RejectionReason).where(RejectionReason.retired_at.is_(None))
                                .order_by(RejectionReason.position, RejectionReason.id)))


def choices(session: Session) -> list[tuple[int, str]]:
    """(id, label) of the active reasons, for a select."""
    return [(reason.id, staff_label(reason)) for reason in active(session)]


def library(session: Session) -> tuple[list[RejectionReason], list[RejectionReason], dict[int, int]]:
    """Active reasons in order, retired ones, and how many applications name each (two queries)."""
    reasons = session.scalars(sa.select(RejectionReason).order_by(RejectionReason.position, RejectionReason.id)).all()
    uses = dict(session.execute(sa.select(Application.rejection_reason_id, sa.func.count())
                                .where(Application.rejection_reason_id.is_not(None))
                                .group_by(Application.rejection_reason_id)).all())
    return [r for r in reasons if r.retired_at is None], [r for r in reasons if r.retired_at is not None], uses


def _clean(session: Session, data: dict, reason_id: int | None) -> dict:
    """Typed values as stored, or a DomainError beside the field (the form checks lengths first; so does this)."""
    clean = {key: " ".join((data.get(key) or "").split()) or None for key in ("code", *TEXTS)}
    code = (clean["code"] or "").lower()
    if not code:
        raise DomainError(_("Give the reason a short code, such as no_permit."), field="code")
    if len(code) > CODE_LENGTH:
        raise DomainError(_("At most %(num)d characters.", num=CODE_LENGTH), field="code")
    if not CODE.fullmatch(code):
        raise DomainError(_("Use lowercase letters, digits, - and _ only, starting with a letter or digit."),
                          field="code")
    clean["code"] = code
    if not clean["label"]:
        raise DomainError(_("Give the reason a label."), field="label")
    for key in TEXTS:
        limit = LABEL_LENGTH if key.startswith("label") else CANDIDATE_TEXT_LENGTH
        if clean[key] and len(clean[key]) > limit:
            raise DomainError(_("At most %(num)d characters.", num=limit), field=key)
    same = session.scalar(sa.select(RejectionReason.id).where(RejectionReason.code == code,
                                                               RejectionReason.id != (reason_id or 0)))
    if same is not None:
        raise Conflict(_("There is already a reason with the code %(code)s.", code=code), field="code")
    return clean


def create(session: Session, data: dict, *, actor_id: int) -> RejectionReason:
    """Add a reason at the end of the active list; two saves of the same code at once: the second is refused
    as a duplicate, as it would be a moment later."""

    def write() -> RejectionReason:
        clean = _clean(session, data, None)
        last = session.scalar(sa.select(sa.func.max(RejectionReason.position)))
        reason = RejectionReason(**clean, position=(last + 1) if last is not None else 0)
        session.add(reason)
        session.flush()
        record(session, actor_id=actor_id, action="rejection_reason_created", entity_type="rejection_reason",
               entity_id=reason.id, code=reason.code)
        return reason

    return once_more_after_race(session, write)


def update(session: Session, reason_id: int, data: dict, *, actor_id: int) -> RejectionReason:
    """Change a reason's code or words; applications keep pointing at it."""

    def write() -> RejectionReason:
        reason = get(session, reason_id)
        clean = _clean(session, data, reason_id)
        changed = sorted(key for key, value in clean.items() if getattr(reason, key) != value)
        before = reason.code
        for key, value in clean.items():
            setattr(reason, key, value)
        session.flush()
        if changed:
            record(session, actor_id=actor_id, action="rejection_reason_updated", entity_type="rejection_reason",
                   entity_id=reason.id, code=reason.code, previous_code=before, fields=changed)
        return reason

    return once_more_after_race(session, write)


def move(session: Session, reason_id: int, direction: str, *, actor_id: int) -> RejectionReason:
    """Swap with the neighbouring active reason; at the edge nothing moves."""
    reason = get(session, reason_id)
    if direction not in ("up", "down"):
        raise DomainError(_("Choose up or down."))
    if reason.retired_at is not None:
        raise Conflict(_("A retired reason has no place in the list; restore it first."))
    up = direction == "up"
    neighbour = session.scalar(
        sa.select(RejectionReason).where(
            RejectionReason.retired_at.is_(None), RejectionReason.id != reason.id,
            RejectionReason.position <= reason.position if up else RejectionReason.position >= reason.position)
        .order_by(*((RejectionReason.position.desc(), RejectionReason.id.desc()) if up
                    else (RejectionReason.position, RejectionReason.id))).limit(1))
    if neighbour is not None:
        if neighbour.position == reason.position:  # equal positions (rows added by hand): make them differ
            neighbour.position += -1 if up else 1
            neighbour.position = max(neighbour.position, 0)
        reason.position, neighbour.position = neighbour.position, reason.position
        record(session, actor_id=actor_id, action="rejection_reason_moved", entity_type="rejection_reason",
               entity_id=reason.id, code=reason.code, direction=direction)
    return reason


def retire(session: Session, reason_id: int, *, actor_id: int) -> RejectionReason:
    """Take a reason out of the list recruiters choose from; applications that name it keep it."""
    reason = get(session, reason_id)
    if reason.retired_at is not None:
        raise Conflict(_("%(label)s is already retired.", label=staff_label(reason)))
    reason.retired_at = utcnow()
    record(session, actor_id=actor_id, action="rejection_reason_retired", entity_type="rejection_reason",
           entity_id=reason.id, code=reason.code)
    return reason


def restore(session: Session, reason_id: int, *, actor_id: int) -> RejectionReason:
    """Bring a retired reason back, at the end of the list."""
    reason = get(session, reason_id)
    if reason.retired_at is None:
        raise Conflict(_("%(label)s is not retired.", label=staff_label(reason)))
    last = session.scalar(sa.select(sa.func.max(RejectionReason.position)).where(RejectionReason.retired_at.is_(None)))
    reason.retired_at = None
    reason.position = (last + 1) if last is not None else 0
    record(session, actor_id=actor_id, action="rejection_reason_restored", entity_type="rejection_reason",
           entity_id=reason.id, code=reason.code)
    return reason


def in_use(session: Session, reason_id: int) -> bool:
    return session.scalar(sa.select(Application.id).where(Application.rejection_reason_id == reason_id)
                          .limit(1)) is not None


def delete(session: Session, reason_id: int, *, actor_id: int) -> str:
    """Delete a reason no application names; one in use is refused (retire it instead). The database's
    foreign key refuses it as well, should an application name it between the check and the delete."""
    reason = get(session, reason_id)
    label = staff_label(reason)
    if in_use(session, reason_id):
        raise Conflict(_("%(label)s is the reason of rejected applications, so it cannot be deleted; retire it "
                         "instead.", label=label))
    record(session, actor_id=actor_id, action="rejection_reason_deleted", entity_type="rejection_reason",
           entity_id=reason.id, code=reason.code)
    session.delete(reason)
    try:
        session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_("%(label)s is the reason of rejected applications, so it cannot be deleted; retire it "
                         "instead.", label=label)) from None
    return label
