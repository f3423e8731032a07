"""Which stage moves are allowed: forward one step at a time, or out (rejected, withdrawn). A move out says why,
so that the history always does (a rejection's is the company's coded reason, the note optional; a withdrawal's
is typed); the usual forward move may carry a note but needs none: asking for "good CV" on every step taught
recruiters to type filler."""
from __future__ import annotations

from flask_babel import gettext as _

from hiring.errors import Conflict, DomainError
from hiring.labels import STAGE_LABELS
from hiring.models import Stage

FORWARD = {
    Stage.APPLIED: Stage.SCREENING,
    Stage.SCREENING: Stage.INTERVIEWING,
    Stage.INTERVIEWING: Stage.DECISION,
    Stage.DECISION: Stage.HIRED,
}
OPEN_STAGES = tuple(FORWARD)
CLOSING = (Stage.REJECTED, Stage.WITHDRAWN)


def allowed_moves(current: Stage) -> list[Stage]:
    """The stages an application in `current` may move to, in the order a recruiter reads them."""
    if current not in FORWARD:
        return []
    return [FORWARD[current], *CLOSING]


def moves_offered(current: Stage, gate_passes: bool) -> list[Stage]:
    """The moves to offer on the page: the allowed ones, without Hired while the gate has not passed (the
    service refuses it anyway; offering it only to refuse it after submitting wastes the recruiter's time)."""
    return [s for s in allowed_moves(current) if s is not Stage.HIRED or gate_passes]


def needs_typed_reason(target: Stage) -> bool:
    """Whether a move to `target` needs a typed reason: a withdrawal does (a rejection has its coded reason
    instead); a forward move does not."""
    return target is Stage.WITHDRAWN


def check_move(current: Stage, target: Stage, reason: str, *, coded: bool = False) -> None:
    """Raise a domain error, in words a recruiter understands, when the move is not allowed. `coded`: the move
    names one of the company's coded reasons (a rejection), and then the typed reason is an optional note."""
    if current not in FORWARD:
        raise Conflict(_("This application is closed (%(stage)s); it cannot move any more.",
                         stage=STAGE_LABELS[current]), field="to_stage")
    if target not in allowed_moves(current):
        raise Conflict(_(
            "An application cannot go from %(current)s to %(target)s. From %(current)s it can go to: "
            "%(allowed)s.", current=STAGE_LABELS[current], target=STAGE_LABELS[target],
            allowed=", ".join(str(STAGE_LABELS[s]) for s in allowed_moves(current))), field="to_stage")
    if needs_typed_reason(target) and not reason.strip() and not coded:
        raise DomainError(_("Give a reason for moving the application to %(stage)s.",
                            stage=STAGE_LABELS[target]), field="reason")
