"""Jobs pages (admin, hr, recruiter): the list, a job's pipeline, the form with its requirements, and the job's own
questions on the careers site's application form."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import RECRUITING, roles_required
from hiring.bounds import page_number, to_int
from hiring.careers.queries import is_public
from hiring.errors import DomainError, NotFound
from hiring.extensions import db
from hiring.forms import options
from hiring.forms.jobs import MAX_REQUIREMENTS, ChangeQuestionForm, JobForm, NewQuestionForm
from hiring.jobs import board as job_board
from hiring.jobs import questions, service
from hiring.labels import STAGE_LABELS
from hiring.models import Application, Job, Stage
from hiring.pipeline import service as pipeline_service
from hiring.paging import list_page

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
JOBS_PER_PAGE = 25
APPLICATIONS_PER_PAGE = 50
STATUSES = ("all", "open", "closed")
OPEN_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION)


@bp.route("/")
@roles_required(*RECRUITING)
def index():
    """Jobs with their applications per open stage; open ones first, filtered by ?status=."""
    status = request.args.get("status", "all")
    status = status if status in STATUSES else "all"
    page = db.paginate(service.job_list(status), page=page_number(JOBS_PER_PAGE), per_page=JOBS_PER_PAGE, max_per_page=JOBS_PER_PAGE, error_out=False)
    counts = service.stage_counts(db.session, [j.id for j in page.items])
    return render_template("jobs/index.html", page=page, counts=counts, status=status, open_stages=OPEN_STAGES)


@bp.route("/<int:job_id>")
@roles_required(*RECRUITING)
def show(job_id: int):
    """A job's pipeline: how many applications in each stage, and the applications, best first."""
    return _render_show(job_id)


@bp.route("/<int:job_id>/board")
@roles_required(*RECRUITING)
def board(job_id: int):
    """The job's board: a column per open stage, the best applications first, each card with its next step."""
    job = service.load_job(db.session, job_id)
    if job is None:
        abort(404)
    return render_template("jobs/board.html", job=job, columns=job_board.board(db.session, job_id),
                           next_step=job_board.next_step, per_column=job_board.CARDS_PER_COLUMN)


@bp.route("/<int:job_id>/board/move", methods=["POST"])
@roles_required(*RECRUITING)
def board_move(job_id: int):
    """A card's move to its next stage (the button, or a drag to the next column): no typed reason is needed
    for the usual forward move. Refused moves come back as a message naming the candidate; nothing moves."""
    job = db.session.get(Job, job_id)
    application = db.session.get(Application, to_int(request.form.get("application_id")) or 0)
    if job is None or application is None or application.job_id != job_id:
        abort(404)
    target = request.form.get("to_stage", "")
    expected = request.form.get("expected_stage", "")
    if target not in Stage._value2member_map_:
        abort(400)
    try:
        pipeline_service.move_application(
            db.session, application.id, to_stage=Stage(target), reason="", actor_id=current_user.id,
            expected_stage=Stage(expected) if expected in Stage._value2member_map_ else None)
    except DomainError as error:
        db.session.rollback()
        flash(_("%(name)s did not move: %(why)s", name=application.candidate.name, why=error.message), "error")
    else:
        db.session.commit()
        flash(_("%(name)s moved to %(stage)s.", name=application.candidate.name,
                stage=STAGE_LABELS[Stage(target)]), "success")
    return redirect(url_for(".board", job_id=job_id, _anchor=f"card-{application.id}"))


def _render_show(job_id: int, bound: dict | None = None, status: int = 200):
    """The job's page; `bound` holds a question form that came back with errors, keyed by its question's id
    (None for the form that adds one)."""
    job = service.load_job(db.session, job_id)
    if job is None:
        abort(404)
    stage = request.args.get("stage", "")
    stage = Stage(stage) if stage in Stage._value2member_map_ else None
    rows, count = service.job_applications(job_id, stage)
    page = list_page(db.session, rows, count, per_page=APPLICATIONS_PER_PAGE)
    asked = questions.questions_page(db.session, job_id)
    bound = bound or {}
    question_forms = {q.id: bound.get(q.id) or ChangeQuestionForm(formdata=None, obj=q, prefix=f"q{q.id}")
                      for q in asked.active}
    new_form = bound.get(None) or NewQuestionForm(formdata=None, prefix="new-question")
    return render_template("jobs/show.html", job=job, page=page, stage=stage, stages=list(Stage),
                           counts=service.stage_counts(db.session, [job_id])[job_id], public=is_public(job),
                           questions=asked, question_forms=question_forms, new_question=new_form,
                           question_limit=questions.limit_text()), status


def _form_page(job: Job | None):
    """Show the form, add a row to it, or save it; on any error the form comes back as typed, with the message."""
    form = JobForm(obj=job) if job is not None and request.method == "GET" else JobForm()
    keep = job.hiring_manager_id if job is not None else None
    form.hiring_manager_id.choices = options([(0, _("No hiring manager")),
                                              *service.manager_choices(db.session, keep=keep)])
    status = 200
    if request.method == "POST" and form.add_requirement.data:
        # Nothing is saved: the same form comes back with one more empty row.
        if not form.add_row():
            flash(_("A job can have at most %(n)d requirements.", n=MAX_REQUIREMENTS), "error")
    elif form.validate_on_submit():
        try:
            saved = service.save_job(db.session, job.id if job else None, form.to_input(), actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            if not form.show_error(error):
                flash(error.message, "error")
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved: %(title)s.", title=saved.title), "success")
            return redirect(url_for(".show", job_id=saved.id))
    elif request.method == "POST":
        status = 400
    rated = {str(i) for i in service.rated_requirement_ids(db.session, job.id)} if job is not None else set()
    return render_template("jobs/form.html", form=form, job=job, rated=rated), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def new():
    """Create an opening."""
    return _form_page(None)


@bp.route("/<int:job_id>/edit", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def edit(job_id: int):
    """Edit an opening and its requirements."""
    job = service.load_job(db.session, job_id)
    if job is None:
        abort(404)
    return _form_page(job)


# --- the job's own questions on the application form (hiring/jobs/questions.py) -------------------------------

def _question_done(job_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", job_id=job_id, _anchor="questions"))


def _question_refused(job_id: int, question_id: int | None, form, error: DomainError):
    """The job page again with the form as typed and the message beside its field; an unknown question is 404."""
    db.session.rollback()
    if isinstance(error, NotFound):
        abort(404)
    if not form.show_error(error):
        flash(error.message, "error")
    return _render_show(job_id, {question_id: form}, status=error.status)


@bp.route("/<int:job_id>/questions", methods=["POST"])
@roles_required(*RECRUITING)
def add_question(job_id: int):
    """Ask one more question on the job's application form."""
    if db.session.get(Job, job_id) is None:
        abort(404)
    form = NewQuestionForm(prefix="new-question")
    if not form.validate():
        return _render_show(job_id, {None: form}, status=400)
    try:
        questions.add_question(db.session, job_id, text=form.text.data, hint=form.hint.data or "",
                               actor_id=current_user.id)
    except DomainError as error:
        return _question_refused(job_id, None, form, error)
    return _question_done(job_id, _("The question was added to the application form."))


@bp.route("/<int:job_id>/questions/change", methods=["POST"])
@roles_required(*RECRUITING)
def change_question(job_id: int):
    """Reword, move or remove one of the job's questions (its id in the form, like pipeline.delete_file's, so
    that the form-fuzzing suite can build the address: unknown, retired or another job's is 404)."""
    if db.session.get(Job, job_id) is None:
        abort(404)
    question_id = to_int(request.form.get("question_id"), low=1)
    if question_id is None:
        abort(404)
    form = ChangeQuestionForm(prefix=f"q{question_id}")
    try:
        questions.question_of(db.session, job_id, question_id)
        if form.up.data or form.down.data:
            questions.move_question(db.session, job_id, question_id, questions.UP if form.up.data else questions.DOWN,
                                    actor_id=current_user.id)
            return _question_done(job_id, _("The question was moved."))
        if form.remove.data:
            retired = questions.remove_question(db.session, job_id, question_id, actor_id=current_user.id)
            return _question_done(job_id, _("The question is no longer asked; its answers are kept.") if retired
                                  else _("The question was removed."))
        if not form.validate():
            return _render_show(job_id, {question_id: form}, status=400)
        questions.edit_question(db.session, job_id, question_id, text=form.text.data, hint=form.hint.data or "",
                                actor_id=current_user.id)
    except DomainError as error:
        return _question_refused(job_id, question_id, form, error)
    return _question_done(job_id, _("The question was saved."))
