"""Each role's home page shows real data, in a number of queries that does not grow with the data."""
from __future__ import annotations

import re
from datetime import date, timedelta

from hiring.extensions import db
from hiring.models import (
    Enrollment,
    EnrollmentTask,
    InterviewKind,
    QuitOffer,
    Recommendation,
    Role,
    Scorecard,
    ScorecardStatus,
    Stage,
    TaskOwner,
    SignOff,
    utcnow,
)
from tests import factories


def _assign(interviewer, n: int) -> None:
    for _ in range(n):
        factories.assignment(interviewer=interviewer, kind=InterviewKind.VALUES)
    db.session.commit()


def test_interviewer_sees_pending_interviews_only(client, login_as):
    me = login_as(Role.INTERVIEWER)
    pending = factories.assignment(interviewer=me)
    done = factories.assignment(interviewer=me)
    db.session.add(Scorecard(assignment=done, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                             recommendation=Recommendation.YES))
    someone_elses = factories.assignment()
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert pending.application.candidate.name in html
    assert done.application.candidate.name not in html
    assert someone_elses.application.candidate.name not in html


def test_interviewer_home_query_count_does_not_grow(client, login_as, count_queries):
    me = login_as(Role.INTERVIEWER)
    _assign(me, 2)
    with count_queries() as few:
        assert client.get("/").status_code == 200
    _assign(me, 20)
    with count_queries() as many:
        html = client.get("/").get_data(as_text=True)
    assert html.count("<tr>") == 23  # header and 22 interviews
    assert many.count == few.count


def test_recruiter_home_counts_applications_per_stage(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    for stage in (Stage.APPLIED, Stage.APPLIED, Stage.SCREENING, Stage.REJECTED):
        factories.application(job, stage=stage)
    db.session.commit()
    with count_queries() as few:
        html = client.get("/").get_data(as_text=True)
    assert "Loyalty team" in html
    row = html[html.index("Loyalty team"):].split("</tr>")[0]
    assert [int(n) for n in re.findall(r'class="num">(\d+)<', row)] == [2, 1, 0, 0, 3]
    for i in range(10):
        factories.application(factories.job(title=f"Job {i}"))
    db.session.commit()
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count


def test_hr_sees_cohorts_and_waiting_offers(client, login_as):
    login_as(Role.HR)
    start = date.today() - timedelta(days=3)
    for _ in range(2):
        enrollment = Enrollment(hire=factories.hire(start=start), started_on=start)
        enrollment.tasks = [EnrollmentTask(week=1, title="Meet the team", owner=TaskOwner.NEW_HIRE,
                                           sign_off=SignOff.NONE) for _ in range(4)]
        db.session.add(enrollment)
    hire = factories.hire(start=date.today() - timedelta(days=40))
    now = utcnow()
    db.session.add(QuitOffer(hire=hire, amount_minor=400_000, currency="USD", offered_at=now,
                             deadline=now + timedelta(days=7)))
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Onboarding cohorts in progress" in html
    assert "0% (0/8)" in html
    assert "1 offer is waiting for a decision." in html


def test_new_hire_sees_their_own_week(client, login_as):
    me = login_as(Role.NEW_HIRE)
    start = date.today() - timedelta(days=8)
    enrollment = Enrollment(hire=factories.hire(start=start, user_id=me.id), started_on=start)
    enrollment.tasks = [
        EnrollmentTask(week=1, title="Values", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.NONE,
                       done_at=utcnow(), done_by_id=me.id),
        EnrollmentTask(week=2, title="Products", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.NONE),
    ]
    db.session.add(enrollment)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "You are in week 2 of 5." in html
    assert "Overall: 1 of 2 tasks done." in html


def test_new_hire_without_enrolment_gets_an_explanation(client, login_as):
    login_as(Role.NEW_HIRE)
    assert "not enrolled" in client.get("/").get_data(as_text=True)


def test_admin_sees_users_by_role_and_the_user_list(client, login_as):
    admin = login_as(Role.ADMIN, name="Ada <script>alert(1)</script>")
    factories.user(Role.HR)
    db.session.commit()
    assert "See all users" in client.get("/").get_data(as_text=True)
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Ada &lt;script&gt;" in html and "<script>alert(1)" not in html
    assert admin.email in html


def test_recruiter_home_lists_what_waits_on_them(client, login_as):
    from datetime import timedelta

    from hiring.models import GateResult

    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    decide = factories.application(job, factories.candidate(name="Dee Decide"), stage=Stage.DECISION)
    decide.gate_result = GateResult.PASSES
    old = factories.application(job, factories.candidate(name="Olly Old"))
    old.applied_at = utcnow() - timedelta(days=10)
    factories.application(job, factories.candidate(name="Fresh Fay"))
    lonely = factories.application(job, factories.candidate(name="Ian Interview"), stage=Stage.INTERVIEWING)
    factories.assignment(lonely)
    busy = factories.application(job, factories.candidate(name="Bea Busy"), stage=Stage.INTERVIEWING)
    factories.assignment(busy)
    factories.assignment(busy, kind=InterviewKind.SKILLS)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    decide_part = html.split("Waiting for your decision")[1].split("</section>")[0]
    assign_part = html.split("Interviews to assign")[1].split("</section>")[0]
    screen_part = html.split("Not screened for a week")[1].split("</section>")[0]
    assert "Dee Decide" in decide_part
    assert "Ian Interview" in assign_part and "Bea Busy" not in assign_part
    assert "Olly Old" in screen_part and "Fresh Fay" not in screen_part


def test_hr_home_alerts_on_calibration(client, login_as):
    login_as(Role.HR)
    value = factories.core_value(name="Be humble")
    kind, strict = factories.user(Role.INTERVIEWER, name="Kind Kees"), factories.user(Role.INTERVIEWER)
    # A panel of three: with two, calibration cannot tell which of them is off and flags neither.
    factories.lenient_and_strict(value, kind, strict, agreeing=factories.user(Role.INTERVIEWER))
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Kind Kees rates +3.0 points away from co-interviewers" in html
