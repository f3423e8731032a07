"""The offer and retention statistics page and its charts."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from hiring import snapshots
from hiring.analytics import figures
from hiring.auth.roles import roles_required
from hiring.models import Role

bp = Blueprint("analytics", __name__, url_prefix="/analytics")


@bp.route("/offer")
@roles_required(Role.HR, Role.ADMIN)
def offers():
    """Offers made and taken with their intervals, by cohort and values-fit band, and retention."""
    stats = figures.offer_statistics()
    if not stats.ready:
        return snapshots.pending_page(_("The Offer and retention"))
    return render_template("analytics/offers.html", charts=figures.CHARTS, figures=stats, **stats.value)


@bp.route("/prediction")
@roles_required(Role.HR, Role.ADMIN)
def prediction():
    """Does our interview predict: each item against the week-5 review and staying a year."""
    table = figures.prediction()
    if not table.ready:
        return snapshots.pending_page(_("Does our interview predict?"))
    return render_template("analytics/prediction.html", figures=table, table=table.value,
                           outcomes=figures.PREDICTION_CHART_TITLES)


@bp.route("/prediction/<outcome>.svg")
@roles_required(Role.HR, Role.ADMIN)
def prediction_chart(outcome: str):
    """A forest plot of the items against one outcome, as SVG."""
    if outcome not in figures.PREDICTION_CHART_TITLES:
        abort(404)
    return _svg(figures.prediction_chart(outcome, str(get_locale())))


@bp.route("/offer/<which>.svg")
@roles_required(Role.HR, Role.ADMIN)
def chart(which: str):
    """A retention chart as SVG, for the page and for PDFs."""
    if which not in figures.CHARTS:
        abort(404)
    return _svg(figures.retention_chart(which, str(get_locale())))


def _svg(chart):
    """A chart's snapshot as an SVG response, or 503 while it is drawn for the first time."""
    if not chart.ready:  # drawn for the first time by the runner: the page reloads itself until it is
        return Response(status=503, headers={"Retry-After": str(snapshots.PENDING_RELOAD_SECONDS),
                                             "Cache-Control": "no-store"})
    svg = chart.value
    # Aggregates only, but still the company's own figures: private, and short-lived.
    # The SVG is ours (Matplotlib styles its elements inline); it may style itself and load nothing.
    return Response(svg, mimetype="image/svg+xml", headers={
        "Cache-Control": "private, max-age=300",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})
