"""The analytics figures that are kept as snapshots (hiring/snapshots.py), and what each rests on.

The funnel and fairness report rests on applications, stage changes and self-identification; the offer and
retention statistics and charts on applications (values fit at hiring) and hires with their offers, and on
the day. Makers take what the figures are of (a job, a chart and its language), never the time: they read the
clock themselves, so that a refresh run later is made for its own day.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring import snapshots, tasks
from hiring.clock import today
from hiring.extensions import db
from hiring.i18n import SUPPORTED_LOCALES
from hiring.models import QuitOffer, utcnow
from hiring.snapshots import Cached, Recipe

# The retention charts are drawn in a worker's work horse: the worker holds Matplotlib (hiring/analytics/
# charts.py) before it forks, so that the first chart of a refresh is not 0.8 s of importing it.
tasks.preload("matplotlib.figure", "matplotlib.backends.backend_svg")


@snapshots.maker("fairness", warm=({"job_id": None},))
def _fairness(job_id: int | None = None) -> Recipe[dict]:
    from hiring.analytics.service import funnel_and_fairness

    # The format is in the name, not in `extra`: a stale snapshot may be served while its successor is
    # computed, and one of an older shape (v1: float ratios, withdrawals as not selected) never may.
    return Recipe(f"fairness:v2:{job_id or 'all'}", ("applications",),
                  lambda session: funnel_and_fairness(session, job_id))


def fairness(job_id: int | None = None, *, wait: bool = False) -> Cached[dict]:
    """The hiring funnel and adverse impact, overall or for one job."""
    return snapshots.snapshot("fairness", wait=wait, job_id=job_id)


def _retention_stamp(day: date, now: datetime) -> str:
    """Retention figures depend on the day (who is still employed, censored today) and on time itself only
    through offers whose deadline passed undecided (they count as staying, shown as expired); that set only
    grows, so its size tells whether it changed. One indexed count, once per request for all its figures
    (the statistics and three charts of the retention PDF)."""
    # Kept on the request, not on g: an app context may outlive many requests (a test's, a worker's).
    known = getattr(request, "hiring_retention_stamps", None) if has_request_context() else None
    if known is None:
        known = {}
        if has_request_context():
            request.hiring_retention_stamps = known
    if day not in known:
        with Session(db.engine) as session:
            expired = session.scalar(sa.select(sa.func.count()).select_from(QuitOffer)
                                     .where(QuitOffer.lapsed(now)))
        known[day] = f";today={day.isoformat()};expired={expired}"
    return known[day]


@snapshots.maker("offer_statistics", warm=({},))
def _offer_statistics() -> Recipe[dict]:
    from hiring.analytics.service import offer_statistics as compute

    day, moment = today(), utcnow()
    return Recipe("offer-statistics", ("applications", "hires"), lambda session: compute(session, day, moment),
                  extra=_retention_stamp(day, moment))


def offer_statistics(*, wait: bool = False) -> Cached[dict]:
    """The offer and retention statistics: hires, their offers and their values fit at hiring."""
    return snapshots.snapshot("offer_statistics", wait=wait)


CHARTS = ("all", "band", "cohort")
# The groups of the retention figures (hiring/analytics/service.py names them in English, as data), in the
# reader's language for charts and tables; a year of start is a number and stays as it is.
GROUP_LABELS = {"all hires": _l("All hires"), "under 60": _l("Values fit under 60"),
                "60 to 75": _l("Values fit 60 to 75"), "75 to 90": _l("Values fit 75 to 90"),
                "90 and over": _l("Values fit 90 and over"), "not scored": _l("Values fit not scored")}


def group_label(label: str) -> str:
    """A retention group's name in the current language."""
    return str(GROUP_LABELS[label]) if label in GROUP_LABELS else label

CHART_TITLES = {"all": _l("Retention of all hires"),
                "band": _l("Retention after staying, by values fit at hiring"),
                "cohort": _l("Retention after staying, by year of start")}


@snapshots.maker("retention_chart", warm=tuple({"which": which, "locale": locale}
                                               for which in CHARTS for locale in SUPPORTED_LOCALES))
def _retention_chart(which: str, locale: str) -> Recipe[str]:
    from hiring.analytics.charts import survival_svg
    from hiring.analytics.service import curves_for_chart

    if which not in CHARTS or locale not in SUPPORTED_LOCALES:
        raise ValueError(f"no retention chart {which!r} in {locale!r}")
    day, moment = today(), utcnow()

    def draw(session: Session) -> str:
        with force_locale(locale):  # its titles and axes are words: one chart per language
            return survival_svg(curves_for_chart(session, day, moment, which), str(CHART_TITLES[which]),
                                _("Days since start"), _("Still employed"), locale=locale, label=group_label,
                                n_label=_("n = %(n)s"))

    return Recipe(f"retention-chart:{which}:{locale}", ("applications", "hires"), draw,
                  extra=_retention_stamp(day, moment))


def retention_chart(which: str, locale: str, *, wait: bool = False) -> Cached[str]:
    """A retention chart as SVG text ('all', 'band' or 'cohort'), in a language."""
    return snapshots.snapshot("retention_chart", wait=wait, which=which, locale=locale)


@snapshots.maker("prediction", warm=({},))
def _prediction() -> Recipe:
    from hiring.analytics.prediction_service import prediction_table

    day = today()
    # Submitted week-5 reviews are "hires" rows (models/values_reviews.py); "staying a year" moves with the day.
    return Recipe("prediction:v1", ("applications", "catalogue", "hires", "scorecards"),
                  lambda session: prediction_table(session, day), extra=f";today={day.isoformat()}")


def prediction(*, wait: bool = False) -> Cached:
    """Does our interview predict: every item against the week-5 review and staying a year."""
    return snapshots.snapshot("prediction", wait=wait)


PREDICTION_CHART_TITLES = {"week5": _l("Interview ratings and the mentor's week-5 review"),
                           "stayed": _l("Interview ratings and staying one year"),
                           "stayed_no_offer": _l("Interview ratings and staying one year, The Offer's takers left out")}


def prediction_rows(table, outcome: str) -> list[tuple[str, float, float, float, float | None]]:
    """The chart's rows: the items with figures shown (MIN_N and over), with their names as the page gives them."""
    rows = []
    for row in table.rows:
        finding = row.findings.get(outcome)
        if finding is not None and finding.shown:
            name = row.item.name if row.item.job is None else f"{row.item.name} ({row.item.job})"
            corrected = finding.corrected.r if finding.corrected else None
            rows.append((name, finding.observed.r, finding.observed.low, finding.observed.high, corrected))
    return rows


@snapshots.maker("prediction_chart", warm=tuple({"outcome": outcome, "locale": locale}
                                                for outcome in PREDICTION_CHART_TITLES for locale in SUPPORTED_LOCALES))
def _prediction_chart(outcome: str, locale: str) -> Recipe[str]:
    from hiring.analytics.charts import forest_svg

    if outcome not in PREDICTION_CHART_TITLES or locale not in SUPPORTED_LOCALES:
        raise ValueError(f"no prediction chart {outcome!r} in {locale!r}")
    day = today()

    def draw(session: Session) -> str:
        with force_locale(locale):
            # The table from its own snapshot (computed once for the page and every chart), of the same day.
            # No title of its own: the page's and the PDF's heading above it says what it is.
            return forest_svg(prediction_rows(prediction(wait=True).value, outcome),
                              "", _("Correlation (r) with its 95% interval"),
                              locale=locale, observed_label=_("observed"),
                              corrected_label=_("corrected for range restriction"))

    return Recipe(f"prediction-chart:{outcome}:{locale}", ("applications", "catalogue", "hires", "scorecards"), draw,
                  extra=f";today={day.isoformat()}")


def prediction_chart(outcome: str, locale: str, *, wait: bool = False) -> Cached[str]:
    """A forest plot of every item against one outcome, as SVG text, in a language."""
    return snapshots.snapshot("prediction_chart", wait=wait, outcome=outcome, locale=locale)
