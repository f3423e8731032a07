"""Candidates: the list, adding by form, the candidate page with moves and assignments, the interviewer's
application page, and who may see what."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    GateResult,
    InterviewAssignment,
    InterviewKind,
    JobStatus,
    OutboxMessage,
    Recommendation,
    Role,
    Scorecard,
    ScorecardStatus,
    Stage,
    User,
    utcnow,
)
from tests import factories
from tests.pipeline_helpers import post_move

# A start date a week ahead: hiring refuses dates outside a window around today (tests/test_bounds.py).
START = date.today() + timedelta(days=7)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- the list ------------------------------------------------------------------------------------------

def _population(n: int, job=None):
    job = job or factories.job(title="Loyalty team")
    for i in range(n):
        a = factories.application(job, factories.candidate(name=f"Person {i:03d}"))
        a.values_fit = float(i % 100)
    db.session.commit()
    return job


def test_list_searches_filters_and_sorts(client, login_as):
    login_as(Role.RECRUITER)
    loyalty, tech = factories.job(title="Loyalty team"), factories.job(title="Engineer")
    anna = factories.application(loyalty, factories.candidate(name="Anna de Vries", email="anna@example.org"),
                                 stage=Stage.SCREENING)
    anna.values_fit = 80
    bram = factories.application(tech, factories.candidate(name="Bram Jansen", email="b.j@example.org"))
    bram.values_fit = 90
    factories.application(loyalty, factories.candidate(name="Chloe 100%", email="chloe@example.org"))
    db.session.commit()
    assert "Bram Jansen" not in client.get("/pipeline/?q=anna").get_data(as_text=True)
    assert "Anna de Vries" in client.get("/pipeline/?q=ANNA").get_data(as_text=True)
    assert "Bram Jansen" in client.get("/pipeline/?q=b.j@").get_data(as_text=True)
    only_chloe = client.get("/pipeline/?q=100%25").get_data(as_text=True)  # % is searched for, not a wildcard
    assert "Chloe" in only_chloe and "Anna" not in only_chloe
    by_job = client.get(f"/pipeline/?job={tech.id}").get_data(as_text=True)
    assert "Bram Jansen" in by_job and "Anna de Vries" not in by_job
    by_stage = client.get("/pipeline/?stage=screening").get_data(as_text=True)
    assert "Anna de Vries" in by_stage and "Bram Jansen" not in by_stage
    sorted_html = client.get("/pipeline/?sort=values_fit").get_data(as_text=True)
    assert sorted_html.index("Bram Jansen") < sorted_html.index("Anna de Vries") < sorted_html.index("Chloe")


def test_list_tolerates_nonsense_arguments(client, login_as):
    login_as(Role.RECRUITER)
    _population(2)
    response = client.get("/pipeline/?stage=nope&sort=drop+table&job=abc&page=999")
    assert response.status_code == 200  # too deep for a page number without a cursor: the first page, said so
    assert "the list starts again at its first page" in response.get_data(as_text=True)
    response = client.get("/pipeline/?stage=nope&sort=drop+table&job=abc&page=9")
    assert response.status_code == 200
    assert "This page is past the end of the list." in response.get_data(as_text=True)
    assert "No applications match" in client.get("/pipeline/?q=nobody").get_data(as_text=True)


def test_list_is_paginated(client, login_as):
    login_as(Role.RECRUITER)
    _population(60)
    first = client.get("/pipeline/?sort=name").get_data(as_text=True)
    assert "Person 000" in first and "Person 050" not in first and "Page 1 of 2" in first
    second = client.get("/pipeline/?sort=name&page=2").get_data(as_text=True)
    assert "Person 050" in second and "Person 000" not in second


def test_list_query_count_is_the_same_for_10_and_200(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    job = _population(10)
    with count_queries() as few:
        assert client.get("/pipeline/?sort=values_fit").status_code == 200
    _population(190, job)
    with count_queries() as many:
        html = client.get("/pipeline/?sort=values_fit").get_data(as_text=True)
    assert html.count("<tr>") == 51  # header and a page of fifty
    assert many.count == few.count


@pytest.mark.parametrize("few", [200, 1])
def test_search_finds_the_same_whether_few_or_many_match(client, login_as, monkeypatch, few):
    """Few matches are looked up by candidate id; many through the search index (SQLite) or by walking the list
    in order (PostgreSQL, short queries): see application_list."""
    from hiring.pipeline import queries

    monkeypatch.setattr(queries, "FEW_MATCHES", few)
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    for i in range(55):
        factories.application(job, factories.candidate(name=f"Pim Jansen {i:02d}"))
    factories.application(job, factories.candidate(name="Anna de Vries", email="jansen.fan@example.org"))
    factories.application(job, factories.candidate(name="Bram Bakker"))
    db.session.commit()
    first = client.get("/pipeline/?q=JANSEN&sort=name").get_data(as_text=True)
    assert "56 applications" in first and "Page 1 of 2" in first and "Bram Bakker" not in first
    assert "Anna de Vries" in first and "Pim Jansen 48" in first and "Pim Jansen 49" not in first
    second = client.get("/pipeline/?q=jansen&sort=name&page=2").get_data(as_text=True)
    assert "Pim Jansen 49" in second and "Pim Jansen 54" in second and "Anna de Vries" not in second
    assert "No applications match" in client.get("/pipeline/?q=zzz").get_data(as_text=True)


def test_a_deep_page_shows_the_right_rows(client, login_as):
    login_as(Role.RECRUITER)
    _population(120)
    third = client.get("/pipeline/?sort=name&page=3").get_data(as_text=True)
    assert "Person 100" in third and "Person 119" in third and "Person 099" not in third
    assert "Page 3 of 3" in third and "120 applications" in third


def test_empty_list_says_what_to_do(client, login_as):
    login_as(Role.RECRUITER)
    assert "No candidates yet: add one or import a CSV file." in client.get("/pipeline/").get_data(as_text=True)


# --- adding by form --------------------------------------------------------------------------------------

def test_add_a_candidate(client, login_as):
    me = login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    db.session.commit()
    response = client.post("/pipeline/candidates/new", data={
        "name": " Anna de Vries ", "email": "Anna@Example.org", "phone": "", "source": "Referral",
        "job_id": str(job.id)})
    assert response.status_code == 302
    candidate = db.session.scalar(sa.select(Candidate))
    assert (candidate.name, candidate.email, candidate.phone) == ("Anna de Vries", "anna@example.org", None)
    application = db.session.scalar(sa.select(Application))
    assert application.stage is Stage.APPLIED and application.stage_changes[0].changed_by_id == me.id
    assert response.headers["Location"].endswith(f"/pipeline/candidates/{candidate.id}")


def test_bad_input_is_shown_next_to_the_field_and_kept(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty team")
    db.session.commit()
    response = client.post("/pipeline/candidates/new", data={
        "name": "Anna <b>de</b> Vries", "email": "not-an-email", "phone": "0612", "source": "", "job_id": "0"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="email-error"[^>]*>That is not an e-mail address', html)
    assert re.search(r'id="job_id-error"[^>]*>Choose the job the candidate applies to', html)
    assert 'value="Anna &lt;b&gt;de&lt;/b&gt; Vries"' in html  # kept, and escaped
    assert 'value="not-an-email"' in html and 'value="0612"' in html
    assert _count(Candidate) == 0


def test_a_closed_or_unknown_job_is_refused(client, login_as):
    login_as(Role.RECRUITER)
    closed = factories.job(title="Old job", status=JobStatus.CLOSED)
    db.session.commit()
    for job_id in (closed.id, 99999):
        response = client.post("/pipeline/candidates/new", data={
            "name": "Anna", "email": "anna@example.org", "job_id": str(job_id)})
        assert response.status_code == 400
        assert "Not a valid choice" in response.get_data(as_text=True)
    assert _count(Candidate) == 0


def test_the_same_email_is_recognised_not_duplicated(client, login_as):
    login_as(Role.RECRUITER)
    first, second = factories.job(title="First"), factories.job(title="Second")
    db.session.commit()
    data = {"name": "Anna", "email": "anna@example.org", "phone": "0612345678", "job_id": str(first.id)}
    assert client.post("/pipeline/candidates/new", data=data).status_code == 302
    again = client.post("/pipeline/candidates/new", data=dict(data, email="ANNA@example.org"))
    assert again.status_code == 409
    assert "has already applied to First" in again.get_data(as_text=True)
    other_job = client.post("/pipeline/candidates/new", data=dict(data, name="Anna V.", job_id=str(second.id)))
    assert other_job.status_code == 302
    assert _count(Candidate) == 1 and _count(Application) == 2
    assert db.session.scalar(sa.select(Candidate.name)) == "Anna"


# --- the candidate page -----------------------------------------------------------------------------------

def _busy_candidate():
    """A candidate with two applications, stage history, interviews and a submitted scorecard."""
    recruiter = factories.user(Role.RECRUITER, name="Rik Recruiter")
    candidate = factories.candidate(name="Dana Doe")
    one = factories.application(factories.job(title="Loyalty team"), candidate, stage=Stage.INTERVIEWING)
    two = factories.application(factories.job(title="Engineer"), candidate)
    from hiring.pipeline.service import move_application

    for stage in (Stage.REJECTED,):
        move_application(db.session, two.id, expected_stage=None, to_stage=stage, reason="Not the right time",
                         actor_id=recruiter.id, rejection_reason_id=factories.rejection_reason().id)
    interviewer = factories.user(Role.INTERVIEWER, name="Ivo Interviewer")
    assignment = factories.assignment(one, interviewer, InterviewKind.VALUES)
    db.session.add(Scorecard(assignment=assignment, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                             recommendation=Recommendation.STRONG_YES))
    db.session.commit()
    return candidate, one, two


def test_candidate_page_shows_the_timeline(client, login_as):
    login_as(Role.HR)
    candidate, one, two = _busy_candidate()
    html = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "Dana Doe" in html
    assert "Engineer: moved to Rejected" in html and "by Rik Recruiter" in html and "Not the right time" in html
    assert "Ivo Interviewer assigned to the Values interview" in html
    assert "Ivo Interviewer submitted a scorecard: Strong yes" in html
    assert f'action="/pipeline/applications/{one.id}/move"' in html
    assert f'action="/pipeline/applications/{two.id}/move"' not in html  # closed: no more moves


def test_candidate_page_query_count_is_the_same_for_10_and_200_candidates(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    candidate, _one, _two = _busy_candidate()
    _population(10)
    with count_queries() as few:
        assert client.get(f"/pipeline/candidates/{candidate.id}").status_code == 200
    _population(190)
    with count_queries() as many:
        assert client.get(f"/pipeline/candidates/{candidate.id}").status_code == 200
    assert many.count == few.count


def test_unknown_candidate_is_404(client, login_as):
    login_as(Role.RECRUITER)
    assert client.get("/pipeline/candidates/424242").status_code == 404
    assert client.post("/pipeline/applications/424242/move", data={}).status_code == 404
    assert client.post("/pipeline/applications/424242/assign", data={}).status_code == 404
    assert client.get("/pipeline/applications/424242").status_code == 404


_move = partial(post_move, reason="Because")


def test_move_through_the_stages_from_the_page(client, login_as):
    login_as(Role.RECRUITER)
    application = factories.application()
    db.session.commit()
    for stage in ("screening", "interviewing", "decision"):
        response = _move(client, db.session.get(Application, application.id), stage)
        assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage is Stage.DECISION


def test_a_refused_move_is_explained_next_to_the_field(client, login_as):
    login_as(Role.RECRUITER)
    application = factories.application()
    db.session.commit()
    response = _move(client, application, "hired", reason="Skip ahead")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert re.search(rf'id="a{application.id}-to_stage-error"[^>]*>An application cannot go from Applied to Hired',
                     html)
    assert "Skip ahead" in html  # the reason typed is kept
    no_reason = _move(client, application, "withdrawn", reason="  ")
    assert no_reason.status_code == 400
    assert "Give a reason for moving the application to Withdrawn." in no_reason.get_data(as_text=True)
    # A rejection needs one of the company's coded reasons instead (tests/test_rejection_reasons.py).
    no_code = _move(client, application, "rejected", reason="  ")
    assert no_code.status_code == 400
    assert "Choose the reason for the rejection from the list." in no_code.get_data(as_text=True)
    assert db.session.get(Application, application.id).stage is Stage.APPLIED


def test_hiring_from_the_page_shows_hr_the_set_password_link(client, login_as):
    login_as(Role.HR)
    mentor = factories.user(Role.INTERVIEWER, name="Mia Mentor")
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    db.session.commit()
    missing = _move(client, application, "hired", reason="Passed")
    assert missing.status_code == 400
    assert "Give the start date of the new hire." in missing.get_data(as_text=True)
    response = _move(client, application, "hired", reason="Passed", start_date=START.isoformat(),
                     mentor_id=str(mentor.id))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mentor: Mia Mentor" in html
    link = re.search(r'value="(http://[^"]+/set-password/[^"]+)"', html).group(1)
    path = link.split("localhost", 1)[1]
    client.post("/logout")
    assert "Choose your password" in client.get(path).get_data(as_text=True)
    short = client.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "Use at least 12 characters." in short.get_data(as_text=True)
    done = client.post(path, data={"password": "a long new password", "confirm": "a long new password"})
    assert done.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == application.candidate.email))
    assert user.check_password("a long new password")
    assert client.get(path).status_code == 404  # spent
    assert client.get("/set-password/forged-token").status_code == 404


def test_set_password_link_is_for_hr_not_recruiters(client, login_as):
    login_as(Role.RECRUITER)
    application = factories.application(stage=Stage.DECISION)
    application.gate_result = GateResult.PASSES
    db.session.commit()
    response = _move(client, application, "hired", reason="Passed", start_date=START.isoformat())
    assert response.status_code == 302
    assert "/set-password/" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_assign_interviewers(client, login_as):
    login_as(Role.RECRUITER)
    application = factories.application(stage=Stage.SCREENING)
    ivo = factories.user(Role.INTERVIEWER, name="Ivo")
    newbie = factories.user(Role.NEW_HIRE)
    db.session.commit()
    prefix = f"i{application.id}-"
    url = f"/pipeline/applications/{application.id}/assign"
    ok = client.post(url, data={prefix + "interviewer_id": str(ivo.id), prefix + "kind": "values"})
    assert ok.status_code == 302
    again = client.post(url, data={prefix + "interviewer_id": str(ivo.id), prefix + "kind": "values"})
    assert again.status_code == 409 and "already assigned" in again.get_data(as_text=True)
    crafted = client.post(url, data={prefix + "interviewer_id": str(newbie.id), prefix + "kind": "skills"})
    assert crafted.status_code == 400
    nothing = client.post(url, data={prefix + "interviewer_id": "0", prefix + "kind": "skills"})
    assert "Choose an interviewer." in nothing.get_data(as_text=True)
    assert _count(InterviewAssignment) == 1


# --- who may see what --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.NEW_HIRE])
def test_interviewers_and_new_hires_see_no_candidates(client, login_as, role):
    login_as(role)
    candidate, one, _two = _busy_candidate()
    for url in ("/pipeline/", "/pipeline/candidates/new", f"/pipeline/candidates/{candidate.id}"):
        assert client.get(url).status_code == 403, url
    assert _move(client, one, "decision").status_code == 403
    assert client.post(f"/pipeline/applications/{one.id}/assign", data={}).status_code == 403


def test_interviewer_opens_only_assigned_applications(client, login_as):
    me = login_as(Role.INTERVIEWER)
    mine = factories.assignment(interviewer=me, kind=InterviewKind.SKILLS)
    mine.application.job.requirements[0].questions = "Tell us about a hard call."
    factories.core_value(name="Be humble")
    other = factories.assignment()
    db.session.commit()
    html = client.get(f"/pipeline/applications/{mine.application_id}").get_data(as_text=True)
    assert mine.application.candidate.name in html and "Tell us about a hard call." in html
    assert "Be humble" in html
    assert client.get(f"/pipeline/applications/{other.application_id}").status_code == 403
    assert client.get("/").get_data(as_text=True).count(f"/pipeline/applications/{mine.application_id}") == 1


def test_new_hire_cannot_open_an_application(client, login_as):
    login_as(Role.NEW_HIRE)
    assert client.get(f"/pipeline/applications/{factories.assignment().application_id}").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/pipeline/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_forms_need_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.user(Role.RECRUITER, email="csrf@example.test")
        job = factories.job()
        db.session.commit()
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post("/login", data={"email": "csrf@example.test", "password": factories.PASSWORD,
                                    "csrf_token": token})
        response = client.post("/pipeline/candidates/new", data={"name": "A", "email": "a@example.org",
                                                                 "job_id": str(job.id)})
        assert response.status_code == 400
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0


def test_voluntary_self_identification_by_the_candidate(client, login_as, auth):
    from hiring.models import SelfIdentification

    me = login_as(Role.RECRUITER)
    candidate = factories.candidate(name="Sam Self")
    factories.application(candidate_=candidate)
    db.session.commit()
    page = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "not answered" in page and "Not sent yet." in page
    assert "/self-identification/" not in page  # staff never see the link: it is e-mailed to the candidate
    sent = client.post(f"/pipeline/candidates/{candidate.id}/self-identification")
    assert sent.status_code == 303
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "self_identification_request"))
    assert (message.recipient, message.candidate_id) == (candidate.email, candidate.id)
    assert "Sam Self" in message.text_body
    page = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "E-mailed to the candidate on" in page and "/self-identification/" not in page
    events = db.session.scalars(sa.select(AuditEvent.details).where(
        AuditEvent.action == "self_identification_requested", AuditEvent.entity_id == candidate.id)).all()
    assert events == [{}]  # that it was sent, by whom; never the address or the link
    path = re.search(r"http://localhost(/pipeline/self-identification/\S+)", message.text_body).group(1)
    auth.logout()
    assert "Voluntary questions" in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"gender": "woman", "age_band": "25-39"}).status_code == 200
    row = db.session.scalar(sa.select(SelfIdentification))
    assert (row.gender, row.age_band, row.declined) == ("woman", "25-39", False)
    assert client.get("/pipeline/self-identification/forged").status_code == 404
    auth.login(me.email)
    page = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "answered" in page and "woman" not in page.lower()  # the status only, never the answers
    assert "E-mail the form" not in page  # answered: nothing more to send
    refused = client.post(f"/pipeline/candidates/{candidate.id}/self-identification", follow_redirects=True)
    assert "answered already" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_only_recruiting_roles_send_the_self_identification_form(client, login_as, auth):
    candidate = factories.candidate(name="Sam Asked")
    factories.application(candidate_=candidate)
    db.session.commit()
    login_as(Role.INTERVIEWER)
    assert client.post(f"/pipeline/candidates/{candidate.id}/self-identification").status_code == 403
    auth.logout()
    login_as(Role.HR)
    assert client.post("/pipeline/candidates/999999/self-identification").status_code == 404
    assert client.post(f"/pipeline/candidates/{candidate.id}/self-identification").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_self_identification_link_works_once(client):
    """Whoever else holds the link (it passes through staff) cannot replace what the candidate answered."""
    from hiring.models import AuditEvent, SelfIdentification
    from hiring.pipeline.selfid import make_token

    candidate = factories.candidate(name="Sam Once")
    db.session.commit()
    path = f"/pipeline/self-identification/{make_token(candidate.id)}"
    assert client.post(path, data={"gender": "<script>"}).status_code == 400  # a wrong answer spends nothing
    assert client.post(path, data={"decline": "y"}).status_code == 200
    second = client.post(path, data={"gender": "man", "age_band": "55 and over"})
    assert second.status_code == 409 and "works once" in second.get_data(as_text=True)
    assert client.get(path).status_code == 200  # the candidate following the link again is told, kindly
    db.session.expire_all()
    row = db.session.scalar(sa.select(SelfIdentification))
    assert row.declined and row.gender is None and row.age_band is None
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "self_identification_given")).all()
    assert [(e.entity_type, e.entity_id, e.actor_id, e.details) for e in events] == [
        ("candidate", candidate.id, None, {})]  # that an answer was given, never what it was


def test_self_identification_link_of_an_anonymised_candidate_is_dead(client):
    from hiring.models import utcnow
    from hiring.pipeline.selfid import make_token

    candidate = factories.candidate(name="Gone Soon")
    candidate.anonymised_at = utcnow()
    db.session.commit()
    assert client.get(f"/pipeline/self-identification/{make_token(candidate.id)}").status_code == 404


def test_interviewers_never_see_self_identification(client, login_as):
    from hiring.models import SelfIdentification

    me = login_as(Role.INTERVIEWER)
    assignment = factories.assignment(interviewer=me)
    db.session.add(SelfIdentification(candidate_id=assignment.application.candidate_id, gender="non-binary"))
    db.session.commit()
    html = client.get(f"/pipeline/applications/{assignment.application_id}").get_data(as_text=True)
    assert "non-binary" not in html and "self-identification" not in html.lower()
