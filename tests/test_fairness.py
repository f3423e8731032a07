"""Adverse impact, against the worked example of the EEOC's questions and answers on the Uniform Guidelines."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from hiring.analytics.fairness import (
    POOLED,
    GroupRate,
    adverse_impact,
    below_four_fifths,
    floor_decimal,
    holm,
    with_holm,
)


def test_the_eeoc_worked_example():
    # Selection rates 60%, 45%, 48% and 51%: impact ratios 0.75, 0.80 and 0.85; only 0.75 is below 4/5.
    rows = {r.group: r for r in adverse_impact({"A": (60, 100), "B": (45, 100), "C": (48, 100), "D": (51, 100)})}
    assert rows["A"].impact_ratio == 1 and rows["A"].p_value is None
    assert [rows[g].impact_ratio for g in "BCD"] == [Fraction(3, 4), Fraction(4, 5), Fraction(17, 20)]
    assert [rows[g].flagged for g in "ABCD"] == [False, True, False, False]
    assert rows["B"].p_value == pytest.approx(0.0477, abs=0.002)  # Fisher's exact, two-sided


def test_a_ratio_of_exactly_four_fifths_is_not_flagged_and_one_below_is():
    # Reference 10 of 20 (0.5); 8 of 20 (0.4) is 0.4 / 0.5 = 4/5 exactly: not "less than four-fifths".
    rows = {r.group: r for r in adverse_impact({"ref": (10, 20), "at": (8, 20), "below": (7, 20)})}
    assert rows["at"].impact_ratio == Fraction(4, 5) and not rows["at"].flagged
    assert rows["below"].impact_ratio == Fraction(7, 10) and rows["below"].flagged  # 0.35 / 0.5


def test_a_ratio_that_floating_point_puts_below_four_fifths_is_exactly_four_fifths():
    # Reference 15 of 20 (0.75), group 12 of 20 (0.6): 0.6 / 0.75 = 4/5, but in floats it falls just short,
    # which is how the float comparison used to flag it.
    assert (12 / 20) / (15 / 20) == 0.7999999999999999 < 0.8
    rows = {r.group: r for r in adverse_impact({"ref": (15, 20), "at": (12, 20), "below": (11, 20)})}
    assert rows["at"].impact_ratio == Fraction(4, 5) and not rows["at"].flagged
    assert rows["below"].impact_ratio == Fraction(11, 15) and rows["below"].flagged
    # 3 of 5 against 6 of 8 is the same trap with other counts: (3/5) / (6/8) = 24/30 = 4/5.
    assert (3 / 5) / (6 / 8) < 0.8 and not adverse_impact({"r": (6, 8), "g": (3, 5)})[1].flagged


def test_the_rule_is_strictly_below_four_fifths():
    assert not below_four_fifths(Fraction(4, 5)) and not below_four_fifths(Fraction(8, 10))
    assert below_four_fifths(Fraction(3999, 5000)) and below_four_fifths(Fraction(0))
    assert not below_four_fifths(None) and not below_four_fifths(Fraction(1))


def test_shown_ratios_are_rounded_down_so_that_they_never_contradict_the_flag():
    # 7 of 11 against 8 of 10: (7/11) / (8/10) = 35/44 = 0.79545..., flagged; rounded to nearest it would
    # read 0.80 beside "below four-fifths", rounded down it reads 0.79.
    row = adverse_impact({"ref": (8, 10), "g": (7, 11)})[1]
    assert row.impact_ratio == Fraction(35, 44) and row.flagged and round(float(row.impact_ratio), 2) == 0.80
    assert floor_decimal(row.impact_ratio, 2) == Decimal("0.79")
    assert floor_decimal(row.impact_ratio, 4) == Decimal("0.7954")
    # 16000 of 20001 against everyone: 0.79996..., which the CSV's round(x, 4) printed as 0.8 beside "yes".
    assert round(16000 / 20001, 4) == 0.8 and str(floor_decimal(Fraction(16000, 20001), 4)) == "0.7999"
    assert str(floor_decimal(Fraction(4, 5), 4)) == "0.8000" and str(floor_decimal(Fraction(0), 4)) == "0.0000"
    assert str(floor_decimal(Fraction(1), 2)) == "1.00"


def test_holm_adjusted_p_values_worked_by_hand():
    # Holm (1979): sort p ascending, multiply the i-th smallest (from 0) by m - i, make the sequence
    # non-decreasing, cap at 1. p = .01 .04 .03 .005, m = 4:
    #   .005 * 4 = .02;  .01 * 3 = .03;  .03 * 2 = .06;  .04 * 1 = .04 -> .06 (not below the previous)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.3]) == pytest.approx([0.6, 0.6])  # .3 * 2 = .6; .5 * 1 = .5 -> .6
    assert holm([0.9, 0.8]) == pytest.approx([1.0, 1.0])  # .8 * 2 = 1.6, capped at 1
    assert holm([]) == []


@pytest.mark.parametrize("seed", range(5))
def test_holm_is_statsmodels_holm(seed):
    # statsmodels stays the reference; ours is its arithmetic without its garbage collection per call.
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(seed)
    for m in (1, 2, 7, 60):
        p = rng.random(m) ** 3
        p[rng.random(m) < 0.2] = p[0]  # ties
        p[rng.random(m) < 0.1] = 1.0
        assert holm(p.tolist()) == multipletests(p, method="holm")[1].tolist()


def test_holm_runs_over_every_table_as_one_family():
    def row(group, p):
        return GroupRate(group, 10, 5, 0.5, None if p is None else Fraction(1), p)

    tables = [[row("ref", None), row("a", 0.01)], [row("ref", None), row("b", 0.04), row("c", 0.03)],
              [row("d", 0.005)]]
    adjusted = with_holm(tables)
    assert [[r.p_holm for r in t] for t in adjusted] == [
        [None, pytest.approx(0.03)], [None, pytest.approx(0.06), pytest.approx(0.06)], [pytest.approx(0.02)]]
    assert [[r.p_value for r in t] for t in adjusted] == [[r.p_value for r in t] for t in tables]


def test_small_groups_are_never_shown_on_their_own():
    rows = adverse_impact({"big": (10, 20), "tiny": (0, 3), "small": (1, 4)})
    groups = [r.group for r in rows]
    assert "tiny" not in groups and "small" not in groups
    assert POOLED in groups and next(r for r in rows if r.group == POOLED).considered == 7
    assert [r.group for r in adverse_impact({"big": (10, 20), "tiny": (0, 3)})] == ["big"]  # pool too small too


def test_nobody_selected():
    rows = adverse_impact({"a": (0, 10), "b": (0, 10)})
    assert all(r.impact_ratio is None and not r.flagged for r in rows)


def _applicant(job, gender, stages, db, factories):
    return factories.applicant_through(job, stages, gender=gender)


def test_funnel_and_fairness_report(client, login_as):
    from hiring.extensions import db
    from hiring.models import Role
    from tests import factories

    login_as(Role.HR)
    job = factories.job(title="Loyalty team")
    for i in range(10):  # women: 8 of 10 to screening
        _applicant(job, "woman", ["applied", "screening"] if i < 8 else ["applied", "rejected"], db, factories)
    for i in range(10):  # men: 4 of 10 to screening
        _applicant(job, "man", ["applied", "screening"] if i < 4 else ["applied", "rejected"], db, factories)
    for i in range(3):   # too few to show on their own
        _applicant(job, "non-binary", ["applied", "screening"], db, factories)
    db.session.commit()
    html = client.get(f"/reports/fairness?job={job.id}").get_data(as_text=True)
    assert "Below four-fifths" in html and "non-binary" not in html
    csv_text = client.get(f"/reports/fairness.csv?job={job.id}").data.decode("utf-8-sig")
    assert "Applied → Screening,Gender,Man,10,4,0.4,0.5000,1,2,0.1698,0.1698,yes" in csv_text
    from hiring.reports import documents

    with client.application.test_request_context():  # as the background task builds it
        assert documents.build("fairness", {"job": None}).startswith(b"%PDF-")
    assert client.get("/reports/fairness?job=424242").status_code == 404


def test_fairness_is_for_hr_and_admins(client, login_as):
    from hiring.models import Role

    login_as(Role.RECRUITER)
    assert client.get("/reports/fairness").status_code == 403


def test_ties_pick_the_same_reference_group_whatever_the_order_of_the_groups():
    counts = {"b": (4, 10), "a": (4, 10), "c": (1, 10)}
    forward = adverse_impact(counts)
    backward = adverse_impact(dict(reversed(list(counts.items()))))
    assert forward == backward
    assert [row.group for row in forward] == ["a", "b", "c"] and forward[0].p_value is None


def test_hr_home_words_an_adverse_impact_alert_in_the_readers_language(client, login_as):
    from hiring.extensions import db
    from hiring.models import Role
    from tests import factories

    hr = login_as(Role.HR)
    job = factories.job(title="Loyalty team")
    for i in range(10):  # women: 8 of 10 to screening; men: 4 of 10
        _applicant(job, "woman", ["applied", "screening"] if i < 8 else ["applied", "rejected"], db, factories)
        _applicant(job, "man", ["applied", "screening"] if i < 4 else ["applied", "rejected"], db, factories)
    db.session.commit()
    html = " ".join(client.get("/").get_data(as_text=True).split())
    assert "Applied → Screening: the man group (gender) is selected at 0.50 of the highest rate" in html
    db.session.commit()
    hr.locale = "nl"
    db.session.commit()
    dutch = " ".join(client.get("/").get_data(as_text=True).split())
    assert "Gesolliciteerd → Screening: de groep man (gender) wordt geselecteerd met 0,50" in dutch
