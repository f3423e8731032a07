"""Report pages and their PDF and CSV downloads."""
from __future__ import annotations

import base64

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _

from hiring.analytics.charts import survival_svg
from hiring.analytics.service import offer_statistics
from hiring.auth.roles import RECRUITING, roles_required
from hiring.extensions import db
from hiring.models import Role, utcnow
from hiring.onboarding.views import today
from hiring.reports.csvfile import csv_response, pdf_response
from hiring.reports.dossier import dossier
from hiring.reports.pdf import render_pdf

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
    title = _("Decision dossier: %(name)s, %(job)s", name=data["application"].candidate.name,
              job=data["application"].job.title)
    return pdf_response(f"dossier-application-{application_id}.pdf",
                        render_pdf("reports/dossier_pdf.html", title, **data))


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@bp.route("/retention.pdf")
@roles_required(Role.HR, Role.ADMIN)
def retention_pdf():
    """The offer and retention report as a PDF, with the Kaplan-Meier charts as vector SVG."""
    stats = offer_statistics(db.session, today(), utcnow())
    charts = []
    for curves, title in ((([stats["all_curve"]] if stats["all_curve"] else []), _("Retention of all hires")),
                          (stats["band_curves"], _("Retention after staying, by values fit at hiring")),
                          (stats["year_curves"], _("Retention after staying, by year of start"))):
        if curves:
            charts.append(_svg_data_url(survival_svg(curves, title, _("Days since start"), _("Still employed"))))
    return pdf_response("offer-and-retention.pdf",
                        render_pdf("reports/retention_pdf.html", _("The Offer and retention"), charts=charts, **stats))


@bp.route("/retention-cohorts.csv")
@roles_required(Role.HR, Role.ADMIN)
def retention_csv():
    """The offer figures by cohort and by values-fit band as CSV."""
    stats = offer_statistics(db.session, today(), utcnow())
    rows = []
    for group, table in (("cohort", stats["by_cohort"]), ("values fit", stats["by_band"])):
        for r in table:
            rows.append([group, r.label, r.made, r.taken.k, r.taken.rate, r.taken.low, r.taken.high,
                         "; ".join(f"{minor / 100:.2f} {cur}" for cur, minor in r.paid.items())])
    return csv_response("offer-by-cohort.csv", ["grouping", "group", "offers decided", "taken", "take rate",
                                                 "95% low", "95% high", "paid"], rows)


def _job_or_none():
    from flask import request

    from hiring.models import Job

    job_id = request.args.get("job", type=int)
    if job_id is None:
        return None
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/fairness")
@roles_required(Role.HR, Role.ADMIN)
def fairness():
    """The hiring funnel and adverse impact by voluntarily self-identified group, per job or overall."""
    import sqlalchemy as sa

    from hiring.analytics.service import funnel_and_fairness
    from hiring.models import Job

    job = _job_or_none()
    jobs = db.session.execute(sa.select(Job.id, Job.title).order_by(Job.title)).all()
    return render_template("reports/fairness.html", job=job, jobs=jobs,
                           **funnel_and_fairness(db.session, job.id if job else None))


@bp.route("/fairness.pdf")
@roles_required(Role.HR, Role.ADMIN)
def fairness_pdf():
    """The funnel and fairness report as a PDF."""
    from hiring.analytics.service import funnel_and_fairness

    job = _job_or_none()
    title = _("Hiring funnel and fairness") + (f": {job.title}" if job else "")
    from hiring.scoring.service import calibration_data

    data = funnel_and_fairness(db.session, job.id if job else None)
    return pdf_response("funnel-and-fairness.pdf", render_pdf("reports/fairness_pdf.html", title,
                                                              calibration=calibration_data(db.session), **data))


@bp.route("/fairness.csv")
@roles_required(Role.HR, Role.ADMIN)
def fairness_csv():
    """Adverse impact rows as CSV: step, dimension, group, counts, rate, ratio, p, flag."""
    from hiring.analytics.service import funnel_and_fairness

    job = _job_or_none()
    data = funnel_and_fairness(db.session, job.id if job else None)
    rows = []
    blocks = [("values gate", data["gate"])] + [(f"{s['stage']} -> {s['next']}", s["groups"]) for s in data["steps"]]
    for step, groups in blocks:
        for dimension, table in groups.items():
            for r in table:
                rows.append([step, dimension, r.group, r.considered, r.selected, round(r.rate, 4),
                             None if r.impact_ratio is None else round(r.impact_ratio, 4),
                             None if r.p_value is None else round(r.p_value, 5), "yes" if r.flagged else "no"])
    return csv_response("funnel-and-fairness.csv", ["step", "dimension", "group", "considered", "selected", "rate",
                                                     "impact ratio", "fisher p", "below four-fifths"], rows)


def _onboarding_data() -> dict:
    """Cohorts in progress (one, with ?cohort=YYYY-MM-DD) and the last year's graduates."""
    from datetime import date

    from flask import request

    from hiring.onboarding.queries import cohorts, recent_graduates

    groups = cohorts(db.session, today())
    chosen = request.args.get("cohort", "")
    if chosen:
        try:
            day = date.fromisoformat(chosen)
        except ValueError:
            abort(404)
        groups = [(started, rows) for started, rows in groups if started == day]
        if not groups:
            abort(404)
    return {"groups": groups, "graduates": [] if chosen else recent_graduates(db.session, today(), days=365),
            "cohort": chosen}


@bp.route("/onboarding")
@roles_required(Role.HR, Role.ADMIN)
def onboarding():
    """The onboarding report: cohorts in progress with progress per week, and who graduated when."""
    return render_template("reports/onboarding.html", **_onboarding_data())


@bp.route("/onboarding.pdf")
@roles_required(Role.HR, Role.ADMIN)
def onboarding_pdf():
    """The onboarding report as a PDF."""
    data = _onboarding_data()
    title = _("Onboarding") + (f": {data['cohort']}" if data["cohort"] else "")
    return pdf_response("onboarding.pdf", render_pdf("reports/onboarding_pdf.html", title, **data))


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
