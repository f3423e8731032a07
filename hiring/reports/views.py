"""Report pages and their PDF and CSV downloads."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring import csv_tables, files, snapshots
from hiring.analytics import figures
from hiring.auth.roles import RECRUITING, roles_required
from hiring.extensions import db
from hiring.models import Role
from hiring.onboarding.views import today
from hiring.reports import background, documents, parts, summary
from hiring.reports.csvfile import csv_response, pdf_response
from hiring.reports.dossier import dossier
from hiring.reports.pdf import render_pdf
from hiring.textinput import isolated

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _dossier_or_404(application_id: int) -> dict:
    data = dossier(db.session, application_id)
    if data is None:
        abort(404)
    return data


@bp.route("/applications/<int:application_id>/dossier")
@roles_required(*RECRUITING)
def dossier_page(application_id: int):
    """The candidate decision dossier as a page."""
    return render_template("reports/dossier.html", **_dossier_or_404(application_id))


@bp.route("/applications/<int:application_id>/dossier.pdf")
@roles_required(*RECRUITING)
def dossier_pdf(application_id: int):
    """The candidate decision dossier as a PDF; with ?format=pdfa as the archival PDF/A, its ratings and stage
    history attached as CSV."""
    data = _dossier_or_404(application_id)
    title = _("Decision dossier: %(name)s, %(job)s", name=isolated(data["application"].candidate.name),
              job=isolated(data["application"].job.title))
    archive = request.args.get("format") == documents.ARCHIVE_FORMAT
    return pdf_response(documents.pdf_name(f"dossier-application-{application_id}", archive),
                        render_pdf("reports/dossier_pdf.html", title, summary=summary.dossier(data),
                                   archive=documents.archive_tables("dossier", data) if archive else None, **data))


@bp.route("/retention.pdf")
@roles_required(Role.HR, Role.ADMIN)
def retention_pdf():
    """The offer and retention report's PDF: a page that offers to prepare it in the background."""
    return _prepare_page("retention", documents.params_from("retention", request.args))


@bp.route("/retention-cohorts.csv")
@roles_required(Role.HR, Role.ADMIN)
def retention_csv():
    """The offer figures by cohort and by values-fit band as CSV."""
    stats = figures.offer_statistics()
    if not stats.ready:
        return snapshots.pending_page(_("The Offer and retention"))
    return csv_response("offer-by-cohort.csv", *csv_tables.retention_table(stats.value))


def _job_or_none():
    """The job opening of ?job=, None for all jobs; 404 when it does not exist."""
    return documents.fairness_job(request.args.get("job", type=int))


@bp.route("/fairness")
@roles_required(Role.HR, Role.ADMIN)
def fairness():
    """The hiring funnel and adverse impact by voluntarily self-identified group, per job or overall."""
    import sqlalchemy as sa

    from hiring.models import Job

    job = _job_or_none()
    funnel = figures.fairness(job.id if job else None)
    if not funnel.ready:
        return snapshots.pending_page(_("Hiring funnel and fairness"))
    jobs = db.session.execute(sa.select(Job.id, Job.title).order_by(Job.title)).all()
    return render_template("reports/fairness.html", job=job, jobs=jobs, figures=funnel, **funnel.value)


@bp.route("/fairness.pdf")
@roles_required(Role.HR, Role.ADMIN)
def fairness_pdf():
    """The funnel and fairness report's PDF (?job=): a page that offers to prepare it in the background."""
    return _prepare_page("fairness", documents.params_from("fairness", request.args))


@bp.route("/fairness.csv")
@roles_required(Role.HR, Role.ADMIN)
def fairness_csv():
    """Adverse impact rows as CSV: step, dimension, group, counts, rate, ratio (rounded down, and exactly as a
    numerator and denominator), p (raw and Holm-adjusted), flag; in the reader's language (hiring.csv_tables)."""
    job = _job_or_none()
    funnel = figures.fairness(job.id if job else None)
    if not funnel.ready:
        return snapshots.pending_page(_("Hiring funnel and fairness"))
    return csv_response("funnel-and-fairness.csv", *csv_tables.fairness_table(funnel.value))


def _onboarding_data() -> dict:
    """Cohorts in progress (one, with ?cohort=YYYY-MM-DD) and the last year's graduates."""
    return documents.onboarding_data(request.args.get("cohort", ""))


@bp.route("/onboarding")
@roles_required(Role.HR, Role.ADMIN)
def onboarding():
    """The onboarding report: cohorts in progress with progress per week, and who graduated when.

    The page shows the newest cohorts in full and links the older ones (each has its own page; the PDF has
    everyone): everything at once was 770 KB of HTML at a few hundred new hires."""
    return render_template("reports/onboarding.html", **documents.onboarding_page(request.args.get("cohort", "")))


@bp.route("/onboarding.pdf")
@roles_required(Role.HR, Role.ADMIN)
def onboarding_pdf():
    """The onboarding report's PDF (?cohort=): a page that offers to prepare it in the background."""
    params = documents.params_from("onboarding", request.args)
    if params["cohort"] and not documents.known_cohort(params["cohort"]):
        abort(404)
    return _prepare_page("onboarding", params)


@bp.route("/onboarding.csv")
@roles_required(Role.HR, Role.ADMIN)
def onboarding_csv():
    """Progress per new hire and week as CSV."""
    return csv_response("onboarding.csv", *csv_tables.onboarding_table(_onboarding_data()))


@bp.route("/onboarding/<int:enrollment_id>.pdf")
@roles_required(Role.HR, Role.ADMIN)
def new_hire_pdf(enrollment_id: int):
    """One new hire's onboarding: every task by week with its state, who did and signed it off, and when."""
    from hiring.onboarding.queries import checklist

    data = checklist(db.session, enrollment_id, today())
    if data is None:
        abort(404)
    title = _("Onboarding of %(name)s", name=data["hire"].user.name if data["hire"].user else enrollment_id)
    return pdf_response(f"onboarding-{enrollment_id}.pdf", render_pdf("reports/new_hire_pdf.html", title, **data))


# The big reports take minutes and hundreds of MB at a large company: they are prepared only in the
# background by the task runner (hiring/reports/background.py) and downloaded once from a page that shows
# their progress. Their .pdf addresses above render nothing: a GET starts no work either (an image tag on
# another site could otherwise make HR's browser start renders), it shows the form that asks for it.

# Where each report's page is, for the way back from a job's page.
REPORT_PAGES = {"onboarding": lambda p: url_for("reports.onboarding", cohort=p.get("cohort") or None),
                "fairness": lambda p: url_for("reports.fairness", job=p.get("job")),
                "retention": lambda p: url_for("analytics.offers")}


def _prepare_page(kind: str, params: dict):
    """The small page a big report's .pdf address shows: the report is prepared in the background, and its
    "Prepare the PDF" form (a POST, with the same parameters) starts that."""
    return render_template("reports/prepare.html", report=kind, params=params, name=documents.label(kind, params),
                           report_page=REPORT_PAGES[kind](params))


@bp.route("/jobs", methods=["POST"])
@roles_required(Role.HR, Role.ADMIN)
def prepare_pdf():
    """Start preparing a report's PDF in the background, then show its progress."""
    kind = request.form.get("report", "")
    if kind not in documents.FILENAMES:
        abort(404)
    job_id = background.start(kind, documents.params_from(kind, request.form), current_user.id)
    db.session.commit()  # the work is handed to a worker once this commits
    return redirect(url_for("reports.report_job", job_id=job_id))


def _own_job_or_404(job_id: str) -> background.PreparedReport:
    # Someone else's job is 404, like an unknown one, so that ids cannot be probed.
    job = background.status(job_id, current_user.id)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<job_id>")
@roles_required(Role.HR, Role.ADMIN)
def report_job(job_id: str):
    """A report being prepared: its state and progress in words, and the download when it is ready."""
    prepared = _own_job_or_404(job_id)
    step, part = parts.read_step(prepared.task.step)
    return render_template("reports/job.html", job=prepared.task, step=step, part=part,
                           name=documents.label(prepared.report, prepared.params),
                           report_page=REPORT_PAGES[prepared.report](prepared.params), started=prepared.task.created_at,
                           keep_hours=int(background.KEEP_FOR.total_seconds()) // 3600)


@bp.route("/jobs/<job_id>/download")
@roles_required(Role.HR, Role.ADMIN)
def report_job_download(job_id: str):
    """The prepared PDF, once: it is deleted from the server as it is handed over. Others' jobs are 404."""
    taken = background.take(job_id, current_user.id)
    if taken is None:
        abort(404)
    db.session.commit()  # taken: no other request can have it, whatever happens to this one
    filename, file_id, size = taken
    # Streamed from the database a chunk at a time rather than read into memory (a big report is big), and
    # deleted when the response ends.
    response = pdf_response(filename, files.stream(file_id, delete_when_closed=True))
    response.content_length = size
    return response
