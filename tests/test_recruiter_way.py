"""The recruiter's way through (issue 22, item 2): the usual forward move needs no typed reason, Hired is not
offered while the gate has not passed, a hire says what happens next, and HR chooses a mentor later."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import AuditEvent, Application, Enrollment, GateResult, Hire, Role, Stage, StageChange
from tests import factories
from tests.pipeline_helpers import post_move

START = date.today() + timedelta(days=7)


_move = post_move


def test_the_usual_forward_move_needs_no_typed_reason_and_a_withdrawal_does(client, login_as):
    login_as(Role.RECRUITER)
    application = factories.application()
    db.session.commit()
    assert _move(client, application, "screening").status_code == 302
    change = db.session.scalar(sa.select(StageChange).where(StageChange.application_id == application.id))
    assert (change.to_stage, change.reason) == (Stage.SCREENING, "")
    refused = _move(client, db.session.get(Application, application.id), "withdrawn", reason=" ")
    assert refused.status_code == 400
    assert "Give a reason for moving the application to Withdrawn." in refused.get_data(as_text=True)
    assert db.session.get(Application, application.id).stage is Stage.SCREENING


def _stage_options(html: str, application_id: int) -> list[str]:
    select = re.search(rf'<select[^>]*id="a{application_id}-to_stage"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"', select)


def test_hired_is_offered_only_when_the_gate_passes(client, login_as):
    login_as(Role.RECRUITER)
    failing, passing, unscored = (factories.application(stage=Stage.DECISION) for _ in range(3))
    failing.gate_result, passing.gate_result = GateResult.FAILS, GateResult.PASSES
    db.session.commit()
    for application, offered in ((failing, False), (passing, True), (unscored, False)):
        html = client.get(f"/pipeline/candidates/{application.candidate_id}").get_data(as_text=True)
        options = _stage_options(html, application.id)
        assert ("hired" in options) is offered, (application.gate_result, options)
        assert "rejected" in options and "withdrawn" in options
    # A crafted POST is still refused by the service, next to the field.
    response = _move(client, failing, "hired", start_date=START.isoformat())
    assert response.status_code == 409 and "cannot be hired: the gate has not passed" in response.get_data(
        as_text=True)


def test_after_a_hire_the_page_says_what_happens_next(client, login_as):
    login_as(Role.RECRUITER)
    mentor = factories.user(Role.INTERVIEWER, name="Mia Mentor")
    with_mentor, without = (factories.application(stage=Stage.DECISION) for _ in range(2))
    with_mentor.gate_result = without.gate_result = GateResult.PASSES
    db.session.commit()
    response = _move(client, with_mentor, "hired", start_date=START.isoformat(), mentor_id=str(mentor.id))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{with_mentor.candidate.name} is hired. What happens next:" in html
    assert "with Mia Mentor as mentor" in html and "after they graduate from the programme" in html
    response = _move(client, without, "hired", start_date=START.isoformat())
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "without a mentor yet (HR chooses one on the new hire&#39;s checklist)" in html


def _enrolment(mentor=None) -> Enrollment:
    new_hire = factories.user(Role.NEW_HIRE, name="Nina New")
    hire = factories.hire(start=date.today() - timedelta(days=2), user_id=new_hire.id,
                          mentor_id=mentor.id if mentor else None)
    enrollment = Enrollment(hire=hire, started_on=hire.start_date)
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def test_hr_chooses_and_changes_a_mentor_on_the_checklist(client, login_as):
    hr = login_as(Role.HR)
    enrollment = _enrolment()
    mia = factories.user(Role.INTERVIEWER, name="Mia Mentor")
    db.session.commit()
    page = client.get(f"/onboarding/enrolments/{enrollment.id}").get_data(as_text=True)
    assert "No mentor yet." in page and 'name="mentor-mentor_id"' in page and "Mia Mentor" in page
    response = client.post(f"/onboarding/enrolments/{enrollment.id}/mentor", data={"mentor-mentor_id": mia.id})
    assert response.status_code == 302
    assert "Mia Mentor is now the mentor of Nina New." in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert db.session.get(Hire, enrollment.hire_id).mentor_id == mia.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "mentor_changed"))
    assert event.actor_id == hr.id and event.details == {"hire_id": enrollment.hire_id, "before": None,
                                                         "after": mia.id}
    # Back to no mentor.
    assert client.post(f"/onboarding/enrolments/{enrollment.id}/mentor",
                       data={"mentor-mentor_id": "0"}).status_code == 302
    assert db.session.get(Hire, enrollment.hire_id).mentor_id is None


def test_a_wrong_mentor_is_explained_and_others_may_not_choose(client, login_as):
    login_as(Role.HR)
    enrollment = _enrolment()
    closed = factories.user(Role.INTERVIEWER, name="Gone Away")
    closed.active = False
    db.session.commit()
    for wrong in (closed.id, enrollment.hire.user_id, 999_999, "abc", "-3", "1.5"):
        response = client.post(f"/onboarding/enrolments/{enrollment.id}/mentor", data={"mentor-mentor_id": wrong})
        assert response.status_code == 400, wrong
        assert re.search(r'id="mentor-mentor_id-error"[^>]*>Choose a mentor from the list', response.get_data(
            as_text=True))
    assert db.session.get(Hire, enrollment.hire_id).mentor_id is None
    assert client.post("/onboarding/enrolments/999999/mentor", data={"mentor-mentor_id": "0"}).status_code == 404
    for role in (Role.RECRUITER, Role.INTERVIEWER):
        client.post("/logout")
        login_as(role)
        assert client.post(f"/onboarding/enrolments/{enrollment.id}/mentor",
                           data={"mentor-mentor_id": "0"}).status_code == 403


def test_the_programme_says_when_no_sign_off_is_needed(client, login_as):
    from hiring.models import ProgrammeTask, SignOff, TaskOwner

    login_as(Role.HR)
    db.session.add(ProgrammeTask(week=1, title="Read the handbook", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.NONE))
    db.session.commit()
    html = client.get("/onboarding/programme/").get_data(as_text=True)
    assert "no sign-off needed" in html and "signed off by No sign-off" not in html


def test_a_recruiter_who_mentors_nobody_is_told_so_while_cohorts_run(client, login_as):
    """The onboarding page of someone who sees only their own new hires says they mentor nobody, not that the
    programme is empty; HR, who sees everyone, is told the programme is empty only when it is."""
    _enrolment()
    db.session.commit()
    login_as(Role.RECRUITER)
    html = client.get("/onboarding/").get_data(as_text=True)
    assert "You mentor nobody in the programme right now." in html
    assert "Nobody is in the onboarding programme" not in html
    client.post("/logout")
    login_as(Role.HR)
    html = client.get("/onboarding/").get_data(as_text=True)
    assert "You mentor nobody" not in html and "Nobody is in the onboarding programme" not in html
