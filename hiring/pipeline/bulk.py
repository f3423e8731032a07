"""Moving or rejecting several applications at once, from the candidate list: all of them or none.

Each application goes through `move_application`, the single move's own rules (hiring/pipeline/stages.py: one step
forward, a rejection with the company's coded reason), its audit event and, when asked, its rejection message.
When any of them cannot make the move, nothing is kept: the caller rolls the transaction back and shows every
refusal, named by candidate, so that the recruiter can untick those and try again.

Hired is never a bulk move: a hire needs a start date, a mentor and a passed gate, decided one by one on the
candidate's page. Withdrawn is neither: it is the candidate's own decision, with its typed reason.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session, joinedload

from hiring.errors import Conflict, DomainError, NotFound
from hiring.labels import STAGE_LABELS
from hiring.models import Application, RejectionReason, Stage
from hiring.pipeline import rejection
from hiring.pipeline.rejection_reasons import staff_label
from hiring.pipeline.service import move_application

MAX_SELECTED = 100
# The stages the list moves to in bulk: the usual forward steps (each from the stage before it).
MOVE_STAGES = (Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION)


@dataclass(frozen=True)
class Refusal:
    """One application that could not make the move, and why (in the single move's words); the candidate's name
    and the job's title are kept as read, so that the list can name them after the rollback without a query each."""

    application_id: int
    candidate_id: int
    name: str
    job: str
    message: str


class BulkRefused(Conflict):
    """Some of the chosen applications cannot make the move; nothing was saved."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__(ngettext("%(num)d of the chosen applications cannot make this move, so none was moved. "
                                  "Untick it, or move it on the candidate's page, and try again.",
                                  "%(num)d of the chosen applications cannot make this move, so none was moved. "
                                  "Untick them, or move them on the candidate's page, and try again.",
                                  len(refusals)))
        self.refusals = refusals


@dataclass(frozen=True)
class BulkResult:
    """What was done: how many applications moved, where to, for which reason, and how many e-mails are queued."""

    moved: int
    to_stage: Stage
    reason: RejectionReason | None
    emails: int


def check_selection(application_ids: list[int]) -> list[int]:
    """The chosen ids, each once, in id order (the order rows are locked in, so that two bulk moves at once wait
    for each other rather than deadlock); a DomainError beside the checkboxes when none or too many."""
    ids = sorted(set(application_ids))
    if not ids:
        raise DomainError(_("Tick at least one application in the list."), field="application_id")
    if len(ids) > MAX_SELECTED:
        raise DomainError(_("Choose at most %(max)d applications at a time; you chose %(n)d.", max=MAX_SELECTED,
                            n=len(ids)), field="application_id")
    return ids


def load_selected(session: Session, application_ids: list[int]) -> list[Application]:
    """The chosen applications with their candidate and job, locked, in one statement; NotFound when any id names
    no application (a stale page, a crafted post)."""
    rows = list(session.scalars(
        sa.select(Application).where(Application.id.in_(application_ids))
        .options(joinedload(Application.candidate, innerjoin=True), joinedload(Application.job, innerjoin=True))
        .order_by(Application.id).with_for_update(of=Application)).unique())
    if len(rows) != len(application_ids):
        raise NotFound(_("Some of the chosen applications no longer exist; nothing was changed. Reload the list "
                         "and choose again."), field="application_id")
    return rows


def bulk_move(session: Session, application_ids: list[int], to_stage: Stage | None, *, actor_id: int,
              expected: dict[int, Stage] | None = None) -> BulkResult:
    """Move every chosen application one step forward to `to_stage` (one of MOVE_STAGES), or none of them.

    `expected` holds the stage the list showed for each application: one moved by someone else since is refused
    rather than moved twice. Raises DomainError for the choice itself (beside its field), NotFound for an unknown
    id, and BulkRefused naming each application that cannot move; the caller rolls back on any of them."""
    ids = check_selection(application_ids)
    if to_stage is Stage.HIRED:
        raise DomainError(_("Hired cannot be chosen for several applications at once: a hire needs a start date, "
                            "a mentor and a passed gate. Hire on the candidate's page."), field="to_stage")
    if to_stage not in MOVE_STAGES:
        raise DomainError(_("Choose a stage from the list."), field="to_stage")
    return _move_all(session, ids, to_stage, actor_id=actor_id, expected=expected or {})


def bulk_reject(session: Session, application_ids: list[int], rejection_reason_id: int | None, *, actor_id: int,
                note: str = "", notify_candidates: bool = False, expected: dict[int, Stage] | None = None
                ) -> BulkResult:
    """Reject every chosen application with one of the company's coded reasons and an optional note, queueing
    the rejection message to each candidate with `notify_candidates`; or none of them (as bulk_move)."""
    ids = check_selection(application_ids)
    coded = rejection.chosen_reason(session, rejection_reason_id)  # once, beside its field, not once per row
    return _move_all(session, ids, Stage.REJECTED, actor_id=actor_id, expected=expected or {}, coded=coded,
                     note=note, notify=notify_candidates)


def _move_all(session: Session, ids: list[int], to_stage: Stage, *, actor_id: int, expected: dict[int, Stage],
              coded: RejectionReason | None = None, note: str = "", notify: bool = False) -> BulkResult:
    refusals, emails = [], 0
    for application in load_selected(session, ids):
        try:
            move_application(session, application.id, expected_stage=expected.get(application.id),
                             to_stage=to_stage, reason=note, actor_id=actor_id,
                             rejection_reason_id=coded.id if coded else None, notify_candidate=notify)
        except DomainError as error:
            refusals.append(Refusal(application.id, application.candidate_id, application.candidate.name,
                                    application.job.title, error.message))
        else:
            emails += bool(coded and notify and rejection.may_email(application.candidate))
    if refusals:
        raise BulkRefused(refusals)
    return BulkResult(moved=len(ids), to_stage=to_stage, reason=coded, emails=emails)


def done_messages(result: BulkResult) -> list[str]:
    """What the list says after a bulk move: how many moved where (and why, for a rejection), and the e-mails."""
    if result.reason is None:
        return [ngettext("Moved %(num)d application to %(stage)s.", "Moved %(num)d applications to %(stage)s.",
                         result.moved, stage=STAGE_LABELS[result.to_stage])]
    said = [ngettext("Rejected %(num)d application (%(reason)s).", "Rejected %(num)d applications (%(reason)s).",
                     result.moved, reason=staff_label(result.reason))]
    if result.emails:
        said.append(ngettext("%(num)d rejection message to a candidate is on its way.",
                             "%(num)d rejection messages to the candidates are on their way.", result.emails))
    return said


def stage_choices() -> list[tuple[str, str]]:
    """The stages offered for a bulk move, as (value, label) pairs."""
    return [(stage.value, STAGE_LABELS[stage]) for stage in MOVE_STAGES]
