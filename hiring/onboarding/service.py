"""Ticking, signing off, sending back and reopening onboarding tasks, and graduating when all is done.

Who may do what is decided here, from the task's owner and the enrolment's people, so that a crafted POST
meets the same rules as the page.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, DomainError, Forbidden, NotFound
from hiring.models import Enrollment, EnrollmentTask, Role, SignOff, TaskOwner, User, utcnow
from hiring.onboarding.progress import TaskFacts, is_complete
from hiring.webhooks import events as webhook_events

STAFF = (Role.HR, Role.ADMIN)


def facts(task: EnrollmentTask) -> TaskFacts:
    """The state-relevant facts of a task row."""
    return TaskFacts(week=task.week, required=task.required, needs_sign_off=task.sign_off is not SignOff.NONE,
                     done=task.done_at is not None, signed_off=task.signed_off_at is not None,
                     sent_back=bool(task.sent_back_comment))


def load_task(session: Session, task_id: int) -> EnrollmentTask:
    """The task, with its enrolment and hire, or NotFound."""
    task = session.get(EnrollmentTask, task_id)
    if task is None:
        raise NotFound(_("There is no such task."))
    return task


def may_view(user: User, hire) -> bool:
    """HR and admins see every checklist; a mentor their own new hires'; a new hire only their own."""
    return user.role in STAFF or hire.mentor_id == user.id or hire.user_id == user.id


def may_tick(user: User, task: EnrollmentTask) -> bool:
    """The task's owner ticks it: the new hire their own tasks, their mentor the mentor's, HR HR's."""
    hire = task.enrollment.hire
    if task.owner is TaskOwner.NEW_HIRE:
        return hire.user_id == user.id
    if task.owner is TaskOwner.MENTOR:
        return hire.mentor_id == user.id
    return user.role in STAFF


def may_sign_off(user: User, task: EnrollmentTask) -> bool:
    """The mentor signs off mentor sign-offs of their own new hires; HR signs off any."""
    if user.role in STAFF:
        return task.sign_off is not SignOff.NONE
    return task.sign_off is SignOff.MENTOR and task.enrollment.hire.mentor_id == user.id


def tick(session: Session, task_id: int, user: User, note: str, today: date) -> EnrollmentTask:
    """Mark a task done, with an optional note; may complete the enrolment."""
    task = load_task(session, task_id)
    if not may_tick(user, task):
        raise Forbidden(_("This task is not yours to tick."))
    if task.done_at is not None:
        raise Conflict(_("This task is already done."))
    task.done_at, task.done_by_id = utcnow(), user.id
    task.note = note.strip()
    task.sent_back_comment = None
    _maybe_graduate(session, task, user, today)
    return task


def untick(session: Session, task_id: int, user: User) -> EnrollmentTask:
    """Undo a tick, as long as nobody has signed the task off."""
    task = load_task(session, task_id)
    if not may_tick(user, task):
        raise Forbidden(_("This task is not yours to change."))
    if task.signed_off_at is not None:
        raise Conflict(_("This task is signed off; ask HR to reopen it."))
    task.done_at = task.done_by_id = None
    return task


def sign_off(session: Session, task_id: int, user: User, today: date) -> EnrollmentTask:
    """Sign off a done task; may complete the enrolment."""
    task = load_task(session, task_id)
    if not may_sign_off(user, task):
        raise Forbidden(_("You may not sign off this task."))
    if task.done_at is None:
        raise Conflict(_("This task is not done yet, so it cannot be signed off."))
    if task.signed_off_at is not None:
        raise Conflict(_("This task is already signed off."))
    task.signed_off_at, task.signed_off_by_id = utcnow(), user.id
    record(session, actor_id=user.id, action="task_signed_off", entity_type="enrollment_task", entity_id=task.id,
           enrollment_id=task.enrollment_id)
    _maybe_graduate(session, task, user, today)
    return task


def send_back(session: Session, task_id: int, user: User, comment: str) -> EnrollmentTask:
    """Send a done task back to whoever does it, saying what is missing."""
    task = load_task(session, task_id)
    if not may_sign_off(user, task):
        raise Forbidden(_("You may not send this task back."))
    if not comment.strip():
        raise DomainError(_("Say what is missing, so that the task can be done again."), field="comment")
    if task.done_at is None or task.signed_off_at is not None:
        raise Conflict(_("Only a done task that is waiting for its sign-off can be sent back."))
    task.done_at = task.done_by_id = None
    task.sent_back_comment = comment.strip()
    record(session, actor_id=user.id, action="task_sent_back", entity_type="enrollment_task", entity_id=task.id,
           enrollment_id=task.enrollment_id, comment=comment.strip())
    return task


def reopen(session: Session, task_id: int, user: User, reason: str) -> EnrollmentTask:
    """HR reopens a signed-off task, with a reason; a graduation it made is undone unless an offer followed."""
    task = load_task(session, task_id)
    if user.role not in STAFF:
        raise Forbidden(_("Only HR may reopen a signed-off task."))
    if not reason.strip():
        raise DomainError(_("Give the reason for reopening the task."), field="reason")
    if task.signed_off_at is None:
        raise Conflict(_("Only a signed-off task can be reopened."))
    enrollment = task.enrollment
    if enrollment.completed_on is not None and enrollment.hire.quit_offer is not None:
        raise Conflict(_("This new hire graduated and has been made The Offer; the programme can no longer "
                         "be reopened."))
    before = {"done_at": task.done_at.isoformat(), "signed_off_at": task.signed_off_at.isoformat(),
              "signed_off_by_id": task.signed_off_by_id}
    task.done_at = task.done_by_id = task.signed_off_at = task.signed_off_by_id = None
    task.sent_back_comment = reason.strip()
    graduated_on = enrollment.completed_on
    enrollment.completed_on = None
    record(session, actor_id=user.id, action="task_reopened", entity_type="enrollment_task", entity_id=task.id,
           enrollment_id=enrollment.id, reason=reason.strip(), before=before,
           graduation_undone=graduated_on.isoformat() if graduated_on else None)
    return task


def set_mentor(session: Session, enrollment_id: int, mentor_id: int | None, user: User) -> Enrollment:
    """HR chooses or changes the new hire's mentor (None: no mentor), audited with the ids before and after.
    The mentor is an active staff member other than the new hire; their open mentor tasks and sign-offs move
    with the role (they are the enrolment's, not a person's)."""
    if user.role not in STAFF:
        raise Forbidden(_("Only HR may choose a new hire's mentor."))
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound(_("There is no such new hire in onboarding."))
    hire = enrollment.hire
    if mentor_id is not None:
        mentor = session.get(User, mentor_id)
        if mentor is None or not mentor.active or mentor.role is Role.NEW_HIRE or mentor.id == hire.user_id:
            raise DomainError(_("Choose a mentor from the list."), field="mentor_id")
    if hire.mentor_id == mentor_id:
        return enrollment
    record(session, actor_id=user.id, action="mentor_changed", entity_type="enrollment", entity_id=enrollment.id,
           hire_id=hire.id, before=hire.mentor_id, after=mentor_id)
    hire.mentor_id = mentor_id
    return enrollment


def _maybe_graduate(session: Session, task: EnrollmentTask, user: User, today: date) -> None:
    enrollment = task.enrollment
    if enrollment.completed_on is None and is_complete([facts(t) for t in enrollment.tasks]):
        enrollment.completed_on = max(today, enrollment.started_on)
        record(session, actor_id=user.id, action="graduated", entity_type="enrollment", entity_id=enrollment.id,
               hire_id=enrollment.hire_id, completed_on=enrollment.completed_on.isoformat())
        webhook_events.emit(session, webhook_events.ONBOARDING_GRADUATED, {
            "enrollment_id": enrollment.id, "hire_id": enrollment.hire_id,
            "completed_on": enrollment.completed_on.isoformat()})
