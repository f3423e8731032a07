"""Interviewer calibration from the fixed-effects model: evidence counted in candidates, a robust reference,
empirical-Bayes shrinkage, and each scorecard's first submitted version.

Every expected figure below is worked out by hand in the comment beside it (the model of
hiring/scoring/rater_effects.py: rating = candidate-and-item effect + interviewer offset, least squares,
centred on the weighted median interviewer; shrinkage of Morris 1983)."""
from __future__ import annotations

import math
import pickle
from datetime import timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from scipy import stats

from hiring.extensions import db
from hiring.interviews import service as interviews
from hiring.interviews.items import Answer, ScorecardInput
from hiring.models import Recommendation, Role, Snapshot, utcnow
from hiring.scoring.calibration import LARGE_OFFSET, MIN_SUPPORT, calibrate, shrink
from tests import factories


def _calibrate(rows):
    """rows: (rater, candidate, item, score)."""
    r, a, i, s = (np.array(column) for column in zip(*rows))
    result = calibrate({}, r, a, i, s, np.zeros(len(s), bool))
    return {p.interviewer_id: p for p in result.people}, result


def _panel(lenient_by: int, n: int = 20):
    """n candidates, one item, three raters: 1 rates truth + lenient_by, 2 the truth, 3 the truth plus noise
    e that runs +1, -1, 0, 0 (five of each sign, ten zeros: it sums to zero)."""
    rows = []
    for c in range(n):
        truth, e = 2 + c % 2, (1, -1, 0, 0)[c % 4]
        rows += [(1, c, 0, truth + lenient_by), (2, c, 0, truth), (3, c, 0, truth + e)]
    return rows


def test_a_few_candidates_rated_on_many_items_flag_nobody():
    # Two candidates, six items each, rater 1 always a point above raters 2 and 3: twelve item comparisons
    # (the old count passed the minimum) but two candidates, below MIN_SUPPORT.
    rows = [(r, c, item, 3 + (r == 1)) for c in range(2) for item in range(6) for r in (1, 2, 3)]
    people, _ = _calibrate(rows)
    assert people[1].candidates == 2 and people[1].raw_offset == pytest.approx(1.0)
    assert MIN_SUPPORT > 2 and not any(p.flagged for p in people.values())


def test_many_candidates_with_a_consistent_difference_flag_the_interviewer():
    people, result = _calibrate(_panel(lenient_by=1))
    # Balanced design: the offsets are the column means (1, 0, 0) less their median 0. Rater 1's comparison per
    # candidate: (t + 1) - mean(t, t + e) = 1 - e/2; rater 2's: -e/2; rater 3's: e. Sample variance of e
    # (ddof 1) = 10/19, so the pooled within variance = (19 * 10/76 * 2 + 19 * 10/19) / 57 = 15/57.
    within = 15 / 57
    between = (1 + 0 + 0) / 3 - within / 20          # mean(raw^2) - mean(within / n) = 0.320175
    factor = between / (between + within / 20)       # 0.960526
    assert result.within == pytest.approx(within) and result.between == pytest.approx(between)
    one = people[1]
    assert one.candidates == 20 and one.colleagues == 2 and one.raw_offset == pytest.approx(1.0)
    assert one.shrinkage == pytest.approx(factor) and one.offset == pytest.approx(factor)
    half = stats.t.ppf(0.975, 19) * math.sqrt(factor) * math.sqrt(10 / 76 / 20)  # 0.1664
    assert (one.low, one.high) == (pytest.approx(factor - half), pytest.approx(factor + half))
    assert one.flagged and one.low > 0 and one.offset >= LARGE_OFFSET
    assert not people[2].flagged and not people[3].flagged


def test_a_lenient_third_rater_does_not_make_the_two_who_agree_look_harsh():
    people, _ = _calibrate(_panel(lenient_by=2))
    # Centred on the mean the offsets would be (+4/3, -2/3, -2/3), and -2/3 would pass LARGE_OFFSET: on the
    # median interviewer they are (+2, 0, 0).
    assert people[1].raw_offset == pytest.approx(2.0) and people[1].flagged
    for agreeing in (2, 3):
        assert people[agreeing].raw_offset == pytest.approx(0.0, abs=1e-9)
        assert abs(people[agreeing].offset) < 1e-9 and not people[agreeing].flagged


def test_two_raters_who_only_met_each_other_are_never_flagged():
    rows = [(r, c, 0, 5 if r == 1 else 2) for c in range(12) for r in (1, 2)]
    people, _ = _calibrate(rows)
    # Mirror images around their midpoint: the data cannot tell which of the two is off.
    assert people[1].raw_offset == pytest.approx(1.5) and people[2].raw_offset == pytest.approx(-1.5)
    assert not people[1].identifiable and not people[1].flagged and not people[2].flagged


def test_shrinkage_by_the_method_of_moments():
    # Noise variance within / n = 1/4, 1/4, 1/4, 1; tau^2 = mean(1, 1, 0, 4) - mean(noise) = 1.5 - 0.4375.
    tau2, factor = shrink(np.array([1.0, -1.0, 0.0, 2.0]), np.array([4, 4, 4, 1]), within=1.0)
    assert tau2 == pytest.approx(1.0625)
    assert factor.tolist() == pytest.approx([1.0625 / 1.3125] * 3 + [1.0625 / 2.0625])  # 0.8095, 0.5152
    assert shrink(np.array([0.1, -0.1]), np.array([2, 2]), within=1.0)[0] == 0.0  # all noise: all the way to 0


def test_an_interviewer_with_three_candidates_is_shrunk_by_the_worked_factor():
    # Raters 1-3 on 20 candidates (1 gives 4, 2 and 3 give 3); rater 4 joins on three of them with 5, 5, 2.
    rows = [(r, c, 0, 4 if r == 1 else 3) for c in range(20) for r in (1, 2, 3)]
    rows += [(4, c, 0, y) for c, y in zip(range(3), (5, 5, 2))]
    people, result = _calibrate(rows)
    # Offsets (1, 0, 0, 1) fit exactly (centred on the weighted median 0: weights 20, 20, 20, 3). Rater 4's
    # comparisons: 5 - 3, 5 - 3, 2 - 3 = 2, 2, -1 (sum of squares about the mean 1: 6); raters 1-3 differ from
    # their mean only on those three candidates, by -1/3, -1/3, +2/3 (2/3 each). Pooled within = 8 / 59.
    within = (6 + 3 * 2 / 3) / (19 * 3 + 2)
    between = (1 + 0 + 0 + 1) / 4 - within * (3 / 20 + 1 / 3) / 4   # 0.483616
    factor = between / (between + within / 3)                      # 0.914530
    four = people[4]
    assert result.within == pytest.approx(within) and result.between == pytest.approx(between)
    assert four.candidates == 3 and four.raw_offset == pytest.approx(1.0)
    assert four.shrinkage == pytest.approx(factor) and four.offset == pytest.approx(factor)
    assert four.shrinkage == pytest.approx(0.914530, abs=1e-6)
    assert not four.flagged  # three candidates


# --- first submitted versions, and amendments shown -----------------------------------------------------

def _amend(assignment, user, value, score, reason):
    card = assignment.scorecard
    return interviews.amend(db.session, assignment, user,
                            ScorecardInput(answers={f"v{value.id}": Answer(score=score, evidence="Changed.")},
                                           recommendation=Recommendation.YES),
                            reason=reason, version=str(card.version))


def _company(n=12):
    """A panel of three rating one value on n candidates: all give 3; returns (value, people, assignments of
    the third, per candidate)."""
    value = factories.core_value(name="Be humble")
    people = [factories.user(Role.INTERVIEWER, name=f"Ida {k}") for k in range(3)]
    thirds = []
    for _ in range(n):
        application = factories.application()
        for k, person in enumerate(people):
            a = factories.assignment(application, person)
            factories.submitted_scorecard(a, {value: 3}, evidence="e")
            if k == 2:
                thirds.append(a)
    return value, people, thirds


def test_calibration_and_reliability_use_the_first_submitted_version(app):
    from hiring.scoring.calibration_service import calibration_data

    value, people, thirds = _company()
    # The third interviewer changes every rating to 5 after seeing the others' 3s: the amended ratings would
    # make them lenient by two points; the first versions agree exactly.
    for a in thirds:
        _amend(a, people[2], value, 5, "Reread my notes")
    db.session.commit()
    data = calibration_data(db.session)
    by_id = {p.interviewer_id: p for p in data["people"]}
    assert data["first_versions"] == 12
    assert by_id[people[2].id].raw_offset == pytest.approx(0.0) and not by_id[people[2].id].flagged
    assert by_id[people[2].id].distribution[3] == 12 and by_id[people[2].id].distribution[5] == 0
    (item,) = data["items"]
    assert item.applications == 12 and item.alpha is None  # one level used throughout: nothing to agree on


def test_a_second_amendment_still_counts_the_first_version(app):
    from hiring.scoring.calibration_service import calibration_data

    value, people, thirds = _company(n=1)
    _amend(thirds[0], people[2], value, 5, "First change")
    _amend(thirds[0], people[2], value, 1, "Second change")
    db.session.commit()
    by_id = {p.interviewer_id: p for p in calibration_data(db.session)["people"]}
    assert by_id[people[2].id].distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 0}


def test_side_by_side_dossier_and_pdf_say_how_many_colleagues_were_seen(client, login_as):
    import io

    from pypdf import PdfReader

    value, people, thirds = _company(n=1)
    application_id = thirds[0].application_id
    # A fourth colleague submits after the amendment: not counted.
    late = factories.submitted_scorecard(factories.assignment(thirds[0].application,
                                                              factories.user(Role.INTERVIEWER)), {value: 4})
    _amend(thirds[0], people[2], value, 5, "Talked it over with the panel")
    late.submitted_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    login_as(Role.HR)
    for url in (f"/interviews/applications/{application_id}/compare",
                f"/reports/applications/{application_id}/dossier"):
        html = client.get(url).get_data(as_text=True)
        assert "Amended after seeing 2 colleagues’ scorecards" in html, url
        assert "Reason: Talked it over with the panel" in html, url
    pdf = client.get(f"/reports/applications/{application_id}/dossier.pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Amended after seeing 2 colleagues" in " ".join(text.split())
    assert "it over with the panel" in " ".join(text.split())  # pypdf may split a kerned "Ta"


def test_an_amendment_before_any_colleague_submitted_says_so(client, login_as):
    value = factories.core_value()
    me = factories.user(Role.INTERVIEWER)
    a = factories.assignment(interviewer=me)
    factories.submitted_scorecard(a, {value: 3})
    _amend(a, me, value, 4, "Typo")
    db.session.commit()
    login_as(Role.HR)
    html = client.get(f"/interviews/applications/{a.application_id}/compare").get_data(as_text=True)
    assert "Amended before any colleague’s scorecard was submitted" in html and "Reason: Typo" in html


def test_a_calibration_snapshot_of_the_old_shape_is_never_served(client, login_as):
    from hiring import snapshots

    login_as(Role.HR)
    factories.lenient_and_strict(factories.core_value(), factories.user(Role.INTERVIEWER),
                                 factories.user(Role.INTERVIEWER))
    db.session.commit()
    with client.application.app_context():
        stamp = snapshots.versions(db.session, ("catalogue", "people", "scorecards"))
        payload = pickle.dumps({"people": "old shape", "names": {}, "items": [], "item_names": {}})
        db.session.add(Snapshot(name="calibration", versions=stamp, computed_at=utcnow(), seconds=0.0,
                                payload=snapshots._sign(payload) + payload))
        db.session.commit()
    html = client.get("/scoring/calibration").get_data(as_text=True)
    assert "Compared with one colleague only" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Snapshot)
                             .where(Snapshot.name == "calibration:v2")) == 1


def test_interviewers_of_different_items_of_one_candidate_are_not_compared():
    # On each of twelve candidates a skills pair (1, 2) rates a requirement and a values panel (3-5) a value:
    # the pair is compared only with each other (mirror images, flagged never), the panel among itself.
    rows = []
    for c in range(12):
        rows += [(1, c, "r", 4), (2, c, "r", 3), (3, c, "v", 4), (4, c, "v", 3), (5, c, "v", 3)]
    people, _ = _calibrate(rows)
    assert people[1].colleagues == 1 and not people[1].identifiable and not people[1].flagged
    assert people[1].raw_offset == pytest.approx(0.5) and people[2].raw_offset == pytest.approx(-0.5)
    assert people[3].colleagues == 2 and people[3].raw_offset == pytest.approx(1.0) and people[3].flagged
    assert not people[4].flagged and not people[5].flagged
