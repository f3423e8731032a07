"""Snapshots of expensive aggregates: served while their data is unchanged, recomputed as soon as it changes."""
from __future__ import annotations

import pickle
import threading

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
        calls.append(threading.get_ident())  # the test client's requests run in this thread, the runner's not
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


def _sign_in(app, role=Role.HR):
    client = app.test_client()
    with app.app_context():
        email = factories.user(role).email
        db.session.commit()
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
    return client


def _sign_in_hr(app):
    return _sign_in(app)


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
    assert runner.wait_idle(60)  # the sign-in wrote: its refresh finds nothing stored, and computes nothing

    html = client.get("/").get_data(as_text=True)
    # Nothing stored yet: never computed in the request; the runner computes it, the page says so.
    assert "being computed for the first time" in html and "No alerts" not in html
    assert threading.get_ident() not in computations
    assert runner.wait_idle(60)
    html = client.get("/").get_data(as_text=True)
    assert "No alerts" in html and "As of" not in html and len(computations) == 1

    with app.app_context():
        from hiring.models import CoreValue, User
        factories.lenient_and_strict(db.session.get(CoreValue, ids[0]), db.session.get(User, ids[1]),
                                     db.session.get(User, ids[2]), agreeing=db.session.get(User, ids[3]))
        db.session.commit()  # outside a request: no refresh asked; the next visit finds the figures stale
    html = client.get("/").get_data(as_text=True)
    assert "No alerts" in html and "As of" in html and "newer figures are being computed" in html
    assert computations.count(threading.get_ident()) == 0  # still not computed in the request
    assert runner.wait_idle(60)
    html = client.get("/").get_data(as_text=True)
    assert "Kind Kees rates +3.0 points away" in html and "As of" not in html
    assert len(computations) == 2


def test_pages_with_heavy_figures_show_their_age_and_never_compute_in_the_request(make_app, computations,
                                                                                  monkeypatch):
    """Calibration, fairness and The Offer's statistics: the first visit gets a page that reloads itself,
    later visits the stored figures with their time, marked as being updated after a write."""
    handed: list[str] = []
    monkeypatch.setattr(runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append(task_id))
    app = make_app(SNAPSHOT_BACKGROUND_REFRESH=True)

    def the_worker_runs() -> None:  # as a worker in another process would, when it comes to them
        while handed:
            runner.perform(handed.pop(0), app)

    client = _sign_in_hr(app)
    pages = {"/scoring/calibration": "Interviewer calibration", "/reports/fairness": "Hiring funnel and fairness",
             "/analytics/offer": "The Offer and retention", "/offer/values-false-positives": "Values false positives"}
    for url, title in pages.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and title in html
        assert "being computed for the first time" in html and 'http-equiv="refresh"' in html, url
        assert response.headers["Retry-After"] == "5" and response.headers["Cache-Control"] == "no-store"
    assert client.get("/reports/fairness.csv").headers["Retry-After"] == "5"  # no CSV of figures not yet there
    assert client.get("/analytics/offer/band.svg").status_code == 503
    assert computations == []
    the_worker_runs()
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "Figures as of" in html and "up to date" in html and "being computed" not in html, url
    assert client.get("/analytics/offer/band.svg").status_code == 200
    assert len(computations) == 1 and threading.get_ident() in computations  # this thread was the worker

    with app.app_context():
        job_id = factories.application().job_id  # new data, written outside a request: nobody asked yet
        db.session.commit()
    html = client.get("/reports/fairness").get_data(as_text=True)
    assert "The data has changed since: newer figures are being computed" in html
    the_worker_runs()
    assert "up to date" in client.get("/reports/fairness").get_data(as_text=True)
    assert "being computed for the first time" in client.get(f"/reports/fairness?job={job_id}").get_data(
        as_text=True)


def test_a_write_request_asks_once_for_every_stored_snapshot_on_its_data_to_be_refreshed(make_app, monkeypatch):
    """After a request that changed data, one refresh for the whole company (however many requests wrote),
    which recomputes every stored snapshot resting on what changed and leaves the others alone."""
    from hiring.models import Task

    handed = []
    monkeypatch.setattr(runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append(kind))
    app = make_app(SNAPSHOT_BACKGROUND_REFRESH=True)
    recruiter = _sign_in(app, Role.RECRUITER)  # a new user: "people" changes (calibration shows names)
    with app.app_context():
        job = factories.job()
        db.session.commit()
        job_id = job.id
        for maker_name, params in (("fairness", {"job_id": None}), ("fairness", {"job_id": job_id}),
                                   ("calibration", {})):
            snapshots.snapshot(maker_name, wait=True, **params)
        stored = dict(db.session.execute(sa.select(Snapshot.name, Snapshot.computed_at)).all())
        assert db.session.get(Snapshot, "calibration:v2").maker == "calibration"
        assert db.session.get(Snapshot, f"fairness:v2:{job_id}").params == {"job_id": job_id}
        db.session.execute(sa.delete(Task))
        db.session.commit()
    handed.clear()
    for n in range(2):  # two write requests
        response = recruiter.post("/pipeline/candidates/new", data={
            "name": f"Candidate {n}", "email": f"c{n}@example.org", "job_id": str(job_id)})
        assert response.status_code == 302
    assert handed.count(snapshots.REFRESH_STALE) == 1
    with app.app_context():
        refreshes = db.session.scalars(sa.select(Task).where(Task.kind == snapshots.REFRESH_STALE)).all()
        assert [(t.params, t.state) for t in refreshes] == [({}, "queued")]  # two writes, one refresh pending
        runner.perform(refreshes[0].id, app)  # as a worker in another process would
        db.session.commit()
        after = dict(db.session.execute(sa.select(Snapshot.name, Snapshot.computed_at)).all())
    assert after[f"fairness:v2:{job_id}"] > stored[f"fairness:v2:{job_id}"]
    assert after["fairness:v2:all"] > stored["fairness:v2:all"]
    assert after["calibration:v2"] == stored["calibration:v2"]  # rests on scorecards, which did not change


def test_a_stale_page_asks_the_task_runner_once_per_snapshot(make_app, monkeypatch):
    """Refreshes are tasks a worker anywhere can run: named by their maker and JSON parameters, one pending
    per snapshot however many visits find it stale."""
    from hiring.models import Task

    handed = []
    monkeypatch.setattr(runner, "dispatch", lambda app, task_id, kind, delay=0.0: handed.append(task_id))
    app = make_app(SNAPSHOT_BACKGROUND_REFRESH=True)
    client = _sign_in_hr(app)
    with app.app_context():
        db.session.execute(sa.delete(Task))  # the sign-in's own refresh
        db.session.commit()
    handed.clear()
    for _ in range(2):
        assert "being computed for the first time" in client.get("/").get_data(as_text=True)
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
    html = client.get("/").get_data(as_text=True)
    assert "being computed" not in html and "No alerts" in html


def test_documents_and_workers_compute_on_the_spot(make_app, computations):
    """A PDF is a document of record: made from figures up to this moment, even where pages show older ones;
    and a task's handler, which has a request context of its own, computes rather than asks."""
    from hiring import tasks
    from hiring.scoring.calibration_service import calibration

    app = make_app(SNAPSHOT_BACKGROUND_REFRESH=True)
    with app.test_request_context("/"):
        assert not calibration().ready
        assert runner.wait_idle(60) and len(computations) == 1  # what it asked for, in the runner's thread
        token = runner._running.set("a-task")
        try:
            factories.application()
            db.session.commit()
            assert tasks.in_task() and calibration().fresh and computations[-1] == threading.get_ident()
        finally:
            runner._running.reset(token)
        factories.application()
        db.session.commit()
        assert calibration(wait=True).fresh and computations[-1] == threading.get_ident()


def test_a_worker_finds_a_snapshot_by_its_makers_name_and_parameters(app):
    from hiring import tasks
    from hiring.analytics import figures
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
    assert figures.fairness(job_id).computed_at == stored.computed_at  # served from what the worker stored
    assert set(snapshots.MAKERS) == {"calibration", "fairness", "offer_statistics", "retention_chart",
                                     "similarity", "values_false_positives", "prediction", "prediction_chart"}


def test_every_model_an_aggregate_reads_names_its_topic():
    from hiring.models import Application, Hire, Rating, User

    topics = snapshots.model_topics()
    assert (topics[Application], topics[Rating], topics[Hire], topics[User]) == (
        "applications", "scorecards", "hires", "people")
    assert set(topics.values()) == set(snapshots.TOPICS)


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
    user.locale = "en"
    db.session.commit()
    assert client.get("/analytics/offer/all.svg").data == first and len(drawn) == 2  # each language kept


def test_refresh_figures_computes_the_dashboards_figures_and_brings_stored_ones_up_to_date(app, runner):
    """For changes made outside the web app (an import, a command): one command, computed here and now."""
    job = factories.job()
    factories.application(job)
    db.session.commit()
    result = runner.invoke(args=["refresh-figures"])
    assert result.exit_code == 0, result.output
    assert "18 stored figures are up to date" in result.output
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Snapshot.name))) == {
        "calibration:v2", "fairness:v2:all", "offer-statistics", "similarity:v1", "values-false-positives:v1",
        "prediction:v1",
        *(f"retention-chart:{which}:{locale}" for which in ("all", "band", "cohort") for locale in ("en", "nl")),
        *(f"prediction-chart:{outcome}:{locale}" for outcome in ("week5", "stayed", "stayed_no_offer")
          for locale in ("en", "nl"))}
    snapshots.snapshot("fairness", wait=True, job_id=job.id)
    factories.application(job)  # every snapshot on applications is stale now; calibration is not
    db.session.commit()
    before = dict(db.session.execute(sa.select(Snapshot.name, Snapshot.computed_at)).all())
    assert "19 stored figures are up to date" in runner.invoke(args=["refresh-figures"]).output
    db.session.expire_all()
    after = dict(db.session.execute(sa.select(Snapshot.name, Snapshot.computed_at)).all())
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"fairness:v2:all", f"fairness:v2:{job.id}", "offer-statistics", "prediction:v1",
                       *(name for name in after if name.startswith(("retention-chart:", "prediction-chart:")))}


def test_a_snapshot_no_maker_makes_any_more_is_deleted_by_the_next_refresh(app):
    """A format retired (the maker now names its row differently), a maker renamed, parameters it no longer
    takes: read by nobody, such rows would stay for ever."""
    snapshots.snapshot("fairness", wait=True, job_id=None)
    current = db.session.get(Snapshot, "fairness:v2:all")
    for name, maker, params in (("fairness:v1:all", "fairness", {"job_id": None}), ("old", "no-such-maker", {}),
                                ("odd", "fairness", {"colour": "red"})):
        db.session.add(Snapshot(name=name, versions="", computed_at=current.computed_at, seconds=0.0,
                                payload=current.payload, maker=maker, params=params))
    db.session.commit()
    snapshots.refresh_stale()
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Snapshot.name))) == {"fairness:v2:all"}
