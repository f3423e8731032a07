"""Report pages and their PDF and CSV downloads."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring import files, snapshots
from hiring.analytics import figures
from hiring.auth.roles import RECRUITING, roles_required
from hiring.extensions import db
from hiring.models import Role
from hiring.onboarding.views import today
from hiring.reports import background, documents, parts
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
    """The candidate decision dossier as a PDF."""
    data = _dossier_or_404(application_id)
    title = _("Decision dossier: %(name)s, %(job)s", name=isolated(data["application"].candidate.name),
              job=isolated(data["application"].job.title))
    return pdf_response(f"dossier-application-{application_id}.pdf",
                        render_pdf("reports/dossier_pdf.html", title, **data))


@bp.route("/retention.pdf")
@roles_required(Role.HR, Role.ADMIN)
def retention_pdf():
    """The offer and retention report's PDF: a page that offers to prepare it in the background."""
    return _prepare_page("retention", {})


@bp.route("/retention-cohorts.csv")
@roles_required(Role.HR, Role.ADMIN)
def retention_csv():
    """The offer figures by cohort and by values-fit band as CSV."""
    stats = figures.offer_statistics()
    if not stats.ready:
        return snapshots.pending_page(_("The Offer and retention"))
    stats = stats.value
    rows = []
    for group, table in (("cohort", stats["by_cohort"]), ("values fit", stats["by_band"])):
        for r in table:
            rows.append([group, r.label, r.made, r.taken.k, r.taken.rate, r.taken.low, r.taken.high,
                         "; ".join(f"{minor / 100:.2f} {cur}" for cur, minor in r.paid.items())])
    return csv_response("offer-by-cohort.csv", ["grouping", "group", "offers decided", "taken", "take rate",
                                                 "95% low", "95% high", "paid"], rows)


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
    numerator and denominator), p (raw and Holm-adjusted), flag."""
    from hiring.analytics.fairness import floor_decimal

    job = _job_or_none()
    funnel = figures.fairness(job.id if job else None)
    if not funnel.ready:
        return snapshots.pending_page(_("Hiring funnel and fairness"))
    data = funnel.value
    rows = []
    blocks = [("values gate", data["gate"])] + [(f"{s['stage']} -> {s['next']}", s["groups"]) for s in data["steps"]]
    for step, groups in blocks:
        for dimension, table in groups.items():
            for r in table:
                # Rounded down, with the exact fraction beside it: 0.79995 must not print as 0.8 beside "yes".
                # The fraction as two integers, since a spreadsheet reads "4/5" as the 4th of May.
                ratio = r.impact_ratio
                exact = [None, None] if ratio is None else [ratio.numerator, ratio.denominator]
                rows.append([step, dimension, r.group, r.considered, r.selected, round(r.rate, 4),
                             None if ratio is None else floor_decimal(ratio, 4), *exact,
                             None if r.p_value is None else round(r.p_value, 5),
                             None if r.p_holm is None else round(r.p_holm, 5), "yes" if r.flagged else "no"])
    return csv_response("funnel-and-fairness.csv", ["step", "dimension", "group", "considered", "selected", "rate",
                                                     "impact ratio (rounded down)", "impact ratio numerator",
                                                     "impact ratio denominator", "fisher p",
                                                     "holm-adjusted p", "below four-fifths"], rows)


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
    data = _onboarding_data()
    rows = [[started.isoformat(), r.name, r.mentor or "", *(f"{r.weeks.get(w, (0, 0))[0]}/{r.weeks.get(w, (0, 0))[1]}"
                                                             for w in range(1, 6)), r.done, r.total, r.overdue,
             r.waiting_for_me] for started, group in data["groups"] for r in group]
    return csv_response("onboarding.csv", ["cohort", "new hire", "mentor", "week 1", "week 2", "week 3", "week 4",
                                           "week 5", "tasks done", "tasks", "overdue", "waiting for sign-off"], rows)


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
    return render_template("reports/prepare.html", report=kind, params=params, name=documents.title(kind, params),
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
                           name=documents.title(prepared.report, prepared.params),
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
