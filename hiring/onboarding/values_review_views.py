"""The week-5 values review's pages: the mentor's review (HR's when there is no mentor) and the new hire's
self-assessment; routes of the onboarding blueprint (hiring/onboarding/views.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from hiring.auth.roles import ANY_ROLE, roles_required
from hiring.clock import today
from hiring.errors import Conflict, DomainError
from hiring.extensions import db
from hiring.forms.values_review import initial_data, review_form, to_answers, unknown_items
from hiring.models import ReviewKind, ReviewStatus
from hiring.onboarding import values_review as service
from hiring.onboarding.views import MENTORS, bp
from hiring.values import similarity_service


def _back(enrollment, kind: ReviewKind) -> str:
    if kind is ReviewKind.SELF:
        return url_for("dashboard.home", _anchor="values-review")
    return url_for(".enrolment", enrollment_id=enrollment.id, _anchor="values-review")


def _form(form, review, context: dict, status: int = 200):
    """The review's form, with the similarity notes of what is typed in its evidence (hiring/values/)."""
    texts = {f"evidence_{item.key}": form[f"evidence_{item.key}"].data for item in form.items}
    return render_template("onboarding/values_review.html", form=form, review=review, **context,
                           **similarity_service.form_context(db.session, texts)), status


def _page(enrollment_id: int, kind: ReviewKind):
    """The form, shown or posted: on any refusal it comes back with every typed value kept."""
    try:
        enrollment = service.load_enrollment(db.session, enrollment_id)
    except DomainError:
        abort(404)
    hire = enrollment.hire
    if not service.may_write(current_user, hire, kind):
        abort(403)  # also for a crafted POST
    self_assessment = kind is ReviewKind.SELF
    context = {"hire": hire, "enrollment": enrollment, "self_assessment": self_assessment,
               "back": _back(enrollment, kind),
               "heading": _("Your week-5 self-assessment") if self_assessment else _("Week-5 values review")}
    if not service.is_open(enrollment, today()):
        return render_template("onboarding/values_review.html", closed=service.not_open_message(enrollment),
                               form=None, review=None, **context), 409
    review = service.reviews(db.session, enrollment_id).get(kind)
    if review is not None and review.status is ReviewStatus.SUBMITTED:
        if request.method != "POST":
            flash(_("This review is submitted; it is shown below."), "info")
            return redirect(context["back"])
        abort(409)
    items = service.items_for(db.session, review)
    if request.method != "POST":
        form = review_form(items, self_assessment, data=initial_data(review))
        return _form(form, review, context)
    form = review_form(items, self_assessment)
    if unknown_items(request.form, items):
        flash(_("The form names core values that are not on this review. Nothing was saved; open the review "
                "again."), "error")
        return _form(form, review, context, 400)
    if not form.validate_on_submit():
        return _form(form, review, context, 400)
    submit = bool(form.submit.data)
    try:
        service.save(db.session, enrollment_id, kind, current_user, to_answers(form), submit=submit, today=today())
        db.session.commit()
    except (DomainError, IntegrityError) as error:
        db.session.rollback()
        # Another tab creating the same review first is a clash, like a second submit.
        if not isinstance(error, DomainError):
            error = Conflict(_("This review was saved elsewhere (another tab?) since you opened it. Nothing was "
                               "saved from this page; open the review again."))
        for name, message in getattr(error, "errors", {}).items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        flash(error.message, "error")
        return _form(form, review, context, error.status)
    if not submit:
        flash(_("Draft saved. You can come back to it at any time."), "success")
        return redirect(request.path)
    flash(_("The week-5 values review is submitted.") if not self_assessment
          else _("Your self-assessment is submitted."), "success")
    return redirect(context["back"])


@bp.route("/enrolments/<int:enrollment_id>/values-review", methods=["GET", "POST"])
@roles_required(*MENTORS)
def values_review(enrollment_id: int):
    """The mentor's week-5 values review of their new hire (HR's, when the new hire has no mentor)."""
    return _page(enrollment_id, ReviewKind.MENTOR)


@bp.route("/enrolments/<int:enrollment_id>/self-assessment", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def self_assessment(enrollment_id: int):
    """The new hire's own week-5 self-assessment (optional)."""
    return _page(enrollment_id, ReviewKind.SELF)
