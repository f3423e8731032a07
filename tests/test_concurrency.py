"""No lost data: real threads racing through the real views, on SQLite and on PostgreSQL.

Each race starts its requests together behind a barrier. Whoever wins, the database ends in one consistent
state, the loser gets a clear 409 (never a 500), and nothing is written twice.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import (
    Application,
    AuditEvent,
    InterviewKind,
    Rating,
    Role,
    Scorecard,
    ScorecardStatus,
    Stage,
    StageChange,
)
from hiring.scoring.service import score_application
from tests import factories


def race(app, users_and_posts) -> list[tuple[int, str]]:
    """Each client signs in, then all send their (url, data) at the same moment; (status, body) in order.

    Everything runs in the worker threads: requests sent from the test's own thread would share its app
    context (its `g`, so its signed-in user, and its database session).
    """
    plan = [(user.email, url, data) for user, url, data in users_and_posts]
    db.session.commit()  # the test's session holds no transaction, hence no lock, while the race runs
    barrier = threading.Barrier(len(users_and_posts))
    results: list[tuple[int, str] | None] = [None] * len(users_and_posts)
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            email, url, data = plan[i]
            client = app.test_client()
            signed_in = client.post("/login", data={"email": email, "password": factories.PASSWORD})
            assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/", "sign-in failed"
            barrier.wait(timeout=30)
            response = client.post(url, data=data)
            results[i] = (response.status_code, response.get_data(as_text=True))
        except BaseException as error:  # noqa: BLE001  (reported in the main thread below)
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(users_and_posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(r is not None for r in results), "a request did not finish"
    db.session.expire_all()
    return results


@pytest.fixture
def setting(app):
    values = [factories.core_value(name="Be humble"), factories.core_value(name="Deliver WOW")]
    job = factories.job(title="Loyalty team", requirements_threshold=50, values_threshold=50)
    application = factories.application(job, stage=Stage.INTERVIEWING)
    db.session.commit()
    return {"values": values, "job": job, "application": application}


def _answers(values, score: str) -> dict:
    data = {"key_takeaways": "Warm.", "recommendation": "yes", "submit": "Submit scorecard"}
    for value in values:
        data[f"rating_v{value.id}"] = score
        data[f"evidence_v{value.id}"] = f"Rated {score} for a reason."
    return data


def _move(application_id: int, expected: str, to: str, reason: str) -> dict:
    """The move form of one application on the candidate page (its fields carry the application's prefix)."""
    p = f"a{application_id}-"
    return {p + "expected_stage": expected, p + "to_stage": to, p + "reason": reason}


def _count(statement) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))


def test_two_interviewers_submitting_at_once_are_both_counted(app, setting):
    first, second = factories.user(Role.INTERVIEWER), factories.user(Role.INTERVIEWER)
    a = factories.assignment(setting["application"], first, InterviewKind.VALUES)
    b = factories.assignment(setting["application"], second, InterviewKind.VALUES)
    db.session.commit()

    results = race(app, [(first, f"/interviews/{a.id}/scorecard", _answers(setting["values"], "5")),
                         (second, f"/interviews/{b.id}/scorecard", _answers(setting["values"], "3"))])

    assert [status for status, _ in results] == [302, 302]
    assert _count(sa.select(Scorecard).where(Scorecard.status == ScorecardStatus.SUBMITTED)) == 2
    assert _count(sa.select(Rating)) == 4
    # The stored scores were recomputed with both scorecards, whichever committed last: mean 4 -> 75.
    stored = db.session.get(Application, setting["application"].id)
    assert stored.values_fit == pytest.approx(75.0)
    values_fit, gate_result = stored.values_fit, stored.gate_result
    score_application(db.session, stored.id)
    assert (stored.values_fit, stored.gate_result) == (values_fit, gate_result)
    db.session.rollback()


@pytest.mark.parametrize("with_draft", [True, False], ids=["draft-saved-first", "no-draft-yet"])
def test_the_same_scorecard_submitted_twice_at_once_is_saved_once(app, setting, with_draft):
    me = factories.user(Role.INTERVIEWER)
    a = factories.assignment(setting["application"], me, InterviewKind.VALUES)
    db.session.commit()
    data = _answers(setting["values"], "4")
    if with_draft:
        client = app.test_client()
        client.post("/login", data={"email": me.email, "password": factories.PASSWORD})
        assert client.post(f"/interviews/{a.id}/scorecard",
                           data={"key_takeaways": "draft", "save_draft": "1"}).status_code == 302
        data["version"] = str(db.session.scalar(sa.select(Scorecard.version)))

    # Two tabs of the same interviewer press "Submit" together.
    results = race(app, [(me, f"/interviews/{a.id}/scorecard", data), (me, f"/interviews/{a.id}/scorecard", data)])

    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 409], statuses
    loser = next(body for status, body in results if status == 409)
    assert "already submitted" in loser or "saved elsewhere" in loser
    assert _count(sa.select(Scorecard)) == 1
    assert _count(sa.select(Rating)) == len(setting["values"])
    assert _count(sa.select(AuditEvent).where(AuditEvent.action == "scorecard_submitted")) == 1
    assert db.session.get(Application, setting["application"].id).values_fit == pytest.approx(75.0)


def test_two_recruiters_moving_the_same_application_at_once(app):
    application = factories.application(stage=Stage.SCREENING)
    ann, bob = factories.user(Role.RECRUITER), factories.user(Role.RECRUITER)
    db.session.commit()
    url = f"/pipeline/applications/{application.id}/move"
    coded = {f"a{application.id}-rejection_reason_id": str(factories.rejection_reason("work_permit").id)}
    db.session.commit()

    results = race(app, [
        (ann, url, _move(application.id, "screening", "interviewing", "Strong screen")),
        (bob, url, _move(application.id, "screening", "rejected", "No work permit") | coded),
    ])

    statuses = [status for status, _ in results]
    assert sorted(statuses) == [302, 409], statuses
    winner = ["interviewing", "rejected"][statuses.index(302)]
    loser_body = results[statuses.index(409)][1]
    assert "by someone else in the meantime" in loser_body
    changes = db.session.scalars(sa.select(StageChange).where(StageChange.application_id == application.id)).all()
    assert [(c.from_stage, c.to_stage) for c in changes] == [(Stage.SCREENING, Stage(winner))]
    assert db.session.get(Application, application.id).stage is Stage(winner)
    assert _count(sa.select(AuditEvent).where(AuditEvent.action == "stage_changed")) == 1


def test_many_moves_of_many_applications_at_once_lose_nothing(app):
    """Eight recruiters each move their own application while the others do: every move lands once."""
    applications = [factories.application(stage=Stage.APPLIED) for _ in range(8)]
    recruiters = [factories.user(Role.RECRUITER) for _ in applications]
    db.session.commit()

    results = race(app, [(r, f"/pipeline/applications/{a.id}/move", _move(a.id, "applied", "screening", "CV fits"))
                         for r, a in zip(recruiters, applications)])

    assert [status for status, _ in results] == [302] * 8
    assert _count(sa.select(StageChange).where(StageChange.to_stage == Stage.SCREENING)) == 8
    ids = [a.id for a in applications]
    assert set(db.session.scalars(sa.select(Application.stage).where(Application.id.in_(ids)))) == {Stage.SCREENING}
