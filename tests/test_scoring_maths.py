"""The fit scores and the gate, pinned with hand-computed cases."""
from __future__ import annotations

import pytest

from hiring.scoring.fit import AxisFit, item_means, requirements_fit, to_scale, values_fit
from hiring.scoring.gate import GateInput, decide


def test_scale_maps_1_to_0_and_5_to_100():
    assert [to_scale(x) for x in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]


def test_item_means_leave_out_no_evidence():
    means = item_means([("a", 4), ("a", 2), ("a", None), ("b", None), ("c", 5)])
    assert means == {"a": 3.0, "c": 5.0}  # 'b' had no evidence at all: it is missing, not zero


def test_requirements_fit_is_weighted():
    # (4 * 3 + 2 * 1) / 4 = 3.5 -> 62.5
    fit = requirements_fit({"phone": 4.0, "typing": 2.0}, {"phone": 3, "typing": 1})
    assert fit == AxisFit(62.5, ())


def test_missing_items_are_reported_not_counted():
    fit = requirements_fit({"phone": 5.0}, {"phone": 3, "typing": 1})
    assert fit.score == 100.0 and fit.missing == ("typing",)
    assert requirements_fit({}, {"phone": 1}).score is None


def test_values_fit_is_the_plain_mean():
    assert values_fit({"humble": 5.0, "wow": 3.0}, ["humble", "wow"]).score == 75.0


def _gate(req=80.0, val=80.0, must=None, values=None, vetoes=(), pending=0):
    return decide(GateInput(requirements=AxisFit(req), values=AxisFit(val), requirements_threshold=60,
                            values_threshold=60, must_have_means=must if must is not None else {"phone": 4.0},
                            value_means=values if values is not None else {"humble": 4.0, "wow": 4.0},
                            vetoes=vetoes, scorecards_pending=pending))


def test_both_axes_pass():
    assert _gate().result == "passes" and _gate().reasons == []


def test_a_strong_skills_score_never_makes_up_for_values():
    outcome = _gate(req=100.0, val=55.0)
    assert outcome.result == "fails"
    assert outcome.reasons == [{"code": "values_below_threshold", "score": 55.0, "threshold": 60}]


def test_a_single_value_under_the_floor_fails_even_with_a_high_mean():
    outcome = _gate(val=80.0, values={"humble": 2.0, "wow": 5.0})
    assert outcome.result == "fails"
    assert {"code": "value_below_floor", "item": "humble", "mean": 2.0, "floor": 3} in outcome.reasons


def test_a_must_have_under_the_floor_fails():
    assert _gate(must={"phone": 2.5}).result == "fails"


def test_a_veto_fails_whatever_the_scores():
    outcome = _gate(req=100.0, val=100.0, vetoes=["Rude to staff"])
    assert outcome.result == "fails" and outcome.reasons == [{"code": "culture_veto", "reason": "Rude to staff"}]


def test_incomplete_coverage_says_what_is_missing():
    outcome = _gate(values={"humble": 4.0, "wow": None}, pending=1)
    assert outcome.result == "incomplete"
    assert outcome.reasons == [{"code": "scorecards_pending", "count": 1}, {"code": "no_evidence", "item": "wow"}]


def test_every_reason_is_listed():
    outcome = _gate(req=40.0, val=40.0, must={"phone": 1.0}, values={"humble": 1.0, "wow": 2.0})
    assert [r["code"] for r in outcome.reasons] == [
        "requirements_below_threshold", "values_below_threshold", "must_have_below_floor",
        "value_below_floor", "value_below_floor"]


@pytest.mark.parametrize("score,result", [(60.0, "passes"), (59.99, "fails")])
def test_reaching_the_threshold_is_enough(score, result):
    assert _gate(req=score).result == result


def test_counted_values_are_the_active_ones_and_retired_ones_scored_here():
    from hiring.scoring.fit import counted_values

    values = [(1, False), (2, True), (3, True), (4, False)]  # 2 and 3 retired since
    assert counted_values(values, rated=[2, 4]) == [1, 2, 4]  # 2 was scored here; 3 was not
    assert counted_values(values, rated=[]) == [1, 4]
