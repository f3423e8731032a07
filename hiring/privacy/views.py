"""Privacy pages: the public privacy notice for candidates, consent on the candidate page, and a
candidate's access (JSON export) and erasure requests (those made on the careers site's status page are
listed for the privacy officer here; hiring/careers/status.py keeps them).

Roles: everyone reads the notice; the recruiting roles record consent (they talk to candidates); only HR
and admins export or erase, because both hand over or destroy a whole record at once.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from hiring.auth.roles import RECRUITING, may_use, public, roles_required
from hiring.careers import status as status_page
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.privacy import ConsentForm, EraseForm
from hiring.models import Candidate, Role, utcnow
from hiring.privacy import service

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

PRIVACY_OFFICERS = (Role.HR, Role.ADMIN)


class CloseRequestForm(FlaskForm):
    """The button that marks an erasure request handled: its CSRF token is all it carries."""


@bp.app_template_global()
def may_open(endpoint: str) -> bool:
    """Whether the signed-in user may use an endpoint, so that templates show only the buttons that work."""
    return current_user.is_authenticated and may_use(endpoint, current_user.role)


@bp.route("/")
@public
def notice():
    """The privacy notice for candidates: what is kept, why, for how long, and how to ask for it."""
    config = current_app.config
    return render_template("privacy/notice.html", company=config["COMPANY_NAME"],
                           days=config["PRIVACY_RETENTION_DAYS"], consent_days=config["PRIVACY_CONSENT_RETENTION_DAYS"],
                           contact=config.get("PRIVACY_CONTACT"))


@bp.route("/candidates/<int:candidate_id>/consent", methods=["POST"])
@roles_required(*RECRUITING)
def consent(candidate_id: int):
    """Record that the candidate gave or withdrew consent to be kept for future openings."""
    form = ConsentForm()
    if not form.validate_on_submit():
        return redirect(url_for("pipeline.candidate", candidate_id=candidate_id))
    given = form.retention_consent.data
    changed = service.change_consent(db.session, candidate_id, consent=given, actor_id=current_user.id,
                                     now=utcnow())
    db.session.commit()
    if changed:
        flash(_("Consent recorded: the candidate may be kept for future openings.") if given
              else _("Consent withdrawn: the candidate is kept only for the standard period."), "success")
    return redirect(url_for("pipeline.candidate", candidate_id=candidate_id, _anchor="privacy"))


@bp.route("/candidates/<int:candidate_id>/export", methods=["POST"])
@roles_required(*PRIVACY_OFFICERS)
def export(candidate_id: int):
    """Download everything held about a candidate as JSON (an access request); audited, so a POST."""
    data = service.export_data(db.session, candidate_id, actor_id=current_user.id, now=utcnow())
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="candidate-{candidate_id}.json"'})


@bp.route("/candidates/<int:candidate_id>/erase", methods=["GET", "POST"])
@roles_required(*PRIVACY_OFFICERS)
def erase(candidate_id: int):
    """Erase a candidate on their request, after confirmation with a reason; refused for a hired candidate."""
    candidate = db.get_or_404(Candidate, candidate_id)
    refusal = service.erase_refusal(db.session, candidate)
    form = EraseForm()
    status = 200
    if refusal is None and form.validate_on_submit():
        try:
            service.erase(db.session, candidate_id, reason=form.reason.data, actor_id=current_user.id, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            if error.field and hasattr(form, error.field):
                getattr(form, error.field).errors = [*getattr(form, error.field).errors, error.message]
            else:
                refusal = error.message
            status = error.status
        else:
            status_page.resolve_requests(db.session, candidate_id, actor_id=current_user.id, now=utcnow())
            db.session.commit()
            flash(_("The candidate's personal data was erased; their scores are kept without a name."), "success")
            return redirect(url_for("pipeline.candidate", candidate_id=candidate_id))
    if refusal is not None:
        return render_template("privacy/erase.html", candidate=candidate, form=None, refusal=refusal), 409
    if form.errors and status == 200:
        status = 400
    return render_template("privacy/erase.html", candidate=candidate, form=form, refusal=None,
                           open_applications=service.open_applications(db.session, candidate_id),
                           asked_at=status_page.open_request_at(db.session, candidate_id)), status


@bp.route("/erasure-requests")
@roles_required(*PRIVACY_OFFICERS)
def erasure_requests():
    """The open erasure requests candidates made on their status page, oldest first, for the officer to act on."""
    return render_template("privacy/erasure_requests.html", requests=status_page.pending_requests(db.session),
                           form=CloseRequestForm())


@bp.route("/erasure-requests/<int:request_id>/close", methods=["POST"])
@roles_required(*PRIVACY_OFFICERS)
def close_erasure_request(request_id: int):
    """Mark a request handled without erasing here (a legal hold, or erased already); audited."""
    if CloseRequestForm().validate_on_submit():
        status_page.close_request(db.session, request_id, actor_id=current_user.id, now=utcnow())
        db.session.commit()
        flash(_("The erasure request is marked as handled."), "success")
    return redirect(url_for(".erasure_requests"))
