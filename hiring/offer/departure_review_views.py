"""The departure reviews' pages: the list of reviews to write and written, the review form, and the values
false-positive figures; routes of The Offer's blueprint (hiring/offer/views.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from hiring import snapshots
from hiring.auth.roles import may_use, roles_required
from hiring.bounds import page_number
from hiring.errors import Conflict, DomainError
from hiring.extensions import db
from hiring.forms.departure_review import initial_data, review_form, to_typed, unknown_values
from hiring.models import CoreValue, DepartureReviewStatus, Role, User
from hiring.offer import departure_review as service
from hiring.offer import false_positive_figures
from hiring.offer.views import bp
from hiring.onboarding.views import MENTORS

TEMPLATE = "offer/departure_review.html"


@bp.app_template_global("departure_review_url")
def departure_review_url(hire) -> str | None:
    """The link to this hire's departure review, for the pages that show the hire: only when one is due and
    the reader may write or read it."""
    if not current_user.is_authenticated or not service.may_write(current_user, hire):
        return None
    if not service.is_due(hire.start_date, hire.end_date, hire.end_reason):
        return None
    return url_for("offer.departure_review", hire_id=hire.id)


@bp.route("/departure-reviews")
@roles_required(*MENTORS)
def departure_reviews():
    """Reviews due and written: HR sees every one, a mentor those of their own former new hires."""
    mine_only = current_user.role not in service.STAFF
    data = service.lists(db.session, mentor_id=current_user.id if mine_only else None,
                         due_page=page_number(service.PER_PAGE, "due_page"),
                         done_page=page_number(service.PER_PAGE, "page"))
    return render_template("offer/departure_reviews.html", mine_only=mine_only, **data)


def _context(hire, review) -> dict:
    values = service.values_for(db.session, review)
    dossier = (url_for("reports.dossier_page", application_id=hire.application_id)
               if may_use("reports.dossier_page", current_user.role) else None)
    onboarding = (url_for("onboarding.enrolment", enrollment_id=hire.enrollment.id)
                  if hire.enrollment is not None else None)
    return {"hire": hire, "review": review, "values": values, "dossier": dossier, "onboarding": onboarding,
            "means": service.interview_means(db.session, hire.application_id),
            "verdicts": {row.core_value_id: row for row in review.values} if review is not None else {}}


@bp.route("/departure-reviews/<int:hire_id>", methods=["GET", "POST"])
@roles_required(*MENTORS)
def departure_review(hire_id: int):
    """The departure review of one hire: a form until it is submitted, then the review as written."""
    try:
        hire = service.load_hire(db.session, hire_id)
        service.check_access(current_user, hire)
    except DomainError as error:
        abort(error.status)
    review = hire.departure_review
    context = _context(hire, review)
    if review is not None and review.status is DepartureReviewStatus.SUBMITTED:
        if request.method == "POST":
            abort(409)
        return render_template(TEMPLATE, form=None, **context)
    values = context["values"]
    if request.method != "POST":
        return render_template(TEMPLATE, form=review_form(values, data=initial_data(review)), **context)
    form = review_form(values)
    if unknown_values(request.form, values):
        flash(_("The form names core values that are not on this review. Nothing was saved; open the review "
                "again."), "error")
        return render_template(TEMPLATE, form=form, **context), 400
    if not form.validate_on_submit():
        return render_template(TEMPLATE, form=form, **context), 400
    submit = bool(form.submit.data)
    try:
        service.save(db.session, hire_id, current_user, to_typed(form), submit=submit)
        db.session.commit()
    except (DomainError, IntegrityError) as error:
        db.session.rollback()
        if not isinstance(error, DomainError):  # another tab created the review first
            error = Conflict(_("This review was saved elsewhere (another tab?) since you opened it. Nothing was "
                               "saved from this page; open the review again."))
        for name, message in getattr(error, "errors", {}).items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        flash(error.message, "error")
        return render_template(TEMPLATE, form=form, **_context(service.load_hire(db.session, hire_id),
                                                               hire.departure_review)), error.status
    if not submit:
        flash(_("Draft saved. You can come back to it at any time."), "success")
        return redirect(request.path)
    flash(_("The departure review is submitted. Thank you."), "success")
    return redirect(url_for(".departure_reviews"))


@bp.route("/values-false-positives")
@roles_required(Role.HR, Role.ADMIN)
def values_false_positives():
    """The values false-positive rate by core value and by interviewer, with exact intervals and n."""
    figures = false_positive_figures.figures()
    if not figures.ready:
        return snapshots.pending_page(_("Values false positives"))
    data = figures.value
    value_names = dict(db.session.execute(db.select(CoreValue.id, CoreValue.name)
                                          .where(CoreValue.id.in_(list(data["by_value"])))).all())
    people = dict(db.session.execute(db.select(User.id, User.name)
                                     .where(User.id.in_(list(data["by_interviewer"])))).all())
    by_value = sorted(((value_names.get(i, "?"), p) for i, p in data["by_value"].items()),
                      key=lambda row: (-(row[1].rate or 0), -row[1].n, row[0]))
    by_interviewer = sorted(((people.get(i, "?"), p) for i, p in data["by_interviewer"].items()),
                            key=lambda row: (-row[1].n, row[0]))
    return render_template("offer/values_false_positives.html", figures=figures, by_value=by_value,
                           by_interviewer=by_interviewer, overall=data["overall"], reviews=data["reviews"],
                           floor=data["floor"])
