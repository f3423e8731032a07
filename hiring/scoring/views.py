"""Interviewer calibration and the retention model's page (hr, admin)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from hiring.auth.roles import roles_required
from hiring.bounds import MAX_OFFSET, query_int
from hiring import snapshots
from hiring.analytics import figures as figures_of_analytics
from hiring.extensions import db
from hiring.models import Role
from hiring.scoring import calibration_page, calibration_service, model, retention_service
from hiring.scoring.calibration import LARGE_OFFSET, MIN_SUPPORT
from hiring.scoring.spearman_brown import TARGET, raters_needed

bp = Blueprint("scoring", __name__, url_prefix="/scoring")


@bp.route("/calibration")
@roles_required(Role.HR, Role.ADMIN)
def calibration():
    """Each interviewer's ratings against their co-interviewers', and each item's reliability: a summary, then a
    page of each table (?people_page=, ?items_page=: paging one keeps the other; ?flagged=1 keeps the flagged)."""
    figures = calibration_service.calibration()
    if not figures.ready:
        return snapshots.pending_page(_("Interviewer calibration"))
    # Bounded as page_number bounds ?page= on the other lists (hiring/bounds.py): junk is page 1.
    last = MAX_OFFSET // calibration_page.PER_PAGE
    # Similarity language per interviewer, beside adverse impact at the values gate (the fairness report's
    # snapshot, all jobs): so that values fit is seen not to become similarity fit. Either may still be
    # computing; the section then says so.
    similarity = calibration_service.similarity()
    fairness = figures_of_analytics.fairness()
    tables = calibration_page.tables(figures.value, people_page=query_int("people_page", 1, low=1, high=last),
                                     items_page=query_int("items_page", 1, low=1, high=last),
                                     flagged_only=request.args.get("flagged") == "1",
                                     similarity=similarity.value if similarity.ready else None,
                                     similarity_page=query_int("similarity_page", 1, low=1, high=last))
    return render_template("scoring/calibration.html", large=LARGE_OFFSET, support=MIN_SUPPORT,
                           raters_needed=raters_needed, raters_target=TARGET, low_alpha=calibration_page.LOW_ALPHA,
                           **tables, figures=figures, **figures.value, similarity=similarity, fairness=fairness)


@bp.route("/model")
@roles_required(Role.HR, Role.ADMIN)
def retention_model():
    """The retention models' figures per outcome: on how many hires, how well out of sample, what predicts."""
    folder = Path(current_app.instance_path)
    report = model.load_report(folder)
    names = retention_service.feature_names(db.session, report.features) if report else {}
    return render_template("scoring/model.html", report=report, names=names,
                           outdated=model.needs_retraining(folder), repeats=model.CV_REPEATS,
                           shuffles=model.SHUFFLES)
