"""Interviewer calibration and the retention model's page (hr, admin)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template

from hiring.auth.roles import roles_required
from hiring.extensions import db
from hiring.models import Role
from hiring.scoring import model, retention_service
from hiring.scoring.calibration import LARGE_OFFSET, MIN_SUPPORT
from hiring.scoring.spearman_brown import TARGET, raters_needed

bp = Blueprint("scoring", __name__, url_prefix="/scoring")


@bp.route("/calibration")
@roles_required(Role.HR, Role.ADMIN)
def calibration():
    """Each interviewer's ratings against their co-interviewers', and each item's reliability."""
    from hiring import snapshots

    snapshot = snapshots.calibration()
    return render_template("scoring/calibration.html", large=LARGE_OFFSET, support=MIN_SUPPORT,
                           raters_needed=raters_needed, raters_target=TARGET, **snapshot.value)


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
