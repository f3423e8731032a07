"""The public careers site (no sign-in): the published open jobs and each job's page, in English and Dutch.

Every page here is public (hiring.auth.roles.public) and reads only through careers/queries.py, which shows
candidates nothing but what a recruiter published. The visitor's language follows ?lang= (remembered in a
cookie, hiring/i18n.py), else the browser's. The brand colour comes as a stylesheet of its own (theme) rather
than in a style attribute, which the Content-Security-Policy (style-src 'self') would block.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import get_locale, gettext as _

from hiring import clock
from hiring.auth.roles import public
from hiring.careers import queries
from hiring.careers.jsonld import job_posting, script_json
from hiring.extensions import db
from hiring.i18n import LANGUAGE_NAMES, remember_choice
from hiring.paging import list_page

bp = Blueprint("careers", __name__, url_prefix="/careers")
bp.after_request(remember_choice)
JOBS_PER_PAGE = 20
THEME_SECONDS = 3600  # the colour changes only with the settings; an hour's cache spares a request per page


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
        # Unknown, unpublished or closed: the same answer, so that ids tell nothing; in the site's own layout.
        return render_template("careers/not_found.html"), 404
    config = current_app.config
    posted = clock.company_today(found.published_at or found.created_at, config["COMPANY_TIMEZONE"])
    posting = script_json(job_posting(found, company=config["COMPANY_NAME"], posted=posted))
    return render_template("careers/job.html", job=found, values=queries.core_values(db.session), posted=posted,
                           posting=posting, description=paragraphs(found.public_description))


@bp.route("/theme.css")
@public
def theme():
    """The brand colour as a CSS variable (COMPANY_COLOUR, checked as #rgb or #rrggbb by hiring/config.py)."""
    css = f":root {{ --careers-colour: {current_app.config['COMPANY_COLOUR']}; }}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": f"public, max-age={THEME_SECONDS}"})
