"""Jobs: create and edit an opening with its requirements and two thresholds, and see the job's pipeline."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.forms.jobs import MAX_REQUIREMENTS
from hiring.models import AuditEvent, GateResult, Job, JobStatus, Rating, Requirement, Role, Stage
from hiring.scoring.service import score_application
from tests import factories


def _form(**extra) -> dict:
    """A valid POST for a new job with two requirements; a value of None leaves that key out."""
    data = {"title": "Loyalty team", "description": "Phones", "requirements_threshold": "60",
            "values_threshold": "70", "hiring_manager_id": "0", "status": "open", "save": "Save the job",
            "requirements-0-name": "Phone manner", "requirements-0-weight": "3", "requirements-0-must_have": "y",
            "requirements-0-questions": "Q1\n\nQ2", "requirements-1-name": "Typing", "requirements-1-weight": "1"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _edit_form(job: Job, **extra) -> dict:
    """A POST that keeps the job's requirements as they are, by id."""
    rows = {}
    for i, r in enumerate(job.requirements):
        rows |= {f"requirements-{i}-id": str(r.id), f"requirements-{i}-name": r.name,
                 f"requirements-{i}-weight": str(r.weight), f"requirements-{i}-must_have": "y" if r.must_have else None}
    base = _form(**{k: None for k in _form() if k.startswith("requirements-")})
    return {k: v for k, v in {**base, "title": job.title, **rows, **extra}.items() if v is not None}


def _count(model=Job) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _error(html: str, field_id: str) -> str | None:
    """The error message linked to a field, if any."""
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


# --- creating -------------------------------------------------------------------------------------------------

def test_new_form_offers_one_row_and_staff_as_hiring_managers(client, login_as):
    login_as(Role.RECRUITER)
    interviewer = factories.user(Role.INTERVIEWER, name="Ivy Interviewer")
    factories.user(Role.NEW_HIRE, name="Nina Newbie")
    factories.user(Role.HR, name="Gone Gert", active=False)
    db.session.commit()
    html = client.get("/jobs/new").get_data(as_text=True)
    assert 'name="requirements-0-name"' in html and 'name="requirements-1-name"' not in html
    assert "<legend>Requirement 1</legend>" in html and "requirements-0-csrf_token" not in html
    assert f'<option value="{interviewer.id}">Ivy Interviewer</option>' in html
    assert "Nina Newbie" not in html and "Gone Gert" not in html


def test_create_a_job_with_two_requirements(client, login_as):
    me = login_as(Role.RECRUITER)
    manager = factories.user(Role.INTERVIEWER)
    db.session.commit()
    response = client.post("/jobs/new", data=_form(hiring_manager_id=str(manager.id), **{
        "requirements-0-anchor_1": "Hangs up", "requirements-0-anchor_5": "  Delights  "}))
    job = db.session.scalar(sa.select(Job))
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}"
    assert (job.title, job.requirements_threshold, job.values_threshold, job.hiring_manager_id, job.status) == (
        "Loyalty team", 60, 70, manager.id, JobStatus.OPEN)
    assert [(r.name, r.weight, r.must_have, r.position) for r in job.requirements] == [
        ("Phone manner", 3, True, 0), ("Typing", 1, False, 1)]
    assert job.requirements[0].anchors() == [(1, "Hangs up"), (2, None), (3, None), (4, None), (5, "Delights")]
    assert job.requirements[0].question_list() == ["Q1", "Q2"]
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.entity_type, event.entity_id, event.actor_id) == ("job_created", "job", job.id, me.id)
    assert event.details["requirements"] == ["Phone manner", "Typing"]
    assert "Saved: Loyalty team." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_add_a_requirement_adds_a_row_saves_nothing_and_keeps_everything(client, login_as):
    login_as(Role.RECRUITER)
    response = client.post("/jobs/new", data=_form(save=None, add_requirement="Add a requirement",
                                                   title="Kept <title>", values_threshold="abc"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="requirements-2-name"' in html and "<legend>Requirement 3</legend>" in html
    assert "Kept &lt;title&gt;" in html and 'value="Typing"' in html and 'value="abc"' in html
    assert "Q1\n\nQ2" in html and _error(html, "values_threshold") is None  # not validated: nothing was saved
    assert _count() == 0 and _count(AuditEvent) == 0


# --- refused input --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["requirements_threshold", "values_threshold"])
@pytest.mark.parametrize("value", ["101", "-1", "abc", ""])
def test_threshold_out_of_range_is_refused_next_to_the_field(client, login_as, field, value):
    login_as(Role.RECRUITER)
    response = client.post("/jobs/new", data=_form(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error(html, field) == "Give a threshold between 0 and 100."  # once, even for "abc"
    assert re.search(rf'<input [^>]*id="{field}" [^>]*value="{value}"', html)  # as typed
    assert 'value="Phone manner"' in html and 'value="Typing"' in html
    assert _count() == 0 and _count(AuditEvent) == 0


@pytest.mark.parametrize("value", ["0", "101", "abc"])
def test_weight_out_of_range_is_refused_on_its_row(client, login_as, value):
    login_as(Role.RECRUITER)
    html = client.post("/jobs/new", data=_form(**{"requirements-1-weight": value})).get_data(as_text=True)
    assert _error(html, "requirements-1-weight") == "Give a weight between 1 and 100."
    assert _count() == 0


def test_a_title_and_a_known_status_are_required(client, login_as):
    login_as(Role.RECRUITER)
    response = client.post("/jobs/new", data=_form(title="   ", status="paused"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and _error(html, "title") == "Give the job a title."
    assert _error(html, "status") == "Choose open or closed."
    assert _count() == 0


def test_add_a_requirement_stops_at_the_limit(client, login_as):
    login_as(Role.RECRUITER)
    rows = {f"requirements-{i}-name": f"R{i}" for i in range(MAX_REQUIREMENTS)}
    response = client.post("/jobs/new", data=_form(save=None, add_requirement="Add a requirement", **rows))
    html = response.get_data(as_text=True)
    assert f"A job can have at most {MAX_REQUIREMENTS} requirements." in html
    assert f'name="requirements-{MAX_REQUIREMENTS - 1}-name"' in html
    assert f'name="requirements-{MAX_REQUIREMENTS}-name"' not in html


def test_duplicate_requirement_names_are_refused(client, login_as):
    login_as(Role.RECRUITER)
    response = client.post("/jobs/new", data=_form(**{"requirements-1-name": " phone MANNER"}))
    assert response.status_code == 409
    assert _error(response.get_data(as_text=True), "requirements-1-name") == "Two requirements are called phone MANNER."
    assert _count() == 0 and _count(Requirement) == 0


def test_blank_rows_are_ignored_but_a_job_needs_a_requirement(client, login_as):
    login_as(Role.RECRUITER)
    blank = {"requirements-0-name": "", "requirements-0-weight": "1", "requirements-0-questions": "",
             "requirements-0-must_have": None, "requirements-1-name": "", "requirements-1-weight": ""}
    none = client.post("/jobs/new", data=_form(**blank))
    assert none.status_code == 400
    assert _error(none.get_data(as_text=True), "requirements-0-name") == "A job needs at least one requirement."
    assert _count() == 0
    nameless = client.post("/jobs/new", data=_form(**{"requirements-1-name": "", "requirements-1-weight": "5"}))
    assert _error(nameless.get_data(as_text=True), "requirements-1-name") == "Give the requirement a name."
    ok = client.post("/jobs/new", data=_form(**{"requirements-1-name": "", "requirements-2-name": ""}))
    assert ok.status_code == 302
    assert [r.name for r in db.session.scalar(sa.select(Job)).requirements] == ["Phone manner"]


@pytest.mark.parametrize("who", ["new_hire", "inactive", "unknown", "abc"])
def test_hiring_manager_must_be_active_staff(client, login_as, who):
    login_as(Role.RECRUITER)
    people = {"new_hire": lambda: factories.user(Role.NEW_HIRE).id,
              "inactive": lambda: factories.user(Role.INTERVIEWER, active=False).id,
              "unknown": lambda: 99999, "abc": lambda: "abc"}
    chosen = people[who]()
    db.session.commit()
    response = client.post("/jobs/new", data=_form(hiring_manager_id=str(chosen)))
    assert response.status_code == 400
    assert _error(response.get_data(as_text=True), "hiring_manager_id") == "Choose the hiring manager from the list."
    assert _count() == 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HR, Role.RECRUITER, Role.INTERVIEWER])
def test_any_active_staff_member_can_be_hiring_manager(client, login_as, role):
    login_as(Role.HR)
    manager = factories.user(role)
    db.session.commit()
    assert client.post("/jobs/new", data=_form(hiring_manager_id=str(manager.id))).status_code == 302
    assert db.session.scalar(sa.select(Job.hiring_manager_id)) == manager.id


# --- editing --------------------------------------------------------------------------------------------------

def test_edit_updates_requirements_in_place(client, login_as):
    me = login_as(Role.HR)
    job = factories.job(title="Loyalty team")
    first, second = job.requirements
    db.session.commit()
    page = client.get(f"/jobs/{job.id}/edit").get_data(as_text=True)
    assert f'name="requirements-0-id" type="hidden" value="{first.id}"' in page and 'value="Loyalty team"' in page
    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, status="closed", values_threshold="75", **{
        "requirements-0-name": "Renamed", "requirements-1-weight": "9", "requirements-2-name": "New one"}))
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Requirement).order_by(Requirement.position)).all()
    assert [(r.id, r.name, r.weight) for r in rows[:2]] == [(first.id, "Renamed", 1), (second.id, second.name, 9)]
    assert rows[2].name == "New one" and rows[2].id not in (first.id, second.id)
    assert (job.status, job.values_threshold) == (JobStatus.CLOSED, 75)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "job_updated"))
    assert (event.entity_id, event.actor_id) == (job.id, me.id)
    assert event.details["changes"] == {"values_threshold": [60, 75], "status": ["open", "closed"]}
    assert event.details["added"] == ["New one"] and sorted(event.details["edited"]) == ["Renamed", second.name]


def test_two_requirements_can_swap_names(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    first, second = job.requirements
    db.session.commit()
    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, **{
        "requirements-0-name": second.name, "requirements-1-name": first.name}))
    assert response.status_code == 302
    db.session.expire_all()
    assert (first.name, second.name) == ("Requirement 2", "Requirement 1")


def test_add_a_requirement_on_edit_keeps_ids_and_saves_nothing(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job(title="Same")
    db.session.commit()
    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, title="Changed", save=None,
                                                                   add_requirement="Add a requirement"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="requirements-2-name"' in html and 'value="Changed"' in html
    assert f'value="{job.requirements[1].id}"' in html
    db.session.expire_all()
    assert job.title == "Same" and _count(AuditEvent) == 0


def test_an_unrated_requirement_can_be_removed(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    first, second = job.requirements
    db.session.commit()
    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, **{"requirements-0-remove": "y",
                                                                          "requirements-2-name": first.name}))
    assert response.status_code == 302
    db.session.expire_all()
    assert [(r.id, r.name, r.position) for r in job.requirements][0] == (second.id, second.name, 0)
    assert job.requirements[1].name == first.name and job.requirements[1].id != first.id
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.details["removed"] == [first.name]


def test_a_rated_requirement_cannot_be_removed(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job(title="Before")
    first, second = job.requirements
    card = factories.scorecard(factories.assignment(factories.application(job)))
    db.session.add(Rating(scorecard=card, requirement_id=second.id, score=3, evidence="x"))
    db.session.commit()
    page = client.get(f"/jobs/{job.id}/edit").get_data(as_text=True)
    assert 'name="requirements-0-remove"' in page and 'name="requirements-1-remove"' not in page
    assert "Rated on scorecards: it stays on the job." in page
    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, title="After", **{
        "requirements-0-name": "Renamed too", "requirements-1-remove": "y"}))
    assert response.status_code == 409
    assert _error(response.get_data(as_text=True), "requirements-1-name") == (
        "Requirement 2 has ratings on scorecards, so it cannot be removed from the job.")
    db.session.expire_all()
    assert (job.title, [r.name for r in job.requirements]) == ("Before", ["Requirement 1", "Requirement 2"])
    assert _count(AuditEvent) == 0


def test_all_requirements_removed_is_refused(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    db.session.commit()
    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, **{"requirements-0-remove": "y",
                                                                          "requirements-1-remove": "y"}))
    assert response.status_code == 400 and "A job needs at least one requirement." in response.get_data(as_text=True)
    assert _count(Requirement) == 2


def test_a_stale_or_crafted_form_changes_nothing(client, login_as):
    login_as(Role.RECRUITER)
    job, other = factories.job(title="Mine"), factories.job(title="Other")
    db.session.commit()
    form = _edit_form(job, title="Changed")
    missing = {k: v for k, v in form.items() if not k.startswith("requirements-1-")}
    response = client.post(f"/jobs/{job.id}/edit", data=missing)
    assert response.status_code == 409
    assert "changed since this form was opened" in response.get_data(as_text=True)
    foreign = client.post(f"/jobs/{job.id}/edit", data={**form, "requirements-1-id": str(other.requirements[0].id)})
    assert foreign.status_code == 409 and _error(foreign.get_data(as_text=True), "requirements-1-name")
    db.session.expire_all()
    assert job.title == "Mine" and _count(Requirement) == 4 and _count(AuditEvent) == 0


def test_an_inactive_hiring_manager_stays_through_an_edit(client, login_as):
    login_as(Role.RECRUITER)
    manager = factories.user(Role.INTERVIEWER, name="Retired Rita", active=False)
    job = factories.job(hiring_manager_id=manager.id)
    db.session.commit()
    assert f'<option selected value="{manager.id}">Retired Rita</option>' in client.get(
        f"/jobs/{job.id}/edit").get_data(as_text=True)
    response = client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, hiring_manager_id=str(manager.id)))
    assert response.status_code == 302


def test_changing_thresholds_rescores_the_applications(client, login_as):
    login_as(Role.RECRUITER)
    value = factories.core_value()
    job = factories.job(requirements=1, requirements_threshold=50, values_threshold=50)
    application = factories.application(job, stage=Stage.INTERVIEWING)
    factories.submitted_scorecard(factories.assignment(application), {value: 4, job.requirements[0]: 4})
    score_application(db.session, application.id)
    db.session.commit()
    assert application.gate_result is GateResult.PASSES
    assert client.post(f"/jobs/{job.id}/edit", data=_edit_form(job, values_threshold="90")).status_code == 302
    db.session.expire_all()
    assert application.gate_result is GateResult.FAILS


# --- the pages ------------------------------------------------------------------------------------------------

def _row_counts(html: str, title: str) -> list[str]:
    row = re.search(rf">{title}</a></th>(.*?)</tr>", html, re.S).group(1)
    return re.findall(r'<td [^>]*class="num">(\d+)</td>', row)  # cells carry their column's data-label


def test_index_counts_per_stage_and_filters_by_status(client, login_as):
    login_as(Role.RECRUITER)
    assert "No jobs yet: create the first opening." in client.get("/jobs/").get_data(as_text=True)
    open_job = factories.job(title="Open one")
    factories.job(title="Closed one", status=JobStatus.CLOSED)
    factories.job(title="A closed one", status=JobStatus.CLOSED)
    for stage in (Stage.APPLIED, Stage.APPLIED, Stage.DECISION, Stage.HIRED, Stage.REJECTED):
        factories.application(open_job, stage=stage)
    db.session.commit()
    html = client.get("/jobs/").get_data(as_text=True)
    assert html.index("Open one") < html.index("A closed one") < html.index("Closed one")  # open first
    assert _row_counts(html, "Open one") == ["2", "0", "0", "1", "1"]  # applied..decision, then hired
    opened = client.get("/jobs/?status=open").get_data(as_text=True)
    assert "Open one" in opened and "Closed one" not in opened
    closed = client.get("/jobs/?status=closed").get_data(as_text=True)
    assert "Closed one" in closed and "Open one" not in closed
    assert "Closed one" in client.get("/jobs/?status=bogus").get_data(as_text=True)


def test_index_pages_and_runs_a_fixed_number_of_queries(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    manager = factories.user(Role.HR)

    def add_jobs(n):
        for _ in range(n):
            job = factories.job(hiring_manager_id=manager.id)
            factories.application(job)
            factories.application(job, stage=Stage.SCREENING)
        db.session.commit()
        db.session.expire_all()

    add_jobs(3)
    with count_queries() as few:
        assert client.get("/jobs/").status_code == 200
    add_jobs(27)
    with count_queries() as many:
        html = client.get("/jobs/").get_data(as_text=True)
    assert many.count == few.count
    assert html.count('<tr><th scope="row">') == 25 and 'rel="next"' in html
    assert client.get("/jobs/?page=2").get_data(as_text=True).count('<tr><th scope="row">') == 5
    assert "Nothing on this page." in client.get("/jobs/?page=9").get_data(as_text=True)


def test_job_page_shows_the_pipeline(client, login_as):
    login_as(Role.HR)
    manager = factories.user(Role.INTERVIEWER, name="Hank Manager")
    job = factories.job(title="Ranked", hiring_manager_id=manager.id, requirements_threshold=55)
    specs = [("Low values", GateResult.PASSES, 65, Stage.INTERVIEWING), ("High values", GateResult.PASSES, 90,
             Stage.DECISION), ("Fails", GateResult.FAILS, 95, Stage.INTERVIEWING), ("Unscored", None, None,
             Stage.APPLIED)]
    ids = {}
    for name, gate, fit, stage in specs:
        a = factories.application(job, factories.candidate(name=name), stage=stage)
        a.gate_result, a.values_fit, ids[name] = gate, fit, a.candidate_id
    db.session.commit()
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Hank Manager" in html and "55" in html and "Requirement 1" in html
    for label, n in [("All", 4), ("Applied", 1), ("Screening", 0), ("Interviewing", 2), ("Decision", 1),
                     ("Hired", 0), ("Rejected", 0), ("Withdrawn", 0)]:
        assert f"{label} ({n})" in html, label
    order = [html.index(n) for n in ("High values", "Low values", "Fails", "Unscored")]
    assert order == sorted(order)
    assert f'href="/pipeline/candidates/{ids["Unscored"]}">Unscored</a>' in html
    filtered = client.get(f"/jobs/{job.id}?stage=interviewing").get_data(as_text=True)
    assert "Low values" in filtered and "Fails" in filtered and "Unscored" not in filtered
    assert "No applications in this stage." in client.get(f"/jobs/{job.id}?stage=hired").get_data(as_text=True)


def test_job_page_ranks_passing_then_incomplete_then_failing_then_unscored(client, login_as):
    """The ranking is read from an index in descending order of the gate (see hiring.jobs.service.RANKING)."""
    login_as(Role.RECRUITER)
    job = factories.job()
    specs = [("Unscored", None, None, None), ("Fails high", GateResult.FAILS, 99, 99),
             ("Incomplete", GateResult.INCOMPLETE, 50, None), ("Passes low", GateResult.PASSES, 61, 70),
             ("Passes high", GateResult.PASSES, 95, 60), ("Passes high, less req", GateResult.PASSES, 95, 40),
             ("Fails low", GateResult.FAILS, 10, 20)]
    for name, gate, values_fit, requirements_fit in specs:
        a = factories.application(job, factories.candidate(name=name))
        a.gate_result, a.values_fit, a.requirements_fit = gate, values_fit, requirements_fit
    db.session.commit()
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    names = ["Passes high", "Passes high, less req", "Passes low", "Incomplete", "Fails high", "Fails low",
             "Unscored"]
    order = [html.index(f">{n}</a>") for n in names]
    assert order == sorted(order)


def test_job_page_pages_and_runs_a_fixed_number_of_queries(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    job = factories.job()

    def add_applications(n):
        for i in range(n):
            factories.application(job, stage=list(Stage)[i % 7])
        db.session.commit()
        db.session.expire_all()

    add_applications(5)
    with count_queries() as few:
        assert client.get(f"/jobs/{job.id}").status_code == 200
    add_applications(55)
    with count_queries() as many:
        html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert many.count == few.count
    assert len(re.findall(r'href="/pipeline/candidates/\d+"', html)) == 50 and "All (60)" in html
    assert len(re.findall(r'href="/pipeline/candidates/\d+"', client.get(f"/jobs/{job.id}?page=2").get_data(
        as_text=True))) == 10


# --- who may --------------------------------------------------------------------------------------------------

def test_unknown_job_is_404(client, login_as):
    login_as(Role.RECRUITER)
    assert client.get("/jobs/999").status_code == 404
    assert client.get("/jobs/999/edit").status_code == 404
    assert client.post("/jobs/999/edit", data=_form()).status_code == 404


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.NEW_HIRE])
def test_jobs_are_for_recruiting_roles(client, login_as, role):
    login_as(role)
    job = factories.job()
    db.session.commit()
    for url in ("/jobs/", f"/jobs/{job.id}", "/jobs/new", f"/jobs/{job.id}/edit"):
        assert client.get(url).status_code == 403, url
    for url in ("/jobs/new", f"/jobs/{job.id}/edit"):
        assert client.post(url, data=_form()).status_code == 403, url
    assert _count() == 1 and _count(AuditEvent) == 0


def test_anonymous_goes_to_sign_in(client):
    job = factories.job()
    db.session.commit()
    for url in ("/jobs/", f"/jobs/{job.id}", "/jobs/new", f"/jobs/{job.id}/edit"):
        assert "/login" in client.get(url).headers["Location"], url
    assert "/login" in client.post("/jobs/new", data=_form()).headers["Location"]
    assert _count() == 1


def test_the_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.user(Role.RECRUITER, email="jobs-csrf@example.test")
        db.session.commit()
    # Requests run outside that context: a shared one would keep `g`, and the CSRF token in it, across requests.
    client = app.test_client()

    def token(url):
        return re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"',
                         client.get(url).get_data(as_text=True)).group(1)

    client.post("/login", data={"email": "jobs-csrf@example.test", "password": factories.PASSWORD,
                                "csrf_token": token("/login")})
    assert client.post("/jobs/new", data=_form()).status_code == 400
    assert client.post("/jobs/new", data=_form(csrf_token=token("/jobs/new"))).status_code == 302
    with app.app_context():
        assert _count() == 1
