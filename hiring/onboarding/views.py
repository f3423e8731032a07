"""Onboarding pages: the new hire's checklist, the mentors' and HR's cohort list and checklists, the
programme editor."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination

from hiring.auth.roles import ANY_ROLE, roles_required
from hiring.bounds import page_number
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.onboarding import MentorForm, ReopenForm, SendBackForm, TickForm
from hiring.models import Enrollment, Hire, Role
from hiring.forms import options
from hiring.onboarding import queries, service
from hiring.onboarding import values_review as week5
from hiring.pipeline.service import interviewer_choices as mentor_choices
from hiring.clock import today

bp = Blueprint("onboarding", __name__, url_prefix="/onboarding")

# Mentors are staff: interviewers mostly, but a recruiter or HR person can mentor too.
MENTORS = (Role.ADMIN, Role.HR, Role.RECRUITER, Role.INTERVIEWER)
PEOPLE_PER_PAGE = 60  # the cohort list shows the newest cohorts up to about this many people
GRADUATES_SHOWN = 20  # and the latest graduates; the onboarding report has the rest


def render_checklist(enrollment_id: int, template: str, bound: dict | None = None, status: int = 200, **extra):
    """A checklist page; `bound` holds a form that came back with errors, keyed by (kind, task id)."""
    data = queries.checklist(db.session, enrollment_id, today())
    if data is None:
        abort(404)
    if not service.may_view(current_user, data["hire"]):
        abort(403)
    bound = bound or {}

    def form(kind: str, task_id: int):
        cls = {"tick": TickForm, "send_back": SendBackForm, "reopen": ReopenForm}[kind]
        return bound.get((kind, task_id)) or cls(prefix=f"{kind}{task_id}")

    mentor_form = None
    if current_user.role in service.STAFF and template == "onboarding/enrolment.html":
        mentor_form = bound.get(("mentor", None)) or MentorForm(prefix="mentor", mentor_id=data["hire"].mentor_id)
        mentor_form.mentor_id.choices = options([(0, _("No mentor")), *mentor_choices(db.session)])
    return render_template(template, form=form, mentor_form=mentor_form,
                           may_tick=lambda t: service.may_tick(current_user, t),
                           may_sign_off=lambda t: service.may_sign_off(current_user, t),
                           may_reopen=current_user.role in service.STAFF,
                           week5=week5.section(db.session, current_user, data["enrollment"], today()),
                           **data, **extra), status


@bp.route("/")
@roles_required(*MENTORS)
def cohorts():
    """Everyone in the programme, by cohort; a mentor sees only their own new hires.

    The list of cohorts comes first; below it the people of the newest cohorts, about a page of them
    (?cohort=YYYY-MM-DD shows one cohort), and the latest graduates: the whole programme on one page was
    half a megabyte of HTML at a few hundred new hires."""
    mine_only = current_user.role not in service.STAFF
    mentor_id = current_user.id if mine_only else None
    overview = queries.cohort_list(db.session, today(), mentor_id=mentor_id)
    chosen = request.args.get("cohort", "")
    if chosen:
        try:
            day = date.fromisoformat(chosen)
        except ValueError:
            abort(404)
        shown = [c for c in overview if c.started_on == day]
        if not shown:
            abort(404)
        # One cohort, a page of its people at a time (?page=): a week's cohort may be hundreds of people.
        pager = Known(page=page_number(PEOPLE_PER_PAGE), per_page=PEOPLE_PER_PAGE, max_per_page=PEOPLE_PER_PAGE,
                      error_out=False, total=shown[0].people)
        offset = (pager.page - 1) * PEOPLE_PER_PAGE
    else:
        shown, pager, offset = _first_page(overview), None, 0
    # At most a page of people, whichever cohorts they are in; each cohort cut short links to its own pages.
    groups = queries.cohorts(db.session, today(), mentor_id=mentor_id, started=[c.started_on for c in shown],
                             limit=PEOPLE_PER_PAGE, offset=offset) if shown else []
    graduates = [] if mine_only else queries.recent_graduates(db.session, today(), limit=GRADUATES_SHOWN)
    return render_template("onboarding/cohorts.html", overview=overview, groups=groups, graduates=graduates,
                           pager=pager, people={c.started_on: c.people for c in overview},
                           mine_only=mine_only, chosen=chosen, graduates_shown=GRADUATES_SHOWN,
                           stuck_weeks=queries.STUCK_AFTER_DAYS // 7,
                           stuck=sum(c.people for c in overview if c.stuck))


class Known(Pagination):
    """A pager over a list whose page is read elsewhere and whose total is known (a cohort's people)."""

    def _query_items(self) -> list:
        return []

    def _query_count(self) -> int:
        return self._query_args["total"]


def _first_page(overview: list) -> list:
    """The newest cohorts, as many as fit in about a page of people, down to the newest that has started."""
    shown, people = [], 0
    for cohort in overview:
        if any(c.current_week for c in shown) and people + cohort.people > PEOPLE_PER_PAGE:
            break
        shown.append(cohort)
        people += cohort.people
    return shown


@bp.route("/enrolments/<int:enrollment_id>")
@roles_required(*ANY_ROLE)
def enrolment(enrollment_id: int):
    """A new hire's checklist from the mentor's or HR's side (a new hire sees their own on their home page)."""
    hire = db.session.get(Enrollment, enrollment_id)
    if hire is not None and current_user.role is Role.NEW_HIRE and hire.hire.user_id == current_user.id:
        return redirect(url_for("dashboard.home"))
    return render_checklist(enrollment_id, "onboarding/enrolment.html")


@bp.route("/enrolments/<int:enrollment_id>/mentor", methods=["POST"])
@roles_required(Role.HR, Role.ADMIN)
def set_mentor(enrollment_id: int):
    """HR chooses or changes the new hire's mentor."""
    if db.session.get(Enrollment, enrollment_id) is None:
        abort(404)
    form = MentorForm(prefix="mentor")
    form.mentor_id.choices = options([(0, _("No mentor")), *mentor_choices(db.session)])
    if form.validate():
        try:
            enrollment = service.set_mentor(db.session, enrollment_id, form.mentor_id.data or None, current_user)
        except DomainError as error:
            db.session.rollback()
            form.mentor_id.errors = [*form.mentor_id.errors, error.message]
            return render_checklist(enrollment_id, "onboarding/enrolment.html", {("mentor", None): form},
                                    error.status)
        db.session.commit()
        mentor = enrollment.hire.mentor
        flash(_("%(mentor)s is now the mentor of %(name)s.", mentor=mentor.name, name=enrollment.hire.user.name)
              if mentor is not None else _("%(name)s has no mentor now.", name=enrollment.hire.user.name), "success")
        return redirect(url_for(".enrolment", enrollment_id=enrollment_id))
    return render_checklist(enrollment_id, "onboarding/enrolment.html", {("mentor", None): form}, 400)


def _back(task):
    if task.enrollment.hire.user_id == current_user.id:
        return redirect(url_for("dashboard.home", _anchor=f"task-{task.id}"))
    return redirect(url_for(".enrolment", enrollment_id=task.enrollment_id, _anchor=f"task-{task.id}"))


def _retry(task, kind: str, form, error: DomainError | None = None):
    """Show the page again with the form's errors next to its fields and what was typed kept."""
    if error is not None:
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "error")
    status = error.status if error is not None else 400
    if task.enrollment.hire.user_id == current_user.id:
        return render_checklist(task.enrollment_id, "dashboard/new_hire.html", {(kind, task.id): form}, status,
                                onboarding=True, offer=None)
    return render_checklist(task.enrollment_id, "onboarding/enrolment.html", {(kind, task.id): form}, status)


def _task_or_404(task_id: int):
    try:
        return service.load_task(db.session, task_id)
    except DomainError:
        abort(404)


@bp.route("/tasks/<int:task_id>/tick", methods=["POST"])
@roles_required(*ANY_ROLE)
def tick(task_id: int):
    """Mark a task done."""
    task = _task_or_404(task_id)
    form = TickForm(prefix=f"tick{task_id}")
    if not service.may_tick(current_user, task):
        abort(403)
    if not form.validate():
        return _retry(task, "tick", form)
    try:
        service.tick(db.session, task_id, current_user, form.note.data or "", today())
    except DomainError as error:
        db.session.rollback()
        return _retry(task, "tick", form, error)
    graduated = task.enrollment.completed_on is not None
    db.session.commit()
    flash(_("Done: %(title)s.", title=task.title) + (" " + _("The programme is complete.") if graduated else ""),
          "success")
    return _back(task)


@bp.route("/tasks/<int:task_id>/untick", methods=["POST"])
@roles_required(*ANY_ROLE)
def untick(task_id: int):
    """Undo a tick that nobody has signed off."""
    task = _task_or_404(task_id)
    try:
        service.untick(db.session, task_id, current_user)
    except DomainError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        flash(error.message, "error")
        return _back(task)
    db.session.commit()
    flash(_("Not done yet: %(title)s.", title=task.title), "info")
    return _back(task)


@bp.route("/tasks/<int:task_id>/sign-off", methods=["POST"])
@roles_required(*MENTORS)
def sign_off(task_id: int):
    """Sign off a done task."""
    task = _task_or_404(task_id)
    try:
        service.sign_off(db.session, task_id, current_user, today())
    except DomainError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        flash(error.message, "error")
        return _back(task)
    graduated = task.enrollment.completed_on is not None
    db.session.commit()
    flash(_("Signed off: %(title)s.", title=task.title)
          + (" " + _("%(name)s has graduated.", name=task.enrollment.hire.user.name) if graduated else ""), "success")
    return _back(task)


@bp.route("/tasks/<int:task_id>/send-back", methods=["POST"])
@roles_required(*MENTORS)
def send_back(task_id: int):
    """Send a done task back with a comment."""
    task = _task_or_404(task_id)
    if not service.may_sign_off(current_user, task):
        abort(403)
    form = SendBackForm(prefix=f"send_back{task_id}")
    if not form.validate():
        return _retry(task, "send_back", form)
    try:
        service.send_back(db.session, task_id, current_user, form.comment.data)
    except DomainError as error:
        db.session.rollback()
        return _retry(task, "send_back", form, error)
    db.session.commit()
    flash(_("Sent back: %(title)s.", title=task.title), "info")
    return _back(task)


@bp.route("/tasks/<int:task_id>/reopen", methods=["POST"])
@roles_required(Role.HR, Role.ADMIN)
def reopen(task_id: int):
    """HR reopens a signed-off task, with a reason."""
    task = _task_or_404(task_id)
    form = ReopenForm(prefix=f"reopen{task_id}")
    if not form.validate():
        return _retry(task, "reopen", form)
    try:
        service.reopen(db.session, task_id, current_user, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        return _retry(task, "reopen", form, error)
    db.session.commit()
    flash(_("Reopened: %(title)s.", title=task.title), "info")
    return _back(task)


def my_enrollment_id(user_id: int) -> int | None:
    """The signed-in new hire's enrolment id."""
    return db.session.scalar(
        db.select(Enrollment.id).join(Hire, Enrollment.hire_id == Hire.id).where(Hire.user_id == user_id))


from hiring.onboarding import values_review_views  # noqa: E402,F401 - the week-5 values review's routes
