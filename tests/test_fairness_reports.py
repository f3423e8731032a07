"""The four-fifths rule end to end: a group exactly at four-fifths (which floating point put just below) is not
flagged on the page, in the CSV, in the PDF or in HR's alerts, a group just below is, and withdrawals are left
out of the selection rates. Every expected figure is worked out from the counts in the comments."""
from __future__ import annotations

import io
import re
from fractions import Fraction

import pytest
from pypdf import PdfReader
from scipy.stats import fisher_exact

from hiring.extensions import db
from hiring.models import Role
from hiring.reports import documents
from tests import factories

_applicant = factories.applicant_through


def _company():
    """Applied -> screening, by gender and, for other people, by age band:

    women 15 of 20 moved on (0.75, the reference; one of the 15 withdrew later, at screening: still selected);
    men 12 of 20 (0.6) and 3 more who withdrew before screening (left out): 0.6 / 0.75 = 4/5 exactly, which
        in floats is 0.7999999999999999; counted as not selected, the withdrawals made it 12/23 and flagged;
    under 30: 8 of 10 (0.8, the reference); 30-49: 7 of 11: (7/11) / (8/10) = 35/44 = 0.7954..., flagged,
        shown rounded down as 0.79 (to the nearest it would read 0.80 beside the flag).
    """
    job = factories.job(title="Loyalty team")
    for i in range(20):
        stages = ["applied", "screening"] if i < 15 else ["applied", "rejected"]
        _applicant(job, stages + ["withdrawn"] if i == 0 else stages, gender="woman")
        _applicant(job, ["applied", "screening"] if i < 12 else ["applied", "rejected"], gender="man")
    for _ in range(3):
        _applicant(job, ["applied", "withdrawn"], gender="man")
    for i in range(10):
        _applicant(job, ["applied", "screening"] if i < 8 else ["applied", "rejected"], age_band="under 30")
    for i in range(11):
        _applicant(job, ["applied", "screening"] if i < 7 else ["applied", "rejected"], age_band="30-49")
    db.session.commit()
    return job


def _row(html: str, group: str) -> str:
    """The text of the one table row of the group, tags removed."""
    rows = [re.sub(r"<[^>]+>", " ", r.split("</tr>")[0]) for r in html.split("<tr>") if f"<td>{group}</td>" in r]
    assert len(rows) == 1, rows
    return " ".join(rows[0].split())


def _p_values():
    """Fisher's exact p of men against women and of 30-49 against under 30, raw and Holm-adjusted over the
    report's family of m = 2: the smaller p times 2, the larger times 1 but never below the former; capped at 1."""
    men = float(fisher_exact([[12, 8], [15, 5]])[1])
    ages = float(fisher_exact([[7, 4], [8, 2]])[1])
    low, high = sorted([men, ages])
    first, second = min(1.0, 2 * low), min(1.0, max(2 * low, high))
    return men, ages, (first if men <= ages else second), (second if men <= ages else first)


def test_the_service_counts_the_worked_example(app):
    from hiring.analytics.service import funnel_and_fairness

    job = _company()
    result = funnel_and_fairness(db.session, job.id)
    step = result["steps"][0]
    assert (step["stage"], step["decided"], step["withdrew"]) == ("applied", 20 + 20 + 10 + 11, 3)
    assert result["steps"][1]["withdrew"] == 1  # the woman who withdrew at screening
    gender = {r.group: r for r in step["groups"]["gender"]}
    assert (gender["man"].selected, gender["man"].considered) == (12, 20)
    assert gender["man"].impact_ratio == Fraction(4, 5) and not gender["man"].flagged
    ages = {r.group: r for r in step["groups"]["age_band"]}
    assert ages["30-49"].impact_ratio == Fraction(35, 44) and ages["30-49"].flagged
    men_p, age_p, men_holm, age_holm = _p_values()
    assert result["comparisons"] == 2
    assert (gender["man"].p_value, ages["30-49"].p_value) == pytest.approx((men_p, age_p))
    assert (gender["man"].p_holm, ages["30-49"].p_holm) == pytest.approx((men_holm, age_holm))


def test_withdrawing_at_screening_does_not_lower_the_groups_rate(app):
    from hiring.analytics.service import funnel_and_fairness

    job = factories.job()
    # Six women reached screening: 4 moved on (one of whom withdrew later, in interviewing: still selected at
    # screening), 1 was rejected, 1 withdrew. Screening -> interviewing: 4 of the 5 decided, 0.8, not 4 of 6.
    for _ in range(3):
        _applicant(job, ["applied", "screening", "interviewing"], gender="woman")
    _applicant(job, ["applied", "screening", "interviewing", "withdrawn"], gender="woman")
    _applicant(job, ["applied", "screening", "rejected"], gender="woman")
    _applicant(job, ["applied", "screening", "withdrawn"], gender="woman")
    db.session.commit()
    steps = {s["stage"]: s for s in funnel_and_fairness(db.session, job.id)["steps"]}
    women = steps["screening"]["groups"]["gender"][0]
    assert (women.selected, women.considered, women.rate) == (4, 5, 0.8)
    assert (steps["screening"]["decided"], steps["screening"]["withdrew"]) == (5, 1)
    assert steps["screening"]["pass_through"].k == 4 and steps["screening"]["pass_through"].n == 5
    # Applied -> screening: all 6 moved on, the withdrawals included (they withdrew after moving on).
    assert (steps["applied"]["groups"]["gender"][0].selected, steps["applied"]["withdrew"]) == (6, 0)
    # Interviewing -> decision: nobody decided yet; the one who withdrew in interviewing is not "not selected".
    assert steps["interviewing"]["decided"] == 0 and steps["interviewing"]["withdrew"] == 1


def test_the_page_csv_and_pdf_flag_exactly(client, login_as):
    login_as(Role.HR)
    job = _company()
    html = client.get(f"/reports/fairness?job={job.id}").get_data(as_text=True)
    man, older = _row(html, "man"), _row(html, "30-49")
    assert man.startswith("man 20 12 60% 0.80 ") and man.endswith(" OK")
    assert older.startswith("30-49 11 7 64% 0.79 ") and older.endswith(" Below four-fifths")
    assert "How this is computed" in html and "Holm 1979" in html and "29 CFR 1607.4(D)" in html
    assert "withdrawals are left out of the rates" in html and "makes 2 such comparisons" in html

    csv_text = client.get(f"/reports/fairness.csv?job={job.id}").data.decode("utf-8-sig")
    men_p, age_p, men_holm, age_holm = _p_values()
    assert csv_text.splitlines()[0] == (
        "step,dimension,group,considered,selected,rate,impact ratio (rounded down),impact ratio numerator,"
        "impact ratio denominator,fisher p,holm-adjusted p,below four-fifths")
    assert (f"Applied → Screening,Gender,Man,20,12,0.6,0.8000,4,5,{round(men_p, 5)},{round(men_holm, 5)},no"
            in csv_text.splitlines())
    assert (f"Applied → Screening,Age,30-49,11,7,0.6364,0.7954,35,44,{round(age_p, 5)},{round(age_holm, 5)},"
            "yes" in csv_text.splitlines())

    with client.application.test_request_context():  # as the background task builds it
        pdf = documents.build("fairness", {"job": job.id})
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert re.search(r"man 20 12 60% 0\.80 [0-9.]+ [0-9.]+ OK", text), text
    assert re.search(r"30-49 11 7 64% 0\.79 [0-9.]+ [0-9.]+ Below four- ?fifths", text), text  # may wrap
    assert "Holm 1979" in text


def test_hrs_alerts_flag_exactly(client, login_as):
    login_as(Role.HR)
    _company()
    html = " ".join(client.get("/").get_data(as_text=True).split())
    assert "the 30-49 group (age band) is selected at 0.79 of the highest rate, below four-fifths." in html
    assert "the man group" not in html


def test_a_snapshot_of_the_old_shape_is_never_served(client, login_as):
    from hiring import snapshots
    from hiring.analytics.fairness import GroupRate

    login_as(Role.HR)
    _company()
    # What version 1 stored under "fairness:all", with the current data versions: a float ratio that was
    # compared in floating point. It must be neither served fresh nor served stale.
    old = {"applications": 1, "steps": [], "scored": 0, "self_identified": 1, "declined": 0,
           "gate": {"gender": [GroupRate("stale group", 20, 12, 0.6, 0.7999999999999999, 0.5)], "age_band": []}}
    snapshots._store(snapshots.Recipe("fairness:all", ("applications",), lambda session: old),
                     snapshots.versions(db.session, ("applications",)), old, 0.0)
    db.session.commit()
    assert "stale group" not in client.get("/reports/fairness").get_data(as_text=True)
    assert "stale group" not in client.get("/").get_data(as_text=True)
    assert "stale group" not in client.get("/reports/fairness.csv").data.decode("utf-8-sig")
