"""The analytics figures that are kept as snapshots (hiring/snapshots.py), and what each rests on.

The funnel and fairness report rests on applications, stage changes and self-identification; the offer and
retention statistics and charts on applications (values fit at hiring) and hires with their offers, and on
the day. Makers take what the figures are of (a job, a chart and its titles), never the time: they read the
clock themselves, so that a refresh run later is made for its own day.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring import snapshots
from hiring.clock import today
from hiring.extensions import db
from hiring.models import QuitOffer, utcnow
from hiring.snapshots import Cached, Recipe


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
    grows, so its size tells whether it changed. One indexed count."""
    with Session(db.engine) as session:
        expired = session.scalar(sa.select(sa.func.count()).select_from(QuitOffer)
                                 .where(QuitOffer.lapsed(now)))
    return f";today={day.isoformat()};expired={expired}"


@snapshots.maker("offer_statistics", warm=({},))
def _offer_statistics() -> Recipe[dict]:
    from hiring.analytics.service import offer_statistics as compute

    day, moment = today(), utcnow()
    return Recipe("offer-statistics", ("applications", "hires"), lambda session: compute(session, day, moment),
                  extra=_retention_stamp(day, moment))


def offer_statistics(*, wait: bool = False) -> Cached[dict]:
    """The offer and retention statistics: hires, their offers and their values fit at hiring."""
    return snapshots.snapshot("offer_statistics", wait=wait)


@snapshots.maker("retention_chart")
def _retention_chart(which: str, title: str, x_label: str, y_label: str) -> Recipe[str]:
    from hiring.analytics.charts import survival_svg
    from hiring.analytics.service import curves_for_chart

    day, moment = today(), utcnow()

    def draw(session: Session) -> str:
        return survival_svg(curves_for_chart(session, day, moment, which), title, x_label, y_label)

    stamp = _retention_stamp(day, moment) + f";title={hashlib.sha256(title.encode()).hexdigest()[:12]}"
    return Recipe(f"retention-chart:{which}", ("applications", "hires"), draw, extra=stamp)


def retention_chart(which: str, title: str, x_label: str, y_label: str, *, wait: bool = False) -> Cached[str]:
    """A retention chart as SVG text, per chart and language (its titles are translated)."""
    return snapshots.snapshot("retention_chart", wait=wait, which=which, title=str(title), x_label=str(x_label),
                              y_label=str(y_label))
