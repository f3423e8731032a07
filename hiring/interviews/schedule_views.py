"""Scheduling pages of the recruiting roles: an assignment's date, time and place, and its cancellation (routes of
the interviews blueprint, registered when hiring/interviews/views.py imports this module)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import RECRUITING, roles_required
from hiring.clock import today
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.schedule import ScheduleForm, UnscheduleForm
from hiring.interviews import schedule, service
from hiring.interviews.views import bp


def _load(assignment_id: int):
    try:
        return service.load_assignment(db.session, assignment_id)
    except DomainError:
        abort(404)


def _initial(assignment) -> ScheduleForm:
    """The form as the assignment stands: its time in the zone it was arranged in, else empty in the company's."""
    form = ScheduleForm(formdata=None)
    zone = assignment.time_zone or current_app.config["COMPANY_TIMEZONE"]
    form.time_zone.data = zone
    form.duration_minutes.data = assignment.duration_minutes
    form.location.data, form.video_link.data = assignment.location, assignment.video_link
    form.send_invitations.data = True
    if assignment.scheduled_for is not None:
        local = assignment.scheduled_for.astimezone(ZoneInfo(zone))
        form.day.data, form.time.data = local.date(), local.time()
    return form


def _page(assignment, form: ScheduleForm, status: int = 200):
    unschedule_form = UnscheduleForm(formdata=None)
    unschedule_form.send_cancellations.data = True
    return render_template("interviews/schedule.html", assignment=assignment, form=form,
                           unschedule_form=unschedule_form, zones=sorted(schedule.zone_names()),
                           slot=schedule.slot_of(assignment)), status


def _back(assignment):
    return redirect(url_for("pipeline.candidate", candidate_id=assignment.application.candidate_id,
                            _anchor=f"application-{assignment.application_id}"))


@bp.route("/<int:assignment_id>/schedule", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def schedule_page(assignment_id: int):
    """Set or change an interview's date, time and place; invitations (or updates) go out when asked."""
    assignment = _load(assignment_id)
    form = ScheduleForm()
    if not form.is_submitted():
        return _page(assignment, _initial(assignment))
    if not form.validate():
        return _page(assignment, form, 400)
    try:
        slot = schedule.make_slot(day=form.day.data, clock=form.time.data, duration_minutes=form.duration_minutes.data,
                                  time_zone=form.time_zone.data, location=form.location.data,
                                  video_link=form.video_link.data, today=today())
        change = schedule.schedule(db.session, assignment.id, slot, actor_id=current_user.id,
                                   invite=form.send_invitations.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        target = getattr(form, error.field, None) if error.field else None
        if target is not None:
            target.errors = [*target.errors, error.message]
        else:
            flash(error.message, "error")
        return _page(_load(assignment_id), form, error.status)
    invited = form.send_invitations.data
    flash({schedule.SCHEDULED: _("The interview is scheduled; the invitations are on their way.") if invited
           else _("The interview is scheduled; no invitations were sent."),
           schedule.RESCHEDULED: _("The interview is moved; the updates are on their way.") if invited
           else _("The interview is moved; no updates were sent."),
           schedule.UNCHANGED: _("Nothing changed: the interview was already at that time and place.")}[change],
          "success")
    return _back(assignment)


@bp.route("/<int:assignment_id>/schedule/cancel", methods=["POST"])
@roles_required(*RECRUITING)
def unschedule(assignment_id: int):
    """Take an interview off the calendar, telling the candidate and the interviewer when asked."""
    assignment = _load(assignment_id)
    form = UnscheduleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        schedule.unschedule(db.session, assignment.id, actor_id=current_user.id, notify=form.send_cancellations.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        fresh = _load(assignment_id)
        return _page(fresh, _initial(fresh), error.status)
    flash(_("The interview is off the calendar; the cancellations are on their way.")
          if form.send_cancellations.data else _("The interview is off the calendar; nobody was told."), "success")
    return _back(assignment)
