"""Rejecting an application: the coded reason it needs, and the message to the candidate ("rejection", a kind of
hiring/mail/messages.py the company may reword per language), queued only when the recruiter ticks
"E-mail the candidate".

What the candidate is told of the reason: only the words the company wrote for candidates on that reason, in
the candidate's language (RejectionReason.candidate_text / candidate_text_nl); a reason without them (say "not
a fit with our core values", or "no show") is not told, and the message says no more than that we do not go
further. Many companies never state a reason; some (and the Dutch NVP code of conduct for applications) want a
short one. Deciding per reason lets the company do either, and staff labels, written for colleagues, never reach
a candidate by accident.

Never twice: the message is queued in the transaction of the move to Rejected, and an application is rejected
once (the stage is terminal and the move takes the row lock, hiring/pipeline/service.move_application).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.errors import DomainError
from hiring.mail import messages
from hiring.models import Application, Candidate, MessageTemplate, OutboxMessage, RejectionReason

REJECTION = "rejection"

messages.register(
    REJECTION, label=_l("Rejection (to the candidate)"), audience="candidate",
    placeholders={"name": _l("The candidate's name"), "job": _l("The job's title"),
                  "company": _l("The company's name"),
                  "reason": _l("What the candidate may read about the reason: the words the company wrote for "
                               "candidates on the chosen reason; empty when it has none")},
    subject=_l("Your application for {{ job }}"),
    body=_l("Dear {{ name }},\n\n"
            "Thank you for applying for the {{ job }} position and for the time you gave us. We have decided not "
            "to go further with your application.\n\n"
            "{% if reason %}{{ reason }}\n\n{% endif %}"
            "We wish you every success.\n\n"
            "Kind regards,\n{{ company }}"),
    sample={"name": "Sam Jansen", "job": "Customer loyalty team member", "company": "Values-fit hiring",
            "reason": "Other candidates matched the job more closely."})


def chosen_reason(session: Session, reason_id: int | None) -> RejectionReason:
    """The active reason a rejection names, or a DomainError beside the reason's field."""
    reason = session.get(RejectionReason, reason_id) if reason_id else None
    if reason is None:
        raise DomainError(_("Choose the reason for the rejection from the list."), field="rejection_reason_id")
    if reason.retired_at is not None:
        raise DomainError(_("This reason was retired in the meantime; choose another from the list."),
                          field="rejection_reason_id")
    return reason


def candidate_language(candidate: Candidate) -> str:
    """The language the candidate's messages go in: their own, else the company's."""
    return messages.language_for(candidate.language)


def may_email(candidate: Candidate) -> bool:
    """An address to write to: not erased, not a merged-away shell."""
    return bool(candidate.email) and candidate.anonymised_at is None and candidate.merged_into_id is None


def _context(application: Application, reason_text: str) -> dict[str, str]:
    return {"name": application.candidate.name, "job": application.job.title,
            "company": current_app.config["COMPANY_NAME"], "reason": reason_text}


@dataclass(frozen=True)
class Preview:
    language: str
    message: messages.Rendered


def previews(session: Session, applications: list[Application]) -> dict[int, Preview]:
    """For each application (its candidate and job loaded), the message as the candidate would read it, in
    their language, with a stand-in where the chosen reason's words for candidates go (the reason is chosen in
    the same form); one query for the company's wording, whatever the number of applications."""
    if not applications:
        return {}
    kind = messages.kind_of(REJECTION)
    saved = {row.language: row for row in session.scalars(
        sa.select(MessageTemplate).where(MessageTemplate.kind == REJECTION))}
    found = {}
    for application in applications:
        language = candidate_language(application.candidate)
        with force_locale(language):
            stand_in = _("[the chosen reason's words for candidates, when it has any]")
        context = _context(application, stand_in)
        row = saved.get(language)
        try:
            rendered = messages.render(kind, row.subject, row.body, context, language) if row else None
        except Exception:  # noqa: BLE001 - checked when saved; the default is shown, as compose would send it
            rendered = None
        found[application.id] = Preview(language, rendered or messages.render(
            kind, *messages.default_wording(kind, language), context, language))
    return found


def send(session: Session, application: Application, reason: RejectionReason) -> OutboxMessage | None:
    """Queue the rejection to the candidate in their language, in the caller's transaction; None when there
    is nobody to write to (ValueError from the outbox for an address it refuses is the caller's)."""
    candidate = application.candidate
    if not may_email(candidate):
        return None
    language = candidate_language(candidate)
    return messages.send(session, REJECTION, to=candidate.email, language=language, candidate_id=candidate.id,
                         context=_context(application, reason.candidate_text_in(language)))
