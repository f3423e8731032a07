"""Does our interview predict? (issue 23, item 2): the table of every item against the week-5 review and staying a
year (hiring/analytics/prediction.py), what the service reads from the database (prediction_service.py), and the
page, its charts and its PDF section. The statistics themselves are tested against published worked examples in
tests/test_validity.py; here, on constructed data whose true relationship is known."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hiring.analytics import prediction
from hiring.analytics.prediction import (
    AXIS_VALUES,
    STAYED,
    STAYED_NO_OFFER,
    WEEK5,
    Hires,
    Item,
    assess,
    pool_spread,
    week5_mean,
)
from hiring.analytics.validity import MIN_N
from hiring.extensions import db
from hiring.models import (
    EndReason,
    InterviewKind,
    ReviewKind,
    ReviewStatus,
    Role,
    Stage,
    ValuesReview,
    ValuesReviewRating,
    utcnow,
)
from hiring.onboarding.enrolment import enrol
from tests import factories


# --- pure ------------------------------------------------------------------------------------------------------

def test_pool_spread_is_the_sample_sd_from_the_sums_the_database_gives():
    # 1, 2, 3, 4: mean 2.5, mean of squares 7.5; variance (7.5 - 6.25) * 4/3 = 1.6667, SD 1.2910 (numpy, ddof=1).
    assert pool_spread(4, 2.5, 7.5) == pytest.approx(1.2910, abs=1e-4)
    assert pool_spread(4, 2.5, 7.5) == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert pool_spread(1, 3.0, 9.0) is None          # one applicant: no spread
    assert pool_spread(5, 3.0, 9.0) is None          # all the same
    assert pool_spread(0, None, None) is None


def test_week5_mean_takes_the_values_rated():
    week5 = {"value:1": np.array([4, np.nan, np.nan]), "value:2": np.array([2, 5, np.nan])}
    mean = week5_mean(week5, 3)
    assert mean[0] == 3 and mean[1] == 5 and np.isnan(mean[2])
    assert np.isnan(week5_mean({}, 2)).all()


def _known(n=300, seed=7):
    """Constructed hires: item 1 drives both the week-5 rating and staying (true r about .5), item 2 is noise."""
    rng = np.random.default_rng(seed)
    level = rng.normal(3.5, 0.6, n)
    predictive = level + rng.normal(0, 0.5, n)
    noise = rng.normal(3.5, 0.8, n)
    week5 = np.clip(np.round(level + rng.normal(0, 0.5, n)), 1, 5)
    stayed = (level + rng.normal(0, 0.8, n) > 3.2).astype(float)
    took_offer = np.zeros(n, dtype=bool)
    hires = Hires({"value:1": predictive, "value:2": noise, AXIS_VALUES: (predictive + noise) / 2},
                  {"value:1": week5, "value:2": week5.copy()}, stayed, took_offer)
    items = [Item(AXIS_VALUES, "axis", "Values fit"), Item("value:1", "value", "Predictive"),
             Item("value:2", "value", "Noise")]
    return items, hires


def test_a_predictive_item_is_found_and_a_noise_item_is_not():
    items, hires = _known()
    table = prediction.table(items, hires, {"value:1": 1.2, "value:2": 1.0, AXIS_VALUES: 0.9})
    by_name = {row.item.name: row for row in table.rows}
    predictive, noise = by_name["Predictive"], by_name["Noise"]
    for outcome in (WEEK5, STAYED):
        assert predictive.findings[outcome].verdict is True, outcome
        assert noise.findings[outcome].verdict is False, outcome
    assert predictive.findings[WEEK5].observed.r > 0.5
    assert [row.item.name for row in table.weak] == ["Noise"]
    assert table.hires == table.reviewed == table.year_known == 300 and table.offer_takers == 0


def test_the_correction_widens_r_when_the_applicants_spread_more_and_never_turns_a_verdict():
    items, hires = _known()
    restricted = np.std(hires.predictors["value:1"], ddof=1)
    plain = assess(hires.predictors["value:1"], hires.week5["value:1"], None, binary=False)
    corrected = assess(hires.predictors["value:1"], hires.week5["value:1"], 2 * restricted, binary=False)
    assert plain.corrected is None
    assert corrected.corrected.u == pytest.approx(2.0)
    r = plain.observed.r  # Case II by hand: r u / sqrt(1 + r^2 (u^2 - 1)) with u = 2
    assert corrected.corrected.r == pytest.approx(r * 2 / np.sqrt(1 + r * r * 3))
    assert corrected.corrected.r > plain.observed.r and corrected.verdict == plain.verdict


def test_requirements_are_not_compared_with_the_week5_review_of_the_values():
    items, hires = _known()
    hires.predictors["requirement:4"] = hires.predictors["value:1"]
    rows = prediction.table([Item("requirement:4", "requirement", "Typing", "Agent"),
                             Item(prediction.AXIS_REQUIREMENTS, "axis", "Requirements fit")], hires, {}).rows
    assert all(set(row.findings) == {STAYED, STAYED_NO_OFFER} for row in rows)
    assert rows[0].findings[STAYED].verdict is True


def test_below_the_minimum_nothing_is_shown_and_no_verdict_given():
    items, hires = _known(n=MIN_N - 1)
    row = prediction.table(items, hires, {}).rows[1]
    assert row.findings[WEEK5].n == MIN_N - 1
    assert not row.findings[WEEK5].shown and row.findings[WEEK5].verdict is None
    assert not row.weak  # too few to call it a candidate for rewording
    items, hires = _known(n=MIN_N)
    assert prediction.table(items, hires, {}).rows[1].findings[WEEK5].shown


def test_offer_takers_are_left_out_of_the_second_retention_outcome():
    items, hires = _known(n=60)
    took = np.zeros(60, dtype=bool)
    took[:5] = True
    stayed = hires.stayed.copy()
    stayed[:5] = 0
    hires = Hires(hires.predictors, hires.week5, stayed, took)
    row = prediction.table(items, hires, {}).rows[1]
    assert row.findings[STAYED].n == 60 and row.findings[STAYED_NO_OFFER].n == 55


# --- the service, on rows whose answer is known ---------------------------------------------------------------

TODAY = date.today()


def _hire_with(value, score, *, start, end=None, reason=None, week5=None, mentor=None):
    """A hire whose two interviewers rated `value` `score`, who started on `start` and maybe left."""
    job = factories.job(requirements=1)
    application = factories.application(job, stage=Stage.HIRED)
    for kind in (InterviewKind.VALUES, InterviewKind.HIRING_MANAGER):
        factories.submitted_scorecard(factories.assignment(application, kind=kind), {value: score})
    application.values_fit = 20.0 * score
    hire = factories.hire(application, start=start, end_date=end, end_reason=reason,
                          mentor_id=mentor.id if mentor else None)
    if week5 is not None:
        enrollment = enrol(db.session, hire, start)
        review = ValuesReview(enrollment=enrollment, kind=ReviewKind.MENTOR, status=ReviewStatus.SUBMITTED,
                              submitted_at=utcnow(), reviewer_id=mentor.id if mentor else None)
        review.ratings.append(ValuesReviewRating(core_value_id=value.id, score=week5, evidence="Seen."))
        db.session.add(review)
    db.session.flush()
    return hire


def test_the_service_reads_who_stayed_a_year_and_the_week5_ratings(app):
    from hiring.analytics.prediction_service import _hires, prediction_table

    value = factories.core_value("Kindness")
    mentor = factories.user(Role.INTERVIEWER)
    long_ago = TODAY - timedelta(days=800)
    stays = _hire_with(value, 5, start=long_ago, week5=5, mentor=mentor)                  # still employed: stayed
    late = _hire_with(value, 4, start=long_ago, end=long_ago + timedelta(days=400), reason=EndReason.RESIGNED,
                      week5=4, mentor=mentor)                                             # left after a year: stayed
    early = _hire_with(value, 2, start=long_ago, end=long_ago + timedelta(days=100), reason=EndReason.RESIGNED,
                       week5=2, mentor=mentor)                                            # left within it
    taker = _hire_with(value, 3, start=long_ago, end=long_ago + timedelta(days=36),
                       reason=EndReason.OFFER_ACCEPTED)                                    # took The Offer
    recent = _hire_with(value, 3, start=TODAY - timedelta(days=100))                       # not a year yet
    db.session.commit()
    applications, hires, rated = _hires(db.session, TODAY)
    at = {int(a): i for i, a in enumerate(applications)}
    stayed = {h: hires.stayed[at[h.application_id]] for h in (stays, late, early, taker, recent)}
    assert stayed[stays] == 1 and stayed[late] == 1 and stayed[early] == 0 and stayed[taker] == 0
    assert np.isnan(stayed[recent])
    assert hires.took_offer[at[taker.application_id]] and not hires.took_offer[at[early.application_id]]
    key = f"value:{value.id}"
    assert rated == {value.id}
    assert hires.predictors[key][at[early.application_id]] == 2
    assert hires.week5[key][at[early.application_id]] == 2 and np.isnan(hires.week5[key][at[taker.application_id]])
    table = prediction_table(db.session, TODAY)
    assert (table.hires, table.reviewed, table.year_known, table.offer_takers) == (5, 3, 4, 1)
    kindness = next(row for row in table.rows if row.item.key == key)
    assert kindness.findings[WEEK5].n == 3 and kindness.findings[STAYED].n == 4
    assert kindness.findings[STAYED_NO_OFFER].n == 3 and kindness.findings[WEEK5].verdict is None


def test_the_service_reads_in_a_fixed_number_of_statements(app, count_queries):
    from hiring.analytics.prediction_service import prediction_table

    value = factories.core_value("Kindness")
    for i in range(4):
        _hire_with(value, 2 + i % 3, start=TODAY - timedelta(days=500), week5=3)
    db.session.commit()
    with count_queries() as few:
        prediction_table(db.session, TODAY)
    for i in range(20):
        _hire_with(value, 2 + i % 3, start=TODAY - timedelta(days=500), week5=3)
    db.session.commit()
    with count_queries() as many:
        prediction_table(db.session, TODAY)
    assert few.count == many.count <= 8


# --- the page ---------------------------------------------------------------------------------------------------

def _company(n=MIN_N + 5):
    value = factories.core_value("Kindness")
    mentor = factories.user(Role.INTERVIEWER)
    for i in range(n):
        score = 1 + i % 5
        _hire_with(value, score, start=TODAY - timedelta(days=500), week5=max(1, min(5, score + (i % 3) - 1)),
                   mentor=mentor, end=TODAY - timedelta(days=300) if score <= 2 else None,
                   reason=EndReason.RESIGNED if score <= 2 else None)
    db.session.commit()
    return value


def test_hr_sees_each_item_with_n_its_interval_and_the_plain_explanation(client, login_as):
    _company()
    login_as(Role.HR)
    response = client.get("/analytics/prediction")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Does our interview predict?" in html and "Kindness" in html
    assert "Thorndike" in html and "What it cannot show" in html
    assert "/analytics/prediction/week5.svg" in html
    assert "Predicts" in html
    chart = client.get("/analytics/prediction/week5.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml" and b"Kindness" in chart.data


def test_too_few_hires_say_so_instead_of_a_figure(client, login_as):
    _company(n=5)
    login_as(Role.HR)
    html = client.get("/analytics/prediction").get_data(as_text=True)
    assert "Too few (at least 20 needed)" in html and "No item has enough data for this outcome yet" in html
    assert "/analytics/prediction/week5.svg" not in html


def test_the_page_in_dutch(client, login_as):
    _company()
    login_as(Role.HR)
    client.post("/language", data={"language": "nl"})
    html = client.get("/analytics/prediction", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Voorspelt ons interview?" in html


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_hr_and_admins(client, login_as, role):
    login_as(role)
    assert client.get("/analytics/prediction").status_code == 403
    assert client.get("/analytics/prediction/week5.svg").status_code == 403


def test_an_unknown_chart_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/analytics/prediction/nonsense.svg").status_code == 404


def test_the_retention_pdf_carries_the_prediction_section(app):
    import io

    from pypdf import PdfReader

    from hiring.reports import documents

    _company()
    with app.test_request_context():
        data = documents.build("retention", {})
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert "Does our interview predict?" in text and "Kindness" in text and "cannot show" in text
