"""Pipeline pages: the candidate list, adding and importing candidates, the candidate page with its stage
moves, interviewer assignments and files, and the application page interviewers prepare from."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hiring import files
from hiring.auth.roles import RECRUITING, public, roles_required
from hiring.auth.tokens import make_set_password_token
from hiring.bounds import query_int, to_int
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms import options
from hiring.forms.pipeline import (
    AssignForm,
    BulkMoveForm,
    CandidateFileForm,
    CandidateForm,
    ImportForm,
    MoveForm,
    SelfIdentificationForm,
)
from hiring.interviews.service import may_see_all
from hiring.jobs import questions as job_questions
from hiring.models import (
    Application,
    Candidate,
    FileKind,
    GateResult,
    InterviewKind,
    Job,
    JobStatus,
    Role,
    Stage,
)
from hiring.paging import keyset_page
from hiring.i18n import LANGUAGE_NAMES
from hiring.pipeline import bulk, duplicates, files_service, queries, rejection, rejection_reasons, selfid, service
from hiring.pipeline import importing
from hiring.pipeline.importing import ImportRejected, import_candidates
from hiring.pipeline.hire import what_happens_next
from hiring.labels import STAGE_LABELS
from hiring.pipeline.stages import OPEN_STAGES, moves_offered
from hiring.scoring.model import load_report
from hiring.scoring.retention_service import predicted_retention
from hiring.scoring.service import gate_uncertainty

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")

PER_PAGE = 50
INTERVIEWERS = (*RECRUITING, Role.INTERVIEWER)


def _job_choices(open_only: bool = True) -> list[tuple[int, str]]:
    stmt = sa.select(Job.id, Job.title).order_by(Job.title)
    if open_only:
        stmt = stmt.where(Job.status == JobStatus.OPEN)
    return list(db.session.execute(stmt).all())


def _field_error(form, error: DomainError) -> None:
    """Show a domain error next to its field, or above the form when it names none."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


# The list's own query arguments: a bulk move keeps them, so that it comes back to the same page of the same list.
LIST_ARGS = ("q", "job", "stage", "sort", "page", "after", "before")


def _list_args() -> dict[str, str]:
    return {key: request.args[key] for key in LIST_ARGS if request.args.get(key)}


def _bulk_form() -> BulkMoveForm:
    """The list's bulk move form: the request's when it is a POST, empty on the page's GET."""
    form = BulkMoveForm()
    form.to_stage.choices = options([("", _("Choose a stage")), *bulk.stage_choices()])
    form.rejection_reason_id.choices = options([(0, _("Choose a reason")), *rejection_reasons.choices(db.session)])
    return form


def _render_list(form: BulkMoveForm | None = None, refused: bulk.BulkRefused | None = None, status: int = 200):
    """The candidate list for the query arguments of the request, with the bulk form (as posted, its ticked boxes
    kept, when it came back with errors) and the applications a bulk move refused."""
    q = request.args.get("q", "").strip()
    job_id = query_int("job")
    stage = request.args.get("stage", "")
    stage = Stage(stage) if stage in Stage._value2member_map_ else None
    sort = request.args.get("sort", "newest")
    sort = sort if sort in queries.SORTS else "newest"
    page = keyset_page(db.session, queries.application_list(db.session, q, job_id, stage, sort), per_page=PER_PAGE)
    form = form or _bulk_form()
    return render_template("pipeline/candidates.html", page=page, q=q, job_id=job_id, stage=stage, sort=sort,
                           jobs=_job_choices(open_only=False), stages=list(Stage), sorts=queries.SORT_LABELS,
                           in_documents=queries.found_in_documents(q, [row.candidate for row in page.items]),
                           bulk_form=form, picked=set(form.selected_ids()), refused=refused,
                           list_args=_list_args(), max_selected=bulk.MAX_SELECTED), status


@bp.route("/")
@roles_required(*RECRUITING)
def candidates():
    """All applications, one row each: searched by name, e-mail or documents' words, filtered by job and
    stage, sorted; ticked ones are moved or rejected together (bulk_move)."""
    return _render_list()


def _expected_stages(ids: list[int]) -> dict[int, Stage]:
    """The stage the list showed for each chosen application (its hidden seen-<id> field)."""
    shown = {i: request.form.get(f"seen-{i}", "") for i in ids}
    return {i: Stage(value) for i, value in shown.items() if value in Stage._value2member_map_}


@bp.route("/applications/bulk", methods=["POST"])
@roles_required(*RECRUITING)
def bulk_move():
    """Move the ticked applications to a stage, or reject them with a coded reason: all of them or none, then
    back to the same page of the list. Refusals come back on the list, each naming its candidate."""
    form = _bulk_form()
    refused, status = None, 400
    if form.malformed():
        form.application_id.errors = [_("Some of the chosen applications do not exist; nothing was changed. "
                                        "Reload the list and choose again.")]
        status = 404
    elif form.validate_on_submit():
        ids, target = form.selected_ids(), form.to_stage.data
        try:
            if form.reject.data:
                result = bulk.bulk_reject(
                    db.session, ids, form.rejection_reason_id.data, actor_id=current_user.id,
                    note=form.note.data or "", notify_candidates=form.notify.data, expected=_expected_stages(ids))
            else:
                result = bulk.bulk_move(db.session, ids, Stage(target) if target in Stage._value2member_map_ else None,
                                        actor_id=current_user.id, expected=_expected_stages(ids))
        except bulk.BulkRefused as error:
            db.session.rollback()
            refused, status = error, error.status
        except DomainError as error:
            db.session.rollback()
            _field_error(form, error)
            status = error.status
        else:
            db.session.commit()
            for message in bulk.done_messages(result):
                flash(message, "success")
            return redirect(url_for(".candidates", **_list_args()))
    return _render_list(form, refused, status)


@bp.route("/candidates/new", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def new_candidate():
    """Add a candidate and their application; a known e-mail adds the application to the same person."""
    form = CandidateForm()
    form.job_id.choices = options([(0, _("Choose a job")), *_job_choices()])
    if request.method == "GET" and query_int("job"):
        form.job_id.data = query_int("job")
    status = 200
    if form.validate_on_submit():
        try:
            application = service.add_candidate(
                db.session, name=form.name.data, email=form.email.data, phone=form.phone.data,
                source=form.source.data, job_id=form.job_id.data, actor_id=current_user.id,
                retention_consent=form.retention_consent.data)
        except DomainError as error:
            db.session.rollback()
            _field_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("%(name)s was added to %(title)s.", name=application.candidate.name,
                    title=application.job.title), "success")
            return redirect(url_for(".candidate", candidate_id=application.candidate_id))
    if form.errors and status == 200:
        status = 400
    return render_template("pipeline/candidate_form.html", form=form), status


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def import_file():
    """Import candidates from a CSV file: all rows or, when any row is wrong, none, with every problem shown."""
    form = ImportForm()
    rejected = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            summary = import_candidates(db.session, upload.read(), actor_id=current_user.id)
        except ImportRejected as error:
            db.session.rollback()
            rejected = error
        else:
            db.session.commit()
            flash(_("Imported %(n)d applications: %(new)d new candidates, %(known)d already known.",
                    n=summary.applications, new=summary.new_candidates, known=summary.recognised_candidates),
                  "success")
            return redirect(url_for(".candidates"))
    status = 400 if (form.errors or rejected) else 200
    return render_template("pipeline/import.html", form=form, rejected=rejected,
                           filename=getattr(form.file.data, "filename", None),
                           example_columns=[importing.column_label(c) for c in importing.EXAMPLE_COLUMNS]), status


def _stage_choices(stages) -> list:
    return options((s.value, STAGE_LABELS[s]) for s in stages)


def _offered(application: Application) -> list:
    return moves_offered(application.stage, application.gate_result is GateResult.PASSES)


def _move_form(application: Application, people: list, reasons: list, formdata=None) -> MoveForm:
    # Prefixed by application, so that each application's form on the page keeps its own fields.
    form = MoveForm(formdata=formdata, prefix=f"a{application.id}")
    form.to_stage.choices = _stage_choices(_offered(application))
    form.mentor_id.choices = options([(0, _("No mentor yet")), *people])
    form.rejection_reason_id.choices = options([(0, _("Choose a reason")), *reasons])
    if formdata is None:
        form.expected_stage.data = application.stage.value
    return form


def _assign_form(application: Application, people: list, formdata=None) -> AssignForm:
    form = AssignForm(formdata=formdata, prefix=f"i{application.id}")
    form.interviewer_id.choices = options([(0, _("Choose an interviewer")), *people])
    return form


def _file_form() -> CandidateFileForm:
    # The request's own form and files when it is a POST (Flask-WTF reads them), empty on the page's GET.
    form = CandidateFileForm(prefix="upload")
    form.file.description = _("PDF, Word (DOCX) or OpenDocument text (ODT), at most %(mb)d MB; the type is read "
                              "from the content, not from the name.",
                              mb=current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024))
    return form


def _render_candidate(candidate_id: int, bound: dict | None = None, status: int = 200):
    """The candidate page; `bound` holds a form that came back with errors, keyed by (kind, application id),
    the file form by ("file", None)."""
    data = queries.candidate_page(db.session, candidate_id)
    if data is None:
        abort(404)
    bound = bound or {}
    forms = {}
    open_applications = [a for a in data["applications"] if a.stage in OPEN_STAGES]
    people = service.interviewer_choices(db.session) if open_applications else []
    reasons = rejection_reasons.choices(db.session) if open_applications else []
    for application in open_applications:
        forms[application.id] = {
            "move": bound.get(("move", application.id)) or _move_form(application, people, reasons),
            "assign": bound.get(("assign", application.id)) or _assign_form(application, people),
        }
    links = {}
    if current_user.role in (Role.HR, Role.ADMIN):
        for application_id, hire in data["hires"].items():
            if hire.user is not None and hire.user.active and not hire.user.password_hash:
                links[application_id] = url_for("auth.set_password", token=make_set_password_token(hire.user),
                                                _external=True)
    folder = Path(current_app.instance_path)
    report = load_report(folder)
    predictions = predicted_retention(db.session, folder, [a.id for a in data["applications"]]) if report else {}
    return render_template("pipeline/candidate.html", forms=forms, set_password_links=links,
                           rejection_previews=rejection.previews(db.session, open_applications),
                           current_locale=str(get_locale()), language_names=LANGUAGE_NAMES,
                           predictions=predictions, model_report=report,
                           files=files_service.list_files(db.session, candidate_id),
                           answers=job_questions.answers_by_application(
                               db.session, [a.id for a in data["applications"]]),
                           file_form=bound.get(("file", None)) or _file_form(),
                           file_kind_labels=files_service.KIND_LABELS,
                           uncertainty=gate_uncertainty(db.session, data["applications"], data["assignments"]),
                           self_id=selfid.summary(db.session, candidate_id),
                           duplicate_notices=duplicates.notices(db.session, candidate_id),
                           duplicate_reasons=duplicates.REASON_LABELS, **data), status


@bp.route("/candidates/<int:candidate_id>")
@roles_required(*RECRUITING)
def candidate(candidate_id: int):
    """Everything about a candidate in one place, as a timeline; a merged-away one's leads to the kept one."""
    found = db.session.get(Candidate, candidate_id)  # the page's own look-up: the identity map keeps it
    kept_id = found.merged_into_id if found is not None else None
    if kept_id is not None:
        flash(_("This candidate was merged into the one shown here; the merge can still be undone."), "info")
        return redirect(url_for(".candidate", candidate_id=kept_id))
    return _render_candidate(candidate_id)


@bp.route("/candidates/<int:candidate_id>/files", methods=["POST"])
@roles_required(*RECRUITING)
def upload_file(candidate_id: int):
    """Add a document to the candidate: refused by its content, with the reason beside the field."""
    db.get_or_404(Candidate, candidate_id)
    form = _file_form()
    status = 400
    if form.validate_on_submit():
        upload = form.file.data
        try:
            files_service.add_file(db.session, candidate_id, stream=upload.stream, filename=upload.filename,
                                   kind=FileKind(form.kind.data), actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            _field_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("The file was added."), "success")
            return redirect(url_for(".candidate", candidate_id=candidate_id, _anchor="files"))
    return _render_candidate(candidate_id, {("file", None): form}, status=status)


@bp.route("/candidates/<int:candidate_id>/files/<int:file_id>")
@roles_required(*RECRUITING)
def download_file(candidate_id: int, file_id: int):
    """A candidate's file, always as an attachment under a name of ids, as the content was detected."""
    document = files_service.download(db.session, candidate_id, file_id)
    db.session.commit()  # end the read: the body is streamed a chunk at a time after this request's session
    # Never shown inline: a document opened in the site's origin could run script (a PDF's, an HTML page
    # that a browser sniffed); nosniff and the attachment disposition keep it a file to save.
    response = Response(files.stream(document.stored_file_id), mimetype=document.content_type, headers={
        "Content-Disposition": f'attachment; filename="{document.filename}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
    response.content_length = document.size
    return response


@bp.route("/candidates/<int:candidate_id>/files/delete", methods=["POST"])
@roles_required(*RECRUITING)
def delete_file(candidate_id: int):
    """Delete one of the candidate's files (its id in the form: unknown, or another candidate's, is 404).

    The id is a field rather than part of the address so that every form's address is built from ids the
    form-fuzzing suite knows (tests/test_fuzz_forms.py); it is checked as strictly as a path's."""
    db.get_or_404(Candidate, candidate_id)
    file_id = to_int(request.form.get("file_id"), low=1)
    if file_id is None:
        abort(404)
    files_service.delete_file(db.session, candidate_id, file_id, actor_id=current_user.id)
    db.session.commit()
    flash(_("The file was deleted."), "success")
    return redirect(url_for(".candidate", candidate_id=candidate_id, _anchor="files"))


@bp.route("/applications/<int:application_id>/move", methods=["POST"])
@roles_required(*RECRUITING)
def move(application_id: int):
    """Move an application to another stage; a refused move is explained next to the field."""
    application = db.get_or_404(Application, application_id)
    form = _move_form(application, service.interviewer_choices(db.session), rejection_reasons.choices(db.session),
                      request.form)
    # Any stage may be posted; the domain rule, not the select's choices, decides and explains.
    form.to_stage.choices = _stage_choices(Stage)
    status = 400
    if form.validate():
        expected = form.expected_stage.data
        try:
            service.move_application(
                db.session, application_id, to_stage=Stage(form.to_stage.data), reason=form.reason.data or "",
                expected_stage=Stage(expected) if expected in Stage._value2member_map_ else None,
                actor_id=current_user.id, start_date=form.start_date.data, mentor_id=form.mentor_id.data,
                rejection_reason_id=form.rejection_reason_id.data, notify_candidate=form.notify.data)
        except DomainError as error:
            db.session.rollback()
            _field_error(form, error)
            status = error.status
        else:
            db.session.commit()
            if Stage(form.to_stage.data) is Stage.HIRED:
                flash(what_happens_next(db.session, application), "success")
            else:
                flash(_("The application moved to %(stage)s.", stage=STAGE_LABELS[Stage(form.to_stage.data)]),
                      "success")
            if Stage(form.to_stage.data) is Stage.REJECTED and form.notify.data:
                flash(_("The rejection message to the candidate is on its way."), "success")
            return redirect(url_for(".candidate", candidate_id=application.candidate_id,
                                    _anchor=f"application-{application_id}"))
    form.to_stage.choices = _stage_choices(_offered(application)) or form.to_stage.choices
    return _render_candidate(application.candidate_id, {("move", application_id): form}, status=status)


@bp.route("/applications/<int:application_id>/assign", methods=["POST"])
@roles_required(*RECRUITING)
def assign(application_id: int):
    """Assign an interviewer to an application for one kind of interview."""
    application = db.get_or_404(Application, application_id)
    form = _assign_form(application, service.interviewer_choices(db.session), request.form)
    status = 400
    if form.validate():
        try:
            assignment = service.assign_interviewer(
                db.session, application_id, interviewer_id=form.interviewer_id.data,
                kind=InterviewKind(form.kind.data), actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            _field_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("%(name)s will do the interview.", name=assignment.interviewer.name), "success")
            return redirect(url_for(".candidate", candidate_id=application.candidate_id,
                                    _anchor=f"application-{application_id}"))
    return _render_candidate(application.candidate_id, {("assign", application_id): form}, status=status)


@bp.route("/applications/<int:application_id>")
@roles_required(*INTERVIEWERS)
def application(application_id: int):
    """What an interviewer prepares from: the job's requirements and the core values, with anchors and
    questions. Interviewers see only applications they are assigned to."""
    data = queries.application_page(db.session, application_id)
    if data is None:
        abort(404)
    mine = [a for a in data["assignments"] if a.interviewer_id == current_user.id]
    if current_user.role is Role.INTERVIEWER and not mine:
        abort(403)
    return render_template("pipeline/application.html", mine=mine,
                           may_compare=may_see_all(db.session, application_id, current_user), **data)


@bp.route("/candidates/<int:candidate_id>/self-identification", methods=["POST"])
@roles_required(*RECRUITING)
def send_self_identification(candidate_id: int):
    """E-mail the candidate their link to the voluntary form; staff never see the link itself."""
    candidate = db.get_or_404(Candidate, candidate_id)
    try:
        selfid.send_request(db.session, candidate, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".candidate", candidate_id=candidate_id) + "#self-identification", 303)
    db.session.commit()
    flash(_("The voluntary self-identification form was e-mailed to the candidate."), "success")
    return redirect(url_for(".candidate", candidate_id=candidate_id) + "#self-identification", 303)


@bp.route("/self-identification/<token>", methods=["GET", "POST"])
@public
def self_identification(token: str):
    """The candidate's own voluntary form; public, reached only through its signed link."""
    if selfid.is_void(token):  # the careers site's link for an e-mail known already: the same pages, kept
        form = SelfIdentificationForm()
        if form.validate_on_submit():
            return render_template("pipeline/self_identification.html", form=None, done=True, spent=False)
        return render_template("pipeline/self_identification.html", form=form, done=False), \
            400 if form.errors else 200
    candidate = selfid.read_token(db.session, token)
    if candidate is None or candidate.anonymised_at is not None:
        return render_template("pipeline/self_identification.html", form=None, done=False), 404
    if selfid.answered(db.session, candidate.id):
        # The link is spent: nobody else who holds it can replace the candidate's answers.
        return render_template("pipeline/self_identification.html", form=None, done=True,
                               spent=True), 409 if request.method == "POST" else 200
    form = SelfIdentificationForm()
    if form.validate_on_submit():
        selfid.record(db.session, candidate, declined=form.decline.data, gender=form.gender.data or None,
                      age_band=form.age_band.data or None)
        db.session.commit()
        return render_template("pipeline/self_identification.html", form=None, done=True, spent=False)
    return render_template("pipeline/self_identification.html", form=form, done=False), 400 if form.errors else 200
