"""A gate that knows its own uncertainty, raters needed per item, and one rule for "No evidence".

Worked examples with their answers stated: the Spearman-Brown prophecy by hand, the bootstrap's P(pass) by
enumerating the resamples (or from the binomial distribution for the drawn case).
"""
from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.labels import NO_EVIDENCE_RULE, gate_reason
from hiring.models import CoreValue, InterviewAssignment, InterviewKind, Role, Stage
from hiring.scoring.service import score_application
from hiring.scoring.spearman_brown import raters_needed
from hiring.scoring.uncertainty import Card, Panel, classify, gate_for, pass_probability
from tests import factories

RULE = ("The gate needs evidence on every core value and must-have requirement from at least one "
        "interviewer.")


# --- Spearman-Brown ------------------------------------------------------------------------------------

def test_raters_needed_worked_examples():
    # k = T(1-r) / (r(1-T)): .7 * .6 / (.4 * .3) = 3.5 -> 4; at .70 exactly one rater is enough.
    assert raters_needed(0.40) == 4
    assert raters_needed(0.70) == 1
    assert raters_needed(0.90) == 1
    # .7 * .8 / (.2 * .3) = 9.33 -> 10; .7 * .5 / (.5 * .3) = 2.33 -> 3
    assert raters_needed(0.20) == 10 and raters_needed(0.50) == 3


def test_the_prophecy_holds_for_the_number_given():
    # Reliability of the mean of k raters: k r / (1 + (k - 1) r). At r = .4: 3 raters .667, 4 raters .727.
    def mean_of(k, r):
        return k * r / (1 + (k - 1) * r)
    assert mean_of(3, 0.4) < 0.7 <= mean_of(4, 0.4)


@pytest.mark.parametrize("alpha", [0.0, -0.25, None])
def test_no_number_of_raters_reaches_it_at_alpha_zero_or_below(alpha):
    assert raters_needed(alpha) is None


# --- the bootstrap -------------------------------------------------------------------------------------

PANEL = Panel(requirement_weights={1: 1}, must_haves={1: "Phone"}, values={1: "Humble"},
              requirements_threshold=60, values_threshold=60, floor=3)


def _cards(skills, values):
    return ([Card("skills", [(("r", 1), s)]) for s in skills]
            + [Card("values", [(("v", 1), s)]) for s in values])


def test_clearly_above_the_thresholds_passes_in_every_resample():
    u = pass_probability(_cards([5, 4], [5, 4]), PANEL)
    assert (u.status, u.p_pass, u.exact) == ("clear_pass", 1.0, True)


def test_clearly_below_passes_in_none():
    u = pass_probability(_cards([5, 4], [2, 1]), PANEL)
    assert (u.status, u.p_pass) == ("clear_fail", 0.0)


def test_a_split_panel_at_the_threshold_is_too_close_to_call():
    # Values rated 4 and 2: mean 3, fit 50 < 60, the gate says no. The values resamples (4,4), (4,2), (2,4),
    # (2,2) are equally likely; only (4,4) passes (fit 75), so P = 1/4 exactly, between .1 and .9.
    assert gate_for(_cards([5, 5], [4, 2]), PANEL).result == "fails"
    u = pass_probability(_cards([5, 5], [4, 2]), PANEL)
    assert (u.status, u.p_pass) == ("close", 0.25)


def test_a_resample_without_evidence_is_left_out():
    # One values interviewer gave no evidence: of the values resamples, (5,5), (5,None) and (None,5) pass
    # and (None,None) is incomplete, which the gate would not decide: P = 3/3 = 1, with 1/4 left out.
    u = pass_probability(_cards([5, 5], [5, None]), PANEL)
    assert (u.p_pass, u.status, u.undecided) == (1.0, "clear_pass", 0.25)
    # With the other rating 2 instead: (5,5) passes, (5,2)/(2,5) fit 62.5 pass, (2,2) fails: P = 3/4.
    assert pass_probability(_cards([5, 5], [5, 2]), PANEL).p_pass == 0.75


def test_one_interviewer_per_axis_says_nothing():
    u = pass_probability(_cards([5], [2]), PANEL)
    assert (u.status, u.p_pass, u.interviewers) == ("single", None, 2)
    assert u.alone == ("requirements", "values")


def test_resampling_is_within_each_axis():
    # Two skills, one values interview: the values card is in every resample; the skills resamples of
    # (5, 1) are (5,5) pass, (5,1)/(1,5) mean 3 -> fit 50 fail, (1,1) fail: P = 1/4.
    u = pass_probability(_cards([5, 1], [5]), PANEL)
    assert u.p_pass == 0.25 and u.alone == ("values",)


def test_the_hiring_manager_is_resampled_on_both_axes():
    # The usual panel: skills 5, values 4, the hiring manager 5 on the requirement and 2 on the value.
    # Requirements raters (5, 5): every resample passes. Values raters (4, 2): (4,4) fit 75 passes,
    # (4,2) and (2,4) fit 50 and (2,2) fail: P = 1/4, too close to call.
    cards = _cards([5], [4]) + [Card("hiring_manager", [(("r", 1), 5), (("v", 1), 2)])]
    assert gate_for(cards, PANEL).result == "fails"
    u = pass_probability(cards, PANEL)
    assert (u.status, u.p_pass, u.alone, u.interviewers) == ("close", 0.25, (), 3)


def test_thresholds_are_compared_exactly():
    assert classify(Fraction(9, 10)) == "clear_pass" and classify(Fraction(1, 10)) == "clear_fail"
    assert classify(Fraction(1, 2)) == "close"


def test_large_panels_are_drawn_with_a_fixed_seed_and_agree_with_the_binomial():
    # 8 values interviewers, four rating 5 and four rating 1: C(15, 8) = 6435 resamples > 2000, so drawn.
    # A resample with j fives has mean (5j + 8 - j) / 8 >= 3.4 (fit 60) iff j >= 5;
    # P(Binomial(8, 1/2) >= 5) = (56 + 28 + 8 + 1) / 256 = 93/256 = 0.363.
    cards = _cards([5, 5], [5, 5, 5, 5, 1, 1, 1, 1])
    u = pass_probability(cards, PANEL)
    expected = sum(comb(8, j) for j in range(5, 9)) / 256
    assert not u.exact and u.resamples == 2000
    assert expected == pytest.approx(93 / 256)
    assert abs(u.p_pass - expected) < 0.04  # four standard errors of a share of 2000
    assert pass_probability(cards, PANEL) == u  # the same figure every time


# --- the rule for "No evidence", said the same way everywhere ---------------------------------------------

def test_the_incomplete_reason_states_the_rule(app):
    with app.test_request_context():
        assert str(NO_EVIDENCE_RULE) == RULE
        text = gate_reason({"code": "no_evidence", "item": "Humble"})
        assert text == f"No interviewer has given evidence on 'Humble' yet. {RULE}"


def test_the_scorecard_says_the_rule_next_to_no_evidence(client, login_as):
    me = login_as(Role.INTERVIEWER)
    value = factories.core_value(name="Be humble")
    job = factories.job(requirements=2)
    a = factories.assignment(factories.application(job, stage=Stage.INTERVIEWING), me,
                             InterviewKind.HIRING_MANAGER)
    db.session.commit()
    html = client.get(f"/interviews/{a.id}/scorecard").get_data(as_text=True)
    must, optional = job.requirements[0], job.requirements[1]
    for key in (f"v{value.id}", f"r{must.id}"):
        label = html.split(f'<label for="rating_{key}-5">')[1].split("</label>")[0]
        assert "<strong>No evidence</strong>" in label and "Left out of your score." in label and RULE in label
    label = html.split(f'<label for="rating_r{optional.id}-5">')[1].split("</label>")[0]
    assert RULE not in label  # an optional requirement does not hold up the gate


# --- the candidate page --------------------------------------------------------------------------------

def _application_with(values_scores, skills_scores=(5, 5)):
    # One core value for the whole test: a second active value, unrated, would leave the gate incomplete.
    value = db.session.scalar(sa.select(CoreValue).where(CoreValue.name == "Humble")) or factories.core_value(
        name="Humble")
    job = factories.job(requirements=1)
    application = factories.application(job, stage=Stage.INTERVIEWING)
    for score in skills_scores:
        factories.submitted_scorecard(factories.assignment(application, kind=InterviewKind.SKILLS),
                                      {job.requirements[0]: score})
    for score in values_scores:
        factories.submitted_scorecard(factories.assignment(application, kind=InterviewKind.VALUES),
                                      {value: score})
    score_application(db.session, application.id)
    db.session.commit()
    return application


def test_the_candidate_page_shows_too_close_to_call(client, login_as):
    login_as(Role.RECRUITER)
    application = _application_with([4, 2])
    assert application.gate_result.value == "fails"
    html = client.get(f"/pipeline/candidates/{application.candidate_id}").get_data(as_text=True)
    assert "Too close to call: add an independent values interview." in html
    assert "It passes in 25% of the panels resampled from its interviewers." in html
    assert "Efron & Tibshirani 1993, An Introduction to the Bootstrap" in html


def test_the_candidate_page_shows_a_clear_pass_and_the_single_interviewer_case(client, login_as):
    login_as(Role.RECRUITER)
    clear = _application_with([5, 4])
    html = client.get(f"/pipeline/candidates/{clear.candidate_id}").get_data(as_text=True)
    assert "Clearly passes." in html and "It passes in 100% of the panels" in html
    assert "Too close to call" not in html
    single = _application_with([4], skills_scores=(5,))
    html = client.get(f"/pipeline/candidates/{single.candidate_id}").get_data(as_text=True)
    assert "cannot tell how close this call is" in html and "Too close to call" not in html


def test_a_veto_or_an_outstanding_scorecard_is_not_resampled(client, login_as):
    login_as(Role.RECRUITER)
    application = _application_with([5, 5])
    factories.assignment(application, kind=InterviewKind.VALUES)  # a third values interview, not yet in
    score_application(db.session, application.id)
    db.session.commit()
    assert application.gate_result.value == "incomplete"
    html = client.get(f"/pipeline/candidates/{application.candidate_id}").get_data(as_text=True)
    assert "panels resampled" not in html and "cannot tell how close" not in html


def test_gate_for_agrees_with_the_stored_gate(app):
    # The bootstrap's full panel (every card once) must give the gate score_application stored.
    from hiring.scoring.service import gate_uncertainty

    for values in ([4, 2], [5, 4], [2, 1], [5, None]):
        application = _application_with(values)
        rows = [(asg, None, asg.scorecard) for asg in db.session.scalars(
            sa.select(InterviewAssignment).where(InterviewAssignment.application_id == application.id))]
        assert application.id in gate_uncertainty(db.session, [application], {application.id: rows})
        assert gate_for(_cards([5, 5], values), PANEL).result == application.gate_result.value


# --- the calibration page ------------------------------------------------------------------------------

def test_the_calibration_page_shows_raters_needed(client, login_as):
    # Ordinal alpha from the krippendorff package: "Agree" 17/28 = 0.607, so k = .7 * (11/28) / ((17/28) * .3)
    # = 7.7 / 5.1 = 1.51 -> 2 raters; "Disagree" -0.31, which no number of raters brings to .70.
    login_as(Role.HR)
    agree, disagree = factories.core_value(name="Agree"), factories.core_value(name="Disagree")
    a, b = factories.user(Role.INTERVIEWER), factories.user(Role.INTERVIEWER)
    for x, y, z in zip([5, 4, 3, 2, 5, 1], [4, 4, 2, 3, 3, 2], [1, 2, 3, 4, 5, 5]):
        application = factories.application()
        factories.submitted_scorecard(factories.assignment(application, a), {agree: x, disagree: x})
        factories.submitted_scorecard(factories.assignment(application, b), {agree: y, disagree: z})
    db.session.commit()
    html = client.get("/scoring/calibration").get_data(as_text=True)
    assert "Raters needed for 0.70" in html and "Spearman 1910; Brown 1910" in html
    row = html.split('<th scope="row">Agree</th>')[1].split("</tr>")[0]
    assert "0.61" in row and row.endswith('<td class="num">2</td>')
    row = html.split('<th scope="row">Disagree</th>')[1].split("</tr>")[0]
    assert "-0.31" in row or "−0.31" in row
    assert "no number of raters reaches 0.70" in row


def test_the_candidate_page_runs_a_fixed_number_of_statements(client, login_as, count_queries):
    # The bootstrap is per application and on this page only; its loading is a fixed 4 statements.
    login_as(Role.RECRUITER)
    url = f"/pipeline/candidates/{_application_with([4, 2]).candidate_id}"
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    with_bootstrap = counter.count
    incomplete = _application_with([4, 2])
    factories.assignment(incomplete, kind=InterviewKind.VALUES)  # a scorecard outstanding: nothing to resample
    db.session.commit()
    url = f"/pipeline/candidates/{incomplete.candidate_id}"
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    # 15: the page's own (the answers to the job's questions, the self-identification summary, the active
    # rejection reasons and the company's wording of the rejection message for its preview among them).
    assert with_bootstrap == counter.count + 2 and with_bootstrap <= 15


def _reference_p_pass(cards, panel):
    """P(pass) by the definition, with nothing shared between resamples: every combination of the two axes'
    multisets, the panel's means computed afresh from all its cards (fit.item_means) and judged by gate.decide."""
    import itertools
    import math

    from hiring.scoring.fit import item_means, requirements_fit, values_fit
    from hiring.scoring.gate import GateInput, decide

    strata = {}
    for card in cards:
        for prefix in "rv":
            part = [(key, score) for key, score in card.ratings if key[0] == prefix]
            if part:
                strata.setdefault(prefix, []).append(Card(card.kind, part))
    tally = {"passes": Fraction(0), "fails": Fraction(0), "incomplete": Fraction(0)}
    groups = [strata[p] for p in sorted(strata)]
    for combo in itertools.product(*(itertools.product(range(len(g)), repeat=len(g)) for g in groups)):
        ratings = [r for g, drawn in zip(groups, combo) for i in drawn for r in g[i].ratings]
        req = item_means((k[1], s) for k, s in ratings if k[0] == "r")
        val = item_means((k[1], s) for k, s in ratings if k[0] == "v")
        result = decide(GateInput(
            requirements=requirements_fit(req, panel.requirement_weights), values=values_fit(val, list(panel.values)),
            requirements_threshold=panel.requirements_threshold, values_threshold=panel.values_threshold,
            must_have_means={n: req.get(i) for i, n in panel.must_haves.items()},
            value_means={n: val.get(i) for i, n in panel.values.items()}, floor=panel.floor)).result
        tally[result] += Fraction(1, math.prod(len(g) ** len(g) for g in groups))
    decided = tally["passes"] + tally["fails"]
    return None if not decided else tally["passes"] / decided


@pytest.mark.parametrize("seed", range(12))
def test_the_axis_by_axis_enumeration_equals_the_definition(seed):
    """pass_probability computes each axis's means once per distinct draw of that axis (0.4 s a page before);
    on random panels of up to three interviewers an axis, with gaps in the evidence, it gives exactly the
    P(pass) of judging every ordered resample afresh."""
    import random

    rng = random.Random(seed)
    reqs = {i: rng.randint(1, 3) for i in range(rng.randint(1, 3))}
    values = {100 + i: f"value {i}" for i in range(rng.randint(1, 3))}
    panel = Panel(requirement_weights=reqs, must_haves={i: f"req {i}" for i in reqs if rng.random() < 0.5},
                  values=values, requirements_threshold=rng.choice([50, 60, 70]),
                  values_threshold=rng.choice([50, 60, 70]))

    def card(prefixes):
        ratings = [(("r", i), rng.choice([1, 2, 3, 4, 5, None])) for i in reqs] if "r" in prefixes else []
        ratings += [(("v", v), rng.choice([1, 2, 3, 4, 5, None])) for v in values] if "v" in prefixes else []
        return Card("x", ratings)

    cards = ([card("r") for _ in range(rng.randint(0, 2))] + [card("v") for _ in range(rng.randint(0, 2))]
             + [card("rv")])
    expected = _reference_p_pass(cards, panel)
    got = pass_probability(cards, panel)
    if got.p_pass is None:
        assert expected is None or len(cards) == 1 or got.status == "single"
    else:
        assert got.exact and got.p_pass == pytest.approx(float(expected), abs=1e-12)
