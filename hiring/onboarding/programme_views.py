"""The programme editor (admin, hr): the five weeks and their tasks."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import roles_required
from hiring.bounds import query_int
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.onboarding import OWNER_LABELS, SIGN_OFF_LABELS, ProgrammeTaskForm
from hiring.models import WEEKS, ProgrammeTask, Role, SignOff, TaskOwner
from hiring.onboarding import programme

bp = Blueprint("programme", __name__, url_prefix="/onboarding/programme")
EDITORS = (Role.ADMIN, Role.HR)


def _values(form: ProgrammeTaskForm) -> dict:
    return {"week": form.week.data, "title": form.title.data, "description": form.description.data or "",
            "owner": TaskOwner(form.owner.data), "required": form.required.data,
            "sign_off": SignOff(form.sign_off.data)}


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """The programme by week, with a form to add a task."""
    form = ProgrammeTaskForm(week=query_int("week", 1, low=1, high=WEEKS))
    return render_template("onboarding/programme.html", weeks=programme.programme(db.session), form=form,
                           owner_labels=OWNER_LABELS, sign_off_labels=SIGN_OFF_LABELS)


@bp.route("/tasks", methods=["POST"])
@roles_required(*EDITORS)
def add():
    """Add a task to the programme."""
    form = ProgrammeTaskForm()
    status = 400
    if form.validate():
        try:
            task = programme.add_task(db.session, **_values(form), actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("Added to week %(week)d: %(title)s.", week=task.week, title=task.title), "success")
            return redirect(url_for(".index", _anchor=f"week-{task.week}"))
    return render_template("onboarding/programme.html", weeks=programme.programme(db.session), form=form,
                           owner_labels=OWNER_LABELS, sign_off_labels=SIGN_OFF_LABELS), status


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(task_id: int):
    """Change a task; new hires already enrolled keep the task as it was."""
    task = db.get_or_404(ProgrammeTask, task_id)
    form = ProgrammeTaskForm(obj=task)
    if request.method == "GET":
        form.owner.data, form.sign_off.data = task.owner.value, task.sign_off.value
    status = 200
    if form.validate_on_submit():
        try:
            programme.update_task(db.session, task_id, **_values(form), actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved. New hires enrolled from now on get the change; those already enrolled keep "
                    "their tasks as they were."), "success")
            return redirect(url_for(".index", _anchor=f"week-{form.week.data}"))
    if form.errors and status == 200:
        status = 400
    return render_template("onboarding/programme_task.html", form=form, task=task), status


@bp.route("/tasks/<int:task_id>/retire", methods=["POST"])
@roles_required(*EDITORS)
def retire(task_id: int):
    """Take a task out of the programme."""
    db.get_or_404(ProgrammeTask, task_id)
    try:
        task = programme.retire_task(db.session, task_id, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("Taken out of the programme: %(title)s.", title=task.title), "info")
    return redirect(url_for(".index", _anchor=f"week-{task.week}"))


@bp.route("/tasks/<int:task_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move(task_id: int):
    """Move a task up or down within its week."""
    db.get_or_404(ProgrammeTask, task_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        flash(_("Choose up or down."), "error")
        return redirect(url_for(".index"))
    task = programme.move_task(db.session, task_id, direction, actor_id=current_user.id)
    db.session.commit()
    return redirect(url_for(".index", _anchor=f"task-{task.id}"))


@bp.route("/default", methods=["POST"])
@roles_required(*EDITORS)
def load_default():
    """Start from the default five-week programme."""
    try:
        added = programme.load_default(db.session, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The default programme is in place with %(n)d tasks; change it as you like.", n=added), "success")
    return redirect(url_for(".index"))
