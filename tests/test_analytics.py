"""Retention and take-rate statistics, pinned to published numbers, and the page that shows them."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hiring.analytics.rates import wilson
from hiring.analytics.retention import durations, kaplan_meier
from hiring.analytics.service import band_of, quarter
from hiring.extensions import db
from hiring.models import EndReason, OfferDecision, QuitOffer, Role, utcnow
from tests import factories

# Freireich et al. (1963), 6-MP arm: remission times in weeks, 0 = censored (Gehan's leukaemia data).
SIX_MP_TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
# R: summary(survfit(Surv(time, event) ~ 1, conf.type = "log-log")): time, survival, lower 95%, upper 95%.
R_SURVFIT = [
    (6, 0.857, 0.620, 0.952), (7, 0.807, 0.563, 0.923), (10, 0.753, 0.503, 0.889), (13, 0.690, 0.432, 0.849),
    (16, 0.627, 0.368, 0.805), (22, 0.538, 0.268, 0.747), (23, 0.448, 0.188, 0.680),
]


def test_kaplan_meier_matches_r_survfit_on_the_6mp_data():
    curve = kaplan_meier(np.array(SIX_MP_TIMES, float), np.array(SIX_MP_EVENT, bool), "6-MP",
                         checkpoints=[t for t, *_ in R_SURVFIT])
    for t, surv, low, high in R_SURVFIT:
        assert curve.at[t] == pytest.approx((surv, low, high), abs=0.0006), t
    assert curve.median == 23
    assert (curve.n, curve.events) == (21, 9)


def test_no_estimate_past_the_longest_follow_up_and_median_not_reached():
    curve = kaplan_meier(np.array([10.0, 20.0, 30.0]), np.array([True, False, False]), checkpoints=[5, 25, 40])
    assert curve.at[5] == (1.0, 1.0, 1.0)
    assert curve.at[25][0] == pytest.approx(2 / 3)
    assert curve.at[40] is None and curve.median is None
    assert kaplan_meier(np.array([]), np.array([], bool)) is None


def test_durations_from_dates():
    today = date(2026, 11, 23)
    starts = [date(2026, 1, 1), date(2026, 3, 1), date(2026, 11, 23), date(2026, 12, 1), date(2026, 6, 1)]
    ends = [date(2026, 1, 1), None, None, None, date(2027, 1, 1)]
    days, observed = durations(starts, ends, today)
    # same-day start and end: a departure at day 0; still employed: censored at today; starting today: 0 days
    # at risk, censored; not started yet: left out; an end date in the future: censored at today.
    assert days.tolist() == [0, (today - date(2026, 3, 1)).days, 0, (today - date(2026, 6, 1)).days]
    assert observed.tolist() == [True, False, False, False]


def test_wilson_interval():
    one_in_a_hundred = wilson(1, 100)
    assert (one_in_a_hundred.low, one_in_a_hundred.high) == pytest.approx((0.00177, 0.05448), abs=1e-4)
    none = wilson(0, 50)
    assert none.rate == 0 and none.low == 0 and none.high == pytest.approx(0.0714, abs=1e-4)
    everyone = wilson(50, 50)
    assert everyone.rate == 1 and everyone.high == 1 and everyone.low == pytest.approx(0.9286, abs=1e-4)
    assert wilson(0, 0).rate is None
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_bands_and_quarters():
    assert [band_of(x) for x in (None, 10, 60, 74.9, 75, 90, 100)] == [
        "not scored", "under 60", "60 to 75", "60 to 75", "75 to 90", "90 and over", "90 and over"]
    assert quarter(date(2026, 11, 23)) == "2026-Q4" and quarter(date(2026, 1, 1)) == "2026-Q1"


def _past_hire(days_ago: int, decision: OfferDecision, fit: float, left_after: int | None = None):
    application = factories.application()
    application.values_fit = fit
    start = date.today() - timedelta(days=days_ago)
    hire = factories.hire(application, start=start)
    if decision is OfferDecision.TAKEN:
        hire.end_date, hire.end_reason = start + timedelta(days=40), EndReason.OFFER_ACCEPTED
    elif left_after is not None:
        hire.end_date, hire.end_reason = start + timedelta(days=left_after), EndReason.RESIGNED
    offered = utcnow() - timedelta(days=days_ago - 35)
    db.session.add(QuitOffer(hire=hire, amount_minor=400_000, currency="USD", offered_at=offered,
                             deadline=offered + timedelta(days=7), decision=decision,
                             decided_at=offered + timedelta(days=2),
                             paid_minor=400_000 if decision is OfferDecision.TAKEN else None))
    db.session.flush()
    return hire


def test_statistics_page(client, login_as):
    login_as(Role.HR)
    for i in range(9):
        _past_hire(400 + i, OfferDecision.STAYED, 80, left_after=100 + 30 * i if i % 3 == 0 else None)
    _past_hire(300, OfferDecision.TAKEN, 55)
    db.session.commit()
    html = client.get("/analytics/offer").get_data(as_text=True)
    assert "Take rate 10.0%, 95% confidence interval 1.8% to 40.4% (Wilson)." in html
    assert "$4,000.00" in html
    assert "Stayed, values fit 75 to 90" in html
    svg = client.get("/analytics/offer/band.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert client.get("/analytics/offer/other.svg").status_code == 404


def test_statistics_page_with_no_hires(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/analytics/offer").get_data(as_text=True)
    assert "No hires yet." in html and "No offers decided yet." in html
    assert client.get("/analytics/offer/all.svg").status_code == 200


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_statistics_are_for_hr_and_admins(client, login_as, role):
    login_as(role)
    assert client.get("/analytics/offer").status_code == 403
    assert client.get("/analytics/offer/all.svg").status_code == 403
