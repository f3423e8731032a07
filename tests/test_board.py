"""A job's board (issue 22, item 2): a column per open stage, best first, a card's next step by button (the
keyboard and no-JavaScript way; dragging sends the same form), in a fixed number of statements."""
from __future__ import annotations

import re

from hiring.extensions import db
from hiring.jobs import board as job_board
from hiring.models import Application, GateResult, Role, Stage
from tests import factories


def _column(html: str, stage: str) -> str:
    return re.search(rf'<section class="board-column"[^>]*data-stage="{stage}">(.*?)</section>', html, re.S).group(1)


def _move(client, job, application, to, expected=None):
    return client.post(f"/jobs/{job.id}/board/move", data={
        "application_id": application.id, "to_stage": to, "expected_stage": expected or application.stage.value})


def test_the_board_shows_each_open_stage_best_first_in_a_fixed_number_of_statements(client, login_as, count_queries,
                                                                                   monkeypatch):
    login_as(Role.RECRUITER)
    job = factories.job(title="Loyalty")
    strong = factories.application(job, factories.candidate(name="Strong Sam"), stage=Stage.SCREENING)
    strong.values_fit, strong.requirements_fit, strong.gate_result = 80, 75, GateResult.PASSES
    weak = factories.application(job, factories.candidate(name="Weak Wim"), stage=Stage.SCREENING)
    weak.values_fit, weak.requirements_fit, weak.gate_result = 40, 50, GateResult.FAILS
    deciding = factories.application(job, factories.candidate(name="Dana Decision"), stage=Stage.DECISION)
    deciding.gate_result = GateResult.PASSES
    factories.application(job, factories.candidate(name="Rita Rejected"), stage=Stage.REJECTED)
    factories.application(job, stage=Stage.APPLIED)
    db.session.commit()
    client.get(f"/jobs/{job.id}/board")
    with count_queries() as few:
        html = client.get(f"/jobs/{job.id}/board").get_data(as_text=True)
    screening = _column(html, "screening")
    assert screening.index("Strong Sam") < screening.index("Weak Wim")
    assert "Screening <span class=\"count\">(2)</span>" in screening
    assert "Requirements 75 of 60 needed" in screening and "values 80 of 60 needed" in screening
    assert screening.count("Move to Interviewing") == 2
    assert "Nobody in this stage." in _column(html, "interviewing")
    decision = _column(html, "decision")
    assert "Hire or reject on the candidate’s page" in decision and "Move to Hired" not in decision
    assert "Rita Rejected" not in html  # closed stages are not columns
    for i in range(6):
        factories.application(job, stage=Stage.APPLIED)
    db.session.commit()
    monkeypatch.setattr(job_board, "CARDS_PER_COLUMN", 4)
    client.get(f"/jobs/{job.id}/board")
    with count_queries() as more:
        html = client.get(f"/jobs/{job.id}/board").get_data(as_text=True)
    assert more.count == few.count, (few.statements, more.statements)
    applied = _column(html, "applied")
    assert applied.count('class="card board-card"') == 4
    assert f'href="/jobs/{job.id}?stage=applied#pipeline">3 more in the list' in applied  # 7 in Applied


def test_a_card_moves_to_its_next_stage_and_a_refused_move_changes_nothing(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    application = factories.application(job, factories.candidate(name="Ada Applied"))
    deciding = factories.application(job, stage=Stage.DECISION)
    deciding.gate_result = GateResult.PASSES
    db.session.commit()
    response = _move(client, job, application, "screening")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#card-{application.id}")
    assert "Ada Applied moved to Screening." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Application, application.id).stage is Stage.SCREENING
    # Stale: the card said Applied, but it is in Screening now.
    stale = _move(client, job, application, "screening", expected="applied")
    assert "Ada Applied did not move:" in client.get(stale.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Application, application.id).stage is Stage.SCREENING
    # Hiring needs a start date: the board refuses, the candidate page asks.
    refused = _move(client, job, deciding, "hired")
    assert "did not move: Give the start date of the new hire." in client.get(
        refused.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Application, deciding.id).stage is Stage.DECISION


def test_the_board_refuses_wrong_ids_and_roles(client, login_as):
    job, other = factories.job(), factories.job()
    application = factories.application(other)
    db.session.commit()
    login_as(Role.INTERVIEWER)
    assert client.get(f"/jobs/{job.id}/board").status_code == 403
    assert _move(client, other, application, "screening").status_code == 403
    client.post("/logout")
    login_as(Role.RECRUITER)
    assert client.get("/jobs/999999/board").status_code == 404
    assert _move(client, job, application, "screening").status_code == 404  # not this job's application
    assert client.post(f"/jobs/{other.id}/board/move", data={"application_id": "x", "to_stage": "screening"}
                       ).status_code == 404
    assert client.post(f"/jobs/{other.id}/board/move", data={"application_id": application.id,
                                                              "to_stage": "nowhere"}).status_code == 400
    assert db.session.get(Application, application.id).stage is Stage.APPLIED
