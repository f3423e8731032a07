"""Adverse impact, against the worked example of the EEOC's questions and answers on the Uniform Guidelines."""
from __future__ import annotations

import pytest

from hiring.analytics.fairness import POOLED, adverse_impact


def test_the_eeoc_worked_example():
    # Selection rates 60%, 45%, 48% and 51%: impact ratios 0.75, 0.80 and 0.85; only 0.75 is below 4/5.
    rows = {r.group: r for r in adverse_impact({"A": (60, 100), "B": (45, 100), "C": (48, 100), "D": (51, 100)})}
    assert rows["A"].impact_ratio == 1 and rows["A"].p_value is None
    assert [round(rows[g].impact_ratio, 2) for g in "BCD"] == [0.75, 0.80, 0.85]
    assert [rows[g].flagged for g in "ABCD"] == [False, True, False, False]
    assert rows["B"].p_value == pytest.approx(0.0477, abs=0.002)  # Fisher's exact, two-sided


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
    from hiring.models import SelfIdentification, Stage, StageChange, utcnow

    candidate = factories.candidate()
    db.session.add(SelfIdentification(candidate_id=candidate.id, gender=gender))
    application = factories.application(job, candidate)
    application.stage = Stage(stages[-1])
    previous = None
    for stage in stages:
        db.session.add(StageChange(application=application, from_stage=previous, to_stage=Stage(stage),
                                   changed_at=utcnow(), reason="x"))
        previous = Stage(stage)
    return application


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
    assert "applied -> screening,gender,man,10,4,0.4,0.5," in csv_text
    pdf = client.get("/reports/fairness.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
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
