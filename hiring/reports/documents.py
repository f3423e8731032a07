"""The three big PDF reports (onboarding, funnel and fairness, offer and retention), built by one code path.

They are made only in the background (hiring/reports/background.py calls build()): at a large company one
takes half a minute and hundreds of MB, more than a web request may. Each needs a request context (url_for,
the locale); the task runner makes one for it. The onboarding report, whose size grows with the company, is
rendered in parts (hiring/reports/parts.py).
"""
from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import date

from flask import abort
from flask_babel import get_locale
from flask_babel import gettext as _

from hiring import csv_tables
from hiring.analytics import figures
from hiring.bounds import to_int
from hiring.extensions import db
from hiring.models import utcnow
from hiring.onboarding.views import today
from hiring.reports import chart_text, parts, summary
from hiring.reports.pdf import DataTable, render_pdf
from hiring.scoring.calibration_page import LOW_ALPHA
from hiring.scoring.calibration_service import calibration

# The reports that may run in the background, and the name of the file each downloads as.
FILENAMES = {"onboarding": "onboarding.pdf", "fairness": "funnel-and-fairness.pdf",
             "retention": "offer-and-retention.pdf"}
# The value of a form's or a link's `format` that asks for the archival PDF/A (hiring/reports/pdf.py) instead.
ARCHIVE_FORMAT = "pdfa"
# Progress steps in order; the status page words them. A report rendered in parts says which part it is at
# ("rendering 2/5", parts.part_step).
STEPS = ("gathering", "rendering")
# Table rows per part of the onboarding report: a part's WeasyPrint layout is what bounds the worker's memory
# (about 300 rows of 9 columns make 8-10 pages).
PART_ROWS = 300


def _quiet(step: str) -> None:
    """The default progress callback (tests, commands): nobody is watching."""


def fairness_job(job_id: int | None):
    """The job opening a fairness report is restricted to, None for all jobs; 404 when it does not exist."""
    from hiring.models import Job

    if job_id is None:
        return None
    if to_int(job_id) is None:  # beyond an id column no job has it, and the driver would fail on it
        abort(404)
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


def onboarding_data(chosen: str) -> dict:
    """Cohorts in progress (one, when `chosen` is a start date YYYY-MM-DD) and the last year's graduates."""
    from hiring.onboarding.queries import cohorts, recent_graduates

    groups = cohorts(db.session, today())
    if chosen:
        day = cohort_day(chosen)
        groups = [(started, rows) for started, rows in groups if started == day]
        if not groups:
            abort(404)
    return {"groups": groups, "graduates": [] if chosen else recent_graduates(db.session, today(), days=365),
            "cohort": chosen}


PAGE_COHORTS = 3     # the onboarding report page shows the newest cohorts in full and links the older ones
PAGE_GRADUATES = 50  # and the latest graduates; the PDF has everyone


def onboarding_page(chosen: str) -> dict:
    """What the onboarding report page shows: one cohort when `chosen`, else the newest few in full, links to
    the older ones and the latest graduates (the whole report was 770 KB of HTML at a few hundred new hires)."""
    from hiring.onboarding.queries import cohort_list, cohorts, recent_graduates

    if chosen:
        return {**onboarding_data(chosen), "older": [], "more_graduates": False}
    listed = cohort_list(db.session, today())
    newest = [c.started_on for c in listed[:PAGE_COHORTS]]
    graduates = recent_graduates(db.session, today(), days=365, limit=PAGE_GRADUATES + 1)
    return {"cohort": "", "groups": cohorts(db.session, today(), started=newest) if newest else [],
            "older": listed[PAGE_COHORTS:], "graduates": graduates[:PAGE_GRADUATES],
            "more_graduates": len(graduates) > PAGE_GRADUATES}


def cohort_day(chosen: str) -> date:
    """A cohort's start date from its ISO text; 404 for anything else (it came from a URL or a form)."""
    try:
        return date.fromisoformat(chosen)
    except ValueError:
        abort(404)


def params_from(kind: str, values: Mapping) -> dict:
    """The parameters of a report from query or form values, checked: unknown kinds and job openings are 404.

    Only plain ids, dates and the archival flag are kept, so that a report task's row never holds anything
    personal. `format=pdfa` asks for the archival PDF/A (`archive: True`); anything else for the ordinary PDF.
    """
    if kind == "fairness":
        job = fairness_job(_int_or_none(values.get("job")))
        params = {"job": job.id if job else None}
    elif kind == "onboarding":
        chosen = (values.get("cohort") or "").strip()
        if chosen:
            chosen = cohort_day(chosen).isoformat()
        params = {"cohort": chosen}
    elif kind == "retention":
        params = {}
    else:
        abort(404)
    if values.get("format") == ARCHIVE_FORMAT:
        params["archive"] = True
    return params


def filename(kind: str, params: Mapping) -> str:
    """The name a report's PDF downloads as: the archival one says so ("funnel-and-fairness-pdfa.pdf")."""
    return pdf_name(FILENAMES[kind].removesuffix(".pdf"), bool(params.get("archive")))


def pdf_name(stem: str, archive: bool) -> str:
    """A PDF's file name from its stem, "-pdfa" added for the archival PDF/A (the dossier's, the reports')."""
    return f"{stem}-{ARCHIVE_FORMAT}.pdf" if archive else f"{stem}.pdf"


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None  # as the page's ?job=abc: the report of all jobs


def label(kind: str, params: Mapping) -> str:
    """What the pages that prepare a report call it: its title, and whether it is the archival PDF/A."""
    name = title(kind, params)
    return _("%(report)s (PDF/A for the archive)", report=name) if params.get("archive") else name


def title(kind: str, params: Mapping) -> str:
    """The report's title in the current locale, as the PDF shows it."""
    if kind == "onboarding":
        return _("Onboarding") + (f": {params['cohort']}" if params.get("cohort") else "")
    if kind == "fairness":
        from hiring.models import Job

        # Tolerant: a job's status page still has a name after its job opening was removed.
        job = db.session.get(Job, params["job"]) if params.get("job") else None
        return _("Hiring funnel and fairness") + (f": {job.title}" if job else "")
    return _("The Offer and retention")


def known_cohort(chosen: str) -> bool:
    """Whether a cohort that started on `chosen` (YYYY-MM-DD, else 404) is in the programme now; 1 query."""
    from hiring.onboarding.queries import cohort_list

    day = cohort_day(chosen)
    return any(c.started_on == day for c in cohort_list(db.session, today()))


def onboarding_sections(data: dict) -> list[parts.Section]:
    """The onboarding report's sections in order (reports/onboarding_pdf.html shows them): each cohort, or
    that nobody is in the programme, then the year's graduates who finished late unless the report is about
    one cohort (those on time are counted in a sentence, not listed: rows of "On time" tell nobody anything)."""
    sections = [parts.Section("cohort", rows, key=started) for started, rows in data["groups"]]
    if not sections:
        sections.append(parts.Section("nobody"))
    if not data["cohort"]:
        sections.append(parts.Section("graduates", [g for g in data["graduates"] if g["days_late"]]))
    return sections


def build(kind: str, params: Mapping, progress: Callable[[str], None] = _quiet) -> bytes:
    """Render one of the reports to PDF bytes; `progress` hears "gathering" and then "rendering" (for a report
    of several parts, "rendering 1/N" and so on)."""
    progress("gathering")
    archive = bool(params.get("archive"))
    if kind == "onboarding":
        data = onboarding_data(params.get("cohort", ""))
        sections = parts.split(onboarding_sections(data), PART_ROWS)
        graduates = data["graduates"]
        # render_pdf is looked up now, not at import, so that a test may stand in for it.
        return parts.render_joined(render_pdf, "reports/onboarding_pdf.html", title(kind, params), sections,
                                   progress, archive=archive_tables(kind, data) if archive else None,
                                   cohort=params.get("cohort", ""),
                                   summary=summary.onboarding(db.session, today(), data),
                                   graduates_total=len(graduates),
                                   graduates_on_time=sum(1 for g in graduates if not g["days_late"]))
    if kind == "fairness":
        data = _fairness_data(params.get("job"))
        template = "reports/fairness_pdf.html"
    elif kind == "retention":
        data = _retention_data()
        template = "reports/retention_pdf.html"
    else:
        raise ValueError(f"no such report: {kind!r}")
    report_title = title(kind, params)
    progress("rendering")
    return render_pdf(template, report_title, archive=archive_tables(kind, data) if archive else None, **data)


def archive_tables(kind: str, data: dict) -> list[DataTable]:
    """The data behind a report's tables, attached as CSV to its archival PDF/A: the same tables as its CSV
    downloads (hiring/csv_tables.py), in the reader's language, numbers as numbers."""
    if kind == "onboarding":
        return [DataTable("onboarding.csv", _("Progress per new hire and week"), *csv_tables.onboarding_table(data))]
    if kind == "fairness":
        return [DataTable("funnel-and-fairness.csv", _("Adverse impact per step and group"),
                          *csv_tables.fairness_table(data))]
    if kind == "retention":
        return [DataTable("offer-by-cohort.csv", _("The Offer by cohort and by values fit at hiring"),
                          *csv_tables.retention_table(data)),
                DataTable("retention.csv", _("Retention at a glance"), *csv_tables.retention_curves_table(data)),
                DataTable("leavers.csv", _("Who left, and why"), *csv_tables.leavers_table(data)),
                DataTable("prediction.csv", _("Does our interview predict?"),
                          *csv_tables.prediction_table(data["prediction"], figures.PREDICTION_CHART_TITLES))]
    if kind == "dossier":
        return [DataTable("ratings.csv", _("Ratings per item and interviewer"), *csv_tables.dossier_ratings_table(data)),
                DataTable("stage-history.csv", _("Stage history"), *csv_tables.stage_history_table(data))]
    raise ValueError(f"no such report: {kind!r}")


def _step_label(stage: str, following: str) -> str:
    from hiring.labels import STAGE_LABELS
    from hiring.models import Stage

    return f"{STAGE_LABELS[Stage(stage)]} → {STAGE_LABELS[Stage(following)]}"


def _fairness_data(job_id: int | None) -> dict:
    job = fairness_job(job_id)
    # A document of record: figures up to this moment (wait=True), never the older ones a page may show.
    data = figures.fairness(job.id if job else None, wait=True).value
    calibrated = calibration(wait=True).value
    return {"calibration": calibrated, **data, "step_label": _step_label, "dimension_label": summary.dimension_label,
            "low_alpha": LOW_ALPHA,
            "summary": summary.fairness(db.session, today(), data, calibrated, job.id if job else None, _step_label)}


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _retention_data() -> dict:
    """Offer figures and the Kaplan-Meier charts, embedded as vector SVG data: URLs (the fetcher loads nothing)."""
    stats = figures.offer_statistics(wait=True).value
    charts = []
    # The charts the page shows, from their snapshots (drawn once per change of the data, not per PDF).
    # Each with its text alternative (hiring/reports/chart_text.py), which the tagged PDF carries.
    for which, curves in (("all", [stats["all_curve"]] if stats["all_curve"] else []),
                          ("band", stats["band_curves"]), ("cohort", stats["year_curves"])):
        if curves:
            svg = figures.retention_chart(which, str(get_locale()), wait=True)
            charts.append((which, _svg_data_url(svg.value), chart_text.retention_alt(which, curves)))
    # Does our interview predict: its table and, for each outcome with figures, its chart.
    table = figures.prediction(wait=True).value
    prediction_charts = [(outcome, title, _svg_data_url(figures.prediction_chart(outcome, str(get_locale()),
                                                                                 wait=True).value),
                          chart_text.forest_alt(figures.prediction_rows(table, outcome)))
                         for outcome, title in figures.PREDICTION_CHART_TITLES.items() if table.any_shown(outcome)]
    return {"charts": charts, **stats, "group_label": figures.group_label,
            "prediction": table, "prediction_charts": prediction_charts,
            "prediction_titles": figures.PREDICTION_CHART_TITLES,
            "summary": summary.retention(db.session, today(), utcnow(), stats)}
