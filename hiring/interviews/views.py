"""Interview pages: the scorecard form (draft, submit, amend), a submitted scorecard, and the side-by-side
comparison of an application's scorecards."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hiring.auth.roles import RECRUITING, roles_required
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.interview import initial_data, scorecard_form, to_input, unknown_items
from hiring.interviews import comparison, service
from hiring.models import Application, InterviewKind, Role, ScorecardStatus
from hiring.values import similarity_service

bp = Blueprint("interviews", __name__, url_prefix="/interviews")
STAFF_AND_INTERVIEWERS = (*RECRUITING, Role.INTERVIEWER)


def _assignment(assignment_id: int, *, own: bool):
    try:
        assignment = service.load_assignment(db.session, assignment_id)
    except DomainError:
        abort(404)
    if own and assignment.interviewer_id != current_user.id:
        abort(403)  # also for a crafted POST: only the assigned interviewer fills in
    return assignment


def _is_submitted(assignment) -> bool:
    return assignment.scorecard is not None and assignment.scorecard.status is ScorecardStatus.SUBMITTED


def _form_page(form, assignment, status: int = 200):
    """The scorecard form, with the similarity notes of what is typed in its values' evidence and veto."""
    texts = {f"evidence_{item.key}": form[f"evidence_{item.key}"].data for item in form.items if item.kind == "v"}
    if form.with_veto:
        texts["veto_reason"] = form.veto_reason.data
    return render_template("interviews/form.html", form=form, assignment=assignment,
                           **similarity_service.form_context(db.session, texts)), status


def _fill_in(assignment, *, amend: bool):
    """The form, shown or posted: on any refusal it comes back with every typed value kept."""
    items = service.items_for(db.session, assignment)
    with_veto = assignment.kind is InterviewKind.VALUES
    if request.method != "POST":
        form = scorecard_form(items, with_veto, amend, data=initial_data(assignment.scorecard))
        return _form_page(form, assignment)
    form = scorecard_form(items, with_veto, amend)
    if unknown_items(request.form, items):
        raise DomainError(_("The form names items that are not on this scorecard. Nothing was saved; open the "
                            "scorecard again."))
    if not form.validate_on_submit():
        return _form_page(form, assignment, 400)
    submit = bool(form.submit.data)
    try:
        if amend:
            service.amend(db.session, assignment, current_user, to_input(form), reason=form.amend_reason.data or "",
                          version=form.version.data)
        else:
            service.save(db.session, assignment, current_user, to_input(form), submit=submit,
                         version=form.version.data)
        db.session.commit()
    except (DomainError, StaleDataError, IntegrityError) as error:
        db.session.rollback()
        # A stale version at flush, or a second tab creating the same scorecard first: both are a stale save.
        error = error if isinstance(error, DomainError) else service.stale()
        for name, message in getattr(error, "errors", {}).items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        flash(error.message, "error")
        return _form_page(form, assignment, error.status)
    if amend:
        flash(_("Your scorecard is amended; the earlier version is kept."), "success")
    elif submit:
        flash(_("Your scorecard is submitted. You can now see the other interviewers' scorecards."), "success")
    else:
        flash(_("Draft saved. You can come back to it at any time."), "success")
        return redirect(url_for(".scorecard", assignment_id=assignment.id))
    return redirect(url_for(".view", assignment_id=assignment.id))


@bp.route("/<int:assignment_id>/scorecard", methods=["GET", "POST"])
@roles_required(Role.INTERVIEWER, *RECRUITING)
def scorecard(assignment_id: int):
    """Fill in a scorecard: save a draft as often as needed, then submit."""
    assignment = _assignment(assignment_id, own=True)
    if request.method == "GET" and _is_submitted(assignment):
        return redirect(url_for(".view", assignment_id=assignment_id))
    return _fill_in(assignment, amend=False)


@bp.route("/<int:assignment_id>/scorecard/amend", methods=["GET", "POST"])
@roles_required(Role.INTERVIEWER, *RECRUITING)
def amend(assignment_id: int):
    """Amend a submitted scorecard, with a reason; the earlier version is kept."""
    assignment = _assignment(assignment_id, own=True)
    if not _is_submitted(assignment):
        return redirect(url_for(".scorecard", assignment_id=assignment_id))
    return _fill_in(assignment, amend=True)


@bp.route("/<int:assignment_id>/scorecard/view")
@roles_required(*STAFF_AND_INTERVIEWERS)
def view(assignment_id: int):
    """A submitted scorecard, read-only, with its amendment history."""
    assignment = _assignment(assignment_id, own=False)
    own = assignment.interviewer_id == current_user.id
    if own and not _is_submitted(assignment):
        return redirect(url_for(".scorecard", assignment_id=assignment_id))
    if not own and not service.may_see_all(db.session, assignment.application_id, current_user):
        abort(403)
    if not _is_submitted(assignment):
        abort(404)  # drafts are their author's alone
    card = assignment.scorecard
    # The author's own note of evidence that speaks of likeness (the list read only when some does).
    similar = (similarity_service.hints(similarity_service.matcher(db.session),
                                        {f"v{r.core_value_id}": r.evidence for r in card.ratings if r.core_value_id})
               if own and card.similarity_flags else {})
    return render_template("interviews/view.html", assignment=assignment, card=card,
                           items=service.items_for(db.session, assignment), own=own, similar=similar)


@bp.route("/applications/<int:application_id>/compare")
@roles_required(*STAFF_AND_INTERVIEWERS)
def compare(application_id: int):
    """The application's submitted scorecards side by side: items in rows, interviewers in columns."""
    application = db.get_or_404(Application, application_id)
    if not service.may_see_all(db.session, application_id, current_user):
        abort(403)
    cards = service.visible_scorecards(db.session, application, current_user)
    return render_template("interviews/compare.html", **comparison.side_by_side(db.session, application_id, cards))


from hiring.interviews import schedule_views  # noqa: E402,F401 - the scheduling routes of this blueprint
