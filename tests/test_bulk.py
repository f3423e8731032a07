"""Bulk move and reject from the candidate list (issue 22, item 2): the ticked applications move together through the
single move's rules, all of them or none, and the list comes back where it was."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import Application, AuditEvent, GateResult, OutboxMessage, Role, Stage, StageChange
from hiring.pipeline import bulk
from hiring.tasks import runner as task_runner
from tests import factories


@pytest.fixture(autouse=True)
def dispatched(monkeypatch):
    """Messages stay queued: nothing is handed to a thread that would outlive the test."""
    monkeypatch.setattr(task_runner, "dispatch", lambda app, task_id, kind, delay=0.0: None)


def _post(client, applications, query="", **data):
    form = {"application_id": [str(a.id) for a in applications],
            **{f"seen-{a.id}": a.stage.value for a in applications}}
    form.update(data)
    return client.post(f"/pipeline/applications/bulk{query}", data=form)


def _stages(applications) -> list[Stage]:
    db.session.expire_all()
    return [db.session.get(Application, a.id).stage for a in applications]


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _ticked(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'<input type="checkbox" id="pick-(\d+)"[^>]* checked', html)}


def test_a_bulk_move_moves_every_ticked_application_and_comes_back_to_the_same_list(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty")
    applied = [factories.application(job) for _ in range(5)]
    untouched = factories.application(job)
    db.session.commit()
    query = f"?job={job.id}&stage=applied&sort=name&page=1"
    response = _post(client, applied, query, to_stage="screening", move="y")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/pipeline/?job={job.id}&stage=applied&sort=name&page=1"
    assert _stages(applied) == [Stage.SCREENING] * 5 and _stages([untouched]) == [Stage.APPLIED]
    assert "Moved 5 applications to Screening." in client.get(response.headers["Location"]).get_data(as_text=True)
    # One audit event per application, from the single move, with ids and stages only.
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "stage_changed")).all()
    assert sorted(e.entity_id for e in events) == sorted(a.id for a in applied)
    assert all(set(e.details) == {"from_stage", "to_stage", "stage_change_id"} for e in events)


def test_a_bulk_reject_names_the_reason_and_emails_only_when_ticked(client, login_as):
    login_as(Role.RECRUITER)
    reason = factories.rejection_reason("bulk_exp", "Not enough experience")
    job = factories.job()
    emailed = [factories.application(job, stage=Stage.SCREENING) for _ in range(3)]
    silent = [factories.application(job) for _ in range(2)]
    db.session.commit()
    response = _post(client, emailed, reject="y", rejection_reason_id=str(reason.id), note="Batch of May",
                     notify="y")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rejected 3 applications (Not enough experience)." in html
    assert "3 rejection messages to the candidates are on their way." in html
    assert _stages(emailed) == [Stage.REJECTED] * 3
    assert {a.rejection_reason_id for a in db.session.scalars(sa.select(Application).where(
        Application.id.in_([a.id for a in emailed])))} == {reason.id}
    notes = db.session.scalars(sa.select(StageChange.reason).where(StageChange.to_stage == Stage.REJECTED)).all()
    assert notes == ["Batch of May"] * 3
    queued = db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == "rejection")).all()
    assert sorted(queued) == sorted(a.candidate.email for a in emailed)
    # Not ticked: rejected, no e-mail.
    response = _post(client, silent, reject="y", rejection_reason_id=str(reason.id))
    assert "Rejected 2 applications" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _stages(silent) == [Stage.REJECTED] * 2 and _count(OutboxMessage) == 3


def test_one_that_cannot_move_keeps_all_of_them_where_they_were(client, login_as):
    login_as(Role.RECRUITER)
    reason = factories.rejection_reason()
    job = factories.job()
    fine = [factories.application(job) for _ in range(2)]
    closed = factories.application(job, factories.candidate(name="Rita <b>Rejected</b>"), stage=Stage.REJECTED)
    screening = factories.application(job, factories.candidate(name="Sam Screening"), stage=Stage.SCREENING)
    db.session.commit()
    chosen = [*fine, closed, screening]
    response = _post(client, chosen, to_stage="screening", move="y")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "2 of the chosen applications cannot make this move, so none was moved." in html
    assert "<bdi>Rita &lt;b&gt;Rejected&lt;/b&gt;</bdi></a> (" in html and "<b>Rejected</b>" not in html
    assert "This application is closed (Rejected); it cannot move any more." in html
    assert "Sam Screening</bdi></a> (" in html and "An application cannot go from Screening to Screening." in html
    assert _stages(chosen) == [Stage.APPLIED, Stage.APPLIED, Stage.REJECTED, Stage.SCREENING]
    assert _count(AuditEvent) == 0 and _count(StageChange) == 0
    # What was chosen is kept: the ticked boxes and the stage.
    assert _ticked(html) == {a.id for a in chosen}
    assert re.search(r'<option selected value="screening">|<option value="screening" selected>', html)
    # A stale row (moved by someone else since the list was shown) is refused too, and nothing is e-mailed.
    response = _post(client, fine, reject="y", rejection_reason_id=str(reason.id), notify="y",
                     **{f"seen-{fine[0].id}": "screening"})
    assert response.status_code == 409 and "by someone else in the meantime" in response.get_data(as_text=True)
    assert _stages(fine) == [Stage.APPLIED] * 2 and _count(OutboxMessage) == 0


def test_nothing_ticked_or_too_many_or_unknown_is_refused_beside_the_checkboxes(client, login_as, monkeypatch):
    login_as(Role.RECRUITER)
    job = factories.job()
    applications = [factories.application(job) for _ in range(3)]
    db.session.commit()
    response = _post(client, [], to_stage="screening", move="y")
    assert response.status_code == 400
    assert re.search(r'<p class="error" id="application_id-error">Tick at least one application in the list.</p>',
                     response.get_data(as_text=True))
    monkeypatch.setattr(bulk, "MAX_SELECTED", 2)
    response = _post(client, applications, to_stage="screening", move="y")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose at most 2 applications at a time; you chose 3." in html and _ticked(html) == {
        a.id for a in applications}
    monkeypatch.undo()
    # An id that names nothing, or is not an id at all: 404, nothing saved.
    response = client.post("/pipeline/applications/bulk", data={
        "application_id": [str(applications[0].id), "999999"], "to_stage": "screening", "move": "y"})
    assert response.status_code == 404 and "no longer exist; nothing was changed" in response.get_data(as_text=True)
    response = client.post("/pipeline/applications/bulk", data={
        "application_id": [str(applications[0].id), "x"], "to_stage": "screening", "move": "y"})
    assert response.status_code == 404 and "do not exist; nothing was changed" in response.get_data(as_text=True)
    assert _stages(applications) == [Stage.APPLIED] * 3 and _count(StageChange) == 0


def test_the_cap_is_one_hundred(client, login_as):
    login_as(Role.RECRUITER)  # no applications at all: the message shows all the same
    ids = [str(i) for i in range(1, 102)]
    response = client.post("/pipeline/applications/bulk", data={"application_id": ids, "to_stage": "screening",
                                                               "move": "y"})
    assert response.status_code == 400
    assert "Choose at most 100 applications at a time; you chose 101." in response.get_data(as_text=True)


def test_select_all_on_this_page_works_without_javascript(client, login_as):
    login_as(Role.HR)
    job = factories.job()
    applications = [factories.application(job) for _ in range(3)]
    db.session.commit()
    response = client.post("/pipeline/applications/bulk", data={
        "all_on_page": "y", "on_page": [str(a.id) for a in applications], "to_stage": "screening", "move": "y"})
    assert response.status_code == 302 and _stages(applications) == [Stage.SCREENING] * 3


def test_hired_and_other_stages_are_not_bulk_moves_and_a_reject_needs_its_reason(client, login_as):
    login_as(Role.ADMIN)
    deciding = factories.application(stage=Stage.DECISION)
    deciding.gate_result = GateResult.PASSES
    db.session.commit()
    html = client.get("/pipeline/").get_data(as_text=True)
    stage_select = re.search(r'<select[^>]*id="to_stage"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'value="([^"]*)"', stage_select) == ["", "screening", "interviewing", "decision"]
    response = _post(client, [deciding], to_stage="hired", move="y")
    assert response.status_code == 400
    assert "Hired cannot be chosen for several applications at once" in response.get_data(as_text=True)
    for stage in ("withdrawn", "rejected", "", "nowhere"):
        response = _post(client, [deciding], to_stage=stage, move="y")
        assert response.status_code == 400 and "Choose a stage from the list." in response.get_data(as_text=True)
    response = _post(client, [deciding], reject="y", rejection_reason_id="0", note="Kept note")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose the reason for the rejection from the list." in html
    assert "Kept note" in html
    assert _stages([deciding]) == [Stage.DECISION] and _count(StageChange) == 0


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_recruiting_roles_may_move_in_bulk(client, login_as, role):
    login_as(role)
    application = factories.application()
    db.session.commit()
    assert _post(client, [application], to_stage="screening", move="y").status_code == 403
    assert _stages([application]) == [Stage.APPLIED]


def test_a_bulk_move_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.user(Role.RECRUITER, email="bulk-csrf@example.test")
        application_id = factories.application().id
        db.session.commit()
    # Requests outside the test's app context: inside it, they would share its `g`, where Flask-WTF keeps the
    # token of the first page, and the token after signing in would be the one from before.
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post("/login", data={"email": "bulk-csrf@example.test", "password": factories.PASSWORD,
                                "csrf_token": token})
    data = {"application_id": str(application_id), f"seen-{application_id}": "applied", "to_stage": "screening",
            "move": "y"}
    refused = client.post("/pipeline/applications/bulk", data=data)
    assert refused.status_code == 400 and "did not come from this site" in refused.get_data(as_text=True)
    page = client.get("/pipeline/").get_data(as_text=True)
    token = re.search(r'<form method="post" action="/pipeline/applications/bulk"[^>]*>\s*<input id="csrf_token" '
                      r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():
        assert db.session.get(Application, application_id).stage is Stage.APPLIED
    assert client.post("/pipeline/applications/bulk", data={**data, "csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).stage is Stage.SCREENING


def test_the_list_with_its_checkboxes_keeps_its_statement_count(client, login_as, count_queries):
    login_as(Role.RECRUITER)
    job = factories.job()
    for i in range(10):
        factories.application(job, factories.candidate(name=f"Person {i:03d}"))
    db.session.commit()
    client.get("/pipeline/")
    with count_queries() as few:
        html = client.get("/pipeline/").get_data(as_text=True)
    assert html.count('<td data-label="Select" class="pick">') == 10
    for i in range(10, 70):
        factories.application(job, factories.candidate(name=f"Person {i:03d}"))
    db.session.commit()
    client.get("/pipeline/")
    with count_queries() as many:
        html = client.get("/pipeline/").get_data(as_text=True)
    assert html.count('<td data-label="Select" class="pick">') == 50
    assert many.count == few.count, (few.statements, many.statements)
    # The list's own three (its page of rows, the count, the jobs to filter by; 3 before the checkboxes) and one for
    # the company's rejection reasons in the bulk form: nothing per row.
    assert few.count == 4, few.statements


def test_loading_the_chosen_applications_is_one_statement(app, count_queries):
    job = factories.job()
    ids = [factories.application(job).id for _ in range(20)]
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as loading:
        rows = bulk.load_selected(db.session, ids)
        names = [row.candidate.name for row in rows] + [row.job.title for row in rows]
    assert len(names) == 40 and loading.count == 1, loading.statements
