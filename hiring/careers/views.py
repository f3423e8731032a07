"""The public careers site (no sign-in): the published open jobs and each job's page, in English and Dutch.

Every page here is public (hiring.auth.roles.public) and reads only through careers/queries.py, which shows
candidates nothing but what a recruiter published. The visitor's language follows ?lang= (remembered in a
cookie, hiring/i18n.py), else the browser's. The brand colour comes as a stylesheet of its own (theme) rather
than in a style attribute, which the Content-Security-Policy (style-src 'self') would block.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _

from hiring import clock
from hiring.auth.roles import public
from hiring.careers import applying, queries
from hiring.careers import status as status_page  # not `status`: apply() has a local of that name
from hiring.careers.jsonld import job_posting, script_json
from hiring.careers.status_views import bp as status_bp
from hiring.errorpages import MESSAGES, too_large_message
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.careers import apply_form_for
from hiring.i18n import LANGUAGE_NAMES, remember_choice
from hiring.jobs import questions as job_questions
from hiring.models.job_questions import ANSWER_LENGTH
from hiring.paging import list_page
from hiring.pipeline import selfid

bp = Blueprint("careers", __name__, url_prefix="/careers")
bp.after_request(remember_choice)
bp.register_blueprint(status_bp)  # the candidate's status page: careers.status.*, in this layout
JOBS_PER_PAGE = 20
THEME_SECONDS = 3600  # the colour changes only with the settings; an hour's cache spares a request per page
APPLIED = "careers_applied"  # the session's note of the last application, for its confirmation page


@bp.context_processor
def brand() -> dict:
    """What the careers layout needs: the site's name, the logo's address and the languages for the switch."""
    config = current_app.config
    logo = config["COMPANY_LOGO_URL"]
    if logo and not logo.startswith("/"):
        logo = url_for("static", filename=logo)
    return {"site_title": _("Careers at %(company)s", company=config["COMPANY_NAME"]), "logo": logo,
            "languages": language_links(), "language": str(get_locale())}


def language_links() -> list[tuple[str, str, str]]:
    """(code, name, address) of each language: this page again with ?lang=, its other arguments kept."""
    # Not url_for's own names (?_external= would make the links absolute, ?endpoint= would clash), nor the
    # path's (?job_id= would be given twice).
    view_args = request.view_args or {}
    args = {k: v for k, v in request.args.items()
            if k not in ("lang", "endpoint", *view_args) and not k.startswith("_")}
    return [(code, name, url_for(request.endpoint, **view_args, **args, lang=code))
            for code, name in LANGUAGE_NAMES.items()]


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines) of lines, for a template to escape and join."""
    blocks, lines = [], []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            lines.append(line.strip())
        elif lines:
            blocks.append(lines)
            lines = []
    if lines:
        blocks.append(lines)
    return blocks


@bp.route("/")
@public
def index():
    """The published open jobs, newest first, filtered by location and team."""
    filters = queries.Filters.from_args(request.args)
    rows, count = queries.job_list(filters)
    page = list_page(db.session, rows, count, per_page=JOBS_PER_PAGE)
    locations, teams = queries.filter_choices(db.session)
    return render_template("careers/index.html", page=page, filters=filters, locations=locations, teams=teams)


@bp.route("/jobs/<int:job_id>")
@public
def job(job_id: int):
    """A job's page: the role, its requirements in plain words, the company's values, and its JobPosting."""
    found = queries.public_job(db.session, job_id)
    if found is None:
        return _not_found()
    config = current_app.config
    posted = clock.company_today(found.published_at or found.created_at, config["COMPANY_TIMEZONE"])
    posting = script_json(job_posting(found, company=config["COMPANY_NAME"], posted=posted))
    return render_template("careers/job.html", job=found, values=queries.core_values(db.session), posted=posted,
                           posting=posting, description=paragraphs(found.public_description))


def _not_found():
    # Unknown, unpublished or closed: the same answer, so that ids tell nothing; in the site's own layout.
    return render_template("careers/not_found.html"), 404


@bp.route("/jobs/<int:job_id>/apply", methods=["GET", "POST"])
@public
def apply(job_id: int):
    """The application form (GET) and its submission (POST): saved whole or not at all, then the confirmation.

    A filled honeypot (a bot) gets the same confirmation with nothing saved; a form sent back too fast or too
    late is shown again with what was typed. The limits per address and per e-mail are hiring/auth/limits.py's.
    """
    found = queries.public_job(db.session, job_id)
    if found is None:
        return _not_found()
    asked = job_questions.active_questions(db.session, job_id)
    form = apply_form_for(asked)()
    problem = None
    status = 200
    if form.is_submitted():
        if form.website.data:
            return _confirm(job_id, None)
        valid = form.validate()
        stamp = applying.stamp_problem(form.started.data, job_id)
        problem = applying.stamp_message(stamp) if stamp else None
        if valid and not problem:
            try:
                received = applying.submit(db.session, found, name=form.name.data, email=form.email.data,
                                           phone=form.phone.data, cv=form.cv.data.stream,
                                           cv_filename=form.cv.data.filename, cover_letter=form.cover_letter.data,
                                           questions=asked, answers=form.answers(),
                                           language=str(get_locale()))
            except DomainError as error:
                db.session.rollback()
                target = form.cv if error.field == "file" else getattr(form, error.field or "", None)
                if target is not None:
                    target.errors = [*target.errors, error.message]
                else:
                    problem = error.message
                status = error.status
            else:
                db.session.commit()
                # Only a new candidate's own links: with an e-mail known already, whoever typed it may not be
                # that person, so the links store and show nothing (and look the same, so the page tells nothing).
                return _confirm(job_id, received.candidate_id if received.new_candidate else None)
        if status == 200:
            status = 400
    return render_template("careers/apply.html", job=found, form=form, problem=problem,
                           stamp=applying.make_stamp(job_id), submitted=form.is_submitted(),
                           notice_version=applying.notice_version(), answer_max=ANSWER_LENGTH), status


def _confirm(job_id: int, candidate_id: int | None):
    """Post/redirect/get: the confirmation is a page of its own, which a reload does not send again. Its links
    (self-identification, status) are the candidate's, or void ones that look the same for None."""
    if candidate_id is None:
        tokens = {"selfid": selfid.make_void_token(db.session), "status": status_page.make_void_token(db.session)}
    else:
        tokens = {"selfid": selfid.make_token(candidate_id), "status": status_page.make_token(candidate_id)}
    session[APPLIED] = {"job": job_id, **tokens}
    return redirect(url_for(".applied", job_id=job_id), code=303)


@bp.route("/jobs/<int:job_id>/applied")
@public
def applied(job_id: int):
    """The confirmation: the same words whatever became of the application, with the voluntary questions."""
    note = session.get(APPLIED)
    if not isinstance(note, dict) or note.get("job") != job_id:
        return redirect(url_for(".job", job_id=job_id))
    found = queries.public_job(db.session, job_id)
    title = found.title if found is not None else None
    return render_template("careers/applied.html", job_id=job_id, title=title,
                           selfid_link=url_for("pipeline.self_identification", token=note["selfid"]),
                           status_link=url_for("careers.status.page", token=note.get("status")
                                               or status_page.make_void_token(db.session), _external=True),
                           status_days=status_page.link_days())


@bp.errorhandler(413)
def too_large(_error):
    """A request over MAX_CONTENT_LENGTH, refused before it is read: said in the careers layout."""
    return render_template("careers/error.html", title=MESSAGES[413][0],
                           message=too_large_message() or MESSAGES[413][1]), 413


@bp.errorhandler(429)
def too_many(error):
    """The application limits (hiring/auth/limits.py) answer in the careers layout, with what to do."""
    response = make_response(render_template(
        "careers/error.html", title=_("Too many applications"),
        message=_("Too many applications were sent from here or with this e-mail address in a short time. "
                  "Wait an hour, then try again. If you already applied, we have your application.")), 429)
    retry = getattr(error, "retry_after", None)
    if retry:
        response.headers["Retry-After"] = str(int(retry))
    return response


@bp.route("/theme.css")
@public
def theme():
    """The brand colour as a CSS variable (COMPANY_COLOUR, checked as #rgb or #rrggbb by hiring/config.py)."""
    css = f":root {{ --careers-colour: {current_app.config['COMPANY_COLOUR']}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": f"public, max-age={THEME_SECONDS}"})
