"""Snapshots of expensive aggregates: served while their data is unchanged, recomputed as soon as it changes."""
from __future__ import annotations

import pickle

import pytest
import sqlalchemy as sa

from hiring import snapshots
from hiring.tasks import runner
from hiring.extensions import db
from hiring.models import DataVersion, Role, Snapshot, utcnow
from hiring.scoring import calibration_service
from hiring.scoring import service as scoring_service
from tests import factories


def _versions() -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(DataVersion.topic, DataVersion.version)).all())


def _get(client, url: str) -> str:
    """A page; then the test's session, which the test client's requests share, ends its read transaction,
    as every real request's session does, so that it sees the snapshot just stored and may write again."""
    html = client.get(url).get_data(as_text=True)
    db.session.commit()
    return html


@pytest.fixture
def computations(monkeypatch):
    """Counts how often the calibration is really computed."""
    calls = []
    real = calibration_service.calibration_data

    def counting(session):
        calls.append(1)
        return real(session)

    monkeypatch.setattr(calibration_service, "calibration_data", counting)
    return calls


def test_a_commit_raises_the_versions_of_what_it_wrote(app):
    before = _versions()
    factories.application()
    db.session.commit()
    after = _versions()
    assert after.get("applications", 0) == before.get("applications", 0) + 1
    assert after.get("scorecards", 0) == before.get("scorecards", 0)


def test_a_rollback_raises_nothing(app):
    before = _versions()
    factories.application()
    db.session.flush()
    db.session.rollback()
    factories.user(Role.HR)  # a later commit in the same session carries nothing of the rolled-back work
    db.session.commit()
    after = _versions()
    assert after.get("applications", 0) == before.get("applications", 0)
    assert after.get("people", 0) == before.get("people", 0) + 1


def test_a_savepoint_rolled_back_forgets_nothing_written_before_it(app):
    before = _versions()
    factories.application()
    db.session.flush()
    try:
        with db.session.begin_nested():  # as hiring/postgres.py's retry after a race
            factories.user(Role.HR)
            raise RuntimeError
    except RuntimeError:
        pass
    db.session.commit()
    assert _versions()["applications"] == before.get("applications", 0) + 1


def test_signing_in_does_not_count_as_a_change_of_people_but_a_new_name_does(app, client, login_as):
    user = login_as(Role.HR)
    before = _versions()
    login_as(Role.RECRUITER)  # a new user: counts
    assert _versions()["people"] == before["people"] + 1
    before = _versions()
    db.session.refresh(user)
    user.last_login_at = utcnow()
    db.session.commit()
    assert _versions()["people"] == before["people"]
    user.name = "Another Name"
    db.session.commit()
    assert _versions()["people"] == before["people"] + 1


def test_bulk_statements_through_the_session_count_too(app):
    value = factories.core_value()
    factories.submitted_scorecard(factories.assignment(factories.application()), {value: 4})
    db.session.commit()
    before = _versions()
    assert scoring_service.recompute_all(db.session).applications == 1  # one bulk UPDATE of the scored applications
    db.session.commit()
    assert _versions()["applications"] == before["applications"] + 1


def test_the_calibration_page_is_computed_once_per_change(client, login_as, computations):
    login_as(Role.HR)
    value = factories.core_value(name="Be humble")
    kind = factories.user(Role.INTERVIEWER, name="Kind Kees")
    strict = factories.user(Role.INTERVIEWER, name="Strict Stien")
    factories.lenient_and_strict(value, kind, strict)
    db.session.commit()

    first = _get(client, "/scoring/calibration")
    second = _get(client, "/scoring/calibration")
    assert len(computations) == 1 and first == second and "Kind Kees" in first

    # A new scorecard changes the figures: the next visit computes them again and shows the new state.
    newcomer = factories.user(Role.INTERVIEWER, name="Nina Newcomer")
    factories.lenient_and_strict(value, newcomer, strict, n=1)
    db.session.commit()
    third = _get(client, "/scoring/calibration")
    assert len(computations) == 2 and "Nina Newcomer" in third

    # Renaming an interviewer changes what the page shows, so it counts as a change too.
    kind.name = "Kees Renamed"
    db.session.commit()
    assert "Kees Renamed" in _get(client, "/scoring/calibration")
    assert len(computations) == 3


def test_a_snapshot_that_fails_its_signature_is_recomputed_never_unpickled(client, login_as, computations):
    login_as(Role.HR)
    _get(client, "/scoring/calibration")
    assert len(computations) == 1
    # Someone with write access to the database plants a pickle: it must not be loaded.
    forged = pickle.dumps({"people": [], "names": {}, "items": [], "item_names": {}})
    db.session.execute(sa.update(Snapshot).where(Snapshot.name == "calibration:v2").values(payload=b"x" * 32 + forged))
    db.session.commit()
    assert "Interviewer calibration" in _get(client, "/scoring/calibration")
    assert len(computations) == 2


def test_hr_home_shows_older_alerts_with_their_time_while_newer_ones_are_computed(make_app, computations):
    app = make_app(SNAPSHOT_BACKGROUND_REFRESH=True)
    client = app.test_client()
    with app.app_context():
        hr = factories.user(Role.HR)
        value = factories.core_value(name="Be humble")
        kind = factories.user(Role.INTERVIEWER, name="Kind Kees")
        strict = factories.user(Role.INTERVIEWER, name="Strict Stien")
        agreeing = factories.user(Role.INTERVIEWER, name="Agreeing Aad")
        db.session.commit()
        email, ids = hr.email, (value.id, kind.id, strict.id, agreeing.id)
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302

    html = client.get("/").get_data(as_text=True)
    assert "No alerts" in html and "As of" not in html  # nothing stored yet: computed on the spot

    with app.app_context():
        from hiring.models import CoreValue, User
        factories.lenient_and_strict(db.session.get(CoreValue, ids[0]), db.session.get(User, ids[1]),
                                     db.session.get(User, ids[2]), agreeing=db.session.get(User, ids[3]))
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "No alerts" in html and "As of" in html and "newer figures are being computed" in html
    assert runner.wait_idle(60)
    html = client.get("/").get_data(as_text=True)
    assert "Kind Kees rates +3.0 points away" in html and "As of" not in html
    assert len(computations) == 2


def test_a_stale_dashboard_asks_the_task_runner_once_per_snapshot(make_app, monkeypatch):
    """Refreshes are tasks a worker anywhere can run: named by their maker and JSON parameters, one pending
    per snapshot however many visits find it stale."""
    from hiring.models import Task

    handed = []
    monkeypatch.setattr(runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append(task_id))
    app = make_app(SNAPSHOT_BACKGROUND_REFRESH=True)
    client = app.test_client()
    with app.app_context():
        email = factories.user(Role.HR).email
        db.session.commit()
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
    client.get("/")  # nothing stored yet: computed on the spot, nothing asked
    assert handed == []
    with app.app_context():
        factories.application()  # a new job and application: both snapshots are stale now
        db.session.commit()
    for _ in range(2):
        assert "newer figures are being computed" in client.get("/").get_data(as_text=True)
    with app.app_context():
        refreshes = sorted(db.session.scalars(sa.select(Task)), key=lambda t: t.params["name"])
        assert [(t.kind, t.params, t.state, t.user_id) for t in refreshes] == [
            ("snapshot.refresh", {"name": "calibration"}, "queued", None),
            ("snapshot.refresh", {"name": "fairness", "job_id": None}, "queued", None)]
        assert sorted(handed) == sorted(t.id for t in refreshes)  # the second visit asked for nothing more
        for task in refreshes:
            runner.perform(task.id, app)  # as a worker in another process would
        db.session.commit()
        assert {t.state for t in db.session.scalars(sa.select(Task))} == {"done"}
    assert "newer figures are being computed" not in client.get("/").get_data(as_text=True)


def test_a_worker_finds_a_snapshot_by_its_makers_name_and_parameters(app):
    from hiring import tasks
    from hiring.models import Task

    job = factories.job()
    factories.application(job)
    db.session.commit()
    job_id = job.id
    for params in ({"name": "fairness", "job_id": job_id}, {"name": "no-such-maker"}):
        task_id = tasks.record(db.session, snapshots.REFRESH, params)[0].id
        db.session.commit()
        runner.perform(task_id, app)
        db.session.commit()
        task = db.session.get(Task, task_id)
        assert (task.state, task.error) == (("done", None) if params["name"] == "fairness" else ("failed", "unknown"))
    stored = db.session.get(Snapshot, f"fairness:v2:{job_id}")
    assert stored.versions == snapshots.versions(db.session, ("applications",))
    assert snapshots.fairness(job_id).computed_at == stored.computed_at  # served from what the worker stored
    assert set(snapshots.MAKERS) == {"calibration", "fairness", "offer_statistics", "retention_chart"}


def test_unknown_topics_are_a_programming_error(app):
    with pytest.raises(ValueError, match="unknown topics"):
        snapshots.cached("x", ("nonsense",), lambda session: 1)


def test_offer_statistics_follow_decisions_and_deadlines_that_pass(client, login_as):
    from datetime import date, timedelta

    from hiring.models import OfferDecision, QuitOffer

    login_as(Role.HR)
    hire = factories.hire(start=date.today() - timedelta(days=60))
    offer = QuitOffer(hire=hire, amount_minor=400_000, currency="USD", offered_at=utcnow() - timedelta(days=3),
                      deadline=utcnow() + timedelta(days=4))
    db.session.add(offer)
    db.session.commit()
    html = _get(client, "/analytics/offer")
    assert "<dt>Waiting for a decision</dt><dd>1</dd>" in html
    assert _get(client, "/analytics/offer") == html  # served from the snapshot

    # Time passes: the deadline goes by without a commit, and the offer now counts as expired.
    offer.deadline = utcnow() - timedelta(minutes=1)
    db.session.execute(sa.update(QuitOffer).where(QuitOffer.id == offer.id).values(deadline=offer.deadline))
    db.session.execute(sa.update(DataVersion).where(DataVersion.topic == "hires")
                       .values(version=DataVersion.version - 1))  # as if no commit had raised it
    db.session.commit()
    expired = _get(client, "/analytics/offer")
    assert "<dt>Waiting for a decision</dt><dd>0</dd>" in expired

    # A decision recorded is a change of the hires' data: the figures follow at once.
    from hiring.models import EndReason

    offer.decision, offer.decided_at = OfferDecision.TAKEN, utcnow()
    hire.end_date, hire.end_reason = date.today(), EndReason.OFFER_ACCEPTED
    db.session.commit()
    taken = _get(client, "/analytics/offer")
    assert "Take rate 100.0%" in taken and taken != expired


def test_retention_charts_are_drawn_once_per_language(client, login_as, monkeypatch):
    from hiring.analytics import charts

    drawn = []
    real = charts.survival_svg

    def counting(*args, **kwargs):
        drawn.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "survival_svg", counting)
    user = login_as(Role.HR)
    first = client.get("/analytics/offer/all.svg").data
    db.session.commit()
    assert client.get("/analytics/offer/all.svg").data == first and len(drawn) == 1
    db.session.commit()
    user.locale = "nl"
    db.session.commit()
    dutch = client.get("/analytics/offer/all.svg").data
    assert len(drawn) == 2 and dutch != first and drawn[0] != drawn[1]
